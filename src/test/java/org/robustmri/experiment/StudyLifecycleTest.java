package org.robustmri.experiment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.DataException;
import org.robustmri.io.Faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A study never overwrites a user's files, never trusts data that changed under it, resumes wherever it is moved or
 * copied to, and says how to go on when a signal stops it.
 */
class StudyLifecycleTest {
    @TempDir
    static Path tmp;
    static Path config;
    static Map<String, byte[]> reference;
    static long steps;

    @BeforeAll
    static void uninterrupted() throws IOException {
        config = tmp.resolve("micro.yaml");
        Files.writeString(config, CrashConsistencyTest.CONFIG);
        Faults.arm(0);
        study(tmp.resolve("reference")).run(new Experiment.Listener() {
        });
        steps = Faults.steps();
        reference = CrashConsistencyTest.outputs(tmp.resolve("reference"));
    }

    @AfterEach
    void disarm() {
        Faults.arm(0);
    }

    static Experiment study(Path dir) {
        return new Experiment(ExperimentConfig.read(config), tmp, dir, null);
    }

    /** A study stopped dead in the middle of its first run. */
    static Path interrupted(String name) {
        Path dir = tmp.resolve(name);
        Faults.arm(steps / 2);
        assertThatThrownBy(() -> study(dir).run(new Experiment.Listener() {
        })).isInstanceOf(Faults.SimulatedCrash.class);
        Faults.arm(0);
        return dir;
    }

    @Test
    void aFolderHoldingSomeoneElsesFilesIsRefusedAndLeftAsItWas() throws IOException {
        Path x = tmp.resolve("x");
        Files.createDirectories(x);
        Path pd = Files.writeString(tmp.resolve("pd.yaml"), "- {datasetName: knee-pd-3T-15ch}\n");
        Files.writeString(x.resolve("results.csv"), "precious\n");
        Files.writeString(x.resolve("report.html"), "keep\n");
        String[][] commands = {
                {"demo", "--quick", "--out", x.toString()},
                {"demo", "--quick", "--fresh", "--out", x.toString()},
                {"experiment", config.toString(), "--out", x.toString()},
                {"simulate", "--distributions", "knee-pd-3T-15ch", "--volumes", "1", "--slices", "1", "--matrix", "16", "--out", x.toString()},
                {"zerofill", tmp.resolve("reference/data/test").toString(), "--out", x.toString()},
                {"reconstruct", "--model", "cs-l2", tmp.resolve("reference/data/test").toString(), "--out", x.toString()},
                {"train", "--out", x.toString(), "--catalog", tmp.resolve("reference/data/train.csv").toString(), "--train", "pd=" + pd,
                        "--model", "unet", "--chans", "2", "--pools", "1", "--epochs", "1"},
        };
        for (String[] c : commands) {
            CliTestSupport.Result r = CliTestSupport.run(c);
            assertThat(r.code()).as(String.join(" ", c) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(c[0]).startsWith("error: " + x).contains("is not empty").doesNotContain("\n");
            try (Stream<Path> s = Files.list(x)) {
                assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).as(c[0]).containsExactly("report.html", "results.csv");
            }
            assertThat(Files.readString(x.resolve("results.csv"))).isEqualTo("precious\n");
            assertThat(Files.readString(x.resolve("report.html"))).isEqualTo("keep\n");
        }
        // a single output file that is not a reconstruction of ours is not replaced either
        Path foreign = Files.writeString(tmp.resolve("notes.h5"), "mine\n");
        CliTestSupport.Result r = CliTestSupport.run("zerofill", tmp.resolve("reference/data/test/sim_knee-pd-3T-15ch_0000.h5").toString(),
                "--out", foreign.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not a reconstruction written by robustmri");
        assertThat(Files.readString(foreign)).isEqualTo("mine\n");
        // a study's own folder is its kind: the resume goes through; another kind's folder is refused by name
        assertThat(CliTestSupport.run("experiment", config.toString(), "--out", tmp.resolve("reference").toString(), "--resume").code()).isZero();
        CliTestSupport.Result kind = CliTestSupport.run("simulate", "--distributions", "knee-pd-3T-15ch", "--volumes", "1", "--slices", "1",
                "--matrix", "16", "--out", tmp.resolve("reference").toString());
        assertThat(kind.code()).isEqualTo(2);
        assertThat(kind.err()).contains("holds a robustmri study, not a simulation");
    }

    @Test
    void aResumeRefusesAChangedVolumeNamingItUnlessTheChangeIsAccepted() throws IOException {
        Path dir = interrupted("changed");
        Path volume = dir.resolve("data/test/sim_knee-pdfs-3T-15ch_0000.h5");
        long size = Files.size(volume);
        try (RandomAccessFile f = new RandomAccessFile(volume.toFile(), "rw")) {
            f.seek(size / 2); // k-space fills most of the file: change one value in place, the size stays
            f.writeFloat(1000f);
        }
        assertThat(Files.size(volume)).isEqualTo(size);
        assertThatThrownBy(() -> study(dir).run(new Experiment.Listener() {
        })).isInstanceOf(DataException.class).hasMessageContaining(volume.toString()).hasMessageContaining("changed since the study used it")
                .hasMessageContaining("--accept-changed-data");
        assertThat(dir.resolve("results.csv")).doesNotExist();
        // from the command line: one line, exit 1, and then the explicit way on
        CliTestSupport.Result r = CliTestSupport.run("experiment", config.toString(), "--out", dir.toString(), "--resume");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: " + volume).doesNotContain("\n");
        CliTestSupport.Result accepted = CliTestSupport.run("experiment", config.toString(), "--out", dir.toString(), "--resume",
                "--accept-changed-data");
        assertThat(accepted.code()).as(accepted.err()).isZero();
        assertThat(Files.readString(dir.resolve(StudyInputs.FILE))).contains("accepted_changes").contains("data/test/sim_knee-pdfs-3T-15ch_0000.h5");
        // the record now holds the new data: a plain resume trusts it again
        assertThat(CliTestSupport.run("experiment", config.toString(), "--out", dir.toString(), "--resume").code()).isZero();
    }

    @Test
    void aChangedCatalogIsRefusedToo() throws IOException {
        Path dir = interrupted("changed-catalog");
        Path catalog = dir.resolve("data/test.csv");
        Files.writeString(catalog, Files.readString(catalog).replace("CORPDFS_FBK", "CORPDFS_FBX"));
        assertThatThrownBy(() -> study(dir).run(new Experiment.Listener() {
        })).isInstanceOf(DataException.class).hasMessageStartingWith(catalog + " changed since the study used it");
    }

    @Test
    void aMovedStudyResumesToTheSameNumbers() throws IOException {
        Path dir = interrupted("before-move");
        Path moved = tmp.resolve("elsewhere").resolve("after-move");
        Files.createDirectories(moved.getParent());
        Files.move(dir, moved);
        study(moved).run(new Experiment.Listener() {
        });
        assertSameNumbers(moved);
    }

    @Test
    void aCopiedStudyResumesToTheSameNumbersAndLeavesTheOriginalAlone() throws IOException {
        Path dir = interrupted("original");
        Path copy = tmp.resolve("copy");
        copyTree(dir, copy);
        Map<String, Long> before = sizes(dir);
        // the command line, as a user would: the demo's sibling command on the copy
        CliTestSupport.Result r = CliTestSupport.run("experiment", config.toString(), "--out", copy.toString(), "--resume");
        assertThat(r.code()).as(r.err()).isZero();
        assertSameNumbers(copy);
        assertThat(sizes(dir)).isEqualTo(before);
        assertThat(dir.resolve("results.csv")).doesNotExist();
    }

    @Test
    void aSignalStopsAStudyWithAMessageSayingHowToGoOn() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path dir = tmp.resolve("signalled-" + signal);
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "org.robustmri.cli.Main", "experiment", config.toString(), "--out", dir.toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("signal-" + signal + ".log").toFile());
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.isDirectory(dir.resolve("runs"))) {
                assertThat(System.nanoTime()).as("the study started training").isLessThan(deadline);
                assertThat(p.isAlive()).as(Files.readString(tmp.resolve("signal-" + signal + ".log"))).isTrue();
                Thread.sleep(20);
            }
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(tmp.resolve("signal-" + signal + ".log"));
            assertThat(p.exitValue()).as(log).isNotZero();
            assertThat(log).contains("interrupted; finished work is kept, re-run the same command to resume").doesNotContain("Exception");
            study(dir).run(new Experiment.Listener() {
            });
            assertSameNumbers(dir);
        }
    }

    private static void assertSameNumbers(Path dir) throws IOException {
        Map<String, byte[]> got = CrashConsistencyTest.outputs(dir);
        assertThat(got.keySet()).isEqualTo(reference.keySet());
        for (String name : reference.keySet()) assertThat(got.get(name)).as(name).isEqualTo(reference.get(name));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static Map<String, Long> sizes(Path dir) throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(dir.relativize(p).toString(), Files.size(p));
        }
        return out;
    }

    static List<String> lines(Path p) throws IOException {
        return new ArrayList<>(Files.readAllLines(p));
    }
}
