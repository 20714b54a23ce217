package org.robustmri.data;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * The input of image-domain models, as the paper's {@code UnetDataTransform}: the k-space slice masked (no header
 * padding, no normalisation), {@code ifft2c}, centre crop to the target size, magnitude, root-sum-of-squares; and
 * the target slice. libtorch runs inside a scope on the prefetch thread; only float arrays leave it.
 */
public final class ZeroFilledImageTransform implements SampleTransform<ImageSample> {
    private final boolean requireTarget;

    /** {@code requireTarget = false} also reads files without a target (fastMRI test files): null targets. */
    public ZeroFilledImageTransform(boolean requireTarget) {
        Torch.init();
        this.requireTarget = requireTarget;
    }

    @Override
    public ImageSample apply(SliceContext c) {
        VolumeInfo v = c.volume();
        int h = v.cropHeight(), w = v.cropWidth();
        float[] input;
        try (PointerScope scope = new PointerScope()) {
            input = Tensors.toFloats(MultiCoilMri.of(c.sampling().withoutPadding()).zeroFilledRss(c.kspace(), h, w));
        }
        return new ImageSample(input, c.target(requireTarget), h, w, v.maxValue(), v.fileName(),
                c.slice(), c.sampling());
    }

    /** The zero-filled RSS image (h, w) of one slice under {@code physics}, as a tensor in the caller's scope. */
    public static Tensor zeroFilled(FastMriFile f, int slice, MultiCoilMri physics, int h, int w) {
        Tensor k = Tensors.complexFilledBy(buf -> f.readKspaceSlice(slice, buf), f.kspace().sliceShape());
        return physics.zeroFilledRss(k, h, w);
    }
}
