package org.robustmri.data;

import java.util.List;

/**
 * Turns one slice into a training or test sample. A {@link SliceDataset} calls it on its prefetch threads, so it
 * must be thread-safe and must return plain Java data: native tensors made on a prefetch thread belong to that
 * thread's scope. The model makes tensors from a batch of samples on the consuming thread.
 *
 * <p>Each model declares its transform: image-domain models {@link ZeroFilledImageTransform}, k-space models
 * {@link MaskedKspaceTransform}; a new model brings its own without touching the dataset.
 */
public interface SampleTransform<T> {
    T apply(SliceContext context);

    /**
     * The shape of the samples a volume gives; shape-bucketed batches hold samples with equal keys. By default
     * the image size (crop height, width).
     */
    default List<Integer> shapeKey(VolumeInfo volume) {
        return List.of(volume.cropHeight(), volume.cropWidth());
    }
}
