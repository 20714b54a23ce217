package org.robustmri.metric;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Golden values from scikit-image's structural_similarity, peak_signal_noise_ratio and numpy norms. */
class SsimTest {
    @Test
    void matchesScikitImageAndNumpy() {
        List<VolumeScore> scores = new ArrayList<>();
        for (JsonNode c : TestFiles.golden("metrics.json").get("cases")) {
            String name = c.get("name").asText();
            int s = c.get("shape").get(0).asInt(), h = c.get("shape").get(1).asInt(), w = c.get("shape").get(2).asInt();
            VolumeScore v = Metrics.score(name, TestFiles.floats(c.get("target")), TestFiles.floats(c.get("recon")), s, h, w);
            scores.add(v);
            assertThat(v.dataRange()).as(name).isCloseTo(c.get("data_range").asDouble(), within(1e-12));
            double[] expected = TestFiles.doubles(c.get("ssim_per_slice"));
            for (int i = 0; i < expected.length; i++) {
                assertThat(v.ssimPerSlice()[i]).as("%s slice %d", name, i).isCloseTo(expected[i], within(1e-9));
            }
            // skimage >= 0.19 computes in float32 for float32 inputs: same value to float precision.
            assertThat(v.ssim()).as(name).isCloseTo(c.get("ssim_float32_skimage").asDouble(), within(2e-5));
            if (c.get("psnr").isNull()) {
                assertThat(v.psnr()).isInfinite();
            } else {
                assertThat(v.psnr()).as(name).isCloseTo(c.get("psnr").asDouble(), within(1e-9));
            }
            assertThat(v.nmse()).as(name).isCloseTo(c.get("nmse").asDouble(), within(1e-12 + 1e-9 * c.get("nmse").asDouble()));
        }
        VolumeScore identical = scores.get(2);
        assertThat(identical.ssim()).isEqualTo(1.0);
        assertThat(identical.nmse()).isZero();
    }

    @Test
    void aggregationsDifferWhenVolumesHaveDifferentSliceCounts() {
        VolumeScore a = new VolumeScore("a", 1, new double[]{0.9, 0.7}, 30, 0.01);
        VolumeScore b = new VolumeScore("b", 1, new double[]{0.5}, 20, 0.03);
        Metrics.Summary s = Metrics.summarize(List.of(a, b));
        assertThat(s.ssimVolume()).isCloseTo((0.8 + 0.5) / 2, within(1e-12));
        assertThat(s.ssimSlice()).isCloseTo((0.9 + 0.7 + 0.5) / 3, within(1e-12));
        assertThat(s.psnr()).isCloseTo(25, within(1e-12));
        assertThat(s.nmse()).isCloseTo(0.02, within(1e-12));
        assertThat(s.slices()).isEqualTo(3);
        assertThat(MetricSpec.SSIM_VOLUME.spec()).contains("agg=volume").contains("range=volume-max");
    }

    @Test
    void constantImagesScoreOne() {
        float[] c = new float[10 * 10];
        java.util.Arrays.fill(c, 3f);
        assertThat(Ssim.ssim(c, c.clone(), 10, 10, 3.0)).isEqualTo(1.0);
    }
}
