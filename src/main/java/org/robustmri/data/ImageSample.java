package org.robustmri.data;

import org.robustmri.kspace.Sampling;

/**
 * A sample for image-domain models (U-Net, ViT): the zero-filled input image and the target, both (h, w) float
 * row-major.
 */
public record ImageSample(float[] input, float[] target, int height, int width, double maxValue, String fileName,
                          int slice, Sampling sampling) implements Sample {
    @Override
    public int targetHeight() {
        return height;
    }

    @Override
    public int targetWidth() {
        return width;
    }
}
