package org.robustmri.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk while writing HDF5 is one error line naming the file, exit code 1 and nothing half-written, on a
 * small tmpfs (mounting one needs root; elsewhere the test says it is skipped).
 */
class DiskFullTest {
    @TempDir
    Path tmp;
    Path mount;

    boolean mount(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) new ProcessBuilder("umount", mount.toString()).start().waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void aFullDiskIsOneErrorLineNamingTheFile() throws Exception {
        Path dir = tmp.resolve("small");
        boolean ok;
        try {
            ok = mount(dir, "256k");
        } catch (java.io.IOException e) {
            ok = false;
        }
        if (!ok) System.out.println("DiskFullTest skipped: cannot mount a tmpfs here (needs root and mount)");
        Assumptions.assumeTrue(ok, "cannot mount a tmpfs here (needs root and mount): skipped");
        mount = dir;
        CliTestSupport.Result r = CliTestSupport.run("simulate", "--distributions", "knee-pd-3T-15ch", "--volumes", "1",
                "--slices", "2", "--matrix", "32", "--seed", "1", "--out", dir.resolve("sim").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        String err = r.err().trim();
        assertThat(err.lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        assertThat(err.lines().filter(l -> l.trim().startsWith("at ")).count()).as("no stack trace").isZero();
        assertThat(err).contains("sim_knee-pd-3T-15ch_0000.h5").containsIgnoringCase("no space left on device");
        try (Stream<Path> s = Files.walk(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".h5") || p.getFileName().toString().contains(".tmp-")).toList())
                    .as("no partial file").isEmpty();
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            assertThat(fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException e) {
                    return "";
                }
            }).filter(t -> t.startsWith(dir.toString())).toList()).as("files left open").isEmpty();
        }
    }
}
