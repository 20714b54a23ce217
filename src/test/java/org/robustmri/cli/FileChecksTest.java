package org.robustmri.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Inputs whose shapes disagree are refused before any output (or warned about), and every failure is one line. */
class FileChecksTest {
    @TempDir
    Path tmp;

    /** A 2-slice, 2-coil volume with k-space H x W, a th x tw target and a header that states recon size rh x rw. */
    static Path volume(Path file, int h, int w, int th, int tw, int rh, int rw) {
        Random rng = new Random(5);
        float[] k = new float[2 * 2 * h * w * 2];
        for (int i = 0; i < k.length; i++) k[i] = (float) rng.nextGaussian();
        float[] target = new float[2 * th * tw];
        for (int i = 0; i < target.length; i++) target[i] = 1 + rng.nextFloat();
        IsmrmrdHeader header = new IsmrmrdHeader("SimVendor", "Model", 3.0, 2, "site", "AXT2", h, w, 1, rh, rw, 1, w / 2, w - 1);
        FastMriWriter.writeVolume(file, new FastMriWriter.Contents(2, 2, h, w, k, th, tw, target, header, "AXT2", "p1", Map.of()));
        return file;
    }

    @Test
    void kspaceNarrowerThanItsTargetIsRefusedBeforeAnyOutput() throws IOException {
        for (int width : new int[]{31, 1}) {
            Path in = volume(tmp.resolve("narrow" + width + ".h5"), 64, width, 32, 32, 32, 32);
            Path out = tmp.resolve("out" + width + ".h5");
            CliTestSupport.Result r = CliTestSupport.run("zerofill", in.toString(), "--out", out.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("error: " + in + ": k-space is " + width
                    + " columns wide, narrower than the 32x32 target reconstruction_rss: its reconstruction could not be compared with the target");
            assertThat(out).doesNotExist();
            assertThat(tmp.resolve("out" + width + ".h5.provenance.json")).doesNotExist();
        }
    }

    @Test
    void aFolderRunGoesOnPastABadFileAndListsIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        volume(dir.resolve("a.h5"), 64, 32, 32, 32, 32, 32);
        volume(dir.resolve("b.h5"), 64, 16, 32, 32, 32, 32);
        Files.writeString(dir.resolve("c.h5"), "not hdf5");
        Path out = tmp.resolve("out");
        CliTestSupport.Result r = CliTestSupport.run("zerofill", dir.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error: 2 file(s) failed; listed in " + out.resolve("errors.csv"));
        assertThat(out.resolve("a.h5")).exists();
        assertThat(out.resolve("b.h5")).doesNotExist();
        assertThat(Files.readAllLines(out.resolve("errors.csv"))).hasSize(3).element(0).isEqualTo("file,error");
        assertThat(Files.readString(out.resolve("errors.csv"))).contains("b.h5,").contains("narrower than the 32x32 target").contains("c.h5,");
        assertThat(Files.readString(out.resolve("provenance.json"))).contains("\"failed\" : [ \"b.h5\", \"c.h5\" ]");
    }

    @Test
    void aTargetWhoseShapeDisagreesWithTheHeaderIsWarnedAbout() {
        Path in = volume(tmp.resolve("mismatch.h5"), 64, 32, 32, 32, 24, 24);
        CliTestSupport.Result r = CliTestSupport.run("zerofill", in.toString(), "--out", tmp.resolve("zf.h5").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: " + in + ": reconstruction_rss is 32x32 but the header's recon size is 24x24; the target's shape is used");
    }

    @Test
    void trainAndEvaluateOnAFolderThatIsNotARunSayWhatItIs() throws IOException {
        Path notARun = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notARun.resolve("config.yaml"), "- just a list\n");
        CliTestSupport.Result resume = CliTestSupport.run("train", "--resume", notARun.toString());
        assertThat(resume.code()).isEqualTo(1);
        assertThat(resume.err().strip()).isEqualTo("error: " + notARun + ": not a run directory (its config.yaml is not a training config)");
        CliTestSupport.Result eval = CliTestSupport.run("evaluate", "--run", notARun.toString(), "--test", "a=b.yaml", "--out", tmp.resolve("e").toString());
        assertThat(eval.err().strip()).isEqualTo("error: " + notARun + ": not a run directory (its config.yaml is not a training config)");
        CliTestSupport.Result empty = CliTestSupport.run("train", "--resume", tmp.resolve("nothing").toString());
        assertThat(empty.err().strip()).isEqualTo("error: " + tmp.resolve("nothing").resolve("config.yaml") + ": no such file: not a run directory");
        try (Stream<Path> s = Files.list(notARun)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void anUnexpectedFailureIsOneLineWithoutAStackTrace() {
        assertThat(Main.oneLine(new IllegalStateException("rank 0 of 2: barrier failed\nframe #0: c10::Error"))).isEqualTo("rank 0 of 2: barrier failed");
        assertThat(Main.oneLine(new NullPointerException())).isEqualTo("internal error: java.lang.NullPointerException (run with --debug for the stack trace)");
        assertThat(Main.oneLine(new RuntimeException("Expected a proper Tensor\nException raised from ..."))).isEqualTo("RuntimeException: Expected a proper Tensor");
        assertThat(Main.exitCode(new RuntimeException("x"))).isEqualTo(1);
    }

    /** k-space alone (no target, no header), float32 with a trailing (re, im) axis as robustmri writes it. */
    static Path bare(Path file) {
        Random rng = new Random(3);
        float[][][][][] k = new float[2][2][32][24][2];
        for (float[][][][] a : k) for (float[][][] b : a) for (float[][] c : b) for (float[] d : c) {
            d[0] = (float) rng.nextGaussian();
            d[1] = (float) rng.nextGaussian();
        }
        try (io.jhdf.WritableHdfFile f = io.jhdf.HdfFile.write(file)) {
            f.putDataset("kspace", k);
            f.putAttribute(org.robustmri.io.KspaceLayout.ATTRIBUTE, org.robustmri.io.KspaceLayout.TRAILING_PAIR_VALUE);
        }
        return file;
    }

    @Test
    void aFileWithoutTargetOrHeaderIsReconstructedWholeAndScoredAgainstItsOwnKspace() throws IOException {
        Path in = bare(tmp.resolve("bare.h5"));
        Path out = tmp.resolve("zf.h5");
        CliTestSupport.Result r = CliTestSupport.run("zerofill", in.toString(), "--mask", "none", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("no target; no ISMRMRD header either: the whole 32x24 image is reconstructed");
        assertThat(org.robustmri.io.Hdf5Array.read(out, "reconstruction").shape()).containsExactly(2, 32, 24);
        // fully sampled: the reconstruction is the computed target itself
        CliTestSupport.Result m = CliTestSupport.run("metrics", "--target", in.toString(), "--recon", out.toString(), "--json");
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(m.err()).contains("no reconstruction_rss; its target is the RSS of the centred inverse FFT of its fully sampled k-space");
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.out()).at("/volumes/0");
        assertThat(j.get("ssim").asDouble()).isGreaterThan(1 - 1e-9);
        assertThat(j.get("nmse").asDouble()).isLessThan(1e-12);
        // --crop picks another size, centred
        Path cropped = tmp.resolve("crop.h5");
        assertThat(CliTestSupport.run("zerofill", in.toString(), "--mask", "none", "--crop", "16x16", "--out", cropped.toString()).code()).isZero();
        assertThat(org.robustmri.io.Hdf5Array.read(cropped, "reconstruction").shape()).containsExactly(2, 16, 16);
        CliTestSupport.Result mc = CliTestSupport.run("metrics", "--target", in.toString(), "--recon", cropped.toString(), "--json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(mc.out()).at("/volumes/0/ssim").asDouble()).isGreaterThan(1 - 1e-9);
        assertThat(CliTestSupport.run("zerofill", in.toString(), "--crop", "64x16", "--out", tmp.resolve("big.h5").toString()).err())
                .contains("--crop 64x16 does not fit the k-space 32x24");
    }

    @Test
    void infoShowsWhatItCanReadAndNamesTheBrokenPart() throws IOException {
        Path in = volume(tmp.resolve("broken.h5"), 64, 32, 32, 32, 32, 32);
        Path broken = tmp.resolve("broken-header.h5");
        // the same file with its header replaced by text that is not XML
        try (io.jhdf.WritableHdfFile f = io.jhdf.HdfFile.write(broken)) {
            f.putDataset("kspace", new float[1][1][8][8][2]);
            f.putDataset("ismrmrd_header", "<ismrmrdHeader><encoding>");
            f.putAttribute(org.robustmri.io.KspaceLayout.ATTRIBUTE, org.robustmri.io.KspaceLayout.TRAILING_PAIR_VALUE);
        }
        CliTestSupport.Result r = CliTestSupport.run("info", broken.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("coils: 1").contains("height: 8").contains("problems:").contains("- ismrmrd_header: ismrmrd_header is not valid XML");
        assertThat(r.err().strip()).startsWith("error: " + broken + ": 1 problem(s): ismrmrd_header").doesNotContain("\n");
        CliTestSupport.Result ok = CliTestSupport.run("info", in.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).doesNotContain("problems");
    }
}
