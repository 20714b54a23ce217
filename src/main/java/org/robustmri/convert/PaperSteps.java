package org.robustmri.convert;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.kspace.Fft;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * The numeric steps the paper's dataset converters share, on complex128 tensors (numpy computes them in double
 * precision; results are rounded to complex64 when written): centred 2-D FFTs over the last two axes, the vertical
 * flip with its k-space correction, the phase-encode zero-padding from ISMRMRD encoding limits, the clipping centre
 * crop, and re-slicing a volume into another orientation.
 */
final class PaperSteps {
    private PaperSteps() {
    }

    static Tensor complex128(float[] pairs, long... shape) {
        return Tensors.complexFromInterleaved(pairs, shape).to(torch.ScalarType.ComplexDouble);
    }

    static float[] pairs(Tensor complex) {
        return Tensors.toFloats(complex.to(torch.ScalarType.ComplexFloat).contiguous());
    }

    /**
     * {@code convert_flip.py}: the rows (axis -2) reversed, then {@code scipy.ndimage.fourier_shift(k, (0, 0, -1, 0))},
     * which multiplies row y by {@code exp(+2 pi i fftfreq(H)[y])}; for even H the image is flipped exactly.
     */
    static Tensor flipVertical(Tensor k) {
        long h = k.size(-2);
        double[] ramp = new double[(int) (2 * h)];
        for (int y = 0; y < h; y++) {
            double f = (y < (h + 1) / 2 ? y : y - h) / (double) h;
            ramp[2 * y] = Math.cos(2 * Math.PI * f);
            ramp[2 * y + 1] = Math.sin(2 * Math.PI * f);
        }
        Tensor phase = torch.view_as_complex(Tensors.fromDoubles(ramp, h, 2)).reshape(h, 1);
        return torch.flip(k, -2).mul(phase);
    }

    /**
     * Zero-padding of the phase-encode axis from the ISMRMRD header: columns {@code [pl, pl + n)} of a width-{@code encY}
     * array, {@code pl = encY // 2 - center}; the slice clips at the array's end as numpy's does.
     */
    static Tensor padPhaseEncode(Tensor k, int encY, int center, String file) {
        long n = k.size(-1);
        int pl = Math.floorDiv(encY, 2) - center;
        long end = Math.min(encY, pl + n);
        if (pl < 0 || end - pl != n) {
            throw new IllegalArgumentException(file + ": " + n + " phase-encode lines do not fit columns [" + pl + ", " + (pl + n)
                    + ") of the encoded width " + encY);
        }
        long[] shape = Torch.shape(k);
        shape[shape.length - 1] = encY;
        Tensor out = torch.zeros(shape, Torch.options(torch.ScalarType.ComplexDouble));
        out.narrow(-1, pl, n).copy_(k);
        return out;
    }

    /** numpy's centre crop of the last two axes, clipping at the array's size instead of padding. */
    static Tensor centerCrop(Tensor x, long h, long w) {
        long hh = x.size(-2), ww = x.size(-1);
        long h0 = Math.max((hh - h) / 2, 0), w0 = Math.max((ww - w) / 2, 0);
        return x.narrow(-2, h0, Math.min(h, hh - h0)).narrow(-1, w0, Math.min(w, ww - w0));
    }

    static Tensor ifft2c(Tensor k) {
        return Fft.ifft2c(k);
    }

    static Tensor fft2c(Tensor x) {
        return Fft.fft2c(x);
    }
}
