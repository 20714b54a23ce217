package org.robustmri.sim;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;

/**
 * How many coils see a pixel of the object: the width of the coil sensitivity profiles relative to the object, which is
 * what the smoothness of a loop array's sensitivities comes down to (wide, smooth profiles overlap; small loops close to
 * the body are local and vary fast). Measured on low-resolution coil images (k-space under a separable Hann window over
 * the central quarter of each axis, so the object's detail and the noise drop out) as the participation ratio
 * {@code (sum_c |I_c|^2)^2 / sum_c |I_c|^4}, averaged over the head or limb (where the low-resolution root-sum-of-squares
 * is above 15 % of its maximum, so that bright fat or fluid at the edge or the centre does not decide where it is
 * measured): the coil count when all coils see the pixel equally, 1 when one coil alone does. Per pixel it depends
 * neither on the coils' phases nor on the object's intensity, since a common factor cancels.
 */
final class CoilSpread {
    /** Fraction of each k-space axis the window spans (the image resolution drops by its inverse, about 4-8 pixels). */
    static final double WINDOW_FRACTION = 0.25;
    /** Where it is measured: the low-resolution root-sum-of-squares above this fraction of its maximum. */
    static final double MASK_FRACTION = 0.15;

    private CoilSpread() {
    }

    /**
     * The mean effective number of coils over the object of one slice.
     *
     * @param pairs k-space (coils, height, width) as interleaved real/imaginary floats
     * @param cropHeight the image's size (the readout oversampling cut off), centred in (height, width)
     */
    static double effectiveCoils(float[] pairs, int coils, int height, int width, int cropHeight, int cropWidth) {
        if (coils == 1) return 1;
        try (PointerScope scope = new PointerScope()) {
            Tensor k = Tensors.complexFromInterleaved(pairs, coils, height, width).to(torch.ScalarType.ComplexDouble);
            Tensor windowed = k.mul(hann(height).unsqueeze(1).mul(hann(width).unsqueeze(0)));
            Tensor power = Transforms.complexAbs(Transforms.centerCrop(Fft.ifft2c(windowed), cropHeight, cropWidth)).square();
            Tensor sum = coilSum(power);
            double[] r = Tensors.toDoubles(sum.square().div(coilSum(power.square())));
            double[] rss = Tensors.toDoubles(sum.sqrt());
            double max = 0;
            for (double v : rss) max = Math.max(max, v);
            double total = 0;
            int n = 0;
            for (int i = 0; i < rss.length; i++) {
                if (rss[i] > MASK_FRACTION * max && Double.isFinite(r[i])) {
                    total += r[i];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : total / n;
        }
    }

    private static Tensor coilSum(Tensor x) {
        return x.sum(new long[]{0}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    }

    /** A Hann window over the central {@link #WINDOW_FRACTION} of an axis of n samples, zero elsewhere. */
    private static Tensor hann(int n) {
        float[] w = new float[n];
        int span = Math.max(3, (int) Math.round(n * WINDOW_FRACTION));
        int start = n / 2 - span / 2;
        for (int i = 0; i < span; i++) {
            int at = start + i;
            if (at >= 0 && at < n) w[at] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / span));
        }
        return Tensors.fromFloats(w, n).to(torch.ScalarType.ComplexDouble);
    }
}
