package org.robustmri.kspace;

import org.bytedeco.pytorch.LongArrayRefOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Torch;

/**
 * ESPIRiT coil maps (Uecker et al., MRM 71:990, 2014) with BART's {@code ecalib -m1} defaults: one set of maps from
 * the fully sampled calibration region of one slice.
 * <ol>
 *   <li>The calibration region (at most {@code calibration} x {@code calibration}, centred) gives the calibration
 *       matrix: one row per position of a {@code kernel} x {@code kernel} window, the window's values of all coils in
 *       the row. Along an axis where the region is narrower than the kernel, the kernel is as wide as the region
 *       (a small image's 8 % centre can be 5 lines).</li>
 *   <li>Its right singular vectors whose squared singular value exceeds {@code threshold} times the largest squared
 *       one span the signal subspace; they are the kernels.</li>
 *   <li>In the image domain the kernels give at each pixel a Hermitian C x C matrix
 *       {@code G(x) = 1/k^2 sum_n conj(a_n(x)) a_n(x)^T}, {@code a_n} the inverse DFT of kernel n. Its entries are
 *       trigonometric polynomials of degree below k, so G is computed exactly on a 2k x 2k grid and interpolated to
 *       the image by zero-padding its Fourier coefficients.</li>
 *   <li>The maps are G's eigenvector of the largest eigenvalue at each pixel (norm 1 over coils), found as BART
 *       finds it, by 30 power iterations from the first unit vector, and zero where that eigenvalue is below
 *       {@code crop} (0 keeps every pixel).</li>
 *   <li>Each pixel's phase is turned so that the virtual coil {@code r^H S(x)} is real and positive, r the first
 *       principal component of the calibration data over coils: the maps' phase is then as smooth as the coils'.</li>
 * </ol>
 * The per-pixel eigenproblems are solved in blocks so that a fastMRI-sized slice fits in memory.
 */
public final class Espirit {
    /** BART's {@code ecalib} defaults: calibration size 24, kernel 6, singular-value threshold 0.001, crop 0.8. */
    public record Settings(int calibration, int kernel, double threshold, double crop) {
        public static final Settings BART = new Settings(24, 6, 0.001, 0.8);

        public Settings {
            if (kernel < 1 || calibration < kernel) throw new IllegalArgumentException("ESPIRiT needs calibration >= kernel >= 1");
            if (threshold < 0 || threshold >= 1) throw new IllegalArgumentException("ESPIRiT threshold must be in [0, 1)");
            if (crop < 0 || crop >= 1) throw new IllegalArgumentException("ESPIRiT crop must be in [0, 1)");
        }

        public Settings withCrop(double c) {
            return new Settings(calibration, kernel, threshold, c);
        }
    }

    private static final long PIXEL_BLOCK = 1 << 15;
    private static final int POWER_ITERATIONS = 30;

    private Espirit() {
    }

    /**
     * The maps (C, H, W) of one slice's k-space {@code y} (C, H, W), complex, from the fully sampled rectangle
     * {@code rows} x {@code cols} ({start, length} each, in k-space indices) of which the centred
     * {@code calibration}-sized part is used.
     */
    public static Tensor maps(Tensor y, int[] rows, int[] cols, Settings s) {
        if (y.dim() != 3 || !y.is_complex()) throw new IllegalArgumentException("ESPIRiT takes complex k-space (C, H, W)");
        int[] r = centred(rows, s.calibration()), c = centred(cols, s.calibration());
        // a calibration band narrower than the kernel shrinks the kernel along that axis (at least 2 samples needed)
        int kh = Math.min(s.kernel(), r[1]), kw = Math.min(s.kernel(), c[1]);
        if (kh < 2 || kw < 2) {
            throw new IllegalArgumentException("the calibration region " + rows[1] + "x" + cols[1] + " is too small for ESPIRiT (at least 2x2)");
        }
        Tensor calib = y.narrow(1, r[0], r[1]).narrow(2, c[0], c[1]).to(torch.ScalarType.ComplexDouble);
        long coils = y.size(0), h = y.size(1), w = y.size(2);
        Tensor kernels = kernels(calib, kh, kw, s.threshold());   // (N, C, kh, kw)
        Tensor g = imageCovariance(kernels, h, w);               // (H*W, C, C) complex64
        Tensor reference = principalCoil(calib);            // (C)
        Tensor maps = torch.zeros_like(g.select(2, 0));
        for (long start = 0; start < h * w; start += PIXEL_BLOCK) {
            long n = Math.min(PIXEL_BLOCK, h * w - start);
            Tensor[] eig = dominantEigenvector(g.narrow(0, start, n));
            Tensor vector = eig[0], value = eig[1];                              // (n, C), (n)
            Tensor virtualCoil = vector.mul(reference.conj()).sum(new long[]{1}, true, new ScalarTypeOptional());
            Tensor phase = virtualCoil.div(virtualCoil.abs().clamp_min(Torch.scalar(1e-30)));
            Tensor kept = value.ge(Torch.scalar(s.crop())).unsqueeze(1);
            maps.narrow(0, start, n).copy_(torch.where(kept, vector.mul(phase.conj()), torch.zeros_like(vector)));
        }
        return maps.t().reshape(coils, h, w).contiguous();
    }

    /**
     * BART's eigen-solver for one map: {@value #POWER_ITERATIONS} power iterations on each matrix of {@code g}
     * (n, C, C) from the first unit vector; the vector (n, C) and its eigenvalue, the norm of the last product (n).
     */
    static Tensor[] dominantEigenvector(Tensor g) {
        Tensor v = torch.zeros_like(g.narrow(2, 0, 1));
        v.select(1, 0).fill_(Torch.scalar(1.0));
        Tensor norm = null;
        for (int i = 0; i < POWER_ITERATIONS; i++) {
            v = g.matmul(v);
            norm = torch.linalg_vector_norm(v, Torch.scalar(2.0), new long[]{1}, true, new ScalarTypeOptional());
            v = v.div(norm.clamp_min(Torch.scalar(1e-30)));
        }
        return new Tensor[]{v.squeeze(2), torch.real(norm).view(-1)};
    }

    /** The centred part of at most {@code size} of a {start, length} run. */
    static int[] centred(int[] run, int size) {
        if (run[1] <= size) return run;
        int centre = run[0] + run[1] / 2;
        return new int[]{centre - size / 2, size};
    }

    /** The calibration matrix's right singular vectors above the threshold, as kernels (N, C, kh, kw). */
    static Tensor kernels(Tensor calib, int kh, int kw, double threshold) {
        long coils = calib.size(0), rows = calib.size(1) - kh + 1, cols = calib.size(2) - kw + 1;
        TensorVector windows = new TensorVector();
        for (int dy = 0; dy < kh; dy++) {
            for (int dx = 0; dx < kw; dx++) windows.push_back(calib.narrow(1, dy, rows).narrow(2, dx, cols).reshape(coils, -1));
        }
        // (C, kh*kw, P) -> rows P, columns (C, ky, kx)
        Tensor matrix = torch.stack(windows, 1).reshape(coils * kh * kw, -1).t();
        // right singular vectors of the (P x D) matrix from the smaller of its two Gram matrices
        boolean wide = matrix.size(0) < matrix.size(1);
        Tensor gram = wide ? matrix.matmul(matrix.conj().t()) : matrix.conj().t().matmul(matrix);
        T_TensorTensor_T eig = torch.linalg_eigh(gram, "L");
        Tensor singular = eig.get0().clamp_min(Torch.scalar(0.0)).sqrt();   // ascending
        long total = singular.size(0);
        double largest = singular.select(0, total - 1).item_double();
        // BART keeps sigma_i / sigma_0 > sqrt(threshold): the threshold is on the squared singular values
        long keep = singular.gt(Torch.scalar(Math.sqrt(threshold) * largest)).sum().item_long();
        Tensor kept = eig.get1().narrow(1, total - keep, keep);
        Tensor vectors = wide ? matrix.conj().t().matmul(kept).div(singular.narrow(0, total - keep, keep).to(kept.scalar_type())) : kept;   // (D, N)
        return vectors.t().reshape(keep, coils, kh, kw);
    }

    /**
     * G(x) as (H*W, C, C), complex64: the kernels' image-domain autocorrelation, made on a 2k x 2k grid (exact there,
     * since its Fourier support is at most 2k - 1 wide) and interpolated to H x W through its Fourier coefficients.
     */
    static Tensor imageCovariance(Tensor kernels, long h, long w) {
        long kh = kernels.size(2), kw = kernels.size(3), mh = 2 * kh, mw = 2 * kw;
        long[] lastTwo = {-2, -1};
        Tensor padded = torch.constant_pad_nd(kernels, 0, mw - kw, 0, mh - kh);
        Tensor spectrum = torch.fft_fft2(padded, new LongArrayRefOptional(), lastTwo, new org.bytedeco.pytorch.StringViewOptional());
        // sum_n conj(A_nc) A_nd / (kh kw) on the small grid, then its Fourier coefficients g(d), d = u' - u wrapped mod m
        Tensor small = torch.einsum("nchw,ndhw->cdhw", new TensorVector(spectrum.conj(), spectrum)).div(Torch.scalar((double) kh * kw));
        Tensor coefficients = torch.fft_fftshift(torch.fft_ifft2(small, new LongArrayRefOptional(), lastTwo,
                new org.bytedeco.pytorch.StringViewOptional()), lastTwo).to(torch.ScalarType.ComplexFloat);
        long top = h / 2 - mh / 2, left = w / 2 - mw / 2;
        Tensor full = torch.constant_pad_nd(coefficients, left, w - mw - left, top, h - mh - top);
        // values at the pixels of the centred image grid: sum_d g(d) exp(-2 pi i p d / N), p the centred pixel index
        // (a k-space shift by d multiplies the image by exp(-2 pi i p d / N) under k = fft2c(image))
        Tensor image = Fft.fft2c(full).mul(Torch.scalar(Math.sqrt((double) h * w)));
        long coils = kernels.size(1);
        return image.permute(2, 3, 0, 1).reshape(h * w, coils, coils).contiguous();
    }

    /** The first principal component over coils of the calibration data (C, h, w), norm 1. */
    static Tensor principalCoil(Tensor calib) {
        Tensor flat = calib.reshape(calib.size(0), -1);
        Tensor cov = flat.matmul(flat.conj().t());
        T_TensorTensor_T eig = torch.linalg_eigh(cov, "L");
        return eig.get1().select(1, calib.size(0) - 1).to(torch.ScalarType.ComplexFloat);
    }
}
