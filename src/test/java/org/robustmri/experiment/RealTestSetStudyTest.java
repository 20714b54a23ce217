package org.robustmri.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.report.Report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A simulated study tested on a real scan reports the scan in its own section and keeps it out of the claims. */
class RealTestSetStudyTest {
    @TempDir
    Path tmp;

    @Test
    void theRealScanHasItsOwnSectionAndStaysOutOfTheClaims() throws Exception {
        Path catalog = TestFiles.REAL_KSPACE.resolve("catalog.csv").toAbsolutePath();
        String yaml = """
                name: sim-and-real
                simulate:
                  distributions: [brain-t2-3T-16ch, brain-flair-3T-16ch]
                  train_volumes: 1
                  validation_volumes: 1
                  test_volumes: 1
                  slices: 2
                  matrix: 48
                  seed: 3
                data:
                  test_catalogs: [%s]
                distributions:
                  real-brain-16ch: [{filename: pulseq_invivo_brain_16ch.h5}]
                training_sets:
                  - {name: t2, components: [brain-t2-3T-16ch]}
                test_sets: [brain-t2-3T-16ch, brain-flair-3T-16ch, real-brain-16ch]
                models:
                  - {model: unet, chans: 4, pools: 2}
                recipe: {lr: 0.003, epochs: 1, threads: 1, mask: {type: equispaced, accelerations: [4], center_fractions: [0.08]}}
                """.formatted(catalog);
        Path cfg = tmp.resolve("study.yaml");
        Files.writeString(cfg, yaml);
        ExperimentConfig config = ExperimentConfig.read(cfg);
        assertThat(Experiment.analysisOptions(config).realTestSets()).containsExactly("real-brain-16ch");
        Path out = tmp.resolve("out");
        Report.Built built = new Experiment(config, tmp, out, null).run(new Experiment.Listener() {
        });
        // the section's numbers are the results.csv rows of the real scan: zero-filled and the one run's final epoch
        List<String> results = Files.readAllLines(out.resolve("results.csv"));
        double zfSsim = mean(results, "zero-filled,", ",real-brain-16ch,", ",ssim,");
        double modelPsnr = mean(results, "t2__", ",real-brain-16ch,", ",psnr,");
        List<String> real = Files.readAllLines(out.resolve("analyses").resolve("real_scans.csv"));
        assertThat(real).hasSize(3);
        String[] zf = real.stream().filter(l -> l.startsWith("real-brain-16ch,zero-filled,")).findFirst().orElseThrow().split(",");
        assertThat(Double.parseDouble(zf[4])).isCloseTo(zfSsim, within(6e-5));
        String modelRow = real.stream().filter(l -> l.startsWith("real-brain-16ch,t2,")).findFirst().orElseThrow();
        assertThat(modelRow).startsWith("real-brain-16ch,t2,\"U-Net, 4 channels, 2 pools");
        String[] model = modelRow.split(",");
        assertThat(Double.parseDouble(model[model.length - 3])).isCloseTo(modelPsnr, within(6e-5));
        assertThat(built.findings()).anyMatch(f -> f.startsWith("Real scans, real-brain-16ch:"));
        assertThat(Files.readString(built.html())).contains("Trained on simulated data, tested on real scans");
        // the analyses behind the claims see only the simulated test sets
        assertThat(Files.readString(out.resolve("analyses").resolve("matrix.csv"))).doesNotContain("real-brain-16ch");
        assertThat(out.resolve("panels").resolve("real-brain-16ch.png")).exists();
    }

    private static double mean(List<String> rows, String prefix, String testSet, String metric) {
        return rows.stream().filter(r -> r.startsWith(prefix) && r.contains(testSet) && r.contains(metric))
                .mapToDouble(r -> Double.parseDouble(r.split(",")[8])).average().orElseThrow();
    }
}
