package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import static org.assertj.core.api.Assertions.assertThat;

class UNetTest {
    @Test
    void registeredModelsHaveTheReferenceParameterCounts() {
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            try (PointerScope scope = new PointerScope()) {
                ReconstructionModel m = ModelRegistry.create(e.spec(), 0);
                assertThat(m.parameters().count()).as(e.spec().name()).isEqualTo(e.parameterCount())
                        .isEqualTo(ModelRegistry.parameterCount(e.spec()));
            }
        }
        assertThat(ModelRegistry.spec("unet-small").intParam("chans")).isEqualTo(32);
        assertThat(ModelRegistry.entries()).extracting(ModelRegistry.Entry::parameterCount)
                .containsExactly(757_501L, 7_756_097L, 124_093_697L, 9_212_090L, 29_936_966L, 8_029_000L, 127_188_068L, 0L, 0L);
        ModelSpec custom = ModelRegistry.parse("unet:chans=6,pools=3");
        assertThat(ModelRegistry.create(custom, 0).parameters().count()).isEqualTo(ModelRegistry.parameterCount(custom));
    }

    @Test
    void stateDictNamesFollowTheReference() {
        ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), 1);
        assertThat(m.parameters().asMap().keySet()).containsExactly(
                "unet.down_sample_layers.0.layers.0.weight", "unet.down_sample_layers.0.layers.4.weight",
                "unet.down_sample_layers.1.layers.0.weight", "unet.down_sample_layers.1.layers.4.weight",
                "unet.conv.layers.0.weight", "unet.conv.layers.4.weight",
                "unet.up_transpose_conv.0.layers.0.weight",
                "unet.up_conv.0.layers.0.weight", "unet.up_conv.0.layers.4.weight",
                "unet.up_transpose_conv.1.layers.0.weight",
                "unet.up_conv.1.0.layers.0.weight", "unet.up_conv.1.0.layers.4.weight",
                "unet.up_conv.1.1.weight", "unet.up_conv.1.1.bias");
    }

    @Test
    void outputHasTheInputShapeForOddSizes() {
        ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=4"), 2);
        float[] x = new float[2 * 321 * 299];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        try (PointerScope scope = new PointerScope()) {
            Tensor out = m.forward(new ImageInput(Tensors.fromFloats(x, 2, 1, 321, 299)));
            assertThat(Torch.shape(out)).containsExactly(2, 1, 321, 299);
            float[] y = Tensors.toFloats(out);
            for (float v : y) assertThat(Float.isFinite(v)).isTrue();
        }
    }
}
