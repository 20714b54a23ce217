package org.robustmri.model;

import org.robustmri.io.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.DataException;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Weights written by a PyTorch script (tools/interop/unet_reference.py) load here and give its output. */
class WeightsTest {
    static final Path INTEROP = Path.of("src", "test", "resources", "interop");

    @TempDir
    Path tmp;

    @Test
    void pytorchWeightsLoadAndReproduceTheReferenceOutput() {
        ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=3"), 99);
        Map<String, String> meta = Weights.load(m, INTEROP.resolve("unet_ref.safetensors"));
        assertThat(meta).containsEntry("chans", "4");
        assertThat(m.parameters().count()).isEqualTo(30_089);
        Safetensors.Contents io = Safetensors.read(INTEROP.resolve("unet_io.safetensors"));
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] ours = Tensors.toFloats(m.forward(new ImageInput(io.tensors().get("input"))));
            float[] ref = Tensors.toFloats(io.tensors().get("output"));
            assertThat(ours).hasSameSizeAs(ref);
            for (int i = 0; i < ours.length; i++) assertThat(ours[i]).isCloseTo(ref[i], within(2e-5f));
        }
    }

    @Test
    void saveLoadRoundTripIsExact() {
        ReconstructionModel a = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 1);
        ReconstructionModel b = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 2);
        Path f = tmp.resolve("w.safetensors");
        Weights.save(a, f, Map.of("epoch", "3"));
        assertThat(Weights.load(b, f)).containsEntry("epoch", "3");
        for (Map.Entry<String, Tensor> e : a.parameters().asMap().entrySet()) {
            assertThat(Tensors.toFloats(b.parameters().get(e.getKey()))).containsExactly(Tensors.toFloats(e.getValue()));
        }
    }

    @Test
    void weightsOfAnotherArchitectureAreRefused() {
        ReconstructionModel other = ModelRegistry.create(ModelRegistry.parse("unet:chans=8,pools=3"), 1);
        assertThatThrownBy(() -> Weights.load(other, INTEROP.resolve("unet_ref.safetensors")))
                .isInstanceOf(DataException.class).hasMessageContaining("unet_ref.safetensors")
                .hasMessageContaining("do not fit model");
    }
}
