package org.robustmri.train;

/**
 * One training batch of image-domain samples, all of one shape: inputs and targets (size, 1, height, width)
 * row-major, and each sample's SSIM data range (its target volume's max).
 */
public record Batch(float[] input, float[] target, float[] dataRange, int size, int height, int width, String volume) {
    public Batch {
        long n = (long) size * height * width;
        if (input.length != n || target.length != n || dataRange.length != size) {
            throw new IllegalArgumentException("batch arrays do not match " + size + "x" + height + "x" + width);
        }
    }
}
