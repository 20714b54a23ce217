package org.robustmri.eval;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.ZeroFill;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.FastMriWriter;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs an image-domain model over every slice of a file: zero-filled input with the test-time mask seeded
 * from the file name (or the file's own mask), one forward pass per slice.
 */
public final class Reconstructor {
    private Reconstructor() {
    }

    /** The reconstructed volume (slices, h, w) of one file. */
    public static ZeroFill.Volume reconstruct(ReconstructionModel model, FastMriFile f, MaskFunction mask, IntConsumer onSlice) {
        return reconstruct(model, f, mask, 0, f.kspace().slices(), onSlice);
    }

    /** Slices {@code [start, end)} only (the paper's catalogs exclude edge slices this way). */
    public static ZeroFill.Volume reconstruct(ReconstructionModel model, FastMriFile f, MaskFunction mask, int start, int end,
                                              IntConsumer onSlice) {
        ZeroFill.Sampling sampling = ZeroFill.samplingFor(f, mask);
        int[] crop = ZeroFill.cropSize(f);
        if (start < 0 || end > f.kspace().slices() || start >= end) {
            throw new org.robustmri.io.DataException(f.path(), "slice range [" + start + ", " + end + ") outside [0, "
                    + f.kspace().slices() + ")");
        }
        int slices = end - start;
        int plane = crop[0] * crop[1];
        float[] out = new float[slices * plane];
        model.train(false);
        org.bytedeco.pytorch.Device device = model.parameters().device();
        for (int i = 0; i < slices; i++) {
            int s = start + i;
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor input = ZeroFill.slice(f, s, sampling, crop[0], crop[1]).reshape(1, 1, crop[0], crop[1]);
                if (!device.is_cpu()) input = input.to(device, input.scalar_type());
                float[] img = Tensors.toFloats(model.forward(input));
                System.arraycopy(img, 0, out, i * plane, plane);
            }
            if (onSlice != null) onSlice.accept(s);
        }
        return new ZeroFill.Volume(f.fileName(), out, slices, crop[0], crop[1], sampling);
    }

    /** Reconstructs one file and writes a fastMRI {@code reconstruction} file (atomically). */
    public static ZeroFill.Volume writeFile(ReconstructionModel model, Path in, Path out, MaskFunction mask, IntConsumer onSlice) {
        ZeroFill.Volume v;
        try (FastMriFile f = FastMriFile.open(in)) {
            v = reconstruct(model, f, mask, onSlice);
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("source", in.getFileName().toString());
        attrs.put("model", model.spec().toString());
        attrs.put("mask", v.sampling().description());
        FastMriWriter.writeReconstruction(out, v.data(), v.slices(), v.height(), v.width(), attrs);
        return v;
    }
}
