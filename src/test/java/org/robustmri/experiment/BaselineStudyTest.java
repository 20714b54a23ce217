package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A study's baselines without weights: evaluated like zero-filling on every test set, merged, tabled and refused where wrong. */
class BaselineStudyTest {
    @TempDir
    Path tmp;

    static final String CONFIG = """
            name: baselines
            simulate:
              distributions: [brain-t2-3T-16ch, knee-pd-3T-15ch]
              train_volumes: 1
              validation_volumes: 0
              test_volumes: 1
              slices: 2
              matrix: 48
              seed: 2
            training_sets:
              - {name: t2, components: [brain-t2-3T-16ch]}
            test_sets: [brain-t2-3T-16ch, knee-pd-3T-15ch]
            models:
              - %s
            %s
            recipe: {lr: 0.003, epochs: 1, threads: 1, mask: {type: %s, accelerations: [4], center_fractions: [0.08]}}
            """;

    private Experiment experiment(String model, String baselines, String mask) throws Exception {
        Path config = tmp.resolve("c.yaml");
        Files.writeString(config, CONFIG.formatted(model, baselines, mask));
        return new Experiment(ExperimentConfig.read(config), tmp, tmp.resolve("study"), null);
    }

    @Test
    void csBaselineIsEvaluatedMergedAndReported() throws Exception {
        experiment("{model: unet, chans: 4, pools: 2}", "baselines: [\"cs:reg=tv,iterations=60\"]", "equispaced")
                .run(new Experiment.Listener() {
                });
        Path out = tmp.resolve("study");
        String name = "cs-tv-l0.001-i60";
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        // 2 test sets x 4 metric rows for the baseline, like zero-filled
        assertThat(rows.stream().filter(r -> r.startsWith(name + ",")).count()).isEqualTo(2 * 4);
        assertThat(out.resolve("runs").resolve(name).resolve("eval").resolve("results.csv")).exists();
        List<String> table = Files.readAllLines(out.resolve("analyses").resolve("baselines.csv"));
        assertThat(table).hasSize(3);
        for (String r : table.subList(1, 3)) {
            String[] f = r.split(",");
            assertThat(f[0]).isEqualTo(name);
            // TV beats zero-filling on simulated anatomy at 4x
            assertThat(Double.parseDouble(f[4])).as(r).isPositive();
        }
        assertThat(Files.readString(out.resolve("summary.txt"))).contains(name + ": mean SSIM");
        // one epoch gives no curve: "OOD SSIM falls after its peak" is n/a, not decided
        assertThat(Files.readAllLines(out.resolve("analyses").resolve("claims.csv")).stream()
                .filter(r -> r.contains("distributional overfitting")).toList())
                .singleElement().satisfies(r -> assertThat(r).contains("needs runs evaluated at two or more epochs").contains(",n/a,"));
    }

    /**
     * {@code tune_on: validation}: lambda is chosen per training set on that set's validation volumes, the winner is
     * the grid's best validation SSIM, every test set is scored with it, and the transfer table compares each lambda
     * with the test set's own.
     */
    @Test
    void tunedBaselineChoosesLambdaPerTrainingSetAndReportsItsTransfer() throws Exception {
        Path config = tmp.resolve("t.yaml");
        Files.writeString(config, CONFIG.formatted("{model: unet, chans: 4, pools: 2}",
                "baselines: [{model: \"cs-wavelet:iterations=5\", tune_on: validation, lambdas: [0.003, 300]}]", "equispaced")
                .replace("validation_volumes: 0", "validation_volumes: 1")
                .replace("  - {name: t2, components: [brain-t2-3T-16ch]}", "  - {name: t2, components: [brain-t2-3T-16ch]}\n  - {name: pd, components: [knee-pd-3T-15ch]}"));
        new Experiment(ExperimentConfig.read(config), tmp, tmp.resolve("tuned"), null).run(new Experiment.Listener() {
        });
        Path out = tmp.resolve("tuned");
        List<org.robustmri.report.TunedBaselines.Tuning> tunings = org.robustmri.report.TunedBaselines.read(out);
        assertThat(tunings).extracting(org.robustmri.report.TunedBaselines.Tuning::trainingSet).containsExactlyInAnyOrder("t2", "pd");
        for (var t : tunings) {
            assertThat(t.run()).isEqualTo("cs-wavelet-i5-espirit-c0.0@" + t.trainingSet());
            assertThat(t.validationVolumes()).isEqualTo(1);
            var best = t.grid().stream().max(java.util.Comparator.comparingDouble(org.robustmri.report.TunedBaselines.GridPoint::ssim)).orElseThrow();
            assertThat(t.lambda()).isEqualTo(best.lambda()).isEqualTo(0.003);   // a weight of 300 leaves nothing of the image
            assertThat(Files.readAllLines(out.resolve("results.csv")).stream().filter(r -> r.startsWith(t.run() + ",")).count()).isEqualTo(2 * 4);
        }
        List<String> transfer = Files.readAllLines(out.resolve("analyses").resolve("lambda_transfer.csv"));
        assertThat(transfer).hasSize(1 + 2 * 2);
        assertThat(transfer).anyMatch(r -> r.startsWith("cs-wavelet-i5-espirit-c0.0,t2,0.0030,knee-pd-3T-15ch,out-of-distribution,") && r.contains(",pd,0.0030,"));
        String summary = Files.readString(out.resolve("summary.txt"));
        assertThat(summary).contains("cs-wavelet-i5-espirit-c0.0: lambda tuned per training set on validation volumes (");
        assertThat(summary).doesNotContain("cs-wavelet-i5-espirit-c0.0@t2: mean SSIM");   // one finding, not one per instance
        assertThat(Files.readAllLines(out.resolve("analyses").resolve("baselines.csv"))).anyMatch(r -> r.startsWith("cs-wavelet-i5-espirit-c0.0@t2,"));
    }

    @Test
    void tunedBaselinesAreCheckedWhenTheConfigIsRead() throws Exception {
        assertThatThrownBy(() -> experiment("{model: unet, chans: 4, pools: 2}", "baselines: [{model: cs-wavelet, tune_on: test}]", "equispaced"))
                .hasMessageContaining("tune_on must be validation");
        assertThatThrownBy(() -> experiment("{model: unet, chans: 4, pools: 2}", "baselines: [{model: cs-wavelet, lambdas: [0.1]}]", "equispaced"))
                .hasMessageContaining("lambdas need tune_on: validation");
        assertThatThrownBy(() -> experiment("{model: unet, chans: 4, pools: 2}", "baselines: [{model: cs-wavelet, tune_on: validation, grid: [1]}]", "equispaced"))
                .hasMessageContaining("unknown keys [grid]");
        // the study has no validation volumes (validation_volumes: 0): refused when the baseline phase starts, before any tuning
        Experiment e = experiment("{model: unet, chans: 4, pools: 2}", "baselines: [{model: cs-wavelet, tune_on: validation}]", "equispaced");
        assertThatThrownBy(() -> e.run(new Experiment.Listener() {
        })).hasMessageContaining("is tuned on validation, but the study has no validation volumes");
    }

    @Test
    void wrongPlacesAreRefusedBeforeTraining() throws Exception {
        assertThatThrownBy(() -> experiment("{model: cs-tv}", "", "equispaced"))
                .hasMessageContaining("cs-tv has no weights to train: list it under baselines");
        assertThatThrownBy(() -> experiment("{model: unet, chans: 4, pools: 2}", "baselines: [unet-small]", "equispaced"))
                .hasMessageContaining("baseline unet-small has weights to train");
        assertThatThrownBy(() -> experiment("{model: varnet, cascades: 1, chans: 2, sens_chans: 2, pools: 2, sens_pools: 2}", "",
                "variable-density-2d").plan(false))
                .hasMessageContaining("needs a column mask");
        // an image-domain model trains and is evaluated with a 2-D mask
        experiment("{model: unet, chans: 4, pools: 2}", "", "variable-density-2d").plan(false);
    }
}
