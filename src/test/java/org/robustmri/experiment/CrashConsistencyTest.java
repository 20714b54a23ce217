package org.robustmri.experiment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.Faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A study stopped dead at each numbered commit step (every file made visible, every manifest) and then resumed
 * ends with the same results and analyses, byte for byte, as one that was never interrupted.
 */
class CrashConsistencyTest {
    static final String CONFIG = """
            name: micro
            simulate:
              distributions: [knee-pd-3T-15ch, knee-pdfs-3T-15ch]
              train_volumes: 1
              validation_volumes: 0
              test_volumes: 1
              slices: 2
              matrix: 16
              seed: 7
            training_sets:
              - {name: pd, components: [knee-pd-3T-15ch]}
            test_sets: [knee-pd-3T-15ch, knee-pdfs-3T-15ch]
            models:
              - {model: unet, chans: 2, pools: 1}
            recipe: {lr: 0.01, epochs: 2, threads: 1, mask: {type: equispaced, accelerations: [4], center_fractions: [0.08]}}
            panel_slices: 1
            """;

    @TempDir
    static Path tmp;
    static Path config;
    static Map<String, byte[]> reference;
    static long steps;

    @BeforeAll
    static void uninterrupted() throws IOException {
        config = tmp.resolve("micro.yaml");
        Files.writeString(config, CONFIG);
        Faults.arm(0);
        Path dir = tmp.resolve("reference");
        study(dir).run(new Experiment.Listener() {
        });
        steps = Faults.steps();
        reference = outputs(dir);
    }

    @AfterEach
    void disarm() {
        Faults.arm(0);
    }

    static Experiment study(Path dir) {
        return new Experiment(ExperimentConfig.read(config), tmp, dir, null);
    }

    /** results.csv, runs.csv and every analysis table: the numbers a study produces. */
    static Map<String, byte[]> outputs(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        out.put("results.csv", Files.readAllBytes(dir.resolve("results.csv")));
        out.put("runs.csv", Files.readAllBytes(dir.resolve("runs.csv")));
        try (Stream<Path> s = Files.list(dir.resolve("analyses"))) {
            for (Path p : s.sorted().toList()) out.put("analyses/" + p.getFileName(), Files.readAllBytes(p));
        }
        return out;
    }

    @Test
    void aStudyKilledAtAnyCommitStepResumesToTheSameNumbers() throws IOException {
        assertThat(steps).as("commit steps of the micro study").isGreaterThan(30);
        System.out.println("crash-consistency: " + steps + " commit steps, each crashed at and resumed");
        List<Long> crashed = new ArrayList<>();
        for (long k = 1; k <= steps; k++) {
            Path dir = tmp.resolve("crash-" + k);
            Faults.arm(k);
            long at = k;
            assertThatThrownBy(() -> study(dir).run(new Experiment.Listener() {
            })).as("step %d", at).isInstanceOf(Faults.SimulatedCrash.class);
            crashed.add(k);
            Faults.arm(0);
            study(dir).run(new Experiment.Listener() {
            });
            Map<String, byte[]> got = outputs(dir);
            assertThat(got.keySet()).as("after a crash at step %d", k).isEqualTo(reference.keySet());
            for (String name : reference.keySet()) {
                assertThat(got.get(name)).as("%s after a crash at step %d", name, k).isEqualTo(reference.get(name));
            }
            try (Stream<Path> s = Files.walk(dir)) {
                assertThat(s.filter(p -> p.getFileName().toString().contains(".tmp-")).toList())
                        .as("temporaries after resuming from step %d", k).isEmpty();
            }
            deleteTree(dir);
        }
        assertThat(crashed).hasSize((int) steps);
    }

    @Test
    void aRealKillLeavesAStudyThatResumesToTheSameNumbers() throws Exception {
        // the process halts (no finally blocks, no cleanup) in the middle of the first run's second epoch
        Path dir = tmp.resolve("halted");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Drobustmri.crash-at=" + (steps / 2), "-cp", System.getProperty("java.class.path"), "org.robustmri.cli.Main",
                "experiment", config.toString(), "--out", dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        // the same convolutions as this JVM, whose numbers it is compared with (a TorchScript test run earlier in this
        // JVM may have switched it from channel-padded oneDNN to ATen's)
        org.robustmri.tensor.Torch.init();
        if (org.robustmri.tensor.Torch.convolutions().startsWith("ATen")) pb.environment().put("ROBUSTMRI_CONVOLUTIONS", "aten");
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isEqualTo(137);
        assertThat(log).contains("stopping at commit step " + (steps / 2));
        study(dir).run(new Experiment.Listener() {
        });
        Map<String, byte[]> got = outputs(dir);
        for (String name : reference.keySet()) assertThat(got.get(name)).as(name).isEqualTo(reference.get(name));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
