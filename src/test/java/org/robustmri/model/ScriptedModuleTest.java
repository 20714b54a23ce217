package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.DataException;
import org.robustmri.io.Safetensors;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;
import org.robustmri.train.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TorchScript modules exported by Debian's python3-torch (tools/interop/make_torchscript_models.py) run as models:
 * forward and three Adam steps equal PyTorch's, and the trained module saved back loads with its trained weights.
 */
class ScriptedModuleTest {
    static final Path TS = Path.of("src", "test", "resources", "interop", "ts");
    static final Map<String, Tensor> GOLDEN = Safetensors.read(TS.resolve("goldens.safetensors")).tensors();

    @TempDir
    Path tmp;

    static ReconstructionModel load(String file, String input) {
        return ModelRegistry.create(ModelRegistry.parse("torchscript:file=" + TS.resolve(file) + ",input=" + input), 0);
    }

    static KspaceInput kspaceInput() {
        Tensor k = torch.view_as_complex(GOLDEN.get("kspace_input").contiguous());
        float[] mask = Tensors.toFloats(GOLDEN.get("kspace_mask").to(torch.ScalarType.Float).contiguous().view(-1));
        MultiCoilMri physics = MultiCoilMri.of(Sampling.columns(mask, 0, mask.length, "golden", 2));
        return new KspaceInput(k, physics, new int[]{2}, (int) k.size(2), (int) k.size(3));
    }

    static double maxRelative(Tensor ours, Tensor ref) {
        return ours.sub(ref).abs().max().item_double() / Math.max(ref.abs().max().item_double(), 1e-12);
    }

    @Test
    void forwardEqualsPyTorch() throws InterruptedException {
        ReconstructionModel unet = load("tiny_unet.ts", "image");
        assertThat(unet.parameters().size()).isEqualTo(8);
        // the parameters must outlive what libtorch handed them out with (a collected iterator once freed them)
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(unet.parameters().device().is_cpu()).isTrue();
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            assertThat(maxRelative(unet.forward(new ImageInput(GOLDEN.get("unet_input"))), GOLDEN.get("unet_output"))).isLessThan(1e-5);
            ReconstructionModel k = load("kspace_net.ts", "kspace");
            assertThat(maxRelative(k.forward(kspaceInput()), GOLDEN.get("kspace_output"))).isLessThan(1e-5);
        }
    }

    /** Gradients flow through the scripted graph into our Adam: three steps give PyTorch's losses and weights. */
    @Test
    void adamStepsEqualPyTorchsAndTheSavedModuleHoldsTheTrainedWeights() {
        for (String name : new String[]{"unet", "kspace"}) {
            ReconstructionModel m = "unet".equals(name) ? load("tiny_unet.ts", "image") : load("kspace_net.ts", "kspace");
            ModelInput in = "unet".equals(name) ? new ImageInput(GOLDEN.get("unet_input")) : kspaceInput();
            Adam adam = Adam.standard(m.parameters());
            double[] losses = Tensors.toDoubles(GOLDEN.get(name + "_losses"));
            for (int step = 0; step < 3; step++) {
                try (PointerScope s = new PointerScope()) {
                    Adam.zeroGrad(m.parameters());
                    Tensor loss = m.forward(in).sub(GOLDEN.get(name + "_target")).square().mean();
                    assertThat(loss.item_double()).as(name + " loss " + step).isCloseTo(losses[step], org.assertj.core.data.Offset.offset(1e-6 * losses[step]));
                    loss.backward();
                    adam.step(m.parameters(), 1e-3);
                }
            }
            for (Map.Entry<String, Tensor> e : m.parameters().asMap().entrySet()) {
                assertThat(maxRelative(e.getValue(), GOLDEN.get(name + "_trained." + e.getKey()))).as(name + " " + e.getKey()).isLessThan(1e-5);
            }
            Path saved = tmp.resolve(name + "_trained.ts");
            ScriptedModule.saveScript(m, saved);
            ReconstructionModel back = ModelRegistry.create(ModelRegistry.parse("torchscript:file=" + saved + ",input=" + m.spec().param("input")), 0);
            for (Map.Entry<String, Tensor> e : back.parameters().asMap().entrySet()) {
                assertThat(Tensors.toFloats(e.getValue().contiguous())).containsExactly(Tensors.toFloats(m.parameters().get(e.getKey()).detach().contiguous()));
            }
        }
    }

    /** From the command line: a module reconstructs as exported, and a checkpoint of it goes back to TorchScript. */
    @Test
    void reconstructAndExportModelFromTheCommandLine() {
        Path sample = Path.of("samples", "real-kspace", "pulseq_phantom_16ch.h5");
        var r = org.robustmri.cli.CliTestSupport.run("reconstruct", "--model", TS.resolve("tiny_unet.ts").toString(), "--arch", "torchscript:input=image",
                sample.toString(), "--out", tmp.resolve("recon").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("recon").resolve(sample.getFileName())).exists();
        ReconstructionModel m = load("tiny_unet.ts", "image");
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : m.parameters().asMap().values()) p.add_(org.robustmri.tensor.Torch.scalar(0.25));   // "trained"
        }
        Path ckpt = tmp.resolve("last.safetensors");
        Weights.save(m, ckpt, Map.of());
        var e = org.robustmri.cli.CliTestSupport.run("export-model", "--model", ckpt.toString(), "--out", tmp.resolve("trained.ts").toString());
        assertThat(e.code()).as(e.err()).isZero();
        ReconstructionModel back = ModelRegistry.create(ModelRegistry.parse("torchscript:file=" + tmp.resolve("trained.ts") + ",input=image"), 0);
        for (Map.Entry<String, Tensor> p : back.parameters().asMap().entrySet()) {
            assertThat(Tensors.toFloats(p.getValue().contiguous())).containsExactly(Tensors.toFloats(m.parameters().get(p.getKey()).detach().contiguous()));
        }
        var refused = org.robustmri.cli.CliTestSupport.run("export-model", "--model", Path.of("src", "test", "resources", "interop", "unet_ref.safetensors").toString(),
                "--arch", "unet:chans=4,pools=3", "--out", tmp.resolve("x.ts").toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("is not a TorchScript model");
        assertThat(tmp.resolve("x.ts")).doesNotExist();
    }

    @Test
    void aFileThatIsNotTorchScriptIsRefusedNamingIt() throws Exception {
        Path bad = tmp.resolve("weights.ts");
        Files.copy(Path.of("src", "test", "resources", "interop", "pt", "unet_state_dict.pt"), bad);
        assertThatThrownBy(() -> ModelRegistry.create(ModelRegistry.parse("torchscript:file=" + bad + ",input=image"), 0))
                .isInstanceOf(DataException.class).hasMessageContaining("weights.ts").hasMessageContaining("not a TorchScript file");
        assertThatThrownBy(() -> ModelRegistry.create(ModelRegistry.parse("torchscript:input=image"), 0)).hasMessageContaining("torchscript needs file=");
    }
}
