package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.data.PathologyBoxes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny simulated pathology study: box rows for every run and simulated box, and the report's pathology tables. */
class PathologyStudyTest {
    @TempDir
    Path tmp;

    @Test
    void boxesAreScoredForEveryRunAndReported() throws Exception {
        Path config = tmp.resolve("p.yaml");
        Files.writeString(config, """
                name: tiny-pathology
                simulate:
                  distributions: [brain-t2-3T-16ch-healthy, brain-t2-3T-16ch-lesions]
                  train_volumes: 1
                  validation_volumes: 0
                  test_volumes: 1
                  slices: 6
                  matrix: 64
                  seed: 5
                training_sets:
                  - {name: healthy, components: [brain-t2-3T-16ch-healthy]}
                  - {name: healthy+lesions, components: [brain-t2-3T-16ch-healthy, brain-t2-3T-16ch-lesions], slices_per_epoch: 6}
                test_sets: [brain-t2-3T-16ch-lesions]
                pathology_boxes: simulated
                models:
                  - {model: unet, chans: 2, pools: 1}
                recipe: {lr: 0.003, epochs: 1, threads: 1, mask: {type: equispaced, accelerations: [4], center_fractions: [0.08]}}
                """);
        Path out = tmp.resolve("study");
        new Experiment(ExperimentConfig.read(config), tmp, out, null).run(new Experiment.Listener() {
        });
        PathologyBoxes boxes = PathologyBoxes.read(out.resolve("data").resolve("test").resolve("annotations.csv"));
        assertThat(boxes.boxes()).isNotEmpty();
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        long boxRows = rows.stream().filter(r -> r.contains(",ssim_box,")).count();
        // 2 runs x 1 checkpoint x every box (the zero-filled baseline is scored without boxes)
        assertThat(boxRows).isEqualTo(2L * boxes.boxes().size());
        assertThat(rows.stream().filter(r -> r.contains(",ssim_box,")).findFirst().orElseThrow()).contains(";size=").contains(";box=").contains(";label=Lesion");
        List<String> table = Files.readAllLines(out.resolve("analyses").resolve("pathology.csv"));
        assertThat(table.get(0)).isEqualTo("model,test_set,train_set,size_class,boxes,mean_ssim_box,low,high");
        assertThat(table).anyMatch(r -> r.contains(",healthy,all," + boxes.boxes().size() + ","));
        assertThat(table).anyMatch(r -> r.contains(",healthy+lesions,all," + boxes.boxes().size() + ","));
        List<String> diff = Files.readAllLines(out.resolve("analyses").resolve("pathology_difference.csv"));
        assertThat(diff).anyMatch(r -> r.contains("healthy+lesions,healthy,all," + boxes.boxes().size() + ","));
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("pathology boxes (");
    }
}
