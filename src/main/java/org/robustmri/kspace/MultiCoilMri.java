package org.robustmri.kspace;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DimnameListOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Multi-coil Cartesian MRI, the one physics object: a sampling mask (columns or 2-D, per slice or per batch
 * element, with the acquisition window already applied), optional coil sensitivity maps S, and
 * <ul>
 *   <li>the forward operator {@code A x = M F (S x)} (image (..., 1, H, W) to masked coil k-space (..., C, H, W))
 *       and its adjoint {@code A^H y = sum_c conj(S_c) F^-1 (M y)}; without maps the image is the coil images;</li>
 *   <li>masking exactly as fastMRI ({@code k * mask + 0.0} on (re, im) pairs, so masked entries are +0);</li>
 *   <li>the zero-filled root-sum-of-squares image of the U-Net/ViT input;</li>
 *   <li>VarNet's soft data consistency {@code where(M, k - k0, 0) * w}.</li>
 * </ul>
 * F is the centred orthonormal 2-D FFT over the last two axes, the coil axis is -3.
 */
public final class MultiCoilMri {
    private final float[] weights;      // row-major (B x maskHeight x W) effective weights; null = fully sampled
    private final int batch;            // 0: one mask broadcast over everything; else one per batch element
    private final int maskHeight;
    private final int width;
    private final Sampling single;      // set when made from one column Sampling: enables the separable zero-fill
    private final Tensor sensitivities; // complex (B, C, H, W) or null

    private MultiCoilMri(float[] weights, int batch, int maskHeight, int width, Sampling single, Tensor sensitivities) {
        Torch.init();
        this.weights = weights;
        this.batch = batch;
        this.maskHeight = maskHeight;
        this.width = width;
        this.single = single;
        this.sensitivities = sensitivities;
    }

    /** The physics of one slice (the mask broadcasts over coils, and over a batch). */
    public static MultiCoilMri of(Sampling s) {
        return new MultiCoilMri(s.isFull() ? null : s.weights(), 0, s.height(), s.width(), s.isColumns() ? s : null, null);
    }

    /** One mask per batch element (all of the same shape). */
    public static MultiCoilMri ofBatch(List<Sampling> samplings) {
        if (samplings.isEmpty()) throw new IllegalArgumentException("empty batch");
        Sampling first = samplings.get(0);
        int h = first.height(), w = first.width();
        boolean allFull = true;
        for (Sampling s : samplings) {
            if (s.height() != h || s.width() != w) {
                throw new IllegalArgumentException("batch mixes masks of " + h + "x" + w + " and " + s.height() + "x" + s.width());
            }
            allFull &= s.isFull();
        }
        if (allFull) return new MultiCoilMri(null, samplings.size(), h, w, null, null);
        float[] all = new float[samplings.size() * h * w];
        for (int i = 0; i < samplings.size(); i++) System.arraycopy(samplings.get(i).weights(), 0, all, i * h * w, h * w);
        return new MultiCoilMri(all, samplings.size(), h, w, null, null);
    }

    /** The same mask with coil sensitivity maps {@code s}: complex (B, C, H, W). */
    public MultiCoilMri withSensitivities(Tensor s) {
        if (!s.is_complex()) throw new IllegalArgumentException("sensitivity maps must be complex");
        return new MultiCoilMri(weights, batch, maskHeight, width, single, s);
    }

    public boolean fullySampled() {
        return weights == null;
    }

    public int width() {
        return width;
    }

    /** True when made for a batch ({@link #ofBatch}): one mask per batch element, else one mask broadcast. */
    public boolean batched() {
        return batch != 0;
    }

    /** The effective mask weights (row-major, per batch element when made for a batch); null when fully sampled. */
    public float[] weights() {
        return weights == null ? null : weights.clone();
    }

    /**
     * The mask as a float tensor on {@code device}, broadcastable to (B, C, H, W): (1, W) or (H, W) for one slice,
     * (B, 1, 1, W) or (B, 1, H, W) for a batch; null when fully sampled. Made afresh in the caller's scope (it is
     * small): a cached tensor would die with whichever scope first made it.
     */
    public Tensor mask(Device device) {
        if (weights == null) return null;
        long[] shape = batch == 0 ? new long[]{maskHeight, width} : new long[]{batch, 1, maskHeight, width};
        Tensor m = Tensors.fromFloats(weights, shape);
        return device.is_cpu() ? m : m.to(device, torch.ScalarType.Float);
    }

    // ------------------------------------------------------------------------------------------- operators

    /** {@code k * mask + 0.0} on (re, im) pairs: fastMRI's arithmetic, masked entries become +0. */
    public Tensor applyMask(Tensor kspace) {
        requireWidth(kspace);
        if (weights == null) return kspace;
        Tensor pairs = torch.view_as_real(kspace);
        Tensor masked = pairs.mul(mask(kspace.device()).unsqueeze(-1)).add(Torch.scalar(0.0));
        return torch.view_as_complex(masked);
    }

    /** {@code F (S x)}: an image (..., 1, H, W) to coil k-space (..., C, H, W); without maps just {@code F x}. */
    public Tensor expand(Tensor image) {
        return Fft.fft2c(sensitivities == null ? image : image.mul(sensitivities));
    }

    /** {@code sum_c conj(S_c) F^-1 k}: coil k-space to one image (..., 1, H, W); without maps {@code F^-1 k}. */
    public Tensor reduce(Tensor kspace) {
        Tensor coils = Fft.ifft2c(kspace);
        if (sensitivities == null) return coils;
        return coils.mul(sensitivities.conj()).sum(new long[]{-3}, true, new ScalarTypeOptional());
    }

    /** The forward operator {@code A = M F S}. */
    public Tensor forward(Tensor image) {
        return applyMask(expand(image));
    }

    /** The adjoint {@code A^H = S^H F^-1 M}. */
    public Tensor adjoint(Tensor kspace) {
        return reduce(applyMask(kspace));
    }

    /**
     * {@code A^H A} for an iterative solver, applied to images kept in FFT order ({@code ifftshift}ed): with maps and
     * mask shifted once, each application is two plain orthonormal FFTs (along W only for a column mask), with no
     * shift copies:
     * {@code A^H A x = fftshift(N' ifftshift(x))}, N' the operator returned here.
     */
    public UnaryOperator<Tensor> normalInFftOrder(Device device) {
        if (sensitivities == null) throw new IllegalStateException("the normal operator needs coil maps");
        long[] lastTwo = {-2, -1};
        Tensor maps = torch.fft_ifftshift(sensitivities, lastTwo);
        Tensor mapsConj = maps.conj().resolve_conj();   // a lazy conjugate makes every product with it a slow copy
        Tensor m = mask(device);
        Tensor mask = m == null ? null : torch.fft_ifftshift(m, lastTwo);
        // a column mask leaves every row sampled: the FFT along H and its inverse cancel, so only W is transformed
        boolean columns = mask != null && maskHeight == 1;
        return x -> {
            Tensor coils = x.mul(maps);
            Tensor k = columns ? torch.fft_fft(coils, new org.bytedeco.pytorch.LongOptional(), -1, Torch.ortho())
                    : torch.fft_fft2(coils, new org.bytedeco.pytorch.LongArrayRefOptional(), lastTwo, Torch.ortho());
            if (mask != null) k = k.mul(mask);
            Tensor back = columns ? torch.fft_ifft(k, new org.bytedeco.pytorch.LongOptional(), -1, Torch.ortho())
                    : torch.fft_ifft2(k, new org.bytedeco.pytorch.LongArrayRefOptional(), lastTwo, Torch.ortho());
            return back.mul(mapsConj).sum(new long[]{-3}, true, new ScalarTypeOptional());
        };
    }

    /** VarNet's soft data consistency: {@code where(mask, k - k0, 0) * weight}. */
    public Tensor softDataConsistency(Tensor k, Tensor k0, Tensor weight) {
        Tensor diff = k.sub(k0);
        if (weights != null) {
            Tensor sampled = mask(k.device()).ne(Torch.scalar(0.0));
            diff = torch.where(sampled, diff, torch.zeros_like(diff));
        }
        return diff.mul(weight);
    }

    /**
     * The U-Net/ViT input: mask, {@code ifft2c} per coil, complex centre crop to (h, w), magnitude, root-sum-of-squares
     * over the coil axis (-3). For one slice (C, H, W) with a column mask this is computed separably
     * ({@link #separableZeroFill}); otherwise directly.
     */
    public Tensor zeroFilledRss(Tensor kspace, long h, long w) {
        requireWidth(kspace);
        if (batch == 0 && (single != null || weights == null) && kspace.dim() == 3) {
            return separableZeroFill(kspace, single == null ? null : weights, h, w);
        }
        return Transforms.zeroFilledRss(applyMask(kspace), h, w);
    }

    private void requireWidth(Tensor kspace) {
        long w = kspace.size(-1);
        if (w != width) throw new IllegalArgumentException("mask has " + width + " columns, k-space has " + w);
        if (maskHeight > 1 && kspace.size(-2) != maskHeight) {
            throw new IllegalArgumentException("2-D mask has " + maskHeight + " rows, k-space has " + kspace.size(-2));
        }
    }

    /**
     * The same image as the direct form, with far fewer operations: the readout IFFT runs only on sampled columns,
     * the phase-encode IFFT only on rows that survive the crop, and the centring shifts become index selections.
     *
     * <p>Why the input-side {@code ifftshift}s can be dropped: shifting the input of a DFT multiplies output index k
     * by a unit-modulus phase; on the readout axis that phase is constant along an image row and on the phase-encode
     * axis constant along a column, the same for every coil, so magnitudes and the RSS are unchanged. The output-side
     * {@code fftshift} and the crop are one index selection per axis. {@code columns == null}: fully sampled.
     */
    private static Tensor separableZeroFill(Tensor kspace, float[] columns, long h, long w) {
        long[] s = Torch.shape(kspace);
        long height = s[1];
        int width = (int) s[2];
        if (h <= 0 || w <= 0 || h > height || w > width) {
            throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + h + "x" + w);
        }
        Device device = kspace.device();
        Tensor sampled;
        Tensor columnIndex = null;
        if (columns == null) {
            sampled = kspace;
        } else {
            long[] kept = new long[width];
            float[] kw = new float[width];
            boolean binary = true;
            int n = 0;
            for (int j = 0; j < width; j++) {
                if (columns[j] != 0f) {
                    kept[n] = j;
                    kw[n++] = columns[j];
                    binary &= columns[j] == 1f;
                }
            }
            if (n == 0) {
                return torch.zeros(new long[]{h, w}, new DimnameListOptional(),
                        Torch.options(torch.ScalarType.Float).device(new DeviceOptional(device)));
            }
            columnIndex = indexTensor(Arrays.copyOf(kept, n), device);
            sampled = kspace.index_select(-1, columnIndex);
            if (!binary) {
                // mask * k + 0.0 on real pairs; a 0/1 mask leaves sampled values unchanged, so it is skipped then
                Tensor weight = Tensors.fromFloats(Arrays.copyOf(kw, n), n, 1).to(device, torch.ScalarType.Float);
                sampled = torch.view_as_complex(torch.view_as_real(sampled).mul(weight).add(Torch.scalar(0.0)));
            }
        }
        Tensor rows = torch.fft_ifft(sampled, new LongOptional(), -2, Torch.ortho())
                .index_select(-2, indexTensor(shiftedCrop(height, h), device));
        Tensor spread;
        if (columnIndex == null) {
            spread = rows;
        } else {
            spread = torch.zeros(new long[]{s[0], h, width}, new DimnameListOptional(),
                    Torch.options(torch.ScalarType.ComplexFloat).device(new DeviceOptional(device)));
            spread.index_copy_(-1, columnIndex, rows);
        }
        Tensor image = torch.fft_ifft(spread, new LongOptional(), -1, Torch.ortho())
                .index_select(-1, indexTensor(shiftedCrop(width, w), device));
        Tensor pairs = torch.view_as_real(image);
        Tensor power = pairs.select(-1, 0).square().add(pairs.select(-1, 1).square());
        return power.sum(new long[]{0}, false, new ScalarTypeOptional()).sqrt();
    }

    /** Indices i of an unshifted DFT output that land at crop positions 0..crop-1 after fftshift and centre crop. */
    static long[] shiftedCrop(long size, long crop) {
        long start = Math.floorDiv(size - crop, 2);
        long[] idx = new long[(int) crop];
        for (int i = 0; i < crop; i++) idx[i] = Math.floorMod(start + i - size / 2, size);
        return idx;
    }

    private static Tensor indexTensor(long[] idx, Device device) {
        Tensor t = Tensors.fromLongs(idx, idx.length);
        return device.is_cpu() ? t : t.to(device, torch.ScalarType.Long);
    }
}
