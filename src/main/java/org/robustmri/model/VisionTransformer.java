package org.robustmri.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Convolutions;
import org.robustmri.data.ImageSample;
import org.robustmri.data.SampleTransform;
import org.robustmri.tensor.Autocast;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's vision transformer for reconstruction ({@code ReconNet(VisionTransformer(...))} of Lin & Heckel's
 * {@code models/recon_net.py} and {@code models/vision_transformer.py}), with its state-dict names under {@code net.}:
 * <ul>
 *   <li>the wrapper zero-pads the zero-filled image to multiples of the patch size (floor left/top, ceil right/bottom),
 *       normalises it by its mean and unbiased std over the padded image, runs the network, undoes both;</li>
 *   <li>width D = {@code embed_dim x heads}; a patch embedding {@code Conv2d(1, D, p, stride p)} with bias; a learned
 *       position embedding (1, D, 320/p, 320/p) resized bilinearly (align_corners false) to the patch grid at every
 *       forward;</li>
 *   <li>{@code depth} pre-norm blocks: LayerNorm, multi-head self-attention (qkv without bias, scale
 *       {@code (D/heads)^-0.5}, an output projection with bias), LayerNorm, MLP D -> 4D -> D with exact GELU;</li>
 *   <li>a final LayerNorm and a linear head to p x p patches, put back row-major.</li>
 * </ul>
 */
public final class VisionTransformer extends ImageDomainModel {
    static final ModelFamily FAMILY = new ModelFamily("vit", List.of(
            ModelFamily.Param.integer("embed_dim", 44, "channels per head (the width is embed_dim x heads)"),
            ModelFamily.Param.integer("heads", 9, "attention heads"),
            ModelFamily.Param.integer("depth", 4, "transformer blocks"),
            ModelFamily.Param.integer("patch", 10, "patch size"),
            ModelFamily.Param.integer("mlp_ratio", 4, "MLP width as a multiple of the model width"),
            ModelFamily.Param.integer("avrg_img_size", 320, "image size the position embedding is laid out for"))) {
        @Override
        protected String label(Map<String, String> p) {
            return "vit-e" + p.get("embed_dim") + "-h" + p.get("heads") + "-d" + p.get("depth")
                    + ("10".equals(p.get("patch")) ? "" : "-p" + p.get("patch"));
        }

        @Override
        public String describe(ModelSpec s) {
            return "ViT, width " + s.intParam("embed_dim") * s.intParam("heads") + " (" + s.intParam("heads") + " heads), depth " + s.intParam("depth")
                    + ", " + s.intParam("patch") + "x" + s.intParam("patch") + " patches, " + parameters(parameterCount(s));
        }

        @Override
        protected void validate(ModelSpec s) {
            if (s.intParam("avrg_img_size") < s.intParam("patch")) {
                throw new IllegalArgumentException("vit avrg_img_size must be at least the patch size");
            }
        }

        @Override
        public long parameterCount(ModelSpec s) {
            long d = (long) s.intParam("embed_dim") * s.intParam("heads");
            long p = s.intParam("patch"), grid = s.intParam("avrg_img_size") / p, hidden = d * s.intParam("mlp_ratio");
            long block = 2 * d + 3 * d * d + (d * d + d) + 2 * d + (d * hidden + hidden) + (hidden * d + d);
            return (d * p * p + d) + d * grid * grid + s.intParam("depth") * block + 2 * d + (d * p * p + p * p);
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return new VisionTransformer(s, seed);
        }

        @Override
        public SampleTransform<ImageSample> transform(boolean requireTarget) {
            return ImageDomainModel.sampleTransform(requireTarget);
        }
    };

    private static final double LN_EPS = 1e-5;

    private final int width;
    private final int heads;
    private final int depth;
    private final int patch;

    public VisionTransformer(ModelSpec spec, long seed) {
        super(spec);
        this.heads = spec.intParam("heads");
        this.width = spec.intParam("embed_dim") * heads;
        this.depth = spec.intParam("depth");
        this.patch = spec.intParam("patch");
        int grid = spec.intParam("avrg_img_size") / patch;
        int hidden = width * spec.intParam("mlp_ratio");
        SplittableRandom rng = new SplittableRandom(seed);
        // initialisation as the reference: PyTorch's default for the patch convolution and the head, N(0, 0.02) for
        // the other linear layers and the position embedding, zero biases, LayerNorm (1, 0)
        params.add("net.patch_embed.proj.weight", Init.convWeight(rng, width, 1, patch, patch));
        params.add("net.patch_embed.proj.bias", Init.bias(rng, (long) patch * patch, width));
        params.add("net.pos_embed", normal(rng, 0.02, 1, width, grid, grid));
        for (int i = 0; i < depth; i++) {
            String b = "net.blocks." + i + ".";
            params.add(b + "norm1.weight", constant(1f, width));
            params.add(b + "norm1.bias", constant(0f, width));
            params.add(b + "attn.qkv.weight", normal(rng, 0.02, 3L * width, width));
            params.add(b + "attn.proj.weight", normal(rng, 0.02, width, width));
            params.add(b + "attn.proj.bias", constant(0f, width));
            params.add(b + "norm2.weight", constant(1f, width));
            params.add(b + "norm2.bias", constant(0f, width));
            params.add(b + "mlp.fc1.weight", normal(rng, 0.02, hidden, width));
            params.add(b + "mlp.fc1.bias", constant(0f, hidden));
            params.add(b + "mlp.fc2.weight", normal(rng, 0.02, width, hidden));
            params.add(b + "mlp.fc2.bias", constant(0f, width));
        }
        params.add("net.norm.weight", constant(1f, width));
        params.add("net.norm.bias", constant(0f, width));
        params.add("net.head.weight", Init.convWeight(rng, (long) patch * patch, width));
        params.add("net.head.bias", Init.bias(rng, width, (long) patch * patch));
    }

    private static Tensor normal(SplittableRandom rng, double std, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[Math.toIntExact(n)];
        java.util.Random g = new java.util.Random(rng.nextLong());
        for (int i = 0; i < v.length; i++) v[i] = (float) (g.nextGaussian() * std);
        return Tensors.fromFloats(v, shape);
    }

    private static Tensor constant(float value, long n) {
        float[] v = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(v, value);
        return Tensors.fromFloats(v, n);
    }


    /** The wrapper: pad to multiples of the patch, normalise, the network, undo both. */
    @Override
    public Tensor forward(Tensor image) {
        long h = image.size(2), w = image.size(3);
        long padW = (patch - w % patch) % patch, padH = (patch - h % patch) % patch;
        long wl = padW / 2, wr = padW - wl, hl = padH / 2, hr = padH - hl;
        Tensor x = padW + padH > 0 ? torch.constant_pad_nd(image, wl, wr, hl, hr) : image;
        long[] dims = {1, 2, 3};
        Tensor mean = x.mean(dims, true, new ScalarTypeOptional());
        Tensor std = x.std(dims, true, true);
        Tensor y = network(x.sub(mean).div(std)).mul(std).add(mean);
        return padW + padH > 0 ? y.narrow(2, hl, h).narrow(3, wl, w) : y;
    }

    /** The transformer on an image (B, 1, H, W) whose sides are multiples of the patch size. */
    private Tensor network(Tensor x) {
        long b = x.size(0), gh = x.size(2) / patch, gw = x.size(3) / patch, n = gh * gw;
        Tensor t = patchEmbedding(x, b, gh, gw, n);
        Tensor pos = torch.upsample_bilinear2d(params.get("net.pos_embed"), new long[]{gh, gw}, false, new DoubleOptional(), new DoubleOptional());
        t = t.add(pos).flatten(2, -1).transpose(1, 2); // (B, N, D)
        for (int i = 0; i < depth; i++) t = block(t, "net.blocks." + i + ".", b, n);
        t = layerNorm(t, "net.norm.");
        t = torch.linear(t, params.get("net.head.weight"), new TensorOptional(params.get("net.head.bias"))); // (B, N, p*p)
        // row-major unpatchify: patch (r, c) is sequence element r * gw + c
        return t.reshape(b, gh, gw, patch, patch).permute(0, 1, 3, 2, 4).reshape(b, 1, gh * patch, gw * patch);
    }

    /**
     * The patch embedding, a convolution with kernel = stride = patch. Under mixed precision it is the same sums as a
     * matrix product over the flattened patches: bfloat16 matrix products are fast where bfloat16 convolutions may not
     * be; in float32 the convolution is kept, so float32 results stay as they were.
     */
    private Tensor patchEmbedding(Tensor x, long b, long gh, long gw, long n) {
        Tensor w = params.get("net.patch_embed.proj.weight");
        Tensor bias = params.get("net.patch_embed.proj.bias");
        if (!Autocast.active()) return Convolutions.conv2d(x, w, bias, new long[]{patch, patch}, new long[]{0, 0});
        Tensor patches = x.reshape(b, 1, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(b, n, (long) patch * patch);
        return torch.linear(patches, w.reshape(w.size(0), -1), new TensorOptional(bias)).transpose(1, 2).reshape(b, w.size(0), gh, gw);
    }

    private Tensor block(Tensor x, String name, long b, long n) {
        Tensor h = layerNorm(x, name + "norm1.");
        Tensor qkv = torch.linear(h, params.get(name + "attn.qkv.weight")).reshape(b, n, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
        Tensor q = qkv.select(0, 0), k = qkv.select(0, 1), v = qkv.select(0, 2);
        double scale = Math.pow(width / heads, -0.5);
        // libtorch's fused attention: the same softmax(q k^T * scale) v as the paper's explicit form, without keeping
        // the (heads, N, N) attention matrix for backward. Under mixed precision it runs in float32: its bfloat16 CPU
        // kernel is many times slower at the paper's head width of 44 (bench/README.md, mixed precision)
        Tensor a = (Autocast.active()
                ? Autocast.suspended(() -> attention(q.to(torch.ScalarType.Float), k.to(torch.ScalarType.Float), v.to(torch.ScalarType.Float), scale))
                : attention(q, k, v, scale)).transpose(1, 2).reshape(b, n, width);
        a = torch.linear(a, params.get(name + "attn.proj.weight"), new TensorOptional(params.get(name + "attn.proj.bias")));
        x = x.add(a);
        Tensor m = torch.linear(layerNorm(x, name + "norm2."), params.get(name + "mlp.fc1.weight"), new TensorOptional(params.get(name + "mlp.fc1.bias")));
        m = torch.gelu(m, "none");
        m = torch.linear(m, params.get(name + "mlp.fc2.weight"), new TensorOptional(params.get(name + "mlp.fc2.bias")));
        return x.add(m);
    }

    private static Tensor attention(Tensor q, Tensor k, Tensor v, double scale) {
        return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false, new DoubleOptional(scale), false);
    }

    private Tensor layerNorm(Tensor x, String name) {
        return torch.layer_norm(x, new long[]{width}, new TensorOptional(params.get(name + "weight")),
                new TensorOptional(params.get(name + "bias")), LN_EPS, false);
    }

    static {
        Torch.init();
    }
}
