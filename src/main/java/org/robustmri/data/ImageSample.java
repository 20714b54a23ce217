package org.robustmri.data;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.tensor.Tensors;

import java.util.List;

/**
 * A sample for image-domain models (U-Net, ViT): the zero-filled input image and the target, both (h, w) float
 * row-major, the target volume's max (the SSIM data range), and where the sample came from.
 *
 * @param target    the target slice, centre-cropped to (h, w); null only when the transform allows files without one
 * @param maxValue  max of the whole target volume (NaN without a target)
 * @param sampling  the mask used (columns, padding window, description)
 */
public record ImageSample(float[] input, float[] target, int height, int width, double maxValue, String fileName,
                          int slice, ZeroFill.Sampling sampling) {

    /** The input as a (1, h, w) float tensor, made in the caller's scope. */
    public Tensor inputTensor() {
        return Tensors.fromFloats(input, 1, height, width);
    }

    /** The target as a (1, h, w) float tensor, made in the caller's scope. */
    public Tensor targetTensor() {
        if (target == null) throw new IllegalStateException(fileName + " slice " + slice + " has no target");
        return Tensors.fromFloats(target, 1, height, width);
    }

    /** Inputs of a batch as (B, 1, h, w); all samples must have the same shape. */
    public static Tensor stackInputs(List<ImageSample> batch) {
        return stack(batch, true);
    }

    /** Targets of a batch as (B, 1, h, w). */
    public static Tensor stackTargets(List<ImageSample> batch) {
        return stack(batch, false);
    }

    private static Tensor stack(List<ImageSample> batch, boolean inputs) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        int h = batch.get(0).height(), w = batch.get(0).width();
        float[] all = new float[batch.size() * h * w];
        for (int i = 0; i < batch.size(); i++) {
            ImageSample s = batch.get(i);
            if (s.height() != h || s.width() != w) {
                throw new IllegalArgumentException("batch mixes shapes " + h + "x" + w + " and " + s.height() + "x"
                        + s.width() + " (" + s.fileName() + "); use same-volume or shape-bucketed batches");
            }
            float[] src = inputs ? s.input() : s.target();
            if (src == null) throw new IllegalStateException(s.fileName() + " slice " + s.slice() + " has no target");
            System.arraycopy(src, 0, all, i * h * w, h * w);
        }
        return Tensors.fromFloats(all, batch.size(), 1, h, w);
    }
}
