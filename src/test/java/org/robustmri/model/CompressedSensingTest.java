package org.robustmri.model;

import org.robustmri.io.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CompressedSensingTest {
    private static final Path SAMPLE = Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/cs_bart.safetensors");

    /** The masked k-space (1, 8, H, W) of the golden case, the physics with BART's ESPIRiT maps, the golden tensors. */
    record Case(Tensor y, MultiCoilMri physics, Map<String, Tensor> golden, Map<String, String> meta) {
    }

    static Case bartCase() {
        Safetensors.Contents c = Safetensors.read(GOLDEN);
        Map<String, Tensor> g = c.tensors();
        int coils = Integer.parseInt(c.metadata().get("coils"));
        float[] mask = Tensors.toFloats(g.get("mask"));
        FastMriFile f = FastMriFile.open(SAMPLE);
        var geo = f.kspace();
        ByteBuffer raw = f.readKspaceSlice(0).order(ByteOrder.LITTLE_ENDIAN);
        int h = geo.height(), w = geo.width();
        float[] k = new float[coils * h * w * 2];
        raw.asFloatBuffer().get(k);
        for (int ci = 0; ci < coils; ci++) {
            for (int i = 0; i < h * w; i++) {
                float m = mask[i % w];
                k[2 * (ci * h * w + i)] *= m;
                k[2 * (ci * h * w + i) + 1] *= m;
            }
        }
        Tensor y = Tensors.complexFromInterleaved(k, 1, coils, h, w);
        Tensor maps = torch.view_as_complex(g.get("maps")).unsqueeze(0);
        MultiCoilMri physics = MultiCoilMri.of(Sampling.columns(mask, 0, w, "golden", 10)).withSensitivities(maps);
        return new Case(y, physics, g, c.metadata());
    }

    static double relativeError(Tensor a, Tensor b) {
        return torch.view_as_real(a.sub(b)).norm().item_double() / torch.view_as_real(b).norm().item_double();
    }

    /** CG-SENSE is a linear solve: with the same ESPIRiT maps it must equal BART's {@code pics -l2} to float rounding. */
    @Test
    void cgSenseMatchesBartPicsL2() {
        Case c = bartCase();
        double lambda = Double.parseDouble(c.meta().get("l2_lambda"));
        Tensor ours = SenseSolvers.solveL2(c.physics(), c.y(), lambda, 100).squeeze();
        Tensor bart = torch.view_as_complex(c.golden().get("l2"));
        assertThat(relativeError(ours, bart)).isLessThan(1e-4); // measured 2.6e-6, phase included
    }

    /**
     * TV: BART solves the same objective by ADMM; ours (primal-dual) must reach an objective at least as low and an
     * image within a few per cent of BART's, far closer than the zero-filled start.
     */
    @Test
    void totalVariationMatchesBartPicsTv() {
        Case c = bartCase();
        double lambda = Double.parseDouble(c.meta().get("tv_lambda"));
        Tensor ours = SenseSolvers.solveTv(c.physics(), c.y(), lambda, 1000, false);
        Tensor bart = torch.view_as_complex(c.golden().get("tv")).view(1, 1, ours.size(2), ours.size(3));
        double objOurs = SenseSolvers.tvObjective(c.physics(), c.y(), ours, lambda);
        double objBart = SenseSolvers.tvObjective(c.physics(), c.y(), bart, lambda);
        double objStart = SenseSolvers.tvObjective(c.physics(), c.y(), c.physics().adjoint(c.y()), lambda);
        assertThat(objOurs).isLessThanOrEqualTo(objBart * 1.001).isLessThan(objStart * 0.9); // measured 0.995 of BART's
        assertThat(relativeError(ours, bart)).isLessThan(0.04);                               // measured 0.022
        assertThat(relativeError(c.physics().adjoint(c.y()), bart)).isGreaterThan(0.3);       // the start: 0.34
        // the relative lambda of cs-tv is the same problem: lambda_abs = relative * max |A^H y|
        double relative = Double.parseDouble(c.meta().get("tv_relative"));
        Tensor rel = SenseSolvers.solveTv(c.physics(), c.y(), relative, 50, true);
        Tensor abs = SenseSolvers.solveTv(c.physics(), c.y(), lambda, 50, false);
        assertThat(relativeError(rel, abs)).isLessThan(1e-5);
    }

    /**
     * l1 wavelets: the same FISTA, wavelet, shifts and scaling as BART's {@code pics -l1 -r 0.01} (30 iterations), so
     * the reconstruction must equal BART's to float rounding, with BART's random shifts and without
     * (tools/golden/gen_pics_l1_vectors.py).
     */
    @Test
    void waveletFistaEqualsBartPicsL1() {
        Case c = bartCase();
        Safetensors.Contents pics = Safetensors.read(Path.of("src/test/resources/golden/pics_l1_bart.safetensors"));
        double lambda = Double.parseDouble(pics.metadata().get("lambda"));
        double bartScaling = Double.parseDouble(pics.metadata().get("scaling"));
        int[][][] regions = CoilMaps.regions(c.physics(), c.y());
        double scaling = SenseSolvers.bartScaling(c.y(), regions).item_double();
        assertThat(scaling).isCloseTo(bartScaling, org.assertj.core.data.Offset.offset(1e-6 * bartScaling));
        Tensor lam = torch.full(new long[]{1}, new org.bytedeco.pytorch.Scalar(lambda * scaling));
        for (String name : new String[]{"shifts", "noshift"}) {
            Tensor ours = SenseSolvers.solveWavelet(c.physics(), c.y(), lam, 30, "shifts".equals(name)).div(org.robustmri.tensor.Torch.scalar(scaling));
            Tensor bart = torch.view_as_complex(pics.tensors().get(name)).view(1, 1, ours.size(2), ours.size(3));
            assertThat(relativeError(ours, bart)).as(name).isLessThan(1e-5);   // measured 1.6e-6 (shifts), 2.1e-6
        }
        // and it is not the start: the zero-filled image is far from it
        Tensor bart = torch.view_as_complex(pics.tensors().get("shifts")).view(1, 1, c.y().size(2), c.y().size(3));
        assertThat(relativeError(c.physics().adjoint(c.y()).div(org.robustmri.tensor.Torch.scalar(scaling)), bart)).isGreaterThan(0.05);
    }

    @Test
    void bartsRandomNumbersAreGlibcsRandR() {
        // glibc's rand_r(&s) from s = 1, called through ctypes by Debian's python
        SenseSolvers.BartRandom r = new SenseSolvers.BartRandom(1);
        assertThat(new int[]{r.next(), r.next(), r.next()}).containsExactly(476707713, 1186278907, 505671508);
    }

    @Test
    void gradientAdjointIsExact() {
        Tensor x = torch.randn(2, 1, 7, 5, 2);
        Tensor q = torch.randn(2, 2, 1, 7, 5, 2);
        double lhs = SenseSolvers.gradient(x).mul(q).sum().item_double();
        double rhs = x.mul(SenseSolvers.gradientAdjoint(q)).sum().item_double();
        assertThat(lhs).isCloseTo(rhs, org.assertj.core.data.Offset.offset(1e-4 * Math.abs(lhs)));
        // forward differences, last one zero: a ramp along H has gradient 1 except the last row
        float[] ramp = new float[3 * 2 * 2];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) ramp[(i * 2 + j) * 2] = i;
        float[] g = Tensors.toFloats(SenseSolvers.gradient(Tensors.fromFloats(ramp, 1, 1, 3, 2, 2)).select(0, 0).contiguous());
        assertThat(g).containsExactly(1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void calibrationRegionAndMapNormalisation() {
        float[] line = {0, 1, 0, 1, 1, 1, 1, 0, 1};           // centre index 4: run 3..6
        assertThat(CoilMaps.centreRun(line, 0, 1, 9)).containsExactly(3, 4);
        assertThat(CoilMaps.centreRun(new float[]{1, 1, 0, 1}, 0, 1, 4)).containsExactly(2, 0); // centre unsampled
        assertThat(CoilMaps.hann(3)).containsExactly(new double[]{0.5, 1.0, 0.5}, org.assertj.core.data.Offset.offset(1e-12));
        Case c = bartCase();
        Tensor maps = CoilMaps.calibration(c.y(), CoilMaps.regions(MultiCoilMri.of(Sampling.columns(Tensors.toFloats(c.golden().get("mask")), 0,
                (int) c.y().size(3), "golden", 10)), c.y()));
        Tensor power = torch.view_as_real(maps).square().sum(new long[]{-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                .sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        assertThat(power.min().item_double()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(power.max().item_double()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        // a 2-D mask without a sampled centre has no calibration region: a clear error
        float[] grid = new float[16 * 16];
        grid[0] = 1;
        MultiCoilMri empty = MultiCoilMri.of(Sampling.grid(grid, 16, 16, "corner"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CoilMaps.regions(empty,
                        Tensors.complexFromInterleaved(new float[2 * 2 * 16 * 16], 1, 2, 16, 16)))
                .hasMessageContaining("no calibration region");
    }

    @Test
    void csHasNoWeightsAndCannotBeTrained() {
        ModelSpec s = ModelRegistry.spec("cs-tv");
        assertThat(ModelRegistry.parameterCount(s)).isZero();
        assertThat(ModelRegistry.create(s, 0).parameters().size()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelRegistry.checkTrainable(s, null))
                .hasMessageContaining("cs-tv has no weights to train");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelRegistry.checkMask(ModelRegistry.spec("varnet-small"),
                        org.robustmri.mask.MaskFunction.fromName("variable-density-2d", java.util.List.of(4.0), java.util.List.of(0.08))))
                .hasMessageContaining("varnet-small needs a column mask");
        ModelRegistry.checkMask(s, org.robustmri.mask.MaskFunction.fromName("variable-density-2d", java.util.List.of(4.0), java.util.List.of(0.08)));
    }
}
