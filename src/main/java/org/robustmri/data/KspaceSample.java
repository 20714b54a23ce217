package org.robustmri.data;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.tensor.Tensors;

/**
 * A sample for k-space models (E2E-VarNet): the masked multi-coil k-space, the mask that was applied, the target
 * and its volume max.
 *
 * @param maskedKspace interleaved (re, im) float32 in (coils, H, W) order, {@code k * mask + 0.0}
 * @param mask         the W column weights actually applied (zero outside the padding window)
 * @param target       the target slice cropped to (targetHeight, targetWidth); null only when allowed
 */
public record KspaceSample(float[] maskedKspace, int coils, int height, int width, float[] mask, int numLowFrequencies,
                           float[] target, int targetHeight, int targetWidth, double maxValue, String fileName,
                           int slice, ZeroFill.Sampling sampling) {

    /** The masked k-space as a complex64 (coils, H, W) tensor, made in the caller's scope. */
    public Tensor kspaceTensor() {
        return Tensors.complexFromInterleaved(maskedKspace, coils, height, width);
    }

    /** The mask as a float (1, 1, W) tensor, broadcastable over (coils, H, W). */
    public Tensor maskTensor() {
        return Tensors.fromFloats(mask, 1, 1, width);
    }

    public Tensor targetTensor() {
        if (target == null) throw new IllegalStateException(fileName + " slice " + slice + " has no target");
        return Tensors.fromFloats(target, 1, targetHeight, targetWidth);
    }
}
