package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A study whose train-test similarity uses CLIP's visual tower, its weights named relative to the config. */
class ClipSimilarityStudyTest {
    @TempDir
    Path tmp;

    @Test
    void theStudyEmbedsWithClipAndTheReportNamesTheEmbedding() throws Exception {
        Files.copy(Path.of("src/test/resources/golden/clip_b16_tiny.safetensors"), tmp.resolve("clip.safetensors"));
        Path config = tmp.resolve("c.yaml");
        Files.writeString(config, BaselineStudyTest.CONFIG.formatted("{model: unet, chans: 4, pools: 2}",
                "similarity: {embedding: \"clip:weights=clip.safetensors\", max_slices: 4}", "equispaced"));
        new Experiment(ExperimentConfig.read(config), tmp, tmp.resolve("study"), null).run(new Experiment.Listener() {
        });
        Path out = tmp.resolve("study");
        List<String> rows = Files.readAllLines(out.resolve("similarity.csv"));
        assertThat(rows).hasSize(1 + 2); // one training set x two test sets
        for (String r : rows.subList(1, rows.size())) assertThat(r).contains("clip(ViT(patch 16, width 128, 2 layers, 224 px) from clip.safetensors sha256");
        // the brain test set (other subjects of the training distribution) is nearer than the knee
        double brain = Double.parseDouble(rows.get(1).split(",")[4]), knee = Double.parseDouble(rows.get(2).split(",")[4]);
        assertThat(rows.get(1)).startsWith("t2,brain-t2-3T-16ch");
        assertThat(brain).isGreaterThan(knee);
        assertThat(Files.readString(out.resolve("report.html"))).contains("embedding clip(ViT(patch 16");
    }
}
