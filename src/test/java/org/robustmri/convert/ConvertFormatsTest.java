package org.robustmri.convert;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Hdf5Array;
import org.robustmri.io.NdArray;
import org.robustmri.io.NpyFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * numpy and MATLAB files written by Python ({@code tools/golden/gen_convert_vectors.py}) become fastMRI files whose
 * k-space is the array and whose target is numpy's root-sum-of-squares of the centred inverse FFT.
 */
class ConvertFormatsTest {
    static final Path DIR = Path.of("src/test/resources/convert");

    @TempDir
    Path tmp;

    static float[] kspace(Path h5) {
        return Hdf5Array.read(h5, FastMriFile.KSPACE).data();
    }

    static void assertClose(float[] got, float[] expected, double relative) {
        assertThat(got).hasSameSizeAs(expected);
        double max = 0, err = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(got[i] - expected[i]));
        }
        assertThat(err / max).isLessThanOrEqualTo(relative);
    }

    private Path convert(String... args) {
        Path out = tmp.resolve("out-" + Math.abs(String.join(" ", args).hashCode()));
        String[] all = new String[args.length + 3];
        all[0] = "convert";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = out.toString();
        CliTestSupport.Result r = CliTestSupport.run(all);
        assertThat(r.code()).as(r.err()).isZero();
        return out;
    }

    @Test
    void numpyArraysInCAndFortranOrderGiveTheSameFile() {
        float[] k = NpyFile.read(DIR.resolve("k_schw.npy")).data();
        float[] target = NpyFile.read(DIR.resolve("target_schw.npy")).data();
        for (String name : new String[]{"k_schw.npy", "k_fortran.npy"}) {
            Path out = convert(DIR.resolve(name).toString(), "--layout", "SCHW", "--set", "anatomy=knee", "--set", "field_strength=3.0");
            Path h5 = out.resolve(name.replace(".npy", ".h5"));
            assertClose(kspace(h5), k, 0);
            assertClose(Hdf5Array.read(h5, FastMriFile.TARGET_RSS).data(), target, 1e-6);
            try (FastMriFile f = FastMriFile.open(h5)) {
                assertThat(f.kspace().slices()).isEqualTo(2);
                assertThat(f.kspace().coils()).isEqualTo(3);
                assertThat(f.stringAttribute("anatomy")).contains("knee");
                assertThat(f.header().orElseThrow().fieldStrengthT()).isEqualTo(3.0);
                assertThat(f.header().orElseThrow().vendor()).isEqualTo("unknown");
            }
        }
    }

    @Test
    void matlabVersion5And73FilesAreReadInMatlabsDimensionOrder() {
        float[] k = NpyFile.read(DIR.resolve("k_schw.npy")).data();
        float[] target0 = NpyFile.read(DIR.resolve("target_slice0.npy")).data();
        Path v5 = convert(DIR.resolve("k_hwc.mat").toString(), "--key", "kdata", "--layout", "HWC").resolve("k_hwc.h5");
        assertClose(kspace(v5), java.util.Arrays.copyOf(k, k.length / 2), 0);
        assertClose(Hdf5Array.read(v5, FastMriFile.TARGET_RSS).data(), target0, 1e-6);
        Path v73 = convert(DIR.resolve("k_v73.mat").toString(), "--key", "kdata", "--layout", "HWCS").resolve("k_v73.h5");
        assertClose(kspace(v73), k, 0);
        // a missing variable names the ones there are
        CliTestSupport.Result r = CliTestSupport.run("convert", DIR.resolve("k_hwc.mat").toString(), "--key", "nope", "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).endsWith("no numeric variable 'nope'; variables: [kdata]").doesNotContain("\n");
        assertThat(tmp.resolve("x").resolve("k_hwc.h5")).doesNotExist();
    }

    @Test
    void coilImagesAreTransformedToKspace() {
        float[] k0 = NpyFile.read(DIR.resolve("k_schw.npy")).data();
        Path h5 = convert(DIR.resolve("img_chw.npy").toString(), "--image-domain", "--layout", "CHW").resolve("img_chw.h5");
        assertClose(kspace(h5), java.util.Arrays.copyOf(k0, k0.length / 2), 1e-6);
        assertClose(Hdf5Array.read(h5, FastMriFile.TARGET_RSS).data(), NpyFile.read(DIR.resolve("target_slice0.npy")).data(), 1e-6);
    }

    @Test
    void aReconSizeCropsTheTargetAndSetsTheHeader() throws IOException {
        Path h5 = convert(DIR.resolve("k_schw.npy").toString(), "--recon-size", "8x6").resolve("k_schw.h5");
        NdArray t = Hdf5Array.read(h5, FastMriFile.TARGET_RSS);
        assertThat(t.shape()).containsExactly(2, 8, 6);
        float[] full = NpyFile.read(DIR.resolve("target_schw.npy")).data();
        // fastMRI's centre crop: rows 4..11, columns 3..8
        for (int s = 0; s < 2; s++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 6; x++) {
                    assertThat((double) t.data()[(s * 8 + y) * 6 + x]).isCloseTo(full[(s * 16 + y + 4) * 12 + x + 3], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
        try (FastMriFile f = FastMriFile.open(h5)) {
            assertThat(f.header().orElseThrow().reconX()).isEqualTo(8);
            assertThat(f.header().orElseThrow().reconY()).isEqualTo(6);
        }
    }

    @Test
    void aFolderGoesOnPastABadFileAndProvenanceNamesEverySource() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(DIR.resolve("k_schw.npy"), in.resolve("a.npy"));
        Files.writeString(in.resolve("b.npy"), "not numpy");
        Files.copy(DIR.resolve("k_schw.npy"), in.resolve("c.npy"));
        Path out = tmp.resolve("folder");
        CliTestSupport.Result r = CliTestSupport.run("convert", in.toString(), "--layout", "SCHW", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error: 1 file(s) failed; listed in " + out.resolve("errors.csv"));
        assertThat(out.resolve("a.h5")).exists();
        assertThat(out.resolve("c.h5")).exists();
        assertThat(Files.readString(out.resolve("errors.csv"))).contains("b.npy,").contains("not a .npy file");
        String prov = Files.readString(out.resolve("provenance.json"));
        assertThat(prov).contains("\"file\" : \"a.npy\"").contains(org.robustmri.io.Manifest.sha256(in.resolve("a.npy")))
                .contains("\"failed\" : [ \"b.npy\" ]").contains("\"layout\" : \"SCHW\"");
    }

    @Test
    void badLayoutsAreOneLineErrors() {
        CliTestSupport.Result r = CliTestSupport.run("convert", DIR.resolve("k_schw.npy").toString(), "--layout", "SCHX", "--out", tmp.resolve("y").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: layout 'SCHX' may only use").doesNotContain("\n");
        CliTestSupport.Result wrong = CliTestSupport.run("convert", DIR.resolve("k_schw.npy").toString(), "--layout", "SCW", "--out", tmp.resolve("z").toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("layout 'SCW' needs H and W");
    }

    @Test
    void realIsmrmrdRawDataConvertToTheKspaceOfTheSameScanMadeAnotherWay() {
        Path raw = Path.of("samples/real-ismrmrd/pulseq_invivo_brain_gre2d_16ch.h5");
        Path h5 = convert(raw.toString()).resolve("pulseq_invivo_brain_gre2d_16ch.h5");
        Path sample = Path.of("samples/real-kspace/pulseq_invivo_brain_16ch.h5");
        assertClose(kspace(h5), Hdf5Array.read(sample, FastMriFile.KSPACE).data(), 0);
        assertClose(Hdf5Array.read(h5, FastMriFile.TARGET_RSS).data(), Hdf5Array.read(sample, FastMriFile.TARGET_RSS).data(), 1e-6);
        try (FastMriFile f = FastMriFile.open(h5)) {
            assertThat(f.header().orElseThrow().fieldStrengthT()).isEqualTo(2.89362);
            assertThat(f.header().orElseThrow().receiverChannels()).isEqualTo(16);
        }
    }

    @Test
    void threeDimensionalIsmrmrdIsCutAlongEachAxisAsThePapers7TConverterCutsIt() {
        // the paper's 7T converter (fastMRI's ifft3c, then a view) on a 10 x 8 x 7 partition-encoded volume, scaled by 1e-14
        Path raw = Path.of("src/test/resources/presets/7t/in/mp2rageme_000_inv2_te1.h5");
        String[][] axes = {{"z", "7t-ax"}, {"x", "7t"}, {"y", "7t-cor"}};
        for (String[] a : axes) {
            Path h5 = convert(raw.toString(), "--slice-axis", a[0]).resolve("mp2rageme_000_inv2_te1.h5");
            NdArray ours = Hdf5Array.read(h5, FastMriFile.TARGET_RSS);
            NdArray paper = Hdf5Array.read(Path.of("src/test/resources/presets", a[1], "expected", "mp2rageme_000_inv2_te1.h5"), FastMriFile.TARGET_RSS);
            long[] s = ours.shape(), p = paper.shape();
            // the paper's views put the axes of each plane the other way round: compare ours[s, i, j] with theirs[s, j, i]
            assertThat(new long[]{p[0], p[2], p[1]}).as("axis " + a[0]).isEqualTo(s);
            float[] flipped = new float[ours.data().length];
            for (int k = 0; k < s[0]; k++) {
                for (int i = 0; i < s[1]; i++) {
                    for (int j = 0; j < s[2]; j++) flipped[(int) ((k * s[1] + i) * s[2] + j)] = paper.data()[(int) ((k * p[1] + j) * p[2] + i)] * 1e14f;
                }
            }
            assertClose(ours.data(), flipped, 2e-6);
        }
    }
}
