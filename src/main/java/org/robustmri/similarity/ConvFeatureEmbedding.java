package org.robustmri.similarity;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Convolutions;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A stack of convolutions (stride 2, "same" padding, ReLU) over the standardised image resampled to
 * {@value #SIZE}x{@value #SIZE}; the embedding is every layer's per-channel mean and standard deviation (the
 * texture statistics perceptual similarity rests on), each layer's block scaled to unit length so layers weigh
 * alike. The weights are either random with a fixed seed (random features give usable perceptual similarity and
 * need no download) or a user's, from safetensors: {@code conv0.weight} (C0, 1 or 3, k, k), {@code conv0.bias}
 * (C0, optional), {@code conv1.weight} (C1, C0, k, k), ... A first layer with 3 input channels (RGB networks, such
 * as the stem of an image encoder) gets the grey image in all three.
 */
public final class ConvFeatureEmbedding implements Embedding {
    public static final int SIZE = 128;
    static final int[] RANDOM_CHANNELS = {16, 32, 64, 128};

    private final List<Tensor> weights;
    private final List<Tensor> biases;
    private final String spec;
    private final int dimension;
    private Tensor reference; // per-feature mean over a fixed set of noise images, subtracted when centring

    private ConvFeatureEmbedding(List<Tensor> weights, List<Tensor> biases, String spec) {
        this.weights = List.copyOf(weights);
        this.biases = new ArrayList<>(biases);
        this.spec = spec;
        int d = 0;
        for (Tensor w : weights) d += 2 * (int) w.size(0);
        this.dimension = d;
        for (Tensor w : this.weights) w.retainReference();
        for (Tensor b : this.biases) if (b != null) b.retainReference();
    }

    /** 3x3 convolutions 1-16-32-64-128, He-normal weights from {@code seed}, no bias: 480 dimensions. */
    public static ConvFeatureEmbedding random(long seed) {
        Torch.init();
        SplittableRandom rng = new SplittableRandom(seed);
        List<Tensor> ws = new ArrayList<>();
        List<Tensor> bs = new ArrayList<>();
        int in = 1;
        for (int out : RANDOM_CHANNELS) {
            float[] v = new float[out * in * 9];
            double std = Math.sqrt(2.0 / (in * 9));
            for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian(rng) * std);
            ws.add(Tensors.fromFloats(v, out, in, 3, 3));
            bs.add(null);
            in = out;
        }
        return new ConvFeatureEmbedding(ws, bs, "random-conv(seed=" + seed + ",layers=3x3 stride 2 1-16-32-64-128 relu,features=channel mean+std per layer,input="
                + SIZE + "x" + SIZE + " standardised)");
    }

    /** The user's convolution weights in the layout above. */
    public static ConvFeatureEmbedding fromSafetensors(Path file) {
        Map<String, Tensor> t = Safetensors.read(file).tensors();
        List<Tensor> ws = new ArrayList<>();
        List<Tensor> bs = new ArrayList<>();
        for (int i = 0; t.containsKey("conv" + i + ".weight"); i++) {
            Tensor w = t.get("conv" + i + ".weight").to(torch.ScalarType.Float);
            long[] s = Torch.shape(w);
            long expectIn = i == 0 ? -1 : ws.get(i - 1).size(0);
            if (s.length != 4 || s[2] != s[3] || s[2] % 2 == 0 || (i == 0 ? s[1] != 1 && s[1] != 3 : s[1] != expectIn)) {
                throw new IllegalArgumentException(file + ": conv" + i + ".weight has shape " + java.util.Arrays.toString(s)
                        + "; expected (out, " + (i == 0 ? "1 or 3" : String.valueOf(expectIn)) + ", k, k) with odd k");
            }
            ws.add(w);
            Tensor b = t.get("conv" + i + ".bias");
            if (b != null && b.numel() != s[0]) throw new IllegalArgumentException(file + ": conv" + i + ".bias has " + b.numel() + " values, not " + s[0]);
            bs.add(b == null ? null : b.to(torch.ScalarType.Float));
        }
        if (ws.isEmpty()) throw new IllegalArgumentException(file + ": no conv0.weight (expected conv0.weight, conv1.weight, ...)");
        return new ConvFeatureEmbedding(ws, bs, "conv-features(" + file.getFileName() + "," + ws.size() + " layers,stride 2 relu,features=channel mean+std per layer,input="
                + SIZE + "x" + SIZE + " standardised)");
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * The same features centred on their mean over 64 fixed-seed Gaussian random fields with a natural-image 1/f^2
     * power spectrum (the same for every study, so similarities stay comparable across training sets): raw ReLU
     * statistics are all positive and every pair of images would score near 1.
     */
    public ConvFeatureEmbedding centred() {
        ConvFeatureEmbedding c = new ConvFeatureEmbedding(weights, biases, spec.replaceFirst("\\)$", ",centred on 64 fixed 1/f^2 noise images)"));
        try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            Tensor mean = raw(noiseImages(64, SIZE, 7)).mean(new long[]{0}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
            c.reference = mean.detach().clone();
            c.reference.retainReference();
        }
        return c;
    }

    /** Gaussian random fields with power spectrum 1/f^2, from a fixed seed (Java's own generator, so on every platform the same). */
    static Tensor noiseImages(int n, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] white = new float[n * size * size * 2];
        for (int i = 0; i < white.length; i++) white[i] = (float) gaussian(rng);
        Tensor spec = torch.view_as_complex(Tensors.fromFloats(white, n, 1, size, size, 2));
        float[] filt = new float[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double fy = Math.min(i, size - i), fx = Math.min(j, size - j);
                double f = Math.sqrt(fx * fx + fy * fy);
                filt[i * size + j] = f == 0 ? 0f : (float) (1.0 / f);
            }
        }
        Tensor shaped = spec.mul(Tensors.fromFloats(filt, 1, 1, size, size));
        return torch.real(org.robustmri.kspace.Fft.ifft2c(shaped)).contiguous();
    }

    @Override
    public Tensor embed(Tensor images) {
        Tensor f = raw(images);
        if (reference == null) return f;
        return perLayerUnit(f.sub(reference));
    }

    private Tensor perLayerUnit(Tensor f) {
        TensorVector blocks = new TensorVector();
        long off = 0;
        for (Tensor w : weights) {
            long n = 2 * w.size(0);
            Tensor block = f.narrow(1, off, n);
            blocks.push_back(block.div(torch.linalg_vector_norm(block, Torch.scalar(2), new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
                    .clamp_min(Torch.scalar(1e-12))));
            off += n;
        }
        return torch.cat(blocks, 1);
    }

    private Tensor raw(Tensor images) {
        Tensor x = standardise(images);
        if (weights.get(0).size(1) == 3) x = x.expand(new long[]{x.size(0), 3, SIZE, SIZE}).contiguous();
        TensorVector blocks = new TensorVector();
        for (int i = 0; i < weights.size(); i++) {
            Tensor w = weights.get(i);
            long p = w.size(2) / 2;
            Tensor b = biases.get(i);
            x = Convolutions.conv2d(x, w, b, new long[]{2, 2}, new long[]{p, p}).relu();
            Tensor flat = x.flatten(2, 3);
            Tensor mean = flat.mean(new long[]{2}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
            Tensor std = flat.std(new long[]{2}, false, false);
            Tensor block = torch.cat(new TensorVector(mean, std), 1);
            blocks.push_back(block.div(torch.linalg_vector_norm(block, Torch.scalar(2), new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
                    .clamp_min(Torch.scalar(1e-12))));
        }
        return torch.cat(blocks, 1);
    }

    /** Each image to zero mean and unit variance, then to SIZE x SIZE by adaptive average pooling (floor/ceil windows). */
    static Tensor standardise(Tensor images) {
        Tensor x = images.to(torch.ScalarType.Float);
        Tensor flat = x.flatten(1, 3);
        Tensor mean = flat.mean(new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor std = flat.std(new long[]{1}, false, true).clamp_min(Torch.scalar(1e-12));
        x = flat.sub(mean).div(std).view_as(x);
        return torch.adaptive_avg_pool2d(x, SIZE, SIZE);
    }

    private static double gaussian(SplittableRandom rng) { // Box-Muller: the same numbers on every JVM
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
