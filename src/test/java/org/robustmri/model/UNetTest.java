package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UNetTest {
    /** Counts, names and shapes from fastMRI's own Unet and VarNet (tools/golden/gen_model_counts.py). */
    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(Path.of("src/test/resources/golden/model_counts.json").toFile());
    }

    @Test
    void registeredModelsHaveTheReferenceParameterCounts() throws IOException {
        JsonNode paper = reference().get("paper_models");
        JsonNode vit = new ObjectMapper().readTree(Path.of("src/test/resources/interop/vit/vit_reference.json").toFile()).get("params");
        int checked = 0;
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            String name = e.spec().name();
            long expected = paper.has(name) ? paper.get(name).get("params").asLong()
                    : vit.has(name) ? vit.get(name).get("params").asLong()
                    : -1;
            if (expected < 0) {
                assertThat(e.spec().family()).as(name).startsWith("cs"); // the compressed-sensing baselines learn nothing
                expected = 0;
            }
            try (PointerScope scope = new PointerScope()) {
                ReconstructionModel m = ModelRegistry.create(e.spec(), 0);
                assertThat(m.parameters().count()).as(name).isEqualTo(expected);
                assertThat(e.parameterCount()).as(name + " as registered").isEqualTo(expected);
            }
            checked++;
        }
        assertThat(checked).isEqualTo(ModelRegistry.entries().size()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void customSizesHaveFastMrisNamesShapesAndCounts() throws IOException {
        int withNames = 0;
        for (JsonNode u : reference().get("unet")) {
            ModelSpec spec = ModelRegistry.parse("unet:chans=" + u.get("chans").asInt() + ",pools=" + u.get("num_pool_layers").asInt());
            assertThat(ModelRegistry.parameterCount(spec)).as(spec.toString()).isEqualTo(u.get("params").asLong());
            if (u.get("state_dict").isNull()) continue;
            try (PointerScope scope = new PointerScope()) {
                ReconstructionModel m = ModelRegistry.create(spec, 0);
                assertThat(m.parameters().count()).isEqualTo(u.get("params").asLong());
                assertSameLayout(m, u.get("state_dict"), "unet.");
            }
            withNames++;
        }
        assertThat(withNames).isEqualTo(3);
        for (JsonNode v : reference().get("varnet")) {
            ModelSpec spec = ModelRegistry.parse("varnet:cascades=" + v.get("num_cascades").asInt() + ",sens_chans=" + v.get("sens_chans").asInt()
                    + ",sens_pools=" + v.get("sens_pools").asInt() + ",chans=" + v.get("chans").asInt() + ",pools=" + v.get("pools").asInt());
            assertThat(ModelRegistry.parameterCount(spec)).as(spec.toString()).isEqualTo(v.get("params").asLong());
            if (v.get("state_dict").isNull()) continue;
            try (PointerScope scope = new PointerScope()) {
                assertSameLayout(ModelRegistry.create(spec, 0), v.get("state_dict"), "");
            }
        }
    }

    /** The model's parameters are the reference's, name by name with the same shapes (order aside). */
    private static void assertSameLayout(ReconstructionModel m, JsonNode stateDict, String prefix) {
        java.util.Map<String, java.util.List<Long>> ref = new java.util.LinkedHashMap<>();
        for (JsonNode entry : stateDict) {
            java.util.List<Long> shape = new java.util.ArrayList<>();
            entry.get(1).forEach(d -> shape.add(d.asLong()));
            ref.put(prefix + entry.get(0).asText(), shape);
        }
        assertThat(m.parameters().asMap().keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
        for (var e : ref.entrySet()) {
            long[] shape = Torch.shape(m.parameters().get(e.getKey()));
            assertThat(java.util.Arrays.stream(shape).boxed().toList()).as(e.getKey()).isEqualTo(e.getValue());
        }
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
