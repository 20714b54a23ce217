package org.robustmri.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.data.KspaceSample;
import org.robustmri.data.MaskedKspaceTransform;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Scopes;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * fastMRI's end-to-end variational network (Sriram et al. 2020, fastMRI v0.3.0 {@code models/varnet.py}) with
 * its state-dict names ({@code sens_net.norm_unet.unet.*}, {@code cascades.i.dc_weight},
 * {@code cascades.i.model.unet.*}):
 * <ul>
 *   <li>sensitivity network: keep the centre band of the masked k-space (found from the mask, or the mask
 *       function's count with {@code num_low: mask}), {@code ifft2c}, a normalised U-Net per coil (coils folded
 *       into the batch), divide by the root-sum-of-squares over coils;</li>
 *   <li>cascades {@code k <- k - where(M, k - k0, 0) * dc_weight - F(S * unet(sum_c conj(S_c) F^-1 k))};</li>
 *   <li>output: root-sum-of-squares of the coil images of the final k-space, centre-cropped to the target size
 *       (the crop the paper's {@code varnet_forward} applies).</li>
 * </ul>
 * The normalised U-Net turns a complex image into 2 channels (real, imaginary), normalises each channel group by
 * its mean and unbiased std, zero-pads H and W to multiples of 16 (floor left/top, ceil right/bottom), runs the
 * U-Net, crops back and undoes the normalisation.
 */
public final class VarNet extends KspaceDomainModel {
    /** Coil images the sensitivity network takes at once in inference and on large inputs (see {@link #sensitivityNet}). */
    static final int COIL_CHUNK = 4;
    /** Coil pixels (coils x height x width) above which training, too, runs the sensitivity network in chunks. */
    static final long CHUNKED_TRAINING_PIXELS = 1 << 17;
    /** The family: 8 cascades, chans 12, sens chans 8, 4 pools each are the paper's {@code varnet-small}. */
    static final ModelFamily FAMILY = new ModelFamily("varnet", List.of(
            ModelFamily.Param.integer("cascades", 12, "number of unrolled cascades"),
            ModelFamily.Param.integer("chans", 18, "base channels of each cascade's U-Net"),
            ModelFamily.Param.integer("pools", 4, "pooling levels of each cascade's U-Net"),
            ModelFamily.Param.integer("sens_chans", 8, "base channels of the sensitivity U-Net"),
            ModelFamily.Param.integer("sens_pools", 4, "pooling levels of the sensitivity U-Net"),
            ModelFamily.Param.choice("num_low", "auto", List.of("auto", "mask"),
                    "centre band of the sensitivity net: auto = found from the mask (the paper), mask = the mask function's count (fastMRI's training module)"))) {
        @Override
        protected String label(Map<String, String> p) {
            return "varnet-n" + p.get("cascades") + "-c" + p.get("chans") + "-s" + p.get("sens_chans")
                    + ("4".equals(p.get("pools")) && "4".equals(p.get("sens_pools")) ? "" : "-p" + p.get("pools") + "-sp" + p.get("sens_pools"))
                    + ("auto".equals(p.get("num_low")) ? "" : "-nlmask");
        }

        @Override
        public String describe(ModelSpec s) {
            return "E2E-VarNet, " + s.intParam("cascades") + " cascades of " + s.intParam("chans") + "-channel U-Nets, " + parameters(parameterCount(s));
        }

        @Override
        public long parameterCount(ModelSpec s) {
            long sens = UNet.parameterCount(2, 2, s.intParam("sens_chans"), s.intParam("sens_pools"));
            long cascade = UNet.parameterCount(2, 2, s.intParam("chans"), s.intParam("pools")) + 1;
            return sens + s.intParam("cascades") * cascade;
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return new VarNet(s, seed);
        }

        @Override
        public boolean columnMasksOnly() {
            return true;
        }

        @Override
        public SampleTransform<KspaceSample> transform(boolean requireTarget) {
            return new MaskedKspaceTransform(requireTarget);
        }
    };

    private static final String SENS = "sens_net.norm_unet.unet.";

    private final UNet sensUnet;
    private final UNet[] cascadeUnets;
    private final boolean maskFunctionCount;

    public VarNet(ModelSpec spec, long seed) {
        super(spec);
        this.maskFunctionCount = "mask".equals(spec.param("num_low"));
        SplittableRandom rng = new SplittableRandom(seed);
        this.sensUnet = new UNet(params, SENS, 2, 2, spec.intParam("sens_chans"), spec.intParam("sens_pools"), rng);
        int n = spec.intParam("cascades");
        this.cascadeUnets = new UNet[n];
        for (int i = 0; i < n; i++) {
            params.add(dcWeight(i), Tensors.fromFloats(new float[]{1f}, 1));
            cascadeUnets[i] = new UNet(params, "cascades." + i + ".model.unet.", 2, 2, spec.intParam("chans"),
                    spec.intParam("pools"), rng);
        }
    }

    private static String dcWeight(int i) {
        return "cascades." + i + ".dc_weight";
    }

    @Override
    public KspaceInput collate(List<? extends Sample> batch) {
        for (Sample s : batch) {
            if (s instanceof KspaceSample k && !k.sampling().isColumns()) {
                throw new IllegalArgumentException("VarNet finds its centre band from a column mask; " + s.fileName()
                        + " has a 2-D mask");
            }
        }
        return super.collate(batch);
    }

    @Override
    protected Tensor forward(KspaceInput in) {
        Tensor k0 = in.kspace();
        // each stage in its own scope: its dead temporaries are freed at once, as PyTorch does (see Scopes)
        Tensor maps = Scopes.scoped(() -> sensitivities(k0, in.physics(), in.numLowFrequencies()));
        MultiCoilMri physics = in.physics().withSensitivities(maps);
        Tensor last = Scopes.iterate(k0, cascadeUnets.length, (i, k) -> cascade(i, k, k0, physics));
        return Scopes.scoped(() -> Transforms.centerCrop(Transforms.rss(Transforms.complexAbs(Fft.ifft2c(last)), 1),
                in.cropHeight(), in.cropWidth()).unsqueeze(1));
    }

    /** One cascade: {@code k - where(M, k - k0, 0) * dc_weight - F(S * unet(S^H F^-1 k))}. */
    private Tensor cascade(int i, Tensor k, Tensor k0, MultiCoilMri physics) {
        // each part in its own scope too: reduce and expand make several coil-sized temporaries each
        Tensor dc = Scopes.scoped(() -> physics.softDataConsistency(k, k0, params.get(dcWeight(i))));
        Tensor image = Scopes.scoped(() -> normUnet(cascadeUnets[i], physics.reduce(k)));
        Tensor term = Scopes.scoped(() -> physics.expand(image));
        return k.sub(dc).sub(term);
    }

    /** The centre band fastMRI's sensitivity net keeps for each batch element: {pad, count}. */
    int[][] centreBands(MultiCoilMri physics, int[] maskFunctionCounts, int batch) {
        int w = physics.width();
        float[] weights = physics.weights();
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int n;
            if (maskFunctionCount && maskFunctionCounts[b] > 0) {
                n = maskFunctionCounts[b];
            } else if (weights == null) {
                n = 1; // fastMRI: a mask without zeros gives argmin 0 on both sides, so max(0, 1)
            } else {
                n = acsCount(weights, weights.length == w ? 0 : b * w, w);
            }
            out[b] = new int[]{Math.floorDiv(w - n + 1, 2), n};
        }
        return out;
    }

    /**
     * fastMRI's ACS detection on one mask row: the first unsampled column left of the centre ({@code W/2 - 1}
     * downwards) and right of it ({@code W/2} upwards), as {@code argmin} finds them (index 0 when that side has no
     * unsampled column), {@code max(2 * min(left, right), 1)}: always even unless 1.
     */
    static int acsCount(float[] weights, int offset, int w) {
        int cent = w / 2;
        int left = 0, right = 0;
        for (int i = 0; i < cent; i++) {
            if (weights[offset + cent - 1 - i] == 0f) {
                left = i;
                break;
            }
        }
        for (int i = 0; i < w - cent; i++) {
            if (weights[offset + cent + i] == 0f) {
                right = i;
                break;
            }
        }
        return Math.max(2 * Math.min(left, right), 1);
    }

    private Tensor sensitivities(Tensor k0, MultiCoilMri physics, int[] numLow) {
        long[] s = Torch.shape(k0);
        int b = (int) s[0], c = (int) s[1];
        int w = (int) s[3];
        int[][] bands = centreBands(physics, numLow, b);
        boolean[] keep = new boolean[b * w];
        for (int i = 0; i < b; i++) {
            for (int j = bands[i][0]; j < Math.min(w, bands[i][0] + bands[i][1]); j++) keep[i * w + j] = true;
        }
        Tensor images = Scopes.scoped(() -> Fft.ifft2c(torch.where(boolMask(keep, b, w, k0.device()), k0, torch.zeros_like(k0)))
                .reshape(b * c, 1, s[2], w));
        Tensor est = sensitivityNet(images).reshape(b, c, s[2], w);
        Tensor pairs = torch.view_as_real(est);
        Tensor rss = pairs.square().sum(new long[]{-1}, false, new ScalarTypeOptional())
                .sum(new long[]{1}, true, new ScalarTypeOptional()).sqrt();
        return torch.view_as_complex(pairs.div(rss.unsqueeze(-1)));
    }

    /**
     * The sensitivity network over every coil image, a few coil images at a time where that is safe and pays; every
     * operation in it is per image, so the result is the same. Without gradients (inference) always: the peak memory of
     * its widest layers falls with the number of images in flight (15 coils at 640 x 368 otherwise hold several GB).
     * With gradients on large inputs (more than {@link #CHUNKED_TRAINING_PIXELS}): each activation then stays below the
     * 64 MiB up to which glibc serves a non-main thread from its arena's heaps instead of a fresh, page-faulted mapping;
     * small inputs, as the demo's, keep one batch.
     */
    private Tensor sensitivityNet(Tensor images) {
        long n = images.size(0);
        boolean chunk = n > COIL_CHUNK && (!GradMode.is_enabled()
                || n * images.size(2) * images.size(3) > CHUNKED_TRAINING_PIXELS);
        if (!chunk) return normUnet(sensUnet, images);
        TensorVector parts = new TensorVector();
        for (long start = 0; start < n; start += COIL_CHUNK) {
            long from = start, len = Math.min(COIL_CHUNK, n - start);
            parts.push_back(Scopes.scoped(() -> normUnet(sensUnet, images.narrow(0, from, len))));
        }
        return torch.cat(parts, 0);
    }

    private static Tensor boolMask(boolean[] keep, int b, int w, Device device) {
        float[] f = new float[keep.length];
        for (int i = 0; i < keep.length; i++) f[i] = keep[i] ? 1f : 0f;
        Tensor m = Tensors.fromFloats(f, b, 1, 1, w).ne(Torch.scalar(0.0));
        return device.is_cpu() ? m : m.to(device, torch.ScalarType.Bool);
    }

    /** fastMRI's {@code NormUnet} on complex images (N, 1, H, W). */
    static Tensor normUnet(UNet unet, Tensor x) {
        long[] s = Torch.shape(x);
        long n = s[0], h = s[2], w = s[3];
        Tensor r = torch.view_as_real(x).permute(0, 4, 1, 2, 3).reshape(n, 2, h, w);
        Tensor flat = r.reshape(n, 2, h * w);
        Tensor mean = flat.mean(new long[]{2}, false, new ScalarTypeOptional()).view(n, 2, 1, 1);
        Tensor std = flat.std(new long[]{2}, true, false).view(n, 2, 1, 1);
        r = r.sub(mean).div(std);
        long hMult = ((h - 1) | 15) + 1, wMult = ((w - 1) | 15) + 1;
        long wl = (wMult - w) / 2, wr = wMult - w - wl, hl = (hMult - h) / 2, hr = hMult - h - hl;
        if (wl + wr + hl + hr > 0) r = torch.constant_pad_nd(r, wl, wr, hl, hr);
        r = unet.forward(r);
        if (wl + wr + hl + hr > 0) r = r.narrow(2, hl, h).narrow(3, wl, w);
        r = r.mul(std).add(mean);
        return torch.view_as_complex(r.reshape(n, 2, 1, h, w).permute(0, 2, 3, 4, 1).contiguous());
    }

}
