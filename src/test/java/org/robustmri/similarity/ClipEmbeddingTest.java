package org.robustmri.similarity;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CLIP embedding against OpenAI CLIP's own VisionTransformer (clip/model.py) run with Debian's torch on random
 * weights in the ViT-B/32 and ViT-B/16 layouts (tools/golden/gen_clip_vectors.py): preprocessing and embeddings of a
 * real brain slice (upsampled), a non-square crop of it and a larger non-square image (downsampled).
 */
class ClipEmbeddingTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void preprocessingMatchesTheReference() {
        Map<String, Tensor> v = Safetensors.read(GOLDEN.resolve("clip_vectors.safetensors")).tensors();
        for (int i = 0; i < 3; i++) {
            try (PointerScope scope = new PointerScope()) {
                float[] got = Tensors.toFloats(ClipEmbedding.grey(v.get("image." + i), 224)), want = Tensors.toFloats(v.get("grey." + i));
                assertThat(got).hasSameSizeAs(want);
                double worst = 0;
                for (int j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
                assertThat(worst).as("image %d", i).isLessThan(1e-5);
            }
        }
    }

    @Test
    void embeddingsMatchOpenAiClipsVisualTowerTo1e4() {
        Map<String, Tensor> v = Safetensors.read(GOLDEN.resolve("clip_vectors.safetensors")).tensors();
        for (String arch : new String[]{"b32", "b16"}) {
            ClipEmbedding e = (ClipEmbedding) Embeddings.of("clip:weights=" + GOLDEN.resolve("clip_" + arch + "_tiny.safetensors"));
            assertThat(e.dimension()).isEqualTo(arch.equals("b32") ? 32 : 48);
            assertThat(e.spec()).contains("patch " + arch.substring(1)).contains("act=quickgelu").contains("heads=2");
            for (int i = 0; i < 3; i++) {
                try (PointerScope scope = new PointerScope()) {
                    float[] got = Tensors.toFloats(e.embed(v.get("image." + i))), want = Tensors.toFloats(v.get(arch + "." + i));
                    assertThat(got).hasSameSizeAs(want);
                    for (int j = 0; j < got.length; j++) assertThat((double) got[j]).as("%s image %d [%d]", arch, i, j).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    /**
     * The real ViT-B/32 and ViT-B/16 sizes (88 M parameters each, too large to keep here): run where
     * {@code -Dclip.full=DIR} names the output of {@code gen_clip_vectors.py DIR --full}; says it is skipped elsewhere.
     */
    @Test
    void fullSizeTowersMatchWhenTheirFilesAreGiven() {
        String dir = System.getProperty("clip.full");
        if (dir == null) System.out.println("ClipEmbeddingTest full-size towers skipped: no -Dclip.full=DIR");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "no -Dclip.full=DIR: skipped");
        Map<String, Tensor> v = Safetensors.read(Path.of(dir, "clip_vectors_full.safetensors")).tensors();
        for (String arch : new String[]{"b32", "b16"}) {
            ClipEmbedding e = (ClipEmbedding) Embeddings.of("clip:weights=" + Path.of(dir, "clip_" + arch + "_full.safetensors"));
            assertThat(e.architecture()).isEqualTo("ViT-B/" + arch.substring(1));
            double worst = 0;
            for (int i = 0; i < 3; i++) {
                try (PointerScope scope = new PointerScope()) {
                    float[] got = Tensors.toFloats(e.embed(v.get("image." + i))), want = Tensors.toFloats(v.get(arch + "." + i));
                    for (int j = 0; j < got.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
                }
            }
            System.out.printf("ClipEmbeddingTest %s: largest difference to OpenAI's tower %.2g%n", e.architecture(), worst);
            assertThat(worst).as(arch).isLessThan(1e-4);
        }
    }

    @Test
    void theActivationMattersAndBadOptionsAreNamed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Map<String, Tensor> v = Safetensors.read(GOLDEN.resolve("clip_vectors.safetensors")).tensors();
        Path w = GOLDEN.resolve("clip_b32_tiny.safetensors");
        try (PointerScope scope = new PointerScope()) {
            float[] gelu = Tensors.toFloats(Embeddings.of("clip:weights=" + w + ",act=gelu").embed(v.get("image.0")));
            float[] want = Tensors.toFloats(v.get("b32.0"));
            double diff = 0;
            for (int j = 0; j < want.length; j++) diff = Math.max(diff, Math.abs(gelu[j] - want[j]));
            assertThat(diff).isGreaterThan(1e-3); // OpenAI's towers use QuickGELU; GELU is another function
        }
        assertThatThrownBy(() -> Embeddings.of("clip:")).hasMessageContaining("clip needs weights=FILE");
        assertThatThrownBy(() -> Embeddings.of("clip:weights=" + w + ",act=relu")).hasMessageContaining("quickgelu or gelu");
        assertThatThrownBy(() -> Embeddings.of("clip:weights=" + w + ",size=3")).hasMessageContaining("clip takes weights=FILE");
        Path conv = tmp.resolve("conv.safetensors");
        Files.copy(GOLDEN.resolve("embedding.safetensors"), conv);
        assertThatThrownBy(() -> Embeddings.of("clip:weights=" + conv)).hasMessageContaining("conv.safetensors").hasMessageContaining("visual.");
    }
}
