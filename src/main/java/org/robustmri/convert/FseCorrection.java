package org.robustmri.convert;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * The Ahn-Cho linear phase correction of fast-spin-echo k-space as mridata.org's loader applies it: per slice, coil and
 * calibration line r, {@code I_r} is the line's 1-D inverse FFT along the readout and {@code R_r = conj(I_r) I_0};
 * {@code p1 = angle(mean_{x=5}^{N-6} R_r(x) conj(R_r(x+1)))} and {@code p0 = angle(mean_x R_r(x) exp(i x p1))}. Each image
 * line of echo-train segment s is multiplied in hybrid space by {@code exp(i (p0 - x p1))} of calibration line
 * {@code calTrain[s]}. The 1-D transforms are mridata-recon's: {@code ifftshift(ifft(fftshift(.)))} with orthonormal
 * scaling.
 */
final class FseCorrection {
    private FseCorrection() {
    }

    /**
     * @param k         (slices, coils, ky, kx)
     * @param echoTrain segment of each (slice, ky) line
     * @param cal       (slices, coils, segments, kx) calibration lines
     * @param calTrain  segment of each (slice, calibration line)
     */
    static Tensor apply(Tensor k, int[] echoTrain, Tensor cal, int[] calTrain) {
        long slices = k.size(0), coils = k.size(1), nky = k.size(2), nkx = k.size(3), segments = cal.size(2);
        Tensor imCal = ifftc(cal);
        Tensor ref = imCal.conj().mul(imCal.narrow(2, 0, 1)).resolve_conj();
        long istart = 5, len = nkx - 10;
        Tensor p1 = torch.angle(ref.narrow(3, istart, len).mul(ref.narrow(3, istart + 1, len).conj()).resolve_conj()
                .mean(new long[]{3}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
        Tensor x = torch.arange(new org.bytedeco.pytorch.Scalar((double) nkx), Torch.options(torch.ScalarType.Double)).reshape(1, 1, 1, nkx);
        Tensor p0 = torch.angle(ref.mul(torch.polar(torch.ones_like(x.mul(p1)), x.mul(p1)))
                .mean(new long[]{3}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
        double[] p0v = Tensors.toDoubles(p0.contiguous()), p1v = Tensors.toDoubles(p1.contiguous());
        // (slice, coil, ky) -> the calibration line of the line's segment
        double[] phase = new double[(int) (slices * coils * nky * nkx)];
        for (int s = 0; s < slices; s++) {
            for (int c = 0; c < coils; c++) {
                for (int y = 0; y < nky; y++) {
                    int r = calTrain[(int) (s * segments + echoTrain[(int) (s * nky + y)])];
                    int at = (int) ((s * coils + c) * segments + r);
                    for (int xx = 0; xx < nkx; xx++) {
                        phase[(int) (((s * coils + c) * nky + y) * nkx + xx)] = p0v[at] - xx * p1v[at];
                    }
                }
            }
        }
        Tensor ph = Tensors.fromDoubles(phase, slices, coils, nky, nkx);
        Tensor hybrid = ifftc(k).mul(torch.polar(torch.ones_like(ph), ph));
        return fftc(hybrid);
    }

    private static Tensor ifftc(Tensor t) {
        Tensor a = torch.fft_fftshift(t, -1);
        a = torch.fft_ifft(a, new org.bytedeco.pytorch.LongOptional(), -1, Torch.ortho());
        return torch.fft_ifftshift(a, -1);
    }

    private static Tensor fftc(Tensor t) {
        Tensor a = torch.fft_fftshift(t, -1);
        a = torch.fft_fft(a, new org.bytedeco.pytorch.LongOptional(), -1, Torch.ortho());
        return torch.fft_ifftshift(a, -1);
    }
}
