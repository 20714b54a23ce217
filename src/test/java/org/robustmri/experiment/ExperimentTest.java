package org.robustmri.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.eval.Evaluator;
import org.robustmri.report.Report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tiny simulated study end to end (seconds), its report, and resuming an interrupted run of it. */
class ExperimentTest {
    @TempDir
    static Path tmp;

    static final String CONFIG = """
            name: tiny
            simulate:
              distributions: [brain-t2-3T-16ch, knee-pd-3T-15ch, knee-pdfs-3T-15ch]
              train_volumes: 1
              validation_volumes: 1
              test_volumes: 1
              slices: 2
              matrix: 48
              seed: 3
            training_sets:
              - {name: brain, components: [brain-t2-3T-16ch]}
              - {name: knee, components: [knee-pd-3T-15ch]}
              - {name: brain+knee, components: [brain-t2-3T-16ch, knee-pd-3T-15ch], weights: uniform, slices_per_epoch: 2}
            test_sets: [brain-t2-3T-16ch, knee-pd-3T-15ch, knee-pdfs-3T-15ch]
            models:
              - {model: unet, chans: 4, pools: 2}
            recipe: {lr: 0.003, epochs: 2, threads: 1, mask: {type: random, accelerations: [4], center_fractions: [0.08]}}
            """;

    static Path config;
    static Path reference;
    static Report.Built built;

    @BeforeAll
    static void runOnce() throws Exception {
        config = tmp.resolve("tiny.yaml");
        Files.writeString(config, CONFIG);
        reference = tmp.resolve("reference");
        built = new Experiment(ExperimentConfig.read(config), tmp, reference, null).run(new Experiment.Listener() {
        });
    }

    @Test
    void resultsHaveEveryRunCheckpointTestAndVolume() throws Exception {
        List<String> rows = Files.readAllLines(reference.resolve("results.csv"));
        assertThat(rows.get(0)).isEqualTo(Evaluator.HEADER);
        // 3 runs x 2 checkpoints x 3 test sets x 1 volume x (2 ssim slices + psnr + nmse), plus the baseline's 3 x 4
        assertThat(rows).hasSize(1 + 3 * 2 * 3 * 4 + 3 * 4);
        assertThat(rows.stream().filter(r -> r.startsWith("zero-filled,")).count()).isEqualTo(12);
        assertThat(Files.readAllLines(reference.resolve("runs.csv"))).hasSize(4);
    }

    @Test
    void everyAnalysisAndFigureIsProducedAndReferenced() throws Exception {
        for (String t : List.of("p_vs_q", "diversity", "robustness", "overfitting", "matrix", "baseline")) {
            assertThat(reference.resolve("analyses").resolve(t + ".csv")).exists();
        }
        String html = Files.readString(built.html());
        // one robustness and one P vs Q figure per architecture (this study has one)
        for (String f : List.of("p_vs_q-1", "diversity", "robustness-1", "overfitting-1", "matrix")) {
            assertThat(reference.resolve("figures").resolve(f + ".png")).exists();
            assertThat(html).contains("alt=\"" + f + "\" src=\"data:image/png;base64,");
        }
        assertThat(html).doesNotContain("src=\"http").contains("Reconstructions");
        assertThat(reference.resolve("panels").resolve("knee-pdfs-3T-15ch.png")).exists();
        assertThat(built.findings()).anyMatch(f -> f.contains("zero-filling"));
        // the report opens with the claims table, architectures named in words with their size
        assertThat(html.indexOf("<table class=\"claims\">")).isPositive().isLessThan(html.indexOf("alt=\"robustness-1\""));
        assertThat(html).contains("U-Net, 4 channels, 2 pools, 7k parameters");
        assertThat(built.claims().text()).anyMatch(l -> l.startsWith("U-Net, 4 channels, 2 pools"))
                .anyMatch(l -> l.matches(".*P\\+Q matches the specialist +[-+]\\d\\.\\d{4} \\[[-+]\\d\\.\\d{4}, [-+]\\d\\.\\d{4}\\] (holds|fails|undecided)"));
        // the mixture of two distributions gives the P vs Q table one row per side
        // one row per side and checkpoint rule (final, oracle, validation)
        List<String> pq = Files.readAllLines(reference.resolve("analyses").resolve("p_vs_q.csv"));
        assertThat(pq).hasSize(1 + 2 * 3);
        assertThat(pq.stream().filter(r -> r.contains(",final,")).count()).isEqualTo(2);
        assertThat(Files.readAllLines(reference.resolve("relations.csv"))).contains("knee,knee-pd-3T-15ch,in,1.000000",
                "knee,knee-pdfs-3T-15ch,out,0.000000");
        assertThat(Files.readString(reference.resolve("analyses").resolve("claims.csv"))).contains("unet-c4-p2");
        // an undecided claim's cell says which source widens its interval, with the numbers of claims.csv's last two columns
        List<String> claimRows = Files.readAllLines(reference.resolve("analyses").resolve("claims.csv"));
        for (String row : claimRows.subList(1, claimRows.size())) {
            String[] tail = row.substring(row.lastIndexOf(',', row.lastIndexOf(',') - 1) + 1).split(",", -1);
            String seeds = tail[0].equals("0.0000") ? "none (one seed per model)" : tail[0];
            String sources = "half-width from seeds alone " + seeds + ", test volumes alone " + tail[1];
            if (row.contains(",undecided,")) assertThat(html).contains(sources);
            else if (!tail[0].isEmpty()) assertThat(html).doesNotContain(sources);
        }
        // the report command rebuilds the same tables from results.csv alone
        String before = Files.readString(reference.resolve("analyses").resolve("robustness.csv"));
        assertThat(CliTestSupport.run("report", reference.toString()).code()).isZero();
        assertThat(Files.readString(reference.resolve("analyses").resolve("robustness.csv"))).isEqualTo(before);
    }

    @Test
    void anInterruptedStudyResumesWithoutRedoingFinishedRunsAndGivesTheSameTables() throws Exception {
        Path dir = tmp.resolve("interrupted");
        List<String> phases = new ArrayList<>();
        Experiment.Listener killer = new Experiment.Listener() {
            @Override
            public void phase(String name, long total, String unit) {
                phases.add(name);
                if (name.startsWith("train 2/3")) throw new IllegalStateException("killed");
            }
        };
        assertThatThrownBy(() -> new Experiment(ExperimentConfig.read(config), tmp, dir, null).parallel(1).run(killer)).hasMessage("killed");
        phases.clear();
        Experiment.Listener record = new Experiment.Listener() {
            @Override
            public void phase(String name, long total, String unit) {
                phases.add(name);
            }
        };
        new Experiment(ExperimentConfig.read(config), tmp, dir, null).parallel(1).run(record);
        assertThat(phases).noneMatch(p -> p.startsWith("simulate") || p.startsWith("train 1/3") || p.startsWith("evaluate 1/3"));
        assertThat(phases).anyMatch(p -> p.startsWith("train 2/3"));
        for (String t : List.of("p_vs_q", "diversity", "robustness", "overfitting", "matrix", "baseline")) {
            assertThat(Files.readString(dir.resolve("analyses").resolve(t + ".csv"))).as(t)
                    .isEqualTo(Files.readString(reference.resolve("analyses").resolve(t + ".csv")));
        }
    }

    @Test
    void dryRunPrintsThePlanAndBadConfigsFailClearly() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("experiment", config.toString(), "--dry-run", "--out", tmp.resolve("dry").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 run(s), 3 test set(s)").contains("brain+knee__unet-c4-p2__m0d0").contains("estimated");
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, CONFIG.replace("test_sets:", "tests_sets:"));
        CliTestSupport.Result b = CliTestSupport.run("experiment", bad.toString(), "--dry-run");
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err()).contains("unknown key 'tests_sets'");
        Files.writeString(bad, CONFIG.replace("components: [knee-pd-3T-15ch]}", "components: [knee-xx]}"));
        CliTestSupport.Result u = CliTestSupport.run("experiment", bad.toString(), "--dry-run");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("unknown distribution 'knee-xx'");
        CliTestSupport.Result again = CliTestSupport.run("experiment", config.toString(), "--out", reference.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("--resume");
    }

    @Test
    void aStudyWithOneTrainingSetSaysNoClaimAppliesInsteadOfAnEmptyTable() throws Exception {
        String one = CONFIG.replace("  - {name: knee, components: [knee-pd-3T-15ch]}\n", "")
                .replace("  - {name: brain+knee, components: [brain-t2-3T-16ch, knee-pd-3T-15ch], weights: uniform, slices_per_epoch: 2}\n", "")
                .replace("test_sets: [brain-t2-3T-16ch, knee-pd-3T-15ch, knee-pdfs-3T-15ch]", "test_sets: [brain-t2-3T-16ch]")
                .replace("epochs: 2", "epochs: 1");
        Path c = tmp.resolve("one-set.yaml");
        Files.writeString(c, one);
        Path out = tmp.resolve("one-set");
        CliTestSupport.Result r = CliTestSupport.run("experiment", c.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Claims: none applies to this study's design").doesNotContain("Claims (");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("None of the claims of Lin &amp; Heckel").doesNotContain("<table class=\"claims\">")
                .doesNotContain("Each point is a model").contains("Architectures: unet-c4-p2 = U-Net, 4 channels, 2 pools");
    }

    @Test
    void libraryFilesAreReadInOrderOnTopOfTheBuiltInOne() throws Exception {
        // the second file derives from an entry of the first and overrides a key of it: only both files, read in order, resolve it
        Files.writeString(tmp.resolve("lib-a.yaml"), "distributions:\n  my-knee: {base: knee-pd-3T-15ch, coils: 8}\n");
        Files.writeString(tmp.resolve("lib-b.yaml"), "distributions:\n  my-knee-2ch: {base: my-knee, coils: 2}\n  my-knee: {snr: 33}\n");
        String listed = CONFIG.replace("  seed: 3\n", "  seed: 3\n  library: [lib-a.yaml, lib-b.yaml]\n")
                .replace("[brain-t2-3T-16ch, knee-pd-3T-15ch, knee-pdfs-3T-15ch]\n  train_volumes", "[brain-t2-3T-16ch, my-knee-2ch, knee-pdfs-3T-15ch]\n  train_volumes")
                .replace("components: [knee-pd-3T-15ch]}", "components: [my-knee-2ch]}").replace("knee-pd-3T-15ch], weights", "my-knee-2ch], weights")
                .replace("test_sets: [brain-t2-3T-16ch, knee-pd-3T-15ch,", "test_sets: [brain-t2-3T-16ch, my-knee-2ch,");
        Path c = tmp.resolve("listed.yaml");
        Files.writeString(c, listed);
        StudyContext ctx = new StudyContext(ExperimentConfig.read(c), tmp, tmp.resolve("listed"), null);
        org.robustmri.sim.DistributionRecipe d = ctx.library().get("my-knee-2ch");
        assertThat(d.coils()).isEqualTo(2);
        assertThat(d.anatomy()).isEqualTo(org.robustmri.sim.Anatomy.KNEE);
        assertThat(ctx.library().get("my-knee").snr()).isEqualTo(33.0);
        CliTestSupport.Result r = CliTestSupport.run("experiment", c.toString(), "--dry-run", "--no-probe", "--out", tmp.resolve("listed-dry").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Files.writeString(c, listed.replace("library: [lib-a.yaml, lib-b.yaml]", "library: lib-b.yaml"));
        CliTestSupport.Result one = CliTestSupport.run("experiment", c.toString(), "--dry-run", "--no-probe");
        assertThat(one.code()).isEqualTo(2);
        assertThat(one.err()).contains("my-knee");
    }

    @Test
    void runsTrainedConcurrentlyGiveTheSequentialNumbers() throws Exception {
        assertThat(new Experiment(ExperimentConfig.read(config), tmp, tmp.resolve("x"), null).parallelRuns(
                new Experiment(ExperimentConfig.read(config), tmp, tmp.resolve("x"), null).runs())).isEqualTo(2);
        Path seq = tmp.resolve("sequential");
        new Experiment(ExperimentConfig.read(config), tmp, seq, null).parallel(1).run(new Experiment.Listener() {
        });
        assertThat(Files.readAllBytes(seq.resolve("results.csv"))).isEqualTo(Files.readAllBytes(reference.resolve("results.csv")));
    }

    @Test
    void aModelCanBeRestrictedToSomeTrainingSetsAndSeeds() throws Exception {
        String two = CONFIG.replace("  - {model: unet, chans: 4, pools: 2}\n",
                "  - {model: unet, chans: 4, pools: 2}\n  - {model: vit, embed_dim: 4, heads: 2, depth: 1, patch: 8, avrg_img_size: 48,"
                        + " training_sets: [knee, brain+knee], model_seeds: [7]}\n") + "seeds: {model: [0, 1]}\n";
        Path c = tmp.resolve("restricted.yaml");
        Files.writeString(c, two);
        List<String> names = new Experiment(ExperimentConfig.read(c), tmp, tmp.resolve("r"), null).runs().stream()
                .map(Experiment.RunPlan::run).toList();
        assertThat(names).containsExactly("brain__unet-c4-p2__m0d0", "brain__unet-c4-p2__m1d0", "knee__unet-c4-p2__m0d0",
                "knee__unet-c4-p2__m1d0", "brain+knee__unet-c4-p2__m0d0", "brain+knee__unet-c4-p2__m1d0",
                "knee__vit-e4-h2-d1-p8__m7d0", "brain+knee__vit-e4-h2-d1-p8__m7d0");
        Files.writeString(c, two.replace("training_sets: [knee, brain+knee]", "training_sets: [knee, kne]"));
        CliTestSupport.Result r = CliTestSupport.run("experiment", c.toString(), "--dry-run", "--no-probe");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("training set 'kne' is not defined");
    }
}
