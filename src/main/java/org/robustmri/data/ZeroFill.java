package org.robustmri.data;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.mask.Mask1D;
import org.robustmri.mask.MaskFunction;
import org.robustmri.eval.FileEvaluation;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The zero-filled reconstruction of fastMRI's U-Net data transform, per slice: mask the k-space with the
 * test-time mask seeded from the file name (and the header's padding), inverse FFT, crop, magnitude, RSS.
 */
public final class ZeroFill {
    private ZeroFill() {
    }

    /** How one file is undersampled: mask columns and the padding window [left, right). */
    public record Sampling(float[] columns, int padLeft, int padRight, String description, int numLowFrequencies) {
        public static Sampling full(int width) {
            return new Sampling(null, 0, width, "fully-sampled", width);
        }
    }

    /**
     * The sampling of a file: its own {@code mask} dataset when it is an already-undersampled test file, the
     * file-name-seeded mask of {@code maskFunction} otherwise, or none when {@code maskFunction} is null.
     */
    public static Sampling samplingFor(FastMriFile f, MaskFunction maskFunction) {
        int width = f.kspace().width();
        var stored = f.mask();
        if (stored.isPresent()) {
            float[] m = stored.get();
            if (m.length != width) {
                throw new DataException(f.path(), "'mask' has " + m.length + " columns, k-space has " + width);
            }
            Object nlf = f.attributes().get("num_low_frequency");
            return new Sampling(m, 0, width, "file-mask", nlf instanceof Number n ? n.intValue() : -1);
        }
        if (maskFunction == null) return Sampling.full(width);
        Mask1D mask = maskFunction.maskForFile(width, f.fileName());
        int left = 0, right = width;
        var header = f.header();
        if (header.isPresent() && header.get().hasEncodingLimits()) {
            IsmrmrdHeader h = header.get();
            left = h.paddingLeft();
            right = h.paddingRight();
        }
        return new Sampling(mask.toFloats(), left, right, maskFunction.spec().toString(), mask.numLowFrequencies());
    }

    /**
     * fastMRI's crop size: the target's shape when the file has one, else the header's recon size; when the
     * k-space is narrower than the crop, a square of the k-space width (fastMRI's FLAIR-203 rule).
     */
    public static int[] cropSize(FastMriFile f) {
        int h, w;
        if (f.has(FastMriFile.TARGET_RSS) || f.has(FastMriFile.TARGET_ESC)) {
            int[] s = f.shapeOf(FileEvaluation.targetKey(f));
            h = s[s.length - 2];
            w = s[s.length - 1];
        } else {
            IsmrmrdHeader hd = f.header().orElseThrow(() -> new DataException(f.path(),
                    "neither a target nor an ismrmrd_header to take the crop size from"));
            h = hd.reconX();
            w = hd.reconY();
        }
        int width = f.kspace().width();
        if (width < w) {
            h = width;
            w = width;
        }
        if (h > f.kspace().height() || w > width || h <= 0 || w <= 0) {
            throw new DataException(f.path(), "crop size " + h + "x" + w + " does not fit k-space "
                    + f.kspace().height() + "x" + width);
        }
        return new int[]{h, w};
    }

    /** The zero-filled RSS image (h, w) of one slice as a float tensor. */
    public static Tensor slice(FastMriFile f, int slice, Sampling sampling, int h, int w) {
        FastMriFile.KspaceGeometry g = f.kspace();
        Tensor k = Tensors.complexFilledBy(buf -> f.readKspaceSlice(slice, buf), g.sliceShape());
        return Transforms.maskedZeroFilledRss(k, sampling.columns(), sampling.padLeft(), sampling.padRight(), h, w);
    }

    /** A reconstructed volume (slices, h, w) with how it was made. */
    public record Volume(String name, float[] data, int slices, int height, int width, Sampling sampling) {
    }

    public static Volume volume(FastMriFile f, MaskFunction maskFunction, IntConsumer onSlice) {
        Sampling sampling = samplingFor(f, maskFunction);
        int[] crop = cropSize(f);
        int slices = f.kspace().slices();
        int plane = crop[0] * crop[1];
        float[] out = new float[slices * plane];
        for (int s = 0; s < slices; s++) {
            try (PointerScope scope = new PointerScope()) {
                float[] img = Tensors.toFloats(slice(f, s, sampling, crop[0], crop[1]));
                System.arraycopy(img, 0, out, s * plane, plane);
            }
            if (onSlice != null) onSlice.accept(s);
        }
        return new Volume(f.fileName(), out, slices, crop[0], crop[1], sampling);
    }

    /** Zero-fills one input file and writes a fastMRI reconstruction file (atomically). */
    public static Volume writeFile(Path in, Path out, MaskFunction maskFunction, IntConsumer onSlice) {
        Volume v;
        try (FastMriFile f = FastMriFile.open(in)) {
            v = volume(f, maskFunction, onSlice);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("source", in.getFileName().toString());
        attrs.put("method", "zero-filled-rss");
        attrs.put("mask", v.sampling().description());
        attrs.put("num_low_frequencies", v.sampling().numLowFrequencies());
        FastMriWriter.writeReconstruction(out, v.data(), v.slices(), v.height(), v.width(), attrs);
        return v;
    }
}
