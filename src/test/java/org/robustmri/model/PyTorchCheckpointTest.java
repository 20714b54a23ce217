package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.DataException;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files written by PyTorch's own {@code torch.save} (tools/interop/make_pytorch_checkpoints.py, Debian's python3-torch)
 * load through libtorch's unpickler into the same weights as the safetensors path, and give the same outputs.
 */
class PyTorchCheckpointTest {
    static final Path INTEROP = Path.of("src", "test", "resources", "interop");
    static final Path PT = INTEROP.resolve("pt");

    @TempDir
    Path tmp;

    private static void sameWeights(ReconstructionModel a, ReconstructionModel b) {
        assertThat(a.parameters().asMap().keySet()).isEqualTo(b.parameters().asMap().keySet());
        for (Map.Entry<String, Tensor> e : a.parameters().asMap().entrySet()) {
            assertThat(Tensors.toFloats(b.parameters().get(e.getKey()).cpu())).as(e.getKey()).containsExactly(Tensors.toFloats(e.getValue().cpu()));
        }
    }

    @Test
    void everyUNetLayoutGivesTheReferenceOutput() {
        ModelSpec spec = ModelRegistry.parse("unet:chans=4,pools=3");
        ReconstructionModel reference = Weights.loadModel(INTEROP.resolve("unet_ref.safetensors"), spec);
        Safetensors.Contents io = Safetensors.read(INTEROP.resolve("unet_io.safetensors"));
        for (String file : new String[]{"unet_state_dict.pt", "unet_fastmri_unet.pt", "unet_lightning.ckpt", "unet_paper.pt"}) {
            ReconstructionModel m = Weights.loadModel(PT.resolve(file), spec);
            sameWeights(reference, m);
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                float[] ours = Tensors.toFloats(m.forward(new ImageInput(io.tensors().get("input"))).cpu());
                float[] ref = Tensors.toFloats(reference.forward(new ImageInput(io.tensors().get("input"))).cpu());
                assertThat(ours).as(file).containsExactly(ref);
            }
        }
    }

    @Test
    void varNetAndViTStateDicts() {
        sameWeights(Weights.loadModel(INTEROP.resolve("varnet/varnet_tiny.safetensors"), ModelRegistry.parse(VarNetTest.TINY)),
                Weights.loadModel(PT.resolve("varnet_state_dict.pth"), ModelRegistry.parse(VarNetTest.TINY)));
        sameWeights(Weights.loadModel(INTEROP.resolve("vit/vit_tiny.safetensors"), ModelRegistry.parse(VisionTransformerTest.TINY)),
                Weights.loadModel(PT.resolve("vit_state_dict.pt"), ModelRegistry.parse(VisionTransformerTest.TINY)));
    }

    @Test
    void withoutAnArchitectureTheKeysNameTheFamilyAndAnUnregisteredSizeIsAClearError() {
        assertThatThrownBy(() -> Weights.loadModel(PT.resolve("varnet_state_dict.pth"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("--arch varnet:")
                // the count of the file's tensors is the family's own count for that size
                .hasMessageContaining(String.format(java.util.Locale.ROOT, "holds a varnet of %,d parameters", ModelRegistry.parameterCount(ModelRegistry.parse(VarNetTest.TINY))));
        assertThatThrownBy(() -> Weights.loadModel(PT.resolve("unet_paper.pt"), null))
                .isInstanceOf(DataException.class).hasMessageContaining("holds a unet of 30,089 parameters");
        assertThatThrownBy(() -> Weights.loadModel(PT.resolve("unet_state_dict.pt"), ModelRegistry.parse("unet:chans=8,pools=3")))
                .isInstanceOf(DataException.class).hasMessageContaining("unet_state_dict.pt").hasMessageContaining("mis-shaped");
    }

    @Test
    void aLightningCheckpointReconstructsInOneCommandLikeTheSafetensors() throws Exception {
        Path sample = Path.of("samples", "real-kspace", "pulseq_phantom_16ch.h5");
        for (String[] w : new String[][]{{"st", INTEROP.resolve("unet_ref.safetensors").toString()}, {"ckpt", PT.resolve("unet_lightning.ckpt").toString()}}) {
            var r = org.robustmri.cli.CliTestSupport.run("reconstruct", "--model", w[1], "--arch", "unet:chans=4,pools=3", sample.toString(),
                    "--out", tmp.resolve(w[0]).toString());
            assertThat(r.code()).as(r.err()).isZero();
        }
        float[] a, b;
        try (var fa = org.robustmri.io.FastMriFile.open(tmp.resolve("st").resolve(sample.getFileName()));
             var fb = org.robustmri.io.FastMriFile.open(tmp.resolve("ckpt").resolve(sample.getFileName()))) {
            a = fa.readFloatVolume("reconstruction");
            b = fb.readFloatVolume("reconstruction");
        }
        assertThat(b).containsExactly(a);
    }

    @Test
    void aFileThatIsNotACheckpointIsRefusedNamingIt() throws Exception {
        Path bad = tmp.resolve("broken.pt");
        Files.write(bad, new byte[]{'P', 'K', 3, 4, 0, 0, 1, 2, 3});
        assertThatThrownBy(() -> Weights.loadModel(bad, ModelRegistry.parse("unet:chans=4,pools=3")))
                .isInstanceOf(DataException.class).hasMessageContaining("broken.pt").hasMessageContaining("not a PyTorch checkpoint");
    }
}
