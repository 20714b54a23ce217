package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;

import java.util.List;

/**
 * A reconstruction network as the trainer and evaluator see it. A model owns what it consumes: its
 * {@link SampleTransform} turns a slice into a sample (zero-filled image, masked k-space, ...), {@link #collate}
 * turns a batch of those samples into input tensors, and {@link #forward} maps inputs on the model's device to
 * reconstructions (B, 1, h, w) at the samples' target size. Callers go through {@link Inference}, the one place
 * that moves inputs to the device; a new model never touches training or evaluation code.
 */
public interface ReconstructionModel {
    ModelSpec spec();

    Parameters parameters();

    /** The per-slice transform producing this model's samples ({@code requireTarget}: refuse files without a target). */
    SampleTransform<? extends Sample> transform(boolean requireTarget);

    /** A batch of samples made by {@link #transform} as CPU input tensors (samples of one shape). */
    ModelInput collate(List<? extends Sample> batch);

    /** Reconstructions (B, 1, h, w) of inputs already on the parameters' device. */
    Tensor forward(ModelInput input);

    /** Training mode enables dropout where the model has any. */
    default void train(boolean on) {
    }
}
