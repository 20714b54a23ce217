package org.robustmri.similarity;

import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Convolutions;
import org.robustmri.io.Manifest;
import org.robustmri.io.Safetensors;
import org.robustmri.tensor.Scopes;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The image embedding of CLIP's visual tower (OpenAI CLIP's {@code VisionTransformer}; open_clip's ViT-B models have the
 * same layout and names), from weights the user brings as safetensors: {@code visual.conv1.weight},
 * {@code visual.class_embedding}, {@code visual.positional_embedding}, {@code visual.ln_pre.*},
 * {@code visual.transformer.resblocks.N.{ln_1,attn.in_proj_*,attn.out_proj.*,ln_2,mlp.c_fc.*,mlp.c_proj.*}},
 * {@code visual.ln_post.*}, {@code visual.proj} (the {@code visual.} prefix may be absent). Patch size, width, depth,
 * input resolution and output size come from the shapes; heads are width / 64 as in CLIP's own {@code build_model}.
 * <p>
 * Preprocessing (CLIP's resize, centre crop and normalisation, for magnitude images rather than photographs): each
 * image divided by its maximum, its shorter side resized to the input resolution by bicubic interpolation with
 * antialiasing (torchvision's tensor {@code Resize}; PIL's, which CLIP's own preprocessing calls on 8-bit images,
 * is the same filter without the 8-bit rounding), clamped to [0, 1] as an 8-bit image would be, centre-cropped, the
 * grey image in all three channels (the paper embeds single-channel MR images with an RGB model), normalised with
 * CLIP's channel means and deviations.
 */
public final class ClipEmbedding implements Embedding {
    static final double[] MEAN = {0.48145466, 0.4578275, 0.40821073};
    static final double[] STD = {0.26862954, 0.26130258, 0.27577711};
    private static final double LAYER_NORM_EPS = 1e-5;

    private final Map<String, Tensor> w;
    private final int patch, width, layers, heads, resolution, dimension;
    private final boolean quickGelu;
    private final String spec;

    private ClipEmbedding(Map<String, Tensor> w, int heads, boolean quickGelu, String source) {
        this.w = w;
        Tensor conv = get("conv1.weight");
        this.width = (int) conv.size(0);
        this.patch = (int) conv.size(2);
        int tokens = (int) get("positional_embedding").size(0);
        int grid = (int) Math.round(Math.sqrt(tokens - 1));
        if (grid * grid != tokens - 1 || conv.size(1) != 3 || conv.size(3) != patch) {
            throw new IllegalArgumentException(source + ": not a CLIP visual tower (conv1.weight " + java.util.Arrays.toString(Torch.shape(conv))
                    + ", " + tokens + " positions)");
        }
        this.resolution = grid * patch;
        int n = 0;
        while (w.containsKey("transformer.resblocks." + n + ".ln_1.weight")) n++;
        this.layers = n;
        this.heads = heads > 0 ? heads : width / 64;
        if (this.heads < 1 || width % this.heads != 0) throw new IllegalArgumentException(source + ": width " + width + " does not split into " + this.heads + " heads");
        this.dimension = (int) get("proj").size(1);
        this.quickGelu = quickGelu;
        for (String k : new String[]{"class_embedding", "ln_pre.weight", "ln_pre.bias", "ln_post.weight", "ln_post.bias"}) get(k);
        for (int i = 0; i < layers; i++) {
            for (String k : new String[]{"ln_1.weight", "ln_1.bias", "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight",
                    "attn.out_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"}) {
                get("transformer.resblocks." + i + "." + k);
            }
        }
        this.spec = String.format(Locale.ROOT, "clip(%s from %s,act=%s,heads=%d,input=magnitude/max bicubic-antialias %d centre crop grey x3 CLIP-normalised,output=%d)",
                architecture(), source, quickGelu ? "quickgelu" : "gelu", this.heads, resolution, dimension);
    }

    /**
     * The tower in {@code file}; {@code activation} {@code quickgelu} (OpenAI's weights) or {@code gelu} (open_clip's
     * models without "-quickgelu"); {@code heads} 0 for width / 64.
     */
    public static ClipEmbedding fromSafetensors(Path file, String activation, int heads) {
        Torch.init();
        String act = activation == null ? "quickgelu" : activation.trim().toLowerCase(Locale.ROOT);
        if (!act.equals("quickgelu") && !act.equals("gelu")) throw new IllegalArgumentException("clip act must be quickgelu or gelu, got '" + activation + "'");
        Map<String, Tensor> raw = Safetensors.read(file).tensors();
        Map<String, Tensor> w = new HashMap<>();
        raw.forEach((k, v) -> {
            String name = k.startsWith("visual.") ? k.substring("visual.".length()) : k;
            if (!k.startsWith("visual.") && raw.keySet().stream().anyMatch(x -> x.startsWith("visual."))) return; // a whole CLIP: the text tower is not ours
            Tensor t = v.to(torch.ScalarType.Float).contiguous();
            t.retainReference();
            w.put(name, t);
        });
        String source = file.getFileName() + " sha256 " + Manifest.sha256(file).substring(0, 12);
        try {
            return new ClipEmbedding(w, heads, act.equals("quickgelu"), source);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** "ViT-B/32" and "ViT-B/16" by their published sizes, otherwise the sizes themselves. */
    public String architecture() {
        if (width == 768 && layers == 12 && resolution == 224 && (patch == 32 || patch == 16)) return "ViT-B/" + patch;
        return String.format(Locale.ROOT, "ViT(patch %d, width %d, %d layers, %d px)", patch, width, layers, resolution);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** Without gradients; each block's temporaries are freed as it ends (a PointerScope would keep them all, see Scopes). */
    @Override
    public Tensor embed(Tensor images) {
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            return Scopes.scoped(() -> tower(images));
        }
    }

    private Tensor tower(Tensor images) {
        Tensor x = pixels(images);
        long n = x.size(0);
        x = Convolutions.conv2d(x, get("conv1.weight"), null, new long[]{patch, patch}, new long[]{0, 0});
        x = x.flatten(2, 3).transpose(1, 2); // (N, grid^2, width)
        Tensor cls = get("class_embedding").view(1, 1, width).expand(new long[]{n, 1, width});
        x = torch.cat(new TensorVector(cls, x), 1).add(get("positional_embedding"));
        x = layerNorm(x, "ln_pre");
        for (int i = 0; i < layers; i++) {
            Tensor in = x;
            String prefix = "transformer.resblocks." + i + ".";
            x = Scopes.scoped(() -> block(in, prefix));
        }
        x = layerNorm(x.select(1, 0), "ln_post");
        return x.matmul(get("proj"));
    }

    /** A residual attention block: x + attention(ln_1(x)), then + mlp(ln_2(x)). */
    private Tensor block(Tensor x, String p) {
        long n = x.size(0), l = x.size(1), d = width / heads;
        Tensor qkv = torch.linear(layerNorm(x, p + "ln_1"), get(p + "attn.in_proj_weight"), new TensorOptional(get(p + "attn.in_proj_bias")));
        TensorVector parts = qkv.chunk(3, 2);
        Tensor q = parts.get(0).reshape(n, l, heads, d).transpose(1, 2);
        Tensor k = parts.get(1).reshape(n, l, heads, d).transpose(1, 2);
        Tensor v = parts.get(2).reshape(n, l, heads, d).transpose(1, 2);
        Tensor a = torch.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(n, l, width);
        x = x.add(torch.linear(a, get(p + "attn.out_proj.weight"), new TensorOptional(get(p + "attn.out_proj.bias"))));
        Tensor h = torch.linear(layerNorm(x, p + "ln_2"), get(p + "mlp.c_fc.weight"), new TensorOptional(get(p + "mlp.c_fc.bias")));
        h = quickGelu ? h.mul(torch.sigmoid(h.mul(Torch.scalar(1.702)))) : torch.gelu(h);
        return x.add(torch.linear(h, get(p + "mlp.c_proj.weight"), new TensorOptional(get(p + "mlp.c_proj.bias"))));
    }

    private Tensor layerNorm(Tensor x, String name) {
        return torch.layer_norm(x, new long[]{width}, new TensorOptional(get(name + ".weight")), new TensorOptional(get(name + ".bias")),
                LAYER_NORM_EPS, false);
    }

    /** The tower's input: (N, 3, R, R) from (N, 1, H, W) magnitude images, as the class comment describes. */
    Tensor pixels(Tensor images) {
        Tensor g = grey(images, resolution).expand(new long[]{images.size(0), 3, resolution, resolution});
        float[] mean = new float[3], std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) MEAN[c];
            std[c] = (float) STD[c];
        }
        return g.sub(Tensors.fromFloats(mean, 1, 3, 1, 1)).div(Tensors.fromFloats(std, 1, 3, 1, 1));
    }

    /** Each image over its maximum, shorter side resized to {@code n} (bicubic, antialiased), clamped to [0, 1], centre n x n. */
    static Tensor grey(Tensor images, int n) {
        Tensor x = images.to(torch.ScalarType.Float);
        x = x.div(x.amax(new long[]{1, 2, 3}, true).clamp_min(Torch.scalar(1e-12)));
        long h = x.size(2), w = x.size(3);
        long[] size = h <= w ? new long[]{n, (long) ((double) (n * w) / h)} : new long[]{(long) ((double) (n * h) / w), n};
        InterpolateFuncOptions o = new InterpolateFuncOptions();
        o.size().put(new LongVector(size));
        o.mode().put(new org.bytedeco.pytorch.kBicubic());
        o.align_corners().put(false);
        o.antialias().put(true);
        x = torch.interpolate(x, o).clamp(new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(0.0)),
                new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(1.0)));
        // Python's round: halves to even
        long top = (long) Math.rint((size[0] - n) / 2.0), left = (long) Math.rint((size[1] - n) / 2.0);
        return x.narrow(2, top, n).narrow(3, left, n).contiguous();
    }

    private Tensor get(String name) {
        Tensor t = w.get(name);
        if (t == null) throw new IllegalStateException("no tensor visual." + name);
        return t;
    }
}
