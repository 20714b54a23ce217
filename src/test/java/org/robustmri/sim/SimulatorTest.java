package org.robustmri.sim;

import org.robustmri.eval.Preview;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.eval.Reconstructor;
import org.robustmri.model.ZeroFilled;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.FastMriWriter;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimulatorTest {
    static final DistributionLibrary LIB = DistributionLibrary.builtIn();

    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesIdenticalVolumesAndAnotherSeedDoesNot() {
        DistributionRecipe d = LIB.get("brain-t1post-1.5T-12ch");
        SimulatedVolume a = Simulator.simulate(d, 11, 2, 2, 32);
        SimulatedVolume b = Simulator.simulate(d, 11, 2, 2, 32);
        SimulatedVolume c = Simulator.simulate(d, 12, 2, 2, 32);
        SimulatedVolume other = Simulator.simulate(d, 11, 3, 2, 32);
        assertThat(a.kspace()).containsExactly(b.kspace());
        assertThat(a.target()).containsExactly(b.target());
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(Arrays.equals(a.kspace(), c.kspace())).isFalse();
        assertThat(Arrays.equals(a.labels(), c.labels())).isFalse(); // a different subject, not only other noise
        assertThat(Arrays.equals(a.labels(), other.labels())).isFalse();
        assertThat(a.patientId()).isEqualTo("sim-brain-t1post-1.5T-12ch-11-2").isNotEqualTo(other.patientId());
        assertThat(Simulator.volumeSeed(11, "a", 0)).isNotEqualTo(Simulator.volumeSeed(11, "b", 0))
                .isNotEqualTo(Simulator.volumeSeed(12, "a", 0)).isNotEqualTo(Simulator.volumeSeed(11, "a", 1));
    }

    @Test
    void shapesAndFiniteValues() {
        DistributionRecipe d = LIB.get("knee-pdfs-1.5T-8ch");
        SimulatedVolume v = Simulator.simulate(d, 3, 0, 2, 48);
        assertThat(v.kspace()).hasSize(2 * 8 * 96 * 48 * 2);
        assertThat(v.target()).hasSize(2 * 48 * 48);
        assertThat(v.labels()).hasSize(2 * 48 * 48);
        for (float f : v.kspace()) assertThat(Float.isFinite(f)).isTrue();
        assertThat(v.header().encodedX()).isEqualTo(96);
        assertThat(v.header().peCenter()).isEqualTo(24);
        assertThat(v.header().peMaximum()).isEqualTo(47);
        assertThat(v.fileName()).isEqualTo("sim_knee-pdfs-1.5T-8ch_0000.h5");
    }

    @Test
    void targetIsTheRssOfTheFullySampledNoisyKspace() {
        DistributionRecipe d = LIB.get("brain-flair-3T-16ch");
        SimulatedVolume v = Simulator.simulate(d, 5, 1, 2, 32);
        Path file = tmp.resolve(v.fileName());
        FastMriWriter.writeVolume(file, v.toWriterVolume());
        try (FastMriFile f = FastMriFile.open(file)) {
            Reconstructor.Reconstruction zf = Reconstructor.reconstruct(new ZeroFilled(), f, null, null);
            assertThat(zf.height()).isEqualTo(32);
            assertThat(zf.width()).isEqualTo(32);
            float[] stored = f.readFloatVolume(FastMriFile.TARGET_RSS);
            double max = 0;
            for (float t : v.target()) max = Math.max(max, t);
            for (int i = 0; i < stored.length; i++) {
                assertThat((double) zf.data()[i]).isCloseTo(v.target()[i], within(1e-6 * max));
                assertThat(stored[i]).isEqualTo(v.target()[i]);
            }
        }
        // and the same as the plain fastMRI pipeline: ifft2c, centre crop, |.|, RSS over coils
        try (PointerScope scope = new PointerScope()) {
            int c = d.coils();
            float[] k = Arrays.copyOfRange(v.kspace(), 0, c * 64 * 32 * 2);
            float[] direct = Tensors.toFloats(Transforms.zeroFilledRss(Tensors.complexFromInterleaved(k, c, 64, 32), 32, 32));
            double max = 0;
            for (float t : direct) max = Math.max(max, t);
            for (int i = 0; i < direct.length; i++) assertThat((double) v.target()[i]).isCloseTo(direct[i], within(1e-5 * max));
        }
    }

    @Test
    void bandedFineGridTransformEqualsTheFullCentredFftAndCrop() {
        int coils = 3, nh = 64, nw = 32, r0 = 20, nb = 17, outH = 32, outW = 16;
        SplittableRandom rng = new SplittableRandom(4);
        float[] full = new float[coils * nh * nw * 2];
        float[] band = new float[coils * nb * nw * 2];
        for (int c = 0; c < coils; c++) {
            for (int r = r0; r < r0 + nb; r++) {
                for (int j = 0; j < nw * 2; j++) {
                    float val = (float) rng.nextGaussian();
                    full[(c * nh + r) * nw * 2 + j] = val;
                    band[(c * nb + r - r0) * nw * 2 + j] = val;
                }
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor expected = Transforms.centerCrop(Fft.fft2c(Tensors.complexFromInterleaved(full, coils, nh, nw)), outH, outW);
            Tensor actual = VolumeJob.centralKspace(Tensors.complexFromInterleaved(band, coils, nb, nw), r0, nh, outH, outW);
            float[] e = Tensors.toFloats(expected.contiguous()), a = Tensors.toFloats(actual.contiguous());
            assertThat(a).hasSize(e.length);
            for (int i = 0; i < e.length; i++) assertThat(a[i]).isCloseTo(e[i], within(1e-4f));
        }
    }

    @Test
    void csfIsDarkOnT1AndFlairAndBrightOnT2() {
        double t2 = csfOverWhiteMatter("brain-t2-3T-16ch");
        double t1 = csfOverWhiteMatter("brain-t1-1.5T-8ch");
        double flair = csfOverWhiteMatter("brain-flair-3T-16ch");
        assertThat(t2).isGreaterThan(2.0);
        assertThat(t1).isLessThan(0.6);
        assertThat(flair).isLessThan(0.3);
    }

    @Test
    void lowFlipGradientEchoIsNearlyProtonDensityWeighted() {
        // spoiled GRE, TR 48 ms, TE 12.4 ms, 8 degrees at 3 T: S = PD sin(a) (1 - E1) / (1 - cos(a) E1) exp(-TE/T2*),
        // 1/T2* = 1/T2 + 12.5/s; white matter PD 0.70, T1 830 ms, T2 72 ms; CSF PD 1.0, T1 4300 ms, T2 2000 ms
        DistributionRecipe gre = LIB.get("brain-gre-3T-16ch");
        double a = Math.toRadians(8);
        double e1 = Math.exp(-48.0 / 830), wm = 0.70 * Math.sin(a) * (1 - e1) / (1 - Math.cos(a) * e1) * Math.exp(-12.4 * (1 / 72.0 + 0.0125));
        assertThat(SignalModel.signal(Tissue.WHITE_MATTER, gre)).isCloseTo(wm, org.assertj.core.data.Offset.offset(1e-12));
        double c1 = Math.exp(-48.0 / 4300), csf = 1.0 * Math.sin(a) * (1 - c1) / (1 - Math.cos(a) * c1) * Math.exp(-12.4 * (1 / 2000.0 + 0.0125));
        assertThat(SignalModel.signal(Tissue.CSF, gre)).isCloseTo(csf, org.assertj.core.data.Offset.offset(1e-12));
        // weak contrast: CSF a little darker than white matter, far from T2's bright CSF
        double ratio = csfOverWhiteMatter("brain-gre-3T-16ch");
        assertThat(ratio).isBetween(0.5, 1.0);
        assertThatThrownBy(() -> DistributionLibrary.builtIn().withYaml("distributions: {x: {base: brain-gre-3T-16ch, contrast: t2}}", "lib.yaml"))
                .hasMessageContaining("contrast gre and sequence_type GradientEcho go together");
    }

    @Test
    void blurSoftensEdgesAndRotationTurnsTheHead() {
        DistributionLibrary lib = LIB.withYaml("distributions:\n  sharp: {base: brain-t2-3T-16ch, snr: 1.0e6}\n"
                + "  soft: {base: brain-t2-3T-16ch, snr: 1.0e6, blur_mm: 4.0}\n  turned: {base: brain-t2-3T-16ch, snr: 1.0e6, rotation_90_probability: 1.0}\n", "t.yaml");
        int m = 64;
        float[] sharp = Simulator.simulate(lib.get("sharp"), 3, 0, 3, m).targetSlice(1);
        float[] soft = Simulator.simulate(lib.get("soft"), 3, 0, 3, m).targetSlice(1);
        float[] turned = Simulator.simulate(lib.get("turned"), 3, 0, 3, m).targetSlice(1);
        // same subject: blurring keeps the signal (sums within 2 %) and at least halves the gradient energy
        assertThat(sum(soft)).isCloseTo(sum(sharp), org.assertj.core.data.Offset.offset(0.02 * sum(sharp)));
        assertThat(edges(soft, m)).isLessThan(0.5 * edges(sharp, m));
        // the head is longer front to back: along the rows unturned, along the columns turned
        assertThat(spread(sharp, m, true)).isGreaterThan(1.1 * spread(sharp, m, false));
        assertThat(spread(turned, m, false)).isGreaterThan(1.1 * spread(turned, m, true));
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s;
    }

    /** Sum of squared horizontal differences (total variation would not change: blur keeps a step's total rise). */
    private static double edges(float[] x, int m) {
        double s = 0;
        for (int i = 0; i < m; i++) for (int j = 1; j < m; j++) s += Math.pow(x[i * m + j] - x[i * m + j - 1], 2);
        return s;
    }

    /** Intensity-weighted standard deviation of the row (or column) coordinate. */
    private static double spread(float[] x, int m, boolean rows) {
        double s = 0, s1 = 0, s2 = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double w = x[i * m + j], c = rows ? i : j;
                s += w;
                s1 += w * c;
                s2 += w * c * c;
            }
        }
        return Math.sqrt(s2 / s - (s1 / s) * (s1 / s));
    }

    /** Mean target in ventricular CSF (pure CSF labels near the centre) over mean in pure white matter. */
    private static double csfOverWhiteMatter(String name) {
        int m = 64;
        SimulatedVolume v = Simulator.simulate(LIB.get(name), 1, 0, 3, m);
        byte[] labels = v.labelSlice(1);
        float[] target = v.targetSlice(1);
        double csf = 0, wm = 0;
        int nc = 0, nw = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int p = i * m + j;
                double r = Math.hypot(i - m / 2.0, j - m / 2.0);
                if (labels[p] == Tissue.CSF.label() && r < 0.3 * m) {
                    csf += target[p];
                    nc++;
                } else if (labels[p] == Tissue.WHITE_MATTER.label()) {
                    wm += target[p];
                    nw++;
                }
            }
        }
        assertThat(nc).as("ventricle pixels in " + name).isGreaterThan(5);
        assertThat(nw).as("white matter pixels in " + name).isGreaterThan(100);
        return (csf / nc) / (wm / nw);
    }

    @Test
    void fatIsDarkWithFatSuppression() {
        double pd = fatOverMuscle("knee-pd-3T-15ch");
        double pdfs = fatOverMuscle("knee-pdfs-3T-15ch");
        assertThat(pd).isGreaterThan(1.5);
        assertThat(pdfs).isLessThan(0.6);
        // and fluid stays bright with fat suppression
        assertThat(SignalModel.signal(Tissue.FLUID, LIB.get("knee-pdfs-3T-15ch")))
                .isGreaterThan(SignalModel.signal(Tissue.MUSCLE, LIB.get("knee-pdfs-3T-15ch")));
    }

    private static double fatOverMuscle(String name) {
        int m = 64;
        SimulatedVolume v = Simulator.simulate(LIB.get(name), 1, 0, 1, m);
        byte[] labels = v.labelSlice(0);
        float[] target = v.targetSlice(0);
        double fat = 0, muscle = 0;
        int nf = 0, nm = 0;
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] == Tissue.MARROW.label() || labels[p] == Tissue.FAT.label()) {
                fat += target[p];
                nf++;
            } else if (labels[p] == Tissue.MUSCLE.label()) {
                muscle += target[p];
                nm++;
            }
        }
        assertThat(nf).isGreaterThan(50);
        assertThat(nm).isGreaterThan(50);
        return (fat / nf) / (muscle / nm);
    }

    @Test
    void backgroundNoiseFollowsTheSnrSetting() {
        DistributionLibrary lib = LIB.withYaml("""
                distributions:
                  brain-t2-snr25:
                    base: brain-t2-3T-16ch
                    snr: 25
                """, "test");
        double high = backgroundLevel(lib.get("brain-t2-3T-16ch"));
        double low = backgroundLevel(lib.get("brain-t2-snr25"));
        // same scaling, three times the noise standard deviation
        assertThat(low / high).isCloseTo(3.0, within(0.3));
        // and relative to the image: doubling the field strength doubles the SNR
        DistributionLibrary lib2 = LIB.withYaml("""
                distributions:
                  brain-t2-15:
                    base: brain-t2-3T-16ch
                    field_strength_t: 1.5
                """, "test");
        assertThat(backgroundLevel(lib2.get("brain-t2-15")) / high).isCloseTo(2.0, within(0.2));
    }

    /** Mean RSS in object-free background (pure background labels away from the head): proportional to the noise level. */
    private static double backgroundLevel(DistributionRecipe d) {
        int m = 64;
        SimulatedVolume v = Simulator.simulate(d, 9, 0, 1, m);
        byte[] labels = v.labelSlice(0);
        float[] target = v.targetSlice(0);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int p = i * m + j;
                boolean corner = (i < m / 6 || i >= m - m / 6) && (j < m / 6 || j >= m - m / 6);
                if (corner && labels[p] == Tissue.BACKGROUND.label()) {
                    sum += target[p];
                    n++;
                }
            }
        }
        assertThat(n).isGreaterThan(100);
        return sum / n;
    }

    @Test
    void distributionShiftIsLargerThanTheVariationWithinADistribution() {
        // statistic: L1 distance between intensity histograms inside the body, normalised by the median there.
        // Shifts: contrast (T2 vs FLAIR, T2 vs T1), fat saturation, anatomy with contrast. (The SNR shift shows
        // in the background instead: backgroundNoiseFollowsTheSnrSetting.)
        String[][] pairs = {{"brain-t2-3T-16ch", "brain-flair-3T-16ch"}, {"brain-t2-3T-16ch", "brain-t1-1.5T-8ch"},
                {"knee-pd-3T-15ch", "knee-pdfs-3T-15ch"}, {"brain-t2-3T-16ch", "knee-pdfs-3T-15ch"}};
        java.util.Map<String, double[][]> hist = new java.util.HashMap<>();
        for (String[] pair : pairs) {
            for (String name : pair) {
                hist.computeIfAbsent(name, n -> new double[][]{
                        histogram(Simulator.simulate(LIB.get(n), 21, 0, 3, 64)),
                        histogram(Simulator.simulate(LIB.get(n), 21, 1, 3, 64))});
            }
        }
        for (String[] pair : pairs) {
            double[][] a = hist.get(pair[0]), b = hist.get(pair[1]);
            double within = Math.max(l1(a[0], a[1]), l1(b[0], b[1]));
            double between = Double.MAX_VALUE;
            for (double[] x : a) for (double[] y : b) between = Math.min(between, l1(x, y));
            assertThat(between).as(pair[0] + " vs " + pair[1] + " (within " + within + ")").isGreaterThan(1.5 * within);
        }
    }

    /** Histogram of the target inside the body (label not background), normalised by its median there. */
    private static double[] histogram(SimulatedVolume v) {
        float[] target = v.target();
        byte[] labels = v.labels();
        float[] fg = new float[target.length];
        int n = 0;
        for (int i = 0; i < target.length; i++) if (labels[i] != Tissue.BACKGROUND.label()) fg[n++] = target[i];
        fg = Arrays.copyOf(fg, n);
        double median = Preview.percentile(fg, 0.5);
        double[] h = new double[32];
        for (float f : fg) h[Math.min(h.length - 1, (int) (f / median / 3.0 * h.length))] += 1.0 / n;
        return h;
    }

    private static double l1(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s;
    }

    @Test
    void nonPositiveSizesAreRejected() {
        DistributionRecipe d = LIB.get("knee-pd-3T-15ch");
        assertThatThrownBy(() -> Simulator.simulate(d, 0, 0, 0, 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slices must be positive");
        assertThatThrownBy(() -> Simulator.simulate(d, 0, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matrix must be an even number");
        assertThatThrownBy(() -> Simulator.simulate(d, 0, 0, 1, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Simulator.simulate(d, 0, -1, 1, 32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("volume index");
        assertThatThrownBy(() -> new SimulationRun.Settings(0, 1, 32, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("volumes must be positive");
        assertThatThrownBy(() -> new SimulationRun.Settings(1, 1, 32, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads must be positive");
        assertThatThrownBy(() -> new SimulationRun.Settings(1, -3, 32, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
