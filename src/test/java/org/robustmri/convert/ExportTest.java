package org.robustmri.convert;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code export} writes opens in the tools people use next: numpy reads the {@code .npy} k-space and target, a
 * NIfTI reader written here in numpy (header fields by their offsets in the NIfTI-1 standard) finds the voxel size and the
 * target, and scikit-image reads the PNG slices. Skipped, saying so, without Debian's python3-numpy and python3-skimage.
 */
class ExportTest {
    static final Path PY = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void numpyNiftiAndPngExportsReadBackInPython() throws Exception {
        boolean ok = Files.isExecutable(PY) && new ProcessBuilder(PY.toString(), "-c", "import numpy, skimage.io").start().waitFor() == 0;
        if (!ok) System.out.println("python3 with numpy and scikit-image not installed: export read-back test skipped");
        Assumptions.assumeTrue(ok, "python3 with numpy and scikit-image not installed");
        Path conv = tmp.resolve("conv");
        assertThat(CliTestSupport.run("convert", ConvertFormatsTest.DIR.resolve("k_schw.npy").toString(), "--layout", "SCHW",
                "--set", "fov_mm=240,180,4", "--out", conv.toString()).code()).isZero();
        Path h5 = conv.resolve("k_schw.h5");
        for (String f : new String[]{"npy", "nifti", "png"}) {
            CliTestSupport.Result r = CliTestSupport.run("export", h5.toString(), "--format", f, "--out", tmp.resolve(f).toString());
            assertThat(r.code()).as(r.err()).isZero();
        }
        assertThat(CliTestSupport.run("export", h5.toString(), "--format", "npy", "--what", "target", "--out", tmp.resolve("npy-target").toString())
                .code()).isZero();
        String script = String.join("\n",
                "import sys, numpy as np, skimage.io",
                "d, res = sys.argv[1], sys.argv[2]",
                "k = np.load(res + '/k_schw.npy'); t = np.load(res + '/target_schw.npy')",
                "ek = np.load(d + '/npy/k_schw.npy')",
                "assert ek.dtype == np.complex64 and ek.shape == (2, 3, 16, 12) and np.array_equal(ek, k), 'npy k-space'",
                "et = np.load(d + '/npy-target/k_schw.npy')",
                "assert et.shape == (2, 16, 12) and np.abs(et - t).max() <= 1e-5 * t.max(), 'npy target'",
                "b = open(d + '/nifti/k_schw.nii', 'rb').read()",
                "assert int.from_bytes(b[0:4], 'little') == 348 and b[344:348] == b'n+1\\x00', 'nifti magic'",
                "dim = np.frombuffer(b[40:56], '<i2'); pixdim = np.frombuffer(b[76:108], '<f4'); off = int(np.frombuffer(b[108:112], '<f4')[0])",
                "assert list(dim[:4]) == [3, 12, 16, 2], dim",
                "assert np.allclose(pixdim[1:4], [180 / 12, 240 / 16, 4]), pixdim",
                "vol = np.frombuffer(b[off:], '<f4').reshape(2, 16, 12)",
                "assert np.abs(vol - t).max() <= 1e-5 * t.max(), 'nifti voxels'",
                "for s in range(2):",
                "    png = skimage.io.imread(d + '/png/k_schw_s%03d.png' % s)",
                "    assert png.shape == (16, 12), png.shape",
                "    assert np.abs(png.astype(float) - np.round(255 * t[s] / t.max())).max() <= 1, 'png'",
                "print('python read-back ok')");
        Process p = new ProcessBuilder(PY.toString(), "-c", script, tmp.toString(), ConvertFormatsTest.DIR.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        assertThat(log).contains("python read-back ok");
    }

    @Test
    void exportRefusesWhatAFormatCannotHold() {
        Path conv = tmp.resolve("c");
        assertThat(CliTestSupport.run("convert", ConvertFormatsTest.DIR.resolve("k_schw.npy").toString(), "--out", conv.toString()).code()).isZero();
        CliTestSupport.Result r = CliTestSupport.run("export", conv.resolve("k_schw.h5").toString(), "--format", "png", "--what", "kspace",
                "--out", tmp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --format png writes images: --what target, reconstruction or image");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
