package org.robustmri.data;

import java.util.List;

/**
 * Turns one slice into a training or test sample. A {@link SliceDataset} calls it on its prefetch threads, so it
 * must be thread-safe and must return plain Java data: native tensors made on a prefetch thread belong to that
 * thread's scope. Make tensors from the sample on the consuming thread (e.g. {@link ImageSample#inputTensor()}).
 *
 * <p>Image-domain models use {@link ZeroFilledImageTransform}; k-space models {@link MaskedKspaceTransform}; a new
 * model brings its own transform without touching the dataset.
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
