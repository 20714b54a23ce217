package org.robustmri.eval;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;
import org.robustmri.data.SliceContext;
import org.robustmri.data.VolumeInfo;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.FastMriWriter;
import org.robustmri.kspace.Sampling;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.Inference;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a model over the slices of a file at test time: the test-time mask seeded from the file name (or the file's
 * own mask), the model's own sample transform, one forward pass per slice through {@link Inference}.
 */
public final class Reconstructor {
    private Reconstructor() {
    }

    /** A reconstructed volume (slices, h, w) and how it was undersampled. */
    public record Reconstruction(String name, float[] data, int slices, int height, int width, Sampling sampling) {
    }

    /** Every slice of one file. */
    public static Reconstruction reconstruct(ReconstructionModel model, FastMriFile f, MaskFunction mask, IntConsumer onSlice) {
        return reconstruct(model, f, mask, 0, f.kspace().slices(), null, onSlice);
    }

    /** Slices {@code [start, end)} only (the paper's catalogs exclude edge slices this way). */
    public static Reconstruction reconstruct(ReconstructionModel model, FastMriFile f, MaskFunction mask, int start, int end,
                                     IntConsumer onSlice) {
        return reconstruct(model, f, mask, start, end, null, onSlice);
    }

    /** As above at the reconstruction size {@code crop} (h, w) instead of the file's own (null: the file's). */
    public static Reconstruction reconstruct(ReconstructionModel model, FastMriFile f, MaskFunction mask, int start, int end, int[] crop,
                                     IntConsumer onSlice) {
        if (start < 0 || end > f.kspace().slices() || start >= end) {
            throw new DataException(f.path(), "slice range [" + start + ", " + end + ") outside [0, " + f.kspace().slices() + ")");
        }
        VolumeInfo v = VolumeInfo.inspect(0, null, f).withCrop(crop);
        Sampling sampling = MaskPolicy.forFile(f, mask);
        SampleTransform<? extends Sample> transform = model.transform(false);
        int slices = end - start;
        int plane = v.cropHeight() * v.cropWidth();
        float[] out = new float[slices * plane];
        model.train(false);
        for (int i = 0; i < slices; i++) {
            int s = start + i;
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Sample sample = transform.apply(new SliceContext(f, v, s, sampling, 0, i));
                float[] img = Tensors.toFloats(Inference.forward(model, List.of(sample)));
                if (img.length != plane) {
                    throw new IllegalStateException(model.spec().name() + " returned " + img.length + " values for a "
                            + v.cropHeight() + "x" + v.cropWidth() + " slice");
                }
                System.arraycopy(img, 0, out, i * plane, plane);
            }
            if (onSlice != null) onSlice.accept(s);
        }
        return new Reconstruction(f.fileName(), out, slices, v.cropHeight(), v.cropWidth(), sampling);
    }

    /** Reconstructs one file and writes a fastMRI {@code reconstruction} file (atomically). */
    public static Reconstruction writeFile(ReconstructionModel model, Path in, Path out, MaskFunction mask, IntConsumer onSlice) {
        return writeFile(model, in, out, mask, null, onSlice);
    }

    /** As above at the reconstruction size {@code crop} (null: the file's own). */
    public static Reconstruction writeFile(ReconstructionModel model, Path in, Path out, MaskFunction mask, int[] crop, IntConsumer onSlice) {
        Reconstruction v;
        try (FastMriFile f = FastMriFile.open(in)) {
            v = reconstruct(model, f, mask, 0, f.kspace().slices(), crop, onSlice);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("source", in.getFileName().toString());
        attrs.put("model", model.spec().toString());
        attrs.put("mask", v.sampling().description());
        attrs.put("num_low_frequencies", v.sampling().numLowFrequencies());
        FastMriWriter.writeReconstruction(out, v.data(), v.slices(), v.height(), v.width(), attrs);
        return v;
    }
}
