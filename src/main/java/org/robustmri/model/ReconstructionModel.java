package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;

/**
 * An image-domain reconstruction network: zero-filled magnitude images (N, 1, H, W) in, reconstructions of
 * the same shape out. The trainer only sees this interface, so a new model never touches it.
 */
public interface ReconstructionModel {
    ModelSpec spec();

    Parameters parameters();

    Tensor forward(Tensor input);

    /** Training mode enables dropout where the model has any. */
    default void train(boolean on) {
    }
}
