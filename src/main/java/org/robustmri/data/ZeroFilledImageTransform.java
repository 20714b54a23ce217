package org.robustmri.data;

import org.bytedeco.javacpp.PointerScope;
import org.robustmri.io.DataException;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * fastMRI's U-Net data transform per slice: the masked zero-filled RSS image cropped to the target size
 * ({@link ZeroFill#slice}) and the target slice. libtorch runs inside a scope on the prefetch thread; only the
 * float arrays leave it.
 */
public final class ZeroFilledImageTransform implements SampleTransform<ImageSample> {
    private final boolean requireTarget;

    /** Requires a target in every file. */
    public ZeroFilledImageTransform() {
        this(true);
    }

    private ZeroFilledImageTransform(boolean requireTarget) {
        Torch.init();
        this.requireTarget = requireTarget;
    }

    /** Also reads files without a target (e.g. fastMRI test files); their samples have a null target. */
    public static ZeroFilledImageTransform allowingMissingTargets() {
        return new ZeroFilledImageTransform(false);
    }

    @Override
    public ImageSample apply(SliceContext c) {
        VolumeInfo v = c.volume();
        int h = v.cropHeight(), w = v.cropWidth();
        float[] input;
        try (PointerScope scope = new PointerScope()) {
            input = Tensors.toFloats(ZeroFill.slice(c.file(), c.slice(), c.sampling(), h, w));
        }
        float[] target = Targets.read(c.file(), v, c.slice(), requireTarget);
        return new ImageSample(input, target, h, w, v.maxValue(), v.fileName(), c.slice(), c.sampling());
    }

    /** Target slices cropped to the sample size. */
    static final class Targets {
        private Targets() {
        }

        static float[] read(org.robustmri.io.FastMriFile f, VolumeInfo v, int slice, boolean required) {
            if (v.targetKey() == null) {
                if (required) throw new DataException(f.path(), "no target dataset ('reconstruction_rss' or 'reconstruction_esc')");
                return null;
            }
            int[] shape = f.shapeOf(v.targetKey());
            int th = shape[shape.length - 2], tw = shape[shape.length - 1];
            float[] t = f.readFloatSlice(v.targetKey(), slice);
            return centerCrop(t, th, tw, v.cropHeight(), v.cropWidth());
        }

        /** fastMRI's centre crop, offsets {@code (size - crop) // 2}; the same array when nothing is cropped. */
        static float[] centerCrop(float[] img, int height, int width, int h, int w) {
            if (h == height && w == width) return img;
            if (h > height || w > width) {
                throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + h + "x" + w);
            }
            int top = Math.floorDiv(height - h, 2), left = Math.floorDiv(width - w, 2);
            float[] out = new float[h * w];
            for (int y = 0; y < h; y++) System.arraycopy(img, (top + y) * width + left, out, y * w, w);
            return out;
        }
    }
}
