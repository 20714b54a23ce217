package org.robustmri.data;

import org.robustmri.kspace.Sampling;

/**
 * A sample for k-space models (E2E-VarNet): the masked multi-coil k-space and the sampling that masked it (its
 * {@link Sampling#weights()} are the mask the model sees, zero outside the acquisition window), and the target.
 *
 * @param maskedKspace interleaved (re, im) float32 in (coils, H, W) order, {@code k * mask + 0.0}
 */
public record KspaceSample(float[] maskedKspace, int coils, int height, int width, float[] target, int targetHeight,
                           int targetWidth, double maxValue, String fileName, int slice, Sampling sampling)
        implements Sample {
}
