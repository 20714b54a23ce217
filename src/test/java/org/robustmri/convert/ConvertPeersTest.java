package org.robustmri.convert;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.CflFile;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Hdf5Array;
import org.robustmri.io.NdArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against real peers: ISMRMRD files made by the ISMRMRD tools ({@code ismrmrd_generate_cartesian_shepp_logan}, with
 * noise, 2x readout oversampling, 4 coils, a noise scan and two repetitions) convert to targets equal to
 * {@code ismrmrd_recon_cartesian_2d}'s image; BART's phantom k-space converts to BART's own {@code fft -i -u} plus
 * {@code rss}, and exports back to the same bytes. Skipped, saying so, where the tools are not installed.
 */
class ConvertPeersTest {
    @TempDir
    Path tmp;

    static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    static void assume(String tool) {
        if (!installed(tool)) System.out.println(tool + " not installed: test skipped (apt-get install ismrmrd-tools bart)");
        Assumptions.assumeTrue(installed(tool), tool + " not installed");
    }

    static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + log).isZero();
    }

    @Test
    void ismrmrdSheppLoganConvertsToWhatTheIsmrmrdReconstructionGives() throws Exception {
        assume("ismrmrd_generate_cartesian_shepp_logan");
        assume("ismrmrd_recon_cartesian_2d");
        run(tmp, "ismrmrd_generate_cartesian_shepp_logan", "-m", "64", "-c", "4", "-O", "2", "-r", "2", "-n", "0.05", "-C", "-o", "sl.h5");
        Path raw = tmp.resolve("sl.h5");
        Path reference = tmp.resolve("recon.h5");
        Files.copy(raw, reference);
        run(tmp, "ismrmrd_recon_cartesian_2d", "recon.h5"); // appends dataset/cpp/data: |image| (1, 1, 1, 64, 64)
        NdArray ref = Hdf5Array.read(reference, "dataset/cpp/data");
        Path out = tmp.resolve("out");
        // the reference keeps the last repetition of each line (it overwrites as it reads)
        CliTestSupport.Result r = CliTestSupport.run("convert", raw.toString(), "--repetition", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path h5 = out.resolve("sl.h5");
        try (FastMriFile f = FastMriFile.open(h5)) {
            assertThat(f.kspace().height()).isEqualTo(128); // the readout oversampling is kept in k-space, as fastMRI's files have it
            assertThat(f.kspace().width()).isEqualTo(64);
            assertThat(f.kspace().coils()).isEqualTo(4);
            assertThat(f.header().orElseThrow().reconX()).isEqualTo(64);
            assertThat(f.header().orElseThrow().fieldStrengthT()).as("from H1resonanceFrequency_Hz 63.5 MHz").isEqualTo(1.49);
        }
        float[] t = Hdf5Array.read(h5, FastMriFile.TARGET_RSS).data();
        // the reference transforms without normalisation (x sqrt(128 * 64)) and stores the image transposed (readout fastest)
        double scale = Math.sqrt(128 * 64), max = 0, err = 0;
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 64; y++) {
                double expect = ref.data()[y * 64 + x];
                max = Math.max(max, expect);
                err = Math.max(err, Math.abs(t[x * 64 + y] * scale - expect));
            }
        }
        assertThat(err / max).isLessThan(1e-5);
        // both repetitions, a file each, by default
        Path all = tmp.resolve("all");
        assertThat(CliTestSupport.run("convert", raw.toString(), "--out", all.toString()).code()).isZero();
        assertThat(all.resolve("sl_rep0.h5")).exists();
        assertThat(all.resolve("sl_rep1.h5")).exists();
        // prewhitening needs the noise scan; the file has one
        Path white = tmp.resolve("white");
        assertThat(CliTestSupport.run("convert", raw.toString(), "--repetition", "mean", "--prewhiten", "--out", white.toString()).code()).isZero();
        assertThat(Files.readString(white.resolve("provenance.json"))).contains("\"prewhiten\" : true");
    }

    @Test
    void bartPhantomConvertsToBartsOwnReconstructionAndExportsBackExactly() throws Exception {
        assume("bart");
        run(tmp, "bart", "phantom", "-k", "-s", "8", "-x", "64", "ph");
        run(tmp, "bart", "fft", "-i", "-u", "3", "ph", "img");
        run(tmp, "bart", "rss", "8", "img", "rss");
        Path out = tmp.resolve("out");
        assertThat(CliTestSupport.run("convert", tmp.resolve("ph.cfl").toString(), "--out", out.toString()).code()).isZero();
        float[] target = Hdf5Array.read(out.resolve("ph.h5"), FastMriFile.TARGET_RSS).data();
        assertThat(relativeError(target, CflFile.read(tmp.resolve("rss")).data())).isLessThan(1e-5);
        Path back = tmp.resolve("back");
        assertThat(CliTestSupport.run("export", out.resolve("ph.h5").toString(), "--format", "cfl", "--out", back.toString()).code()).isZero();
        assertThat(Files.readAllBytes(back.resolve("ph.cfl"))).isEqualTo(Files.readAllBytes(tmp.resolve("ph.cfl")));
        assertThat(CflFile.read(back.resolve("ph")).shape()).isEqualTo(CflFile.read(tmp.resolve("ph")).shape());
        // BART reads what was exported: its image of it is the target
        run(back, "bart", "fft", "-i", "-u", "3", "ph", "img");
        run(back, "bart", "rss", "8", "img", "rss");
        assertThat(relativeError(target, CflFile.read(back.resolve("rss")).data())).isLessThan(1e-5);
    }

    /** A (64, 64) image in C order against BART's complex (64, 64) array in Fortran order (rows fastest). */
    static double relativeError(float[] image, float[] bart) {
        double max = 0, err = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                double expect = bart[2 * (y + 64 * x)];
                max = Math.max(max, expect);
                err = Math.max(err, Math.abs(image[y * 64 + x] - expect));
            }
        }
        return err / max;
    }
}
