package org.robustmri.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After {@code package}: {@code robustmri.jar} copied anywhere runs on its own, and a program written against the
 * library ({@code examples/ZeroFillExample.java}, the README's example) compiles and runs on the library jar and its
 * dependencies, as a Maven project that depends on robustmri would.
 */
class JarIT {
    static final Path SAMPLE = Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5").toAbsolutePath();

    @TempDir
    Path tmp;

    static String run(Path dir, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void theJarRunsOnItsOwnFromAnotherDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path jar = Files.copy(Path.of("target/robustmri.jar"), elsewhere.resolve("robustmri.jar"));
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        assertThat(run(cwd, List.of(java(), "-jar", jar.toString(), "models"))).contains("unet-small").contains("7,756,097");
        String out = run(cwd, List.of(java(), "-jar", jar.toString(), "zerofill", SAMPLE.toString(), "--out", "zf.h5"));
        assertThat(out).contains("wrote 1 reconstruction file(s)").doesNotContain("NNPACK");
        assertThat(cwd.resolve("zf.h5")).exists();
        assertThat(run(cwd, List.of(java(), "-jar", jar.toString(), "--version"))).contains("robustmri 0.1.0");
    }

    @Test
    void theConvolutionBackendCanBePinnedAndIsRecorded() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("pinned"));
        Path jar = Path.of("target/robustmri.jar").toAbsolutePath();
        List<String> cmd = List.of(java(), "-jar", jar.toString(), "zerofill", SAMPLE.toString(), "--out", "zf.h5");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("ROBUSTMRI_CONVOLUTIONS", "aten");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(cwd.resolve("zf.h5.provenance.json"))).contains("ATen (ROBUSTMRI_CONVOLUTIONS=aten)");
        // a value it does not know is one clear line and no output
        pb.environment().put("ROBUSTMRI_CONVOLUTIONS", "fastest");
        Files.delete(cwd.resolve("zf.h5"));
        p = pb.start();
        out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(out.strip()).contains("ROBUSTMRI_CONVOLUTIONS must be auto, padded, aten or onednn, not 'fastest'").doesNotContain("\tat ");
        assertThat(cwd.resolve("zf.h5")).doesNotExist();
    }

    @Test
    void aProgramAgainstTheLibraryCompilesAndRuns() throws Exception {
        List<String> classpath = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            classpath.add(s.filter(p -> p.getFileName().toString().matches("robustmri-\\d.*\\.jar")).findFirst().orElseThrow().toAbsolutePath().toString());
        }
        try (Stream<Path> s = Files.list(Path.of("target/lib"))) {
            s.map(p -> p.toAbsolutePath().toString()).sorted().forEach(classpath::add);
        }
        String cp = String.join(File.pathSeparator, classpath);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        int rc = javac.run(null, null, null, "-cp", cp, "-d", classes.toString(), Path.of("examples/ZeroFillExample.java").toString());
        assertThat(rc).isZero();
        String out = run(tmp, List.of(java(), "-cp", classes + File.pathSeparator + cp, "ZeroFillExample", SAMPLE.toString()));
        // the zero-filled SSIM of this sample, from the numpy reference (tools/golden/gen_zerofill_vectors.py -> golden/zerofill.json)
        assertThat(out).contains("pulseq_invivo_brain_16ch.h5: 1 x 128 x 128, zero-filled SSIM 0.6566, PSNR 21.89 dB");
    }
}
