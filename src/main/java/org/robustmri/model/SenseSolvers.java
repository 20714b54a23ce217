package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.kspace.Espirit;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Transforms;
import org.robustmri.kspace.Wavelet;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.Arrays;

/**
 * The convex solvers of the compressed-sensing baselines, batched over slices, on the image (B, 1, H, W) of
 * {@link MultiCoilMri} with coil maps of norm at most 1 (so {@code ||A|| <= 1}):
 * <ul>
 *   <li>{@link #solveTv}: {@code 1/2 ||A x - y||^2 + lam TV(x)}, isotropic total variation, by Chambolle-Pock;</li>
 *   <li>{@link #solveL2}: {@code (A^H A + lambda I) x = A^H y} by conjugate gradients (CG-SENSE);</li>
 *   <li>{@link #solveWavelet}: {@code 1/2 ||A x - y||^2 + lam ||W x||_1}, W the {@link Wavelet} with a random
 *       shift per iteration, by FISTA exactly as BART's {@code pics -l1}.</li>
 * </ul>
 * Every iteration runs on the tensors' device without reading a value back to the host.
 */
public final class SenseSolvers {
    private static final double STEP = 0.99 / 3.0;
    /** BART's FISTA step for maps of norm 1. */
    private static final double FISTA_STEP = 0.95;
    /** BART's calibration size for its data scaling. */
    private static final int SCALING_CALIBRATION = 32;

    private SenseSolvers() {
    }

    /**
     * Total-variation SENSE by Chambolle-Pock: the complex image (B, 1, H, W) minimising
     * {@code 1/2 ||A x - y||^2 + lam TV(x)}, with {@code lam = lambda * max|A^H y|} per batch element when
     * {@code relative}, else {@code lam = lambda}.
     */
    public static Tensor solveTv(MultiCoilMri physics, Tensor y, double lambda, int iterations, boolean relative) {
        requireBatch(y);
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor x = physics.adjoint(y);
            Tensor lam = relative ? perElementMax(x).mul(Torch.scalar(lambda)).view(1, -1, 1, 1, 1, 1) : null;
            Tensor xbar = x.clone();
            Tensor p = torch.zeros_like(y);
            Tensor q = torch.zeros_like(gradient(torch.view_as_real(x)));
            for (int i = 0; i < iterations; i++) {
                try (PointerScope scope = new PointerScope()) {
                    // dual ascent on the data term: prox of sigma F*, F(z) = 1/2 ||z - y||^2
                    p.copy_(p.add(physics.forward(xbar).sub(y).mul(Torch.scalar(STEP))).div(Torch.scalar(1 + STEP)));
                    // dual ascent on the gradient, projected pixelwise onto the ball of radius lam (isotropic TV)
                    Tensor qn = q.add(gradient(torch.view_as_real(xbar)).mul(Torch.scalar(STEP)));
                    Tensor norm = qn.square().sum(new long[]{0, -1}, true, new ScalarTypeOptional()).sqrt();
                    Tensor radius = lam == null ? norm.div(Torch.scalar(lambda)) : norm.div(lam);
                    q.copy_(qn.div(torch.clamp_min(radius, Torch.scalar(1.0))));
                    // primal descent: x - tau (A^H p + grad^T q)
                    Tensor step = physics.adjoint(p).add(torch.view_as_complex(gradientAdjoint(q).contiguous()));
                    Tensor xn = x.sub(step.mul(Torch.scalar(STEP)));
                    xbar.copy_(xn.mul(Torch.scalar(2.0)).sub(x));
                    x.copy_(xn);
                }
            }
            return x;
        }
    }

    /** CG-SENSE: the image (B, 1, H, W) solving {@code (A^H A + lambda I) x = A^H y} after {@code iterations} CG steps from 0. */
    public static Tensor solveL2(MultiCoilMri physics, Tensor y, double lambda, int iterations) {
        requireBatch(y);
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor rhs = physics.adjoint(y);
            Tensor x = torch.zeros_like(rhs);
            Tensor r = rhs.clone();
            Tensor d = rhs.clone();
            Tensor rr = dot(r, r);
            for (int i = 0; i < iterations; i++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor ad = physics.adjoint(physics.forward(d)).add(d.mul(Torch.scalar(lambda)));
                    Tensor denom = dot(d, ad);
                    Tensor alpha = torch.where(denom.gt(Torch.scalar(0.0)), rr.div(denom), torch.zeros_like(rr));
                    x.add_(d.mul(alpha));
                    r.sub_(ad.mul(alpha));
                    Tensor rrNew = dot(r, r);
                    Tensor beta = torch.where(rr.gt(Torch.scalar(0.0)), rrNew.div(rr), torch.zeros_like(rr));
                    d.copy_(r.add(d.mul(beta)));
                    rr.copy_(rrNew);
                }
            }
            return x;
        }
    }

    /**
     * l1-wavelet SENSE as BART's {@code pics -l1 -r lambda}: FISTA from 0 with step 0.95, the wavelet prox with
     * threshold {@code 0.95 lam} under a random circular shift per iteration (drawn as BART draws them, from glibc's
     * {@code rand_r} seeded with 1), the result taken after the last gradient step. {@code lam} (B) is the absolute
     * weight per batch element; BART's {@code -r lambda} is {@code lambda * bartScaling(y)}.
     */
    public static Tensor solveWavelet(MultiCoilMri physics, Tensor y, Tensor lam, int iterations, boolean shifts) {
        requireBatch(y);
        try (NoGradGuard guard = new NoGradGuard()) {
            // the iterates live in FFT order (ifftshifted) so that A^H A needs no shifts; the wavelet sees them
            // rolled back by half the image, folded into its random shift
            long[] lastTwo = {-2, -1};
            Tensor b = torch.fft_ifftshift(physics.adjoint(y), lastTwo);
            java.util.function.UnaryOperator<Tensor> normal = physics.normalInFftOrder(b.device());
            long h = b.size(-2), w = b.size(-1);
            try (Wavelet wavelet = new Wavelet(h, w)) {
                return fista(b, normal, wavelet, lam, iterations, shifts, h, w);
            }
        }
    }

    private static Tensor fista(Tensor b, java.util.function.UnaryOperator<Tensor> normal, Wavelet wavelet, Tensor lam, int iterations,
                                boolean shifts, long h, long w) {
        long[] lastTwo = {-2, -1};
        Tensor threshold = lam.to(b.device(), torch.ScalarType.Float).mul(Torch.scalar(FISTA_STEP)).view(-1, 1, 1, 1);
        BartRandom random = new BartRandom(1);
        int limitW = 1 << wavelet.shiftLevels(1), limitH = 1 << wavelet.shiftLevels(0);
        Tensor x = torch.zeros_like(b);
        Tensor previous = torch.zeros_like(b);
        double t = 1;
        for (int i = 0; i < iterations; i++) {
            try (PointerScope scope = new PointerScope()) {
                long sw = shifts ? random.upTo(limitW) : 0, sh = shifts ? random.upTo(limitH) : 0;   // BART: its dim 0 (our W) first
                Tensor rolled = torch.roll(x, new long[]{sh + h / 2, sw + w / 2}, lastTwo);
                Tensor z = torch.roll(wavelet.shrink(rolled, threshold), new long[]{-sh - h / 2, -sw - w / 2}, lastTwo);
                double next = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                Tensor v = z.add(z.sub(previous).mul(Torch.scalar((t - 1) / next)));
                previous.copy_(z);
                t = next;
                x.copy_(v.add(b.sub(normal.apply(v)).mul(Torch.scalar(FISTA_STEP))));
            }
        }
        return torch.fft_fftshift(x, lastTwo);
    }

    /**
     * BART's scaling of the data per batch element (B), {@code pics}' "inverse scaling": the root-sum-of-squares
     * image of the centred calibration region (at most 32 x 32 of the fully sampled rectangle {@code regions[i]}),
     * its values divided by {@code sqrt(H W / (h w))} and sorted; the 90th percentile when
     * {@code max - p90 < 2 (p90 - median)}, else the maximum.
     */
    public static Tensor bartScaling(Tensor y, int[][][] regions) {
        double[] out = new double[(int) y.size(0)];
        long h = y.size(2), w = y.size(3);
        for (int i = 0; i < out.length; i++) {
            try (PointerScope scope = new PointerScope()) {
                int[] r = centred(regions[i][0]), c = centred(regions[i][1]);
                Tensor calib = y.select(0, i).narrow(1, r[0], r[1]).narrow(2, c[0], c[1]);
                Tensor rss = Transforms.rss(Transforms.complexAbs(Fft.ifft2c(calib)), 0).to(Torch.cpu(), torch.ScalarType.Double);
                double[] v = Tensors.toDoubles(rss.contiguous());
                Arrays.sort(v);
                double rescale = Math.sqrt((double) h * w / ((double) r[1] * c[1]));
                double median = v[v.length / 2] / rescale, p90 = v[(int) (v.length * 0.9)] / rescale, max = v[v.length - 1] / rescale;
                out[i] = (max - p90) < 2 * (p90 - median) ? p90 : max;
            }
        }
        return Tensors.fromDoubles(out, out.length);
    }

    private static int[] centred(int[] run) {
        if (run[1] <= SCALING_CALIBRATION) return run;
        int centre = run[0] + run[1] / 2;
        return new int[]{centre - SCALING_CALIBRATION / 2, SCALING_CALIBRATION};
    }

    /** The objective {@code 1/2 ||A x - y||^2 + lam ||W x||_1} (no shift) of an image (B, 1, H, W), summed over the batch. */
    public static double waveletObjective(MultiCoilMri physics, Tensor y, Tensor x, double lam) {
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            double data = torch.view_as_real(physics.forward(x).sub(y)).square().sum().item_double() / 2;
            double l1 = 0;
            try (Wavelet wavelet = new Wavelet(x.size(-2), x.size(-1))) {
                for (Tensor band : wavelet.forward(torch.view_as_real(x).movedim(-1, 0))) {
                    l1 += band.square().sum(new long[]{0}, false, new ScalarTypeOptional()).sqrt().sum().item_double();
                }
            }
            return data + lam * l1;
        }
    }

    /**
     * glibc's {@code rand_r} and BART's {@code rand_lim} on it: the shifts BART's wavelet prox draws, so that a
     * reconstruction can equal BART's own.
     */
    static final class BartRandom {
        private static final long RAND_MAX = 2147483647L;
        private int state;

        BartRandom(int seed) {
            this.state = seed;
        }

        /** glibc's rand_r: three steps of its linear congruential generator, 11 + 10 + 10 bits. */
        int next() {
            int next = state;
            next = next * 1103515245 + 12345;
            int result = (int) ((Integer.toUnsignedLong(next) / 65536) % 2048);
            next = next * 1103515245 + 12345;
            result = (result << 10) ^ (int) ((Integer.toUnsignedLong(next) / 65536) % 1024);
            next = next * 1103515245 + 12345;
            result = (result << 10) ^ (int) ((Integer.toUnsignedLong(next) / 65536) % 1024);
            state = next;
            return result;
        }

        /** Uniform on {@code 0 .. limit}, both included, by rejection. */
        int upTo(int limit) {
            long divisor = RAND_MAX / (limit + 1L);
            while (true) {
                long v = next() / divisor;
                if (v <= limit) return (int) v;
            }
        }
    }

    private static void requireBatch(Tensor y) {
        if (y.dim() != 4 || !y.is_complex()) {
            throw new IllegalArgumentException("the solvers take complex k-space (B, C, H, W), got " + y.dim() + " dimensions");
        }
    }

    /** The objective {@code 1/2 ||A x - y||^2 + lam TV(x)} of an image (B, 1, H, W), summed over the batch. */
    public static double tvObjective(MultiCoilMri physics, Tensor y, Tensor x, double lam) {
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            double data = torch.view_as_real(physics.forward(x).sub(y)).square().sum().item_double() / 2;
            Tensor g = gradient(torch.view_as_real(x));
            double tv = g.square().sum(new long[]{0, -1}, false, new ScalarTypeOptional()).sqrt().sum().item_double();
            return data + lam * tv;
        }
    }

    /** Per batch element {@code Re sum conj(a) b} over all but the batch axis, shaped (B, 1, 1, 1). */
    private static Tensor dot(Tensor a, Tensor b) {
        Tensor pa = torch.view_as_real(a), pb = torch.view_as_real(b);
        return pa.mul(pb).sum(new long[]{1, 2, 3, 4}, false, new ScalarTypeOptional()).view(-1, 1, 1, 1);
    }

    /** max |x| per batch element, shape (B). */
    private static Tensor perElementMax(Tensor x) {
        return torch.amax(Transforms.complexAbs(x).reshape(x.size(0), -1), new long[]{1}, false);
    }

    /**
     * Forward differences of (re, im) pairs (B, 1, H, W, 2) along H and W, stacked as (2, B, 1, H, W, 2); the last
     * difference along each axis is 0.
     */
    static Tensor gradient(Tensor pairs) {
        long h = pairs.size(-3), w = pairs.size(-2);
        Tensor dh = torch.constant_pad_nd(pairs.narrow(-3, 1, h - 1).sub(pairs.narrow(-3, 0, h - 1)), 0, 0, 0, 0, 0, 1);
        Tensor dw = torch.constant_pad_nd(pairs.narrow(-2, 1, w - 1).sub(pairs.narrow(-2, 0, w - 1)), 0, 0, 0, 1);
        return torch.stack(new org.bytedeco.pytorch.TensorVector(dh, dw), 0);
    }

    /** The adjoint of {@link #gradient} (minus the divergence), back to (B, 1, H, W, 2). */
    static Tensor gradientAdjoint(Tensor q) {
        Tensor qh = q.select(0, 0), qw = q.select(0, 1);
        long h = qh.size(-3), w = qw.size(-2);
        Tensor ih = qh.narrow(-3, 0, h - 1);
        Tensor th = torch.constant_pad_nd(ih, 0, 0, 0, 0, 1, 0).sub(torch.constant_pad_nd(ih, 0, 0, 0, 0, 0, 1));
        Tensor iw = qw.narrow(-2, 0, w - 1);
        Tensor tw = torch.constant_pad_nd(iw, 0, 0, 1, 0).sub(torch.constant_pad_nd(iw, 0, 0, 0, 1));
        return th.add(tw);
    }
}
