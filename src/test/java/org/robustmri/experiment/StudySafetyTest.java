package org.robustmri.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.DataException;
import org.robustmri.io.DirectoryLock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One writer per study, configs that cannot silently change under a resume, and checks before any work. */
class StudySafetyTest {
    @TempDir
    static Path tmp;
    static Path config;
    static Path study;

    @BeforeAll
    static void runOnce() throws Exception {
        config = tmp.resolve("micro.yaml");
        Files.writeString(config, CrashConsistencyTest.CONFIG);
        study = tmp.resolve("study");
        CliTestSupport.Result r = CliTestSupport.run("experiment", config.toString(), "--out", study.toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void aSecondWriterFailsAtOnceNamingTheHolder() {
        try (DirectoryLock held = DirectoryLock.acquire(study)) {
            CliTestSupport.Result r = CliTestSupport.run("experiment", config.toString(), "--out", study.toString(), "--resume");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().trim()).doesNotContain("\n").contains(study.toString()).contains("in use")
                    .contains("pid=" + ProcessHandle.current().pid());
        }
        // released: the resume goes through (and finds nothing to do)
        assertThat(CliTestSupport.run("experiment", config.toString(), "--out", study.toString(), "--resume").code()).isZero();
    }

    @Test
    void aKilledWritersLockIsTakenOver() throws Exception {
        Path dir = tmp.resolve("killed-holder");
        // another JVM takes the lock and is then killed without releasing it
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Path lockFile = dir.resolve(DirectoryLock.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(lockFile) && Files.readString(lockFile).contains("pid=" + p.pid()))) {
            assertThat(System.nanoTime()).as("the holder took the lock").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThatThrownBy(() -> DirectoryLock.acquire(dir)).isInstanceOf(DataException.class).hasMessageContaining("pid=" + p.pid());
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        try (DirectoryLock mine = DirectoryLock.acquire(dir)) {
            assertThat(Files.readString(lockFile)).contains("pid=" + ProcessHandle.current().pid());
        }
    }

    /** Holds a directory's lock until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws InterruptedException {
            DirectoryLock.acquire(Path.of(args[0]));
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    @Test
    void aResumeWithAChangedConfigIsRefusedListingTheKeys() throws Exception {
        Path changed = tmp.resolve("changed.yaml");
        Files.writeString(changed, CrashConsistencyTest.CONFIG.replace("lr: 0.01", "lr: 0.02"));
        String before = Files.readString(study.resolve("experiment.yaml"));
        CliTestSupport.Result r = CliTestSupport.run("experiment", changed.toString(), "--out", study.toString(), "--resume");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("recipe.lr: 0.01 -> 0.02");
        assertThat(Files.readString(study.resolve("experiment.yaml"))).isEqualTo(before);
        // --extend adds runs but never changes finished ones
        CliTestSupport.Result ext = CliTestSupport.run("experiment", changed.toString(), "--out", study.toString(), "--resume", "--extend");
        assertThat(ext.code()).isEqualTo(2);
        assertThat(ext.err()).contains("recipe.lr");
        Path extended = tmp.resolve("extended.yaml");
        Files.writeString(extended, CrashConsistencyTest.CONFIG.replace("  - {name: pd, components: [knee-pd-3T-15ch]}",
                "  - {name: pd, components: [knee-pd-3T-15ch]}\n  - {name: pdfs, components: [knee-pdfs-3T-15ch]}"));
        Path copy = tmp.resolve("extend-study");
        assertThat(CliTestSupport.run("experiment", config.toString(), "--out", copy.toString()).code()).isZero();
        long firstCheckpoint = Files.getLastModifiedTime(copy.resolve("runs/pd__unet-c2-p1__m0d0/checkpoints/epoch-001.safetensors")).toMillis();
        long resultsBefore = Files.readAllLines(copy.resolve("results.csv")).size();
        assertThat(CliTestSupport.run("experiment", extended.toString(), "--out", copy.toString(), "--resume").code()).isEqualTo(2);
        CliTestSupport.Result ok = CliTestSupport.run("experiment", extended.toString(), "--out", copy.toString(), "--resume", "--extend");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(Files.readAllLines(copy.resolve("results.csv")).size()).isGreaterThan((int) resultsBefore);
        // the first run's files were not retrained
        assertThat(Files.getLastModifiedTime(copy.resolve("runs/pd__unet-c2-p1__m0d0/checkpoints/epoch-001.safetensors")).toMillis())
                .isEqualTo(firstCheckpoint);
        assertThat(copy.resolve("runs/pdfs__unet-c2-p1__m0d0/checkpoints/epoch-002.safetensors")).exists();
    }

    @Test
    void dryRunAndRunCheckEveryRangeBeforeAnyWork() throws Exception {
        String[][] bad = {{"lr: 0.01", "lr: 0"}, {"lr: 0.01", "lr: -1"}, {"epochs: 2", "epochs: 0"}, {"epochs: 2", "epochs: -1"},
                {"matrix: 16", "matrix: 4"}, {"{model: unet, chans: 2, pools: 1}", "{model: unet, chans: 0, pools: 1}"},
                {"{model: unet, chans: 2, pools: 1}", "{model: nonet}"}, {"accelerations: [4]", "accelerations: [0]"},
                {"lr: 0.01", "lr: fast"}};
        String[] expect = {"lr must be a positive number", "lr must be a positive number", "epochs must be at least 1",
                "epochs must be at least 1", "simulate.matrix must be at least 16", "chans", "unknown model 'nonet'",
                "acceleration", "lr"};
        for (int i = 0; i < bad.length; i++) {
            Path cfg = tmp.resolve("bad-" + i + ".yaml");
            Files.writeString(cfg, CrashConsistencyTest.CONFIG.replace(bad[i][0], bad[i][1]));
            Path out = tmp.resolve("bad-out-" + i);
            for (boolean dry : new boolean[]{true, false}) {
                List<String> args = new ArrayList<>(List.of("experiment", cfg.toString(), "--out", out.toString()));
                if (dry) args.addAll(List.of("--dry-run", "--no-probe"));
                CliTestSupport.Result r = CliTestSupport.run(args.toArray(String[]::new));
                assertThat(r.code()).as(bad[i][1] + (dry ? " dry" : "") + ": " + r.err()).isEqualTo(2);
                assertThat(r.err()).as(bad[i][1]).contains(expect[i]);
                assertThat(r.err().trim().lines().count()).as(r.err()).isEqualTo(1);
            }
            assertThat(out.resolve("data")).as("nothing simulated for " + bad[i][1]).doesNotExist();
        }
    }

    @Test
    void helpWorksOnEveryCommand() {
        List<List<String>> commands = CliTestSupport.commandPaths();
        // the registry is read from the CLI itself, so a new command cannot be left out; these must be among them
        assertThat(commands).contains(List.of("similarity"), List.of("convert"), List.of("export"), List.of("bench", "plan"))
                .hasSizeGreaterThanOrEqualTo(23);
        for (List<String> c : commands) {
            List<String> args = new java.util.ArrayList<>(c);
            args.add("--help");
            CliTestSupport.Result r = CliTestSupport.run(args.toArray(String[]::new));
            assertThat(r.code()).as(c + " --help: " + r.err()).isZero();
            assertThat(r.out()).as(c.toString()).contains("Usage:").contains("robustmri " + String.join(" ", c));
        }
    }

}
