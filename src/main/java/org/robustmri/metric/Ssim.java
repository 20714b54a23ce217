package org.robustmri.metric;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * SSIM as fastMRI defines it (skimage's {@code structural_similarity} defaults and fastMRI's {@code SSIMLoss}):
 * 7x7 uniform window, K1 = 0.01, K2 = 0.03, sample covariance (49/48), valid region only, data range given.
 *
 * <p>One implementation serves the metric (float64) and the training loss (float32, differentiable).
 */
public final class Ssim {
    public static final int WINDOW = 7;
    public static final double K1 = 0.01;
    public static final double K2 = 0.03;
    private static final double COV_NORM = (double) (WINDOW * WINDOW) / (WINDOW * WINDOW - 1);
    private static final long[] KERNEL = {WINDOW, WINDOW};
    private static final long[] STRIDE = {1, 1};
    private static final long[] NO_PAD = {0, 0};

    static {
        Torch.init();
    }

    private Ssim() {
    }

    /**
     * The SSIM map over the valid region. {@code x}, {@code y}: (N, 1, H, W); {@code dataRange}: a tensor
     * broadcastable to (N, 1, 1, 1). Result: (N, 1, H - 6, W - 6).
     */
    public static Tensor map(Tensor x, Tensor y, Tensor dataRange) {
        Tensor c1 = dataRange.mul(Torch.scalar(K1)).square();
        Tensor c2 = dataRange.mul(Torch.scalar(K2)).square();
        Tensor ux = box(x);
        Tensor uy = box(y);
        Tensor uxx = box(x.mul(x));
        Tensor uyy = box(y.mul(y));
        Tensor uxy = box(x.mul(y));
        Tensor vx = uxx.sub(ux.mul(ux)).mul(Torch.scalar(COV_NORM));
        Tensor vy = uyy.sub(uy.mul(uy)).mul(Torch.scalar(COV_NORM));
        Tensor vxy = uxy.sub(ux.mul(uy)).mul(Torch.scalar(COV_NORM));
        Tensor a1 = ux.mul(uy).mul(Torch.scalar(2)).add(c1);
        Tensor a2 = vxy.mul(Torch.scalar(2)).add(c2);
        Tensor b1 = ux.mul(ux).add(uy.mul(uy)).add(c1);
        Tensor b2 = vx.add(vy).add(c2);
        return a1.mul(a2).div(b1.mul(b2));
    }

    /** The training loss {@code 1 - mean(SSIM map)} (fastMRI's SSIMLoss), differentiable. */
    public static Tensor loss(Tensor x, Tensor y, Tensor dataRange) {
        return map(x, y, dataRange).mean().neg().add(Torch.scalar(1.0));
    }

    /** SSIM of one 2-D image pair (row-major h*w) in float64, as skimage computes it. */
    public static double ssim(float[] target, float[] recon, int h, int w, double dataRange) {
        if (h < WINDOW || w < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least 7x7, got " + h + "x" + w);
        }
        Tensor t = Tensors.fromFloats(target, 1, 1, h, w).to(torch.ScalarType.Double);
        Tensor r = Tensors.fromFloats(recon, 1, 1, h, w).to(torch.ScalarType.Double);
        Tensor range = Tensors.fromDoubles(new double[]{dataRange}, 1, 1, 1, 1);
        return map(t, r, range).mean().item_double();
    }

    private static Tensor box(Tensor v) {
        return torch.avg_pool2d(v, KERNEL, STRIDE, NO_PAD, false, true, new LongOptional());
    }
}
