package org.robustmri.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.FastMriWriter;
import org.robustmri.metric.VolumeScore;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** fastMRI's evaluate.py (W, W) crop against its own functions (tools/golden/gen_crop_vectors.py). */
class SquareCropTest {
    static final Path VARNET = Path.of("src", "test", "resources", "interop", "varnet");

    @TempDir
    Path tmp;

    @Test
    void squareCropScoresAsFastMrisEvaluate() throws Exception {
        JsonNode g = TestFiles.golden("crop.json");
        float[] recon = Tensors.toFloats(Safetensors.read(VARNET.resolve("varnet_tiny_padded_brain_expected.safetensors"))
                .tensors().get("output_auto"));
        Path dir = tmp.resolve("recon");
        FastMriWriter.writeReconstruction(dir.resolve("padded_brain.h5"), recon, 2, 120, 96, Map.of());
        Path target = VARNET.resolve("padded_brain.h5");
        VolumeScore cropped = FileEvaluation.score(target, dir.resolve("padded_brain.h5"), true).get(0);
        assertThat(cropped.ssim()).isCloseTo(g.get("ssim").asDouble(), within(1e-6));
        assertThat(cropped.psnr()).isCloseTo(g.get("psnr").asDouble(), within(1e-4));
        assertThat(cropped.nmse()).isCloseTo(g.get("nmse").asDouble(), within(1e-6 * g.get("nmse").asDouble()));
        assertThat(cropped.dataRange()).isCloseTo(g.get("data_range_cropped").asDouble(), within(1e-12));
        VolumeScore whole = FileEvaluation.score(target, dir.resolve("padded_brain.h5"), false).get(0);
        assertThat(whole.ssim()).isCloseTo(g.get("ssim_uncropped").asDouble(), within(1e-6));
        CliTestSupport.Result r = CliTestSupport.run("metrics", "--target", target.toString(), "--recon",
                dir.resolve("padded_brain.h5").toString(), "--crop", "square", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("volumes").get(0).get("ssim").asDouble()).isCloseTo(g.get("ssim").asDouble(), within(1e-6));
        assertThat(j.get("summary").get("ssim_volume").get("spec").asText()).contains("crop=center-WxW-target-width");
        assertThat(List.of(CliTestSupport.run("metrics", "--target", target.toString(), "--recon", dir.toString(), "--crop", "round").code()))
                .containsExactly(2);
    }
}
