package org.robustmri.convert;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.DataException;
import org.robustmri.io.IsmrmrdRawFile;
import org.robustmri.io.IsmrmrdRawFile.Acquisition;

import java.nio.file.Path;

/**
 * mridata.org's ISMRMRD files (Stanford 2D and 3D FSE knees, NYU) read as the paper's converters read them (their
 * {@code load_ismrmrd_to_np}, from MRSRL's mridata-recon): every acquisition placed by its counters without looking at
 * its flags, channels weighted by the noise levels in {@code rec_std} ({@code w_c = sqrt((1/s_c^2) / sum_j 1/s_j^2)}),
 * alternate lines negated unless the {@code ChopY} user parameter says otherwise, and for FSE scans with calibration
 * lines the Ahn-Cho linear phase correction along the readout. Only phase 0, echo 0 and the first partition are kept;
 * the result is (slices, coils, ky, kx) in double precision.
 */
final class MridataLoader {
    private MridataLoader() {
    }

    /** The loaded k-space and the header it came with. */
    record Loaded(Tensor kspace, IsmrmrdEncoding encoding, String xml) {
    }

    /**
     * @param threeD the Stanford 3D variant: {@code maximum} (not {@code maximum + 1}) lines per encoding step and no FSE
     *               correction, as that loader has
     */
    static Loaded load(Path file, boolean threeD) {
        IsmrmrdRawFile raw = IsmrmrdRawFile.read(file, "dataset");
        IsmrmrdEncoding enc = IsmrmrdEncoding.parse(raw.xml());
        int extra = threeD ? 0 : 1;
        int nkx = enc.encoded()[0];
        int nky = max(enc.step1()) + extra, nkz = max(enc.step2()) + extra;
        int coils = enc.receiverChannels() > 0 ? enc.receiverChannels() : raw.acquisitions().get(0).channels();
        int segments = max(enc.segment()) + 1;
        boolean fse = !threeD && segments > 1;
        int chopY = 1 - (int) (long) enc.userLongs().getOrDefault("ChopY", 1L);
        int chopZ = 1 - (int) (long) enc.userLongs().getOrDefault("ChopZ", 1L);
        double[] weight = new double[coils];
        java.util.Arrays.fill(weight, 1.0);
        float[] std = raw.array("rec_std").orElse(null);
        if (std != null) {
            if (std.length != coils) throw new DataException(file, "rec_std has " + std.length + " values for " + coils + " channels");
            double sum = 0;
            for (float s : std) sum += 1.0 / ((double) s * s);
            for (int c = 0; c < coils; c++) weight[c] = Math.sqrt(1.0 / ((double) std[c] * std[c]) / sum);
        }
        int slices = max(enc.slice()) + 1;
        // (slice, coil, ky, kx) of phase 0, echo 0, kz 0, rounded to complex64 as the loader's array is
        float[] k = new float[2 * slices * coils * nky * nkx];
        int[] echoTrain = new int[slices * nky];
        float[] cal = fse ? new float[2 * slices * coils * segments * nkx] : null;
        int[] calTrain = fse ? new int[slices * segments] : null;
        int maxSlice = 0;
        for (Acquisition a : raw.acquisitions()) {
            maxSlice = Math.max(maxSlice, a.slice());
            if (a.slice() >= slices) throw new DataException(file, "acquisition slice " + a.slice() + " beyond the header's " + slices);
            if (a.samples() != nkx) throw new DataException(file, "a readout of " + a.samples() + " samples, the encoded space has " + nkx);
            if (a.channels() != coils) throw new DataException(file, "an acquisition with " + a.channels() + " channels, the header says " + coils);
            int sign = ((a.step1() * chopY + a.step2() * chopZ) & 1) == 0 ? 1 : -1;
            // only phase 0 and echo 0 reach the output; imaging lines only of the first partition, calibration lines of any
            if (a.step2() >= nkz || a.phase() != 0 || a.contrast() != 0) continue;
            if (a.step1() < nky) {
                if (a.step2() != 0) continue;
                place(a, weight, sign, k, ((a.slice() * coils) * nky + a.step1()) * nkx, nky * nkx, coils, nkx);
                echoTrain[a.slice() * nky + a.step1()] = a.segment();
            } else if (fse && a.step1() - nky < segments) {
                int r = a.step1() - nky;
                place(a, weight, sign, cal, ((a.slice() * coils) * segments + r) * nkx, segments * nkx, coils, nkx);
                calTrain[a.slice() * segments + r] = a.segment();
            }
        }
        slices = maxSlice + 1;
        Tensor t = PaperSteps.complex128(java.util.Arrays.copyOf(k, 2 * slices * coils * nky * nkx), slices, coils, nky, nkx);
        if (fse) t = FseCorrection.apply(t, echoTrain, PaperSteps.complex128(java.util.Arrays.copyOf(cal, 2 * slices * coils * segments * nkx),
                slices, coils, segments, nkx), calTrain);
        return new Loaded(t, enc, raw.xml());
    }

    /** One readout, weighted per channel and signed, rounded to complex64, at {@code at} with {@code coilStride} between coils. */
    private static void place(Acquisition a, double[] weight, int sign, float[] into, int at, int coilStride, int coils, int nkx) {
        for (int c = 0; c < coils; c++) {
            for (int x = 0; x < nkx; x++) {
                int o = 2 * (at + c * coilStride + x);
                into[o] = (float) ((double) a.re(c, x) * weight[c] * sign);
                into[o + 1] = (float) ((double) a.im(c, x) * weight[c] * sign);
            }
        }
    }

    private static int max(IsmrmrdEncoding.Limit l) {
        return l == null ? 0 : l.maximum();
    }
}
