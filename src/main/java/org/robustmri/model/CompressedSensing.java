package org.robustmri.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.data.KspaceSample;
import org.robustmri.data.MaskedKspaceTransform;
import org.robustmri.data.SampleTransform;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.List;
import java.util.Map;

/**
 * The classical baseline: a SENSE reconstruction with a convex regulariser, solved per slice at test time, with no
 * learned weights. It takes the same masked k-space as VarNet and any mask (columns or 2-D).
 * <ul>
 *   <li>{@code reg=tv}: {@code min_x 1/2 ||A x - y||^2 + lambda_abs TV(x)}, isotropic total variation with forward
 *       differences and a zero last difference (Neumann boundary), solved by the primal-dual algorithm of Chambolle
 *       and Pock with {@code sigma = tau = 0.99 / 3} (valid because {@code ||A|| <= 1} for maps with
 *       {@code sum_c |S_c|^2 <= 1} and a 0/1 mask, and {@code ||grad||^2 <= 8}). {@code lambda_abs = lambda *
 *       max |A^H y|} per slice, so {@code lambda} does not depend on the data's scale.</li>
 *   <li>{@code reg=l2}: {@code min_x ||A x - y||^2 + lambda ||x||^2} by conjugate gradients on
 *       {@code (A^H A + lambda I) x = A^H y} from 0 (CG-SENSE; {@code lambda} is scale-free here).</li>
 * </ul>
 * Coil maps ({@code maps=acs}): the calibration region is the fully sampled centre run along the centre row and the
 * centre column of the mask (for a column mask: all rows of the centre band); its k-space, tapered by a Hann window
 * over that region, gives low-resolution coil images, each divided by their root-sum-of-squares. The output is
 * {@code |x|} centre-cropped to the target size.
 */
public final class CompressedSensing extends KspaceDomainModel {
    static final ModelFamily FAMILY = new ModelFamily("cs", List.of(
            ModelFamily.Param.choice("reg", "tv", List.of("tv", "l2"),
                    "regulariser: tv = isotropic total variation (primal-dual), l2 = Tikhonov (conjugate gradients)"),
            ModelFamily.Param.real("lambda", 0.001, "regularisation weight (tv: relative to max |A^H y| of the slice)"),
            ModelFamily.Param.integer("iterations", 200, "solver iterations"),
            ModelFamily.Param.choice("maps", "acs", List.of("acs"),
                    "coil maps: acs = Hann-tapered calibration region over its root-sum-of-squares"))) {
        @Override
        protected String label(Map<String, String> p) {
            return "cs-" + p.get("reg") + "-l" + p.get("lambda") + "-i" + p.get("iterations");
        }

        @Override
        public long parameterCount(ModelSpec s) {
            return 0;
        }

        @Override
        public String describe(ModelSpec s) {
            return "compressed sensing (" + ("tv".equals(s.param("reg")) ? "total variation" : "Tikhonov") + ", lambda " + s.param("lambda")
                    + ", " + s.param("iterations") + " iterations)";
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return new CompressedSensing(s);
        }

        @Override
        public SampleTransform<KspaceSample> transform(boolean requireTarget) {
            return new MaskedKspaceTransform(requireTarget);
        }
    };

    private static final double STEP = 0.99 / 3.0;

    private final boolean tv;
    private final double lambda;
    private final int iterations;

    public CompressedSensing(ModelSpec spec) {
        super(spec);
        this.tv = "tv".equals(spec.param("reg"));
        this.lambda = Double.parseDouble(spec.param("lambda"));
        this.iterations = spec.intParam("iterations");
    }


    @Override
    protected Tensor forward(KspaceInput in) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor y = in.kspace();
            MultiCoilMri physics = in.physics().withSensitivities(acsMaps(y, in.physics()));
            Tensor x = tv ? solveTv(physics, y, lambda, iterations, true) : solveL2(physics, y, lambda, iterations);
            return Transforms.centerCrop(Transforms.complexAbs(x), in.cropHeight(), in.cropWidth());
        }
    }

    // ------------------------------------------------------------------------------------------- coil maps

    /** Coil maps (B, C, H, W) from the calibration region of each batch element's mask (see the class comment). */
    static Tensor acsMaps(Tensor y, MultiCoilMri physics) {
        long[] s = Torch.shape(y);
        int b = (int) s[0], h = (int) s[2], w = (int) s[3];
        float[] weights = physics.weights();
        int maskHeight = weights == null ? 1 : weights.length / (physics.batched() ? b * w : w);
        float[] window = new float[b * h * w];
        for (int i = 0; i < b; i++) {
            int offset = weights == null || !physics.batched() ? 0 : i * maskHeight * w;
            int[] rows, cols;
            if (weights == null) {
                rows = new int[]{0, h};
                cols = new int[]{0, w};
            } else if (maskHeight == 1) {
                rows = new int[]{0, h};
                cols = centreRun(weights, offset, 1, w);
            } else {
                cols = centreRun(weights, offset + (maskHeight / 2) * w, 1, w);
                rows = centreRun(weights, offset + w / 2, w, maskHeight);
            }
            if (rows[1] == 0 || cols[1] == 0) {
                throw new IllegalArgumentException("the mask samples no centre line: no calibration region for coil maps");
            }
            double[] wr = hann(rows[1]), wc = hann(cols[1]);
            for (int r = 0; r < rows[1]; r++) {
                for (int c = 0; c < cols[1]; c++) {
                    window[(i * h + rows[0] + r) * w + cols[0] + c] = (float) (wr[r] * wc[c]);
                }
            }
        }
        Tensor taper = Tensors.fromFloats(window, b, 1, h, w);
        if (!y.device().is_cpu()) taper = taper.to(y.device(), torch.ScalarType.Float);
        Tensor coils = Fft.ifft2c(torch.view_as_complex(torch.view_as_real(y).mul(taper.unsqueeze(-1)).contiguous()));
        Tensor power = torch.view_as_real(coils).square().sum(new long[]{-1}, false, new ScalarTypeOptional())
                .sum(new long[]{1}, true, new ScalarTypeOptional());
        double floor = power.max().item_double() * 1e-12 + Double.MIN_NORMAL;
        return coils.div(power.add(Torch.scalar(floor)).sqrt());
    }

    /**
     * The fully sampled run through the centre of a line ({@code n} values {@code stride} apart from {@code offset}),
     * {start, length}: from index {@code n/2} outwards while the mask is non-zero; length 0 when {@code n/2} is not sampled.
     */
    static int[] centreRun(float[] weights, int offset, int stride, int n) {
        int c = n / 2;
        if (weights[offset + c * stride] == 0f) return new int[]{c, 0};
        int lo = c, hi = c + 1;
        while (lo > 0 && weights[offset + (lo - 1) * stride] != 0f) lo--;
        while (hi < n && weights[offset + hi * stride] != 0f) hi++;
        return new int[]{lo, hi - lo};
    }

    /** A Hann window of {@code n} points that is non-zero at both ends: {@code 0.5 (1 - cos(2 pi (i + 1) / (n + 1)))}. */
    static double[] hann(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = 0.5 * (1 - Math.cos(2 * Math.PI * (i + 1) / (n + 1)));
        return out;
    }

    // ------------------------------------------------------------------------------------------- solvers

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
