package org.robustmri.model;

import org.robustmri.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.data.Batching;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.CatalogScanner;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.Sample;
import org.robustmri.data.SliceDataset;
import org.robustmri.eval.Reconstructor;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.mask.MaskFunction;
import org.robustmri.tensor.Tensors;
import org.robustmri.train.DatasetBatchSource;
import org.robustmri.train.Loss;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainConfig;
import org.robustmri.train.Trainer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * E2E-VarNet against vectors made by fastMRI v0.3.0's own {@code VarNet} in Debian's python3-torch
 * ({@code tools/interop/varnet_reference.py}): a non-square file with header padding and a centre crop, and a
 * knee-width file (368 columns) on which VarNet's own centre-band detection (30) and the mask function's count
 * (29) differ; both modes; one training step.
 */
class VarNetTest {
    static final Path DIR = Path.of("src", "test", "resources", "interop", "varnet");
    static final Path WEIGHTS = DIR.resolve("varnet_tiny.safetensors");
    static final MaskFunction EQUISPACED = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
    static final String TINY = "varnet:cascades=2,chans=4,pools=3,sens_chans=2,sens_pools=3";

    @TempDir
    Path tmp;

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("varnet_reference.json").toFile());
    }

    static ModelSpec tiny(String numLow) {
        return ModelRegistry.parse(TINY + ",num_low=" + numLow);
    }

    @Test
    void parameterCountsAndStateDictNamesAreFastMris() throws IOException {
        JsonNode ref = reference().get("params");
        assertThat(ModelRegistry.parameterCount(ModelRegistry.spec("varnet-small"))).isEqualTo(ref.get("varnet-small").get("params").asLong())
                .isEqualTo(9_212_090L);
        assertThat(ModelRegistry.parameterCount(ModelRegistry.spec("varnet-large"))).isEqualTo(ref.get("varnet-large").get("params").asLong())
                .isEqualTo(29_936_966L);
        ReconstructionModel m = ModelRegistry.create(tiny("auto"), 0);
        assertThat(m.parameters().count()).isEqualTo(ref.get("tiny").get("params").asLong())
                .isEqualTo(ModelRegistry.parameterCount(m.spec()));
        // exactly fastMRI's state dict: every name and shape, nothing more (a strict load in both directions)
        Map<String, Tensor> pytorch = Safetensors.read(WEIGHTS).tensors();
        assertThat(m.parameters().asMap().keySet()).containsExactlyInAnyOrderElementsOf(pytorch.keySet());
        assertThat(m.parameters().asMap()).containsKeys("sens_net.norm_unet.unet.down_sample_layers.0.layers.0.weight",
                "cascades.0.dc_weight", "cascades.1.model.unet.up_conv.2.1.bias");
        assertThat(Tensors.toFloats(m.parameters().get("cascades.0.dc_weight"))).containsExactly(1f); // fastMRI's init
    }

    @Test
    void reconstructionsMatchFastMrisVarNetInBothCentreBandModes() throws IOException {
        for (String file : List.of("padded_brain", "knee_width")) {
            Safetensors.Contents expected = Safetensors.read(DIR.resolve("varnet_tiny_" + file + "_expected.safetensors"));
            for (String mode : List.of("auto", "nlf")) {
                ReconstructionModel m = Weights.loadModel(WEIGHTS, tiny(mode.equals("auto") ? "auto" : "mask"));
                Reconstructor.Reconstruction v;
                try (FastMriFile f = FastMriFile.open(DIR.resolve(file + ".h5"))) {
                    v = Reconstructor.reconstruct(m, f, EQUISPACED, null);
                }
                assertClose(file + " " + mode, v.data(), Tensors.toFloats(expected.tensors().get("output_" + mode)), 1e-4);
                // the centre band each mode feeds the sensitivity net
                long[] counts = Tensors.toLongs(expected.tensors().get("num_low_" + mode));
                int[][] bands = ((VarNet) m).centreBands(MultiCoilMri.of(v.sampling()),
                        new int[]{v.sampling().numLowFrequencies()}, 1);
                assertThat(bands[0][1]).as(file + " " + mode + " centre band").isEqualTo((int) counts[0]);
            }
        }
        JsonNode files = reference().get("files");
        assertThat(files.get("knee_width.h5").get("num_low_mask").asInt()).isEqualTo(29);
        assertThat(files.get("knee_width.h5").get("num_low_auto").get(0).asInt()).isEqualTo(30);
    }

    @Test
    void theMaskAndMaskedKspaceAreFastMrisVarNetTransform() {
        for (String file : List.of("padded_brain", "knee_width")) {
            Safetensors.Contents expected = Safetensors.read(DIR.resolve("varnet_tiny_" + file + "_expected.safetensors"));
            float[] fastmriMask = Tensors.toFloats(expected.tensors().get("mask"));
            try (FastMriFile f = FastMriFile.open(DIR.resolve(file + ".h5"))) {
                Sampling s = MaskPolicy.forFile(f, EQUISPACED);
                assertThat(s.weights()).as(file).containsExactly(fastmriMask); // file-seeded, zero outside the window
                if (file.equals("padded_brain")) {
                    assertThat(s.padLeft()).isEqualTo(4);
                    assertThat(s.padRight()).isEqualTo(132);
                    assertThat(s.mask()).isNotEqualTo(s.weights()); // the window removes sampled columns
                }
                ReconstructionModel m = ModelRegistry.create(tiny("auto"), 0);
                var volume = org.robustmri.data.VolumeInfo.inspect(0, null, f);
                var sample = (org.robustmri.data.KspaceSample) m.transform(true)
                        .apply(new org.robustmri.data.SliceContext(f, volume, 0, s, 0, 0));
                FloatBuffer fb = f.readKspaceSlice(0).asFloatBuffer();
                float[] raw = new float[fb.remaining()];
                fb.get(raw);
                int w = f.kspace().width();
                for (int i = 0; i < raw.length; i++) {
                    float expect = fastmriMask[(i / 2) % w] == 0 ? 0f : raw[i];
                    assertThat(Float.floatToRawIntBits(sample.maskedKspace()[i])).isEqualTo(Float.floatToRawIntBits(expect + 0.0f));
                }
            }
        }
    }

    @Test
    void oneTrainingStepMatchesPyTorch() throws IOException {
        Path file = DIR.resolve("padded_brain.h5");
        Map<String, String> cells = new LinkedHashMap<>(CatalogScanner.describe(file, null).values());
        cells.put("end_slice", "1");
        ModelSpec spec = tiny("auto");
        ReconstructionModel m = Weights.loadModel(WEIGHTS, spec);
        // the reference step used the file-seeded test mask so that it is deterministic
        SliceDataset<? extends Sample> ds = SliceDataset.builder(m.transform(true)).entries(List.of(CatalogEntry.of(cells)))
                .masks(MaskPolicy.test(EQUISPACED)).batching(Batching.inOrder(1)).prefetch(0, 1).build();
        // plain Adam at lr 1e-3 for one step: a one-cycle schedule of one step with div factors 1
        TrainConfig cfg = new TrainConfig(1e-3, 1, Loss.SSIM, 1.0, 0, 0, 0.01, 1.0, 1.0, null);
        RunDirectory run = new RunDirectory(tmp.resolve("step"));
        new Trainer(m, cfg, new DatasetBatchSource(ds, null, "padded_brain slice 0"), null, run, null).run();

        Safetensors.Contents ref = Safetensors.read(DIR.resolve("varnet_tiny_step.safetensors"));
        double refLoss = Tensors.toDoubles(ref.tensors().get("loss"))[0];
        List<String> log = Files.readAllLines(run.log());
        double loss = Double.parseDouble(log.get(1).split(",")[2]);
        assertThat(loss).isCloseTo(refLoss, within(2e-6));
        // gradients: Trainer leaves them clipped on the parameters, the reference saved them before clipping
        double refNorm = Tensors.toDoubles(ref.tensors().get("grad_norm"))[0];
        double coef = Math.min(1.0, 1.0 / (refNorm + 1e-6));
        double sq = 0;
        Map<String, Tensor> ours = Safetensors.read(run.checkpoint(1)).tensors();
        Map<String, Tensor> before = Safetensors.read(WEIGHTS).tensors();
        int checked = 0;
        long moves = 0, compared = 0;
        for (String name : m.parameters().asMap().keySet()) {
            float[] g = Tensors.toFloats(m.parameters().get(name).grad());
            float[] gRef = Tensors.toFloats(ref.tensors().get("grad." + name));
            double gMax = 0, gErr = 0;
            for (int i = 0; i < g.length; i++) {
                double unclipped = g[i] / coef;
                sq += unclipped * unclipped;
                gMax = Math.max(gMax, Math.abs(gRef[i]));
                gErr = Math.max(gErr, Math.abs(unclipped - gRef[i]));
            }
            assertThat(gErr).as("gradient of " + name).isLessThanOrEqualTo(1e-3 * gMax + 1e-12);
            float[] w0 = Tensors.toFloats(before.get(name)), w1 = Tensors.toFloats(ours.get(name));
            float[] expected = Tensors.toFloats(ref.tensors().get("updated." + name));
            for (int i = 0; i < w1.length; i++) {
                // Adam's first step moves a weight by lr * g / (|g| + eps): about lr * sign(g), but for gradients near
                // eps = 1e-8 the move depends on the gradient's last digits; compare where |g| >= 100 eps
                moves++;
                if (Math.abs(gRef[i]) * coef < 1e-6) continue;
                compared++;
                assertThat((double) w1[i] - w0[i]).as(name + "[" + i + "]").isCloseTo((double) expected[i] - w0[i], within(1e-5));
            }
            checked++;
        }
        assertThat(Math.sqrt(sq)).isCloseTo(refNorm, within(1e-4 * refNorm));
        assertThat(checked).isEqualTo(m.parameters().size());
        assertThat(compared).as("weights with a clear gradient sign").isGreaterThan(moves * 9 / 10);
    }

    @Test
    void reconstructFromTheCommandLineOnPyTorchWeights() throws IOException {
        Path out = tmp.resolve("recon");
        CliTestSupport.Result r = CliTestSupport.run("reconstruct", "--model", WEIGHTS.toString(), "--arch", TINY,
                DIR.resolve("padded_brain.h5").toString(), "--out", out.toString(), "--mask", "equispaced",
                "--accelerations", "4", "--center-fractions", "0.08");
        assertThat(r.code()).as(r.err()).isZero();
        float[] ours;
        try (FastMriFile f = FastMriFile.open(out.resolve("padded_brain.h5"))) {
            assertThat(f.shapeOf(FastMriFile.RECONSTRUCTION)).containsExactly(2, 120, 96);
            ours = f.readFloatVolume(FastMriFile.RECONSTRUCTION);
        }
        float[] expected = Tensors.toFloats(Safetensors.read(DIR.resolve("varnet_tiny_padded_brain_expected.safetensors"))
                .tensors().get("output_auto"));
        assertClose("cli", ours, expected, 1e-4);
    }

    @Test
    void coilAgnosticAndClearAboutWrongWeights() {
        // trained on 8 coils, runs on 4 coils (and 16): the network never sees the coil count
        ReconstructionModel m = Weights.loadModel(WEIGHTS, tiny("auto"));
        try (FastMriFile f = FastMriFile.open(DIR.resolve("knee_width.h5"))) {
            assertThat(f.kspace().coils()).isEqualTo(4);
            Reconstructor.Reconstruction v = Reconstructor.reconstruct(m, f, EQUISPACED, null);
            for (float x : v.data()) assertThat(Float.isFinite(x)).isTrue();
        }
        // weights of another size: every problem named
        assertThatThrownBy(() -> Weights.loadModel(WEIGHTS, ModelRegistry.parse("varnet:cascades=3,chans=4,pools=3,sens_chans=2,sens_pools=3")))
                .isInstanceOf(DataException.class).hasMessageContaining("varnet_tiny.safetensors")
                .hasMessageContaining("20 missing (cascades.2.dc_weight");
        assertThatThrownBy(() -> Weights.loadModel(WEIGHTS, ModelRegistry.parse("varnet:cascades=2,chans=6,pools=3,sens_chans=2,sens_pools=3")))
                .hasMessageContaining("has shape");
        // U-Net weights are not a VarNet
        assertThatThrownBy(() -> Weights.loadModel(Path.of("src/test/resources/interop/unet_ref.safetensors"), ModelRegistry.spec("varnet-small")))
                .hasMessageContaining("unexpected").hasMessageContaining("unet.down_sample_layers.0.layers.0.weight")
                .hasMessageContaining("missing").hasMessageContaining("sens_net.norm_unet.unet.down_sample_layers.0.layers.0.weight");
    }

    @Test
    void centreBandDetectionFollowsFastMri() {
        float[] full = new float[32];
        java.util.Arrays.fill(full, 1f);
        assertThat(VarNet.acsCount(full, 0, 32)).as("no unsampled column: argmin 0 on both sides").isEqualTo(1);
        float[] band = new float[32];
        for (int j = 10; j < 20; j++) band[j] = 1f; // 6 sampled left of the centre (16), 4 from it
        assertThat(VarNet.acsCount(band, 0, 32)).isEqualTo(8);
        float[] noBand = new float[32];
        for (int j = 0; j < 32; j += 4) noBand[j] = 1f; // column 15 unsampled, 16 sampled
        assertThat(VarNet.acsCount(noBand, 0, 32)).isEqualTo(1);
        float[] odd = new float[9];
        for (int j = 2; j < 8; j++) odd[j] = 1f; // centre 4: left 2 (3, 2), right 4 (4..7)
        assertThat(VarNet.acsCount(odd, 0, 9)).isEqualTo(4);
        // a batch: the second row's band
        float[] two = new float[64];
        System.arraycopy(band, 0, two, 32, 32);
        assertThat(VarNet.acsCount(two, 32, 32)).isEqualTo(8);
    }

    static void assertClose(String what, float[] ours, float[] ref, double relative) {
        assertThat(ours).as(what).hasSameSizeAs(ref);
        double max = 0, worst = 0;
        for (float v : ref) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
        assertThat(worst / max).as(what + ": max |ours - fastMRI| / max |fastMRI|").isLessThan(relative);
    }
}
