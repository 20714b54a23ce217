package org.robustmri.data;

import org.robustmri.kspace.Sampling;

/**
 * What every sample has, whatever its model consumes: the target slice (centre-cropped to the reconstruction
 * size, row-major), its volume's data range, where it came from and how it was undersampled. Each model's
 * {@link SampleTransform} adds its own input (a zero-filled image, masked k-space, ...).
 */
public interface Sample {
    /** The target slice (targetHeight x targetWidth); null only when the transform allows files without one. */
    float[] target();

    int targetHeight();

    int targetWidth();

    /** The SSIM data range: max of the whole target volume (NaN without a target). */
    double maxValue();

    String fileName();

    int slice();

    Sampling sampling();
}
