package org.robustmri.data;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.io.KspaceLayout;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small fastMRI-layout volumes with known content for the data tests. */
final class Volumes {
    private Volumes() {
    }

    /** Shape and metadata of a test volume. */
    record Spec(int slices, int coils, int height, int width, int targetHeight, int targetWidth,
                String protocol, String model, double fieldT, String patientId, Map<String, Object> extra) {
        static Spec of(int slices, String protocol, String patientId) {
            return new Spec(slices, 3, 32, 24, 16, 16, protocol, "Skyra", 2.89362, patientId, Map.of());
        }

        Spec shape(int h, int w, int th, int tw) {
            return new Spec(slices, coils, h, w, th, tw, protocol, model, fieldT, patientId, extra);
        }

        Spec with(Map<String, Object> attributes) {
            return new Spec(slices, coils, height, width, targetHeight, targetWidth, protocol, model, fieldT, patientId, attributes);
        }

        IsmrmrdHeader header() {
            return new IsmrmrdHeader("SimVendor", model, fieldT, coils, "sim site", protocol, height, width, 1,
                    targetHeight, targetWidth, 1, width / 2, width - 1);
        }
    }

    /** Random k-space (seeded by the file name) and a target whose values encode slice and pixel. */
    static Path write(Path file, Spec s) {
        Random rng = new Random(file.getFileName().toString().hashCode());
        float[] k = new float[s.slices() * s.coils() * s.height() * s.width() * 2];
        for (int i = 0; i < k.length; i++) k[i] = (float) rng.nextGaussian();
        float[] target = target(s);
        FastMriWriter.writeVolume(file, new FastMriWriter.Contents(s.slices(), s.coils(), s.height(), s.width(), k,
                s.targetHeight(), s.targetWidth(), target, s.header(), s.protocol(), s.patientId(), s.extra()));
        return file;
    }

    static float[] target(Spec s) {
        float[] t = new float[s.slices() * s.targetHeight() * s.targetWidth()];
        for (int i = 0; i < t.length; i++) t[i] = 1 + (i % 97) * 0.01f + (i / (s.targetHeight() * s.targetWidth()));
        return t;
    }

    /** Like {@link #write} but without the root attribute {@code max} (so readers must compute it). */
    static Path writeWithoutMax(Path file, Spec s) {
        float[][][][][] k = new float[s.slices()][s.coils()][s.height()][s.width()][2];
        Random rng = new Random(7);
        for (float[][][][] a : k) for (float[][][] b : a) for (float[][] c : b) for (float[] d : c) {
            d[0] = (float) rng.nextGaussian();
            d[1] = (float) rng.nextGaussian();
        }
        float[] flat = target(s);
        float[][][] t = new float[s.slices()][s.targetHeight()][s.targetWidth()];
        int p = 0;
        for (float[][] a : t) for (float[] b : a) for (int x = 0; x < b.length; x++) b[x] = flat[p++];
        try (WritableHdfFile f = HdfFile.write(file)) {
            f.putDataset(FastMriFile.HEADER, s.header().toXml());
            f.putDataset(FastMriFile.KSPACE, k);
            f.putDataset(FastMriFile.TARGET_RSS, t);
            f.putAttribute(KspaceLayout.ATTRIBUTE, KspaceLayout.TRAILING_PAIR_VALUE);
            f.putAttribute("acquisition", s.protocol());
        }
        return file;
    }

    static Map<String, Object> simulatorAttributes(String dataset, String anatomy, String contrast, String sequence) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset_name", dataset);
        m.put("anatomy", anatomy);
        m.put("contrast", contrast);
        m.put("sequence_type", sequence);
        return m;
    }
}
