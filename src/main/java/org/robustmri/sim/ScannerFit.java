package org.robustmri.sim;

import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.io.KspaceGeometry;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A distribution entry fitted to real scans, so that a user can simulate "their scanner": the coil count, field
 * strength and field of view from the files' headers, and the noise measured where k-space holds almost no signal
 * (the outer eighth of the readout at both ends): its level per coil, the correlation between coils, and the image
 * SNR it gives (mean root-sum-of-squares over the object, pixels above 30 % of the maximum, over the per-coil noise
 * level), and how many coils see a pixel of the object ({@link CoilSpread}: the width, or smoothness, of the
 * sensitivity profiles). The simulator's {@code snr}, {@code noise_correlation} and {@code coil_loop_scale} are then
 * calibrated by simulating the base distribution and measuring the same statistics the same way: image SNR is
 * proportional to {@code snr}; {@code noise_correlation} is the mean over coils of the largest correlation with another
 * coil, which is what the simulator's neighbour correlation sets; the coils per pixel grow with the loops' size.
 */
public final class ScannerFit {
    /** What the real files show, averaged over them. */
    public record Measured(int coils, double fieldStrengthT, double fovMm, double imageSnr, double noiseCorrelation, double coilsPerPixel, int files) {
    }

    /** The fitted entry: its measurements and the simulator parameters that reproduce them ({@code coilLoopScale} NaN when the base's is kept). */
    public record Fit(String name, String base, Measured measured, double snr, double noiseCorrelation, double coilLoopScale,
                      double simulatedImageSnrAtBase, double baseSnr, double simulatedCoilsPerPixelAtBase) {
        /** The entry as the library's YAML keys. */
        public Map<String, Object> entry(List<Path> sources) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("base", base);
            m.put("description", String.format(Locale.ROOT, "fitted to %s: image SNR %.1f, noise correlation %.2f, %.1f coils per pixel",
                    String.join(", ", sources.stream().map(p -> p.getFileName().toString()).toList()), measured.imageSnr(), measured.noiseCorrelation(),
                    measured.coilsPerPixel()));
            m.put("coils", measured.coils());
            if (!Double.isNaN(measured.fieldStrengthT())) m.put("field_strength_t", round(measured.fieldStrengthT(), 3));
            if (!Double.isNaN(measured.fovMm())) m.put("fov_mm", round(measured.fovMm(), 1));
            m.put("snr", round(snr, 2));
            m.put("noise_correlation", round(noiseCorrelation, 3));
            if (!Double.isNaN(coilLoopScale)) m.put("coil_loop_scale", round(coilLoopScale, 3));
            return m;
        }

        /** The entry as a library file holding just it. */
        public String yaml(List<Path> sources) {
            StringBuilder sb = new StringBuilder("distributions:\n  ").append(name).append(":\n");
            entry(sources).forEach((k, v) -> sb.append("    ").append(k).append(": ")
                    .append(v instanceof String s ? quote(s) : v).append('\n'));
            return sb.toString();
        }
    }

    private ScannerFit() {
    }

    /** Measures the real files (all with the same coil count). */
    public static Measured measure(List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("--fit-to needs at least one file");
        int coils = -1;
        double field = 0, fov = 0, snr = 0, corr = 0, spread = 0;
        int nField = 0, nFov = 0;
        for (Path p : files) {
            try (FastMriFile f = FastMriFile.open(p)) {
                KspaceGeometry g = f.kspace();
                if (coils >= 0 && g.coils() != coils) {
                    throw new IllegalArgumentException(p + ": " + g.coils() + " coils, the other files have " + coils + "; fit one receive array at a time");
                }
                coils = g.coils();
                double[] n = statistics(f, g);
                snr += n[0];
                corr += n[1];
                spread += n[2];
                IsmrmrdHeader h = f.header().orElse(null);
                if (h != null && !Double.isNaN(h.fieldStrengthT())) {
                    field += h.fieldStrengthT();
                    nField++;
                }
                if (h != null && !Double.isNaN(h.fovY())) {
                    fov += h.fovY();
                    nFov++;
                }
            }
        }
        int n = files.size();
        return new Measured(coils, nField == 0 ? Double.NaN : field / nField, nFov == 0 ? Double.NaN : fov / nFov, snr / n, corr / n, spread / n, n);
    }

    /**
     * Fits {@code base} (a library entry) to the measurements: a probe simulation at the measured coils, field and field
     * of view gives the image SNR, coil correlation and coils per pixel that its {@code snr}, {@code noise_correlation}
     * and {@code coil_loop_scale} produce; the first two are rescaled towards the measured values, the loop scale moves
     * along the secant of log coils-per-pixel against log scale, and the probe is repeated ({@value #ROUNDS} rounds),
     * since the statistics also hold some signal, depend on each other and are not exactly proportional to the parameters
     * (the correlation is capped at the simulator's 0.95, the loop scale kept in [0.25, 4]).
     */
    public static Fit fit(String name, DistributionRecipe base, DistributionLibrary lib, Measured m, int matrix) {
        return fit(name, base, lib, m, matrix, true);
    }

    /** As {@link #fit(String, DistributionRecipe, DistributionLibrary, Measured, int)}; without {@code coilWidth} the base's loop scale stays. */
    public static Fit fit(String name, DistributionRecipe base, DistributionLibrary lib, Measured m, int matrix, boolean coilWidth) {
        double snr = base.snr(), correlation = m.coils() == 1 ? 0 : 0.5, scale = base.coilLoopScale();
        double firstImageSnr = Double.NaN, firstSpread = Double.NaN, lastScale = Double.NaN, lastSpread = Double.NaN;
        boolean fitSpread = coilWidth && m.coils() > 1 && m.coilsPerPixel() > 1;
        for (int round = 0; round < ROUNDS; round++) {
            double[] simulated = simulated(probe(base, lib, m, snr, correlation, scale), matrix);
            if (round == 0) {
                firstImageSnr = simulated[0];
                firstSpread = simulated[2];
            }
            snr *= m.imageSnr() / simulated[0];
            if (m.coils() > 1 && simulated[1] > 0) correlation = Math.min(0.95, correlation * m.noiseCorrelation() / simulated[1]);
            if (fitSpread && simulated[2] > 1) {
                double next = nextScale(scale, simulated[2], lastScale, lastSpread, m.coilsPerPixel());
                lastScale = scale;
                lastSpread = simulated[2];
                scale = next;
            }
        }
        return new Fit(name, base.name(), m, snr, correlation, fitSpread ? scale : Double.NaN, firstImageSnr, base.snr(), firstSpread);
    }

    static final int ROUNDS = 6;

    /** One secant step on log(coils per pixel) against log(loop scale); slope 1 until two probes give a better one. */
    private static double nextScale(double scale, double spread, double lastScale, double lastSpread, double wanted) {
        double slope = 1;
        if (!Double.isNaN(lastScale) && lastScale != scale) {
            double s = Math.log(spread / lastSpread) / Math.log(scale / lastScale);
            if (Double.isFinite(s) && s > 0.05) slope = s;
        }
        double next = scale * Math.pow(wanted / spread, 1 / slope);
        return Math.max(0.25, Math.min(4.0, next));
    }

    private static DistributionRecipe probe(DistributionRecipe base, DistributionLibrary lib, Measured m, double snr, double correlation, double scale) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("coils", m.coils());
        if (!Double.isNaN(m.fieldStrengthT())) overrides.put("field_strength_t", m.fieldStrengthT());
        if (!Double.isNaN(m.fovMm())) overrides.put("fov_mm", m.fovMm());
        overrides.put("snr", snr);
        overrides.put("noise_correlation", correlation);
        overrides.put("coil_loop_scale", scale);
        StringBuilder yaml = new StringBuilder("distributions:\n  probe:\n    base: ").append(base.name()).append('\n');
        overrides.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
        return lib.withYaml(yaml.toString(), "fit probe").get("probe");
    }

    /** {image SNR, coil correlation, coils per pixel} of a simulated volume of a distribution, measured as on real files (mean over 4 slices). */
    static double[] simulated(DistributionRecipe d, int matrix) {
        int slices = 4;
        SimulatedVolume v = Simulator.simulate(d, 0, 0, slices, matrix);
        int c = v.coils(), h = v.height(), w = v.width(), per = c * h * w * 2;
        double snr = 0, corr = 0, spread = 0;
        for (int s = 0; s < slices; s++) {
            float[] k = java.util.Arrays.copyOfRange(v.kspace(), s * per, (s + 1) * per);
            double[] r = noiseAndSnr(k, v.targetSlice(s), c, h, w);
            snr += r[0] / slices;
            corr += r[1] / slices;
            spread += CoilSpread.effectiveCoils(k, c, h, w, matrix, matrix) / slices;
        }
        return new double[]{snr, corr, spread};
    }

    /** {image SNR, noise correlation, coils per pixel} of the middle slice of a file. */
    private static double[] statistics(FastMriFile f, KspaceGeometry g) {
        int s = g.slices() / 2;
        ByteBuffer b = f.readKspaceSlice(s);
        FloatBuffer fb = b.asFloatBuffer();
        float[] pairs = new float[fb.remaining()];
        fb.get(pairs);
        String key = f.targetKey().orElse(null);
        float[] target = key == null ? rss(pairs, g.coils(), g.height(), g.width()) : f.readFloatSlice(key, s);
        int[] shape = key == null ? new int[]{g.height(), g.width()} : f.shapeOf(key);
        double[] noise = noiseAndSnr(pairs, target, g.coils(), g.height(), g.width());
        double spread = CoilSpread.effectiveCoils(pairs, g.coils(), g.height(), g.width(), shape[shape.length - 2], shape[shape.length - 1]);
        return new double[]{noise[0], noise[1], spread};
    }

    /** Noise statistics from the outer eighth of the readout at both ends, and the image SNR over the target's object. */
    static double[] noiseAndSnr(float[] pairs, float[] target, int coils, int height, int width) {
        int band = Math.max(1, height / 8);
        int samples = 2 * band * width;
        double[][] re = new double[coils][samples], im = new double[coils][samples];
        for (int c = 0; c < coils; c++) {
            int i = 0;
            for (int r = 0; r < height; r++) {
                if (r >= band && r < height - band) continue;
                for (int col = 0; col < width; col++, i++) {
                    int at = 2 * ((c * height + r) * width + col);
                    re[c][i] = pairs[at];
                    im[c][i] = pairs[at + 1];
                }
            }
        }
        double[] sd = new double[coils];
        double meanSd = 0;
        for (int c = 0; c < coils; c++) {
            double ss = 0;
            for (int i = 0; i < samples; i++) ss += re[c][i] * re[c][i] + im[c][i] * im[c][i];
            sd[c] = Math.sqrt(ss / (2.0 * samples)); // per real component
            meanSd += sd[c] / coils;
        }
        double corr = 0;
        for (int a = 0; a < coils; a++) {
            double best = 0;
            for (int b2 = 0; b2 < coils; b2++) {
                if (a == b2) continue;
                double cr = 0, ci = 0;
                for (int i = 0; i < samples; i++) {
                    cr += re[a][i] * re[b2][i] + im[a][i] * im[b2][i];
                    ci += im[a][i] * re[b2][i] - re[a][i] * im[b2][i];
                }
                best = Math.max(best, Math.hypot(cr, ci) / (2.0 * samples * sd[a] * sd[b2]));
            }
            corr += best / Math.max(1, coils);
        }
        double max = 0;
        for (float t : target) max = Math.max(max, t);
        double sum = 0;
        int n = 0;
        for (float t : target) {
            if (t > 0.3 * max) {
                sum += t;
                n++;
            }
        }
        return new double[]{sum / n / meanSd, coils == 1 ? 0 : corr};
    }

    private static float[] rss(float[] pairs, int coils, int height, int width) {
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            org.bytedeco.pytorch.Tensor k = org.robustmri.tensor.Tensors.complexFromInterleaved(pairs, 1, coils, height, width);
            return org.robustmri.tensor.Tensors.toFloats(org.robustmri.kspace.Transforms.zeroFilledRss(k, height, width));
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
