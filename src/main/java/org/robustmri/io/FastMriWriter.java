package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes fastMRI-layout HDF5 files with jhdf: reconstruction files and complete multi-coil volumes.
 *
 * <p>jhdf cannot write compound types, so k-space is written as float32 with a trailing (real, imaginary)
 * axis, the layout fastMRI's {@code to_tensor} produces, and marked with the root attribute
 * {@value KspaceLayout#ATTRIBUTE}. Every write goes to a temporary name and is renamed when complete.
 */
public final class FastMriWriter {
    private FastMriWriter() {
    }

    /** A complete multi-coil volume. {@code kspace} is interleaved (re, im) in (slices, coils, H, W) order. */
    public record Volume(int slices, int coils, int height, int width, float[] kspace,
                         int targetHeight, int targetWidth, float[] target,
                         IsmrmrdHeader header, String acquisition, String patientId,
                         Map<String, Object> extraAttributes) {
        public Volume {
            if (kspace.length != (long) slices * coils * height * width * 2) {
                throw new IllegalArgumentException("kspace has " + kspace.length + " values, expected "
                        + (long) slices * coils * height * width * 2);
            }
            if (target.length != (long) slices * targetHeight * targetWidth) {
                throw new IllegalArgumentException("target has " + target.length + " values, expected "
                        + (long) slices * targetHeight * targetWidth);
            }
        }
    }

    /** Writes {@code reconstruction} (slices, h, w) float32 with root attributes, as fastMRI's {@code save_reconstructions}. */
    public static void writeReconstruction(Path out, float[] volume, int slices, int h, int w,
                                           Map<String, Object> attributes) {
        if (volume.length != (long) slices * h * w) {
            throw new IllegalArgumentException("reconstruction has " + volume.length + " values, expected " + (long) slices * h * w);
        }
        float[][][] data = reshape3(volume, slices, h, w);
        AtomicFiles.write(out, tmp -> {
            try (WritableHdfFile f = open(tmp)) {
                f.putDataset(FastMriFile.RECONSTRUCTION, data);
                putAttributes(f, attributes);
            }
        });
    }

    /** Writes a multi-coil volume: k-space, RSS target, header XML and fastMRI's root attributes. */
    public static void writeVolume(Path out, Volume v) {
        float[][][][][] k = new float[v.slices()][v.coils()][v.height()][v.width()][2];
        int p = 0;
        for (int s = 0; s < v.slices(); s++)
            for (int c = 0; c < v.coils(); c++)
                for (int y = 0; y < v.height(); y++)
                    for (int x = 0; x < v.width(); x++) {
                        k[s][c][y][x][0] = v.kspace()[p++];
                        k[s][c][y][x][1] = v.kspace()[p++];
                    }
        float[][][] target = reshape3(v.target(), v.slices(), v.targetHeight(), v.targetWidth());
        double max = Double.NEGATIVE_INFINITY;
        double sumSq = 0;
        for (float t : v.target()) {
            max = Math.max(max, t);
            sumSq += (double) t * t;
        }
        double norm = Math.sqrt(sumSq);
        double maxValue = max;
        AtomicFiles.write(out, tmp -> {
            try (WritableHdfFile f = open(tmp)) {
                f.putDataset(FastMriFile.HEADER, v.header().toXml());
                WritableDataset ks = f.putDataset(FastMriFile.KSPACE, k);
                ks.putAttribute("layout", KspaceLayout.TRAILING_PAIR_VALUE);
                f.putDataset(FastMriFile.TARGET_RSS, target);
                f.putAttribute("acquisition", v.acquisition());
                f.putAttribute("max", maxValue);
                f.putAttribute("norm", norm);
                f.putAttribute("patient_id", v.patientId());
                f.putAttribute(KspaceLayout.ATTRIBUTE, KspaceLayout.TRAILING_PAIR_VALUE);
                putAttributes(f, v.extraAttributes());
            }
        });
    }

    /** A jhdf writer whose many small writes are coalesced (see {@link BufferedWriteChannel}). */
    static WritableHdfFile open(Path tmp) {
        WritableHdfFile f = HdfFile.write(tmp);
        BufferedWriteChannel.install(f);
        return f;
    }

    private static void putAttributes(WritableHdfFile f, Map<String, Object> attributes) {
        if (attributes == null) return;
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            f.putAttribute(e.getKey(), e.getValue());
        }
    }

    static float[][][] reshape3(float[] flat, int a, int b, int c) {
        float[][][] out = new float[a][b][c];
        int p = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++) {
                System.arraycopy(flat, p, out[i][j], 0, c);
                p += c;
            }
        return out;
    }
}
