package org.robustmri.model;

import org.robustmri.io.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.eval.Reconstructor;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.tensor.Tensors;
import org.robustmri.train.Adam;
import org.robustmri.train.GradientClipping;
import org.robustmri.train.Loss;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The paper's ViT against vectors made by its own code (models/vision_transformer.py in ReconNet, Debian
 * python3-torch; tools/interop/vit_reference.py): forward on a square and a padded size, the test-time pipeline on a
 * real square sample and a non-square file, one training step.
 */
class VisionTransformerTest {
    static final Path DIR = Path.of("src", "test", "resources", "interop", "vit");
    static final Path WEIGHTS = DIR.resolve("vit_tiny.safetensors");
    static final String TINY = "vit:embed_dim=4,heads=3,depth=2";
    static final MaskFunction EQUISPACED = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));

    @TempDir
    Path tmp;

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("vit_reference.json").toFile());
    }

    @Test
    void countsAndNamesAreThePapers() throws IOException {
        JsonNode ref = reference();
        // the paper's sizes as its ReconNet(VisionTransformer(...)) counts them
        for (String name : List.of("vit-small", "vit-large")) {
            assertThat(ModelRegistry.parameterCount(ModelRegistry.spec(name))).as(name).isEqualTo(ref.at("/params/" + name + "/params").asLong());
        }
        ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse(TINY), 0);
        assertThat(m.parameters().count()).isEqualTo(ref.at("/tiny/params").asLong()).isEqualTo(ModelRegistry.parameterCount(m.spec()));
        Map<String, Tensor> pytorch = Safetensors.read(WEIGHTS).tensors();
        assertThat(m.parameters().asMap().keySet()).containsExactlyInAnyOrderElementsOf(pytorch.keySet());
        for (var e : pytorch.entrySet()) {
            assertThat(org.robustmri.tensor.Torch.shape(m.parameters().get(e.getKey()))).as(e.getKey())
                    .containsExactly(org.robustmri.tensor.Torch.shape(e.getValue()));
        }
    }

    @Test
    void forwardMatchesThePapersViTOnSquareAndPaddedImages() {
        VisionTransformer m = (VisionTransformer) Weights.loadModel(WEIGHTS, ModelRegistry.parse(TINY));
        Map<String, Tensor> io = Safetensors.read(DIR.resolve("vit_tiny_forward.safetensors")).tensors();
        for (String k : List.of("square", "padded")) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                float[] ours = Tensors.toFloats(m.forward(io.get("input_" + k)));
                float[] ref = Tensors.toFloats(io.get("output_" + k));
                // two images of very different scale (the second 1e-3): each must match on its own scale
                int half = ours.length / 2;
                VarNetTest.assertClose(k + " image 0", java.util.Arrays.copyOf(ours, half), java.util.Arrays.copyOf(ref, half), 1e-4);
                VarNetTest.assertClose(k + " image 1", java.util.Arrays.copyOfRange(ours, half, ours.length),
                        java.util.Arrays.copyOfRange(ref, half, ref.length), 1e-4);
            }
        }
    }

    @Test
    void theTestTimePipelineMatchesOnARealSampleAndANonSquareFile() throws Exception {
        ReconstructionModel m = Weights.loadModel(WEIGHTS, ModelRegistry.parse(TINY));
        Path[] files = {TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5"), Path.of("src/test/resources/interop/varnet/padded_brain.h5")};
        for (Path f : files) {
            String stem = f.getFileName().toString().replace(".h5", "");
            Map<String, Tensor> expected = Safetensors.read(DIR.resolve("vit_tiny_" + stem + "_expected.safetensors")).tensors();
            Reconstructor.Reconstruction v;
            try (FastMriFile file = FastMriFile.open(f)) {
                v = Reconstructor.reconstruct(m, file, EQUISPACED, null);
                float[] input = Reconstructor.reconstruct(new ZeroFilled(), file, EQUISPACED, null).data();
                VarNetTest.assertClose(stem + " input", input, Tensors.toFloats(expected.get("input")), 1e-5);
            }
            VarNetTest.assertClose(stem + " output", v.data(), Tensors.toFloats(expected.get("output")), 1e-4);
        }
        // and from the command line, on weights saved from PyTorch
        Path out = tmp.resolve("recon");
        CliTestSupport.Result r = CliTestSupport.run("reconstruct", "--model", WEIGHTS.toString(), "--arch", TINY,
                files[1].toString(), "--out", out.toString(), "--mask", "equispaced", "--accelerations", "4", "--center-fractions", "0.08");
        assertThat(r.code()).as(r.err()).isZero();
        try (FastMriFile f = FastMriFile.open(out.resolve("padded_brain.h5"))) {
            VarNetTest.assertClose("cli", f.readFloatVolume(FastMriFile.RECONSTRUCTION),
                    Tensors.toFloats(Safetensors.read(DIR.resolve("vit_tiny_padded_brain_expected.safetensors")).tensors().get("output")), 1e-4);
        }
    }

    @Test
    void oneTrainingStepMatchesPyTorch() {
        VisionTransformer m = (VisionTransformer) Weights.loadModel(WEIGHTS, ModelRegistry.parse(TINY));
        Map<String, Tensor> ref = Safetensors.read(DIR.resolve("vit_tiny_step.safetensors")).tensors();
        Map<String, Tensor> before = Safetensors.read(WEIGHTS).tensors();
        Adam adam = Adam.standard(m.parameters());
        double loss, norm;
        try (PointerScope scope = new PointerScope()) {
            Adam.zeroGrad(m.parameters());
            Tensor range = ref.get("data_range").to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            Tensor l = Loss.SSIM.compute(m.forward(ref.get("input")), ref.get("target"), range);
            loss = l.item_double();
            l.backward();
            norm = GradientClipping.clip(m.parameters(), 1.0);
            adam.step(m.parameters(), 1e-3);
        }
        assertThat(loss).isCloseTo(Tensors.toDoubles(ref.get("loss"))[0], within(2e-6));
        double refNorm = Tensors.toDoubles(ref.get("grad_norm"))[0];
        assertThat(norm).isCloseTo(refNorm, within(1e-4 * refNorm));
        long compared = 0, all = 0;
        List<String> names = new ArrayList<>(m.parameters().asMap().keySet());
        for (String name : names) {
            float[] g = Tensors.toFloats(m.parameters().get(name).grad()), gRef = Tensors.toFloats(ref.get("grad." + name));
            double gMax = 0, err = 0;
            for (int i = 0; i < g.length; i++) {
                gMax = Math.max(gMax, Math.abs(gRef[i]));
                err = Math.max(err, Math.abs(g[i] - gRef[i]));
            }
            assertThat(err).as("gradient of " + name).isLessThanOrEqualTo(1e-3 * gMax + 1e-12);
            float[] w0 = Tensors.toFloats(before.get(name)), w1 = Tensors.toFloats(m.parameters().get(name)), want = Tensors.toFloats(ref.get("updated." + name));
            for (int i = 0; i < w1.length; i++) {
                if (gRef[i] == 0f) { // no gradient (e.g. position-embedding cells the resize does not reach): no move
                    assertThat(w1[i]).as(name + "[" + i + "]").isEqualTo(w0[i]);
                    continue;
                }
                all++;
                if (Math.abs(gRef[i]) < 1e-6) continue; // Adam's first move is sign-like; near eps it is all rounding
                compared++;
                assertThat((double) w1[i] - w0[i]).as(name + "[" + i + "]").isCloseTo((double) want[i] - w0[i], within(1e-5));
            }
        }
        assertThat(compared).isGreaterThan(all * 9 / 10);
    }
}
