#!/usr/bin/env python3
"""Golden vectors for the CLIP image embedding (org.robustmri.similarity.ClipEmbedding), made by OpenAI CLIP's own
visual tower (clip/model.py, VisionTransformer) run with Debian's python3-torch on random weights.

    CLIP_SRC=DIR /usr/bin/python3 tools/golden/gen_clip_vectors.py [OUT_DIR] [--full]

CLIP_SRC is a checkout of https://github.com/openai/CLIP (only clip/model.py is loaded: it needs torch alone). Run
from the repository root; writes into src/test/resources/golden/ unless OUT_DIR is given:

  clip_b32_tiny.safetensors, clip_b16_tiny.safetensors: the visual towers' weights under OpenAI's state-dict names
    (visual.conv1.weight, visual.class_embedding, ...), float16 (the values the reference ran with, as float32).
    b32: patch 32, width 128 (2 heads), 1 layer, output 32; b16: patch 16, width 128, 2 layers, output 48; both at
    224 x 224 (the ViT-B/32 and ViT-B/16 layouts at a fraction of their width and depth).
  clip_vectors.safetensors: for each image i, image.i (1, 1, H, W) float32, grey.i (1, 1, 224, 224) (the
    preprocessed image before its normalisation) and b32.i / b16.i (1, D) (the towers' outputs).

The preprocessing is robustmri's CLIP preprocessing (see ClipEmbedding), written here independently with torch ops:
each magnitude image divided by its maximum; its shorter side resized to 224 (the longer one int(224 * long / short))
by bicubic interpolation with antialiasing (align_corners=False, as torchvision's Resize on tensors); values clamped to
[0, 1]; a centred 224 x 224 crop (offset int(round((size - 224) / 2))); the grey image in all three channels;
normalised with CLIP's mean (0.48145466, 0.4578275, 0.40821073) and std (0.26862954, 0.26130258, 0.27577711).

With --full the towers have ViT-B/32's and ViT-B/16's real sizes (width 768, 12 layers, 12 heads, output 512; 88 M
parameters each) and the files are named clip_b32_full / clip_b16_full / clip_vectors_full (not kept in the
repository: 176 MB each; for a check by hand).

Images: the shipped real brain (16 coils, root-sum-of-squares of slice 0, 128 x 128: upsampled), its centre
100 x 70 (non-square, upsampled), and a 300 x 260 non-square image made from it (bilinear, downsampled with
antialiasing).
"""
import importlib.util
import math
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def load_clip_model():
    src = os.environ.get("CLIP_SRC")
    if not src:
        raise SystemExit("need OpenAI's CLIP code: CLIP_SRC=DIR (a openai/CLIP checkout)")
    spec = importlib.util.spec_from_file_location("clip_model", os.path.join(src, "clip", "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def grey(img, n=224):
    """The image as CLIP sees it before normalisation: n x n, values in [0, 1]."""
    x = img / img.amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-12)
    h, w = x.shape[-2:]
    if h <= w:
        size = (n, int(n * w / h))
    else:
        size = (int(n * h / w), n)
    x = F.interpolate(x, size=size, mode="bicubic", align_corners=False, antialias=True).clamp(0, 1)
    top, left = int(round((size[0] - n) / 2.0)), int(round((size[1] - n) / 2.0))
    return x[..., top:top + n, left:left + n]


def preprocess(img, n=224):
    x = grey(img, n).expand(-1, 3, -1, -1)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def tower(mod, patch, width, layers, output, seed):
    torch.manual_seed(seed)
    v = mod.VisionTransformer(input_resolution=224, patch_size=patch, width=width, layers=layers, heads=width // 64,
                              output_dim=output)
    with torch.no_grad():
        for name, p in v.named_parameters():
            if "ln" in name or name.endswith("in_proj_bias") or name.endswith("out_proj.bias"):
                p.copy_(torch.randn_like(p) * 0.2 + (1.0 if name.endswith("weight") else 0.0))
            # the float16 values are the weights: the reference runs with exactly what the file holds
            p.copy_(p.half().float())
    v.eval()
    return v


def brain_image():
    with h5py.File("samples/real-kspace/pulseq_invivo_brain_16ch.h5", "r") as f:
        k = f["kspace"][0]
    img = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k, axes=(-2, -1)), axes=(-2, -1), norm="ortho"), axes=(-2, -1))
    return np.sqrt((np.abs(img) ** 2).sum(0)).astype(np.float32)


def main():
    args = [a for a in sys.argv[1:] if a != "--full"]
    full = "--full" in sys.argv[1:]
    out = args[0] if args else "src/test/resources/golden"
    size = "full" if full else "tiny"
    mod = load_clip_model()
    brain = torch.from_numpy(brain_image())[None, None]
    images = [brain, brain[..., 14:114, 29:99].contiguous(),
              F.interpolate(brain, size=(300, 260), mode="bilinear", align_corners=False).contiguous()]
    if full:
        towers = {"b32": tower(mod, 32, 768, 12, 512, 1), "b16": tower(mod, 16, 768, 12, 512, 2)}
    else:
        towers = {"b32": tower(mod, 32, 128, 1, 32, 1), "b16": tower(mod, 16, 128, 2, 48, 2)}
    for name, v in towers.items():
        st.save_file({"visual." + k: p.detach().half() for k, p in v.state_dict().items()},
                     os.path.join(out, "clip_%s_%s.safetensors" % (name, size)),
                     {"source": "random weights for OpenAI CLIP's VisionTransformer, tools/golden/gen_clip_vectors.py"})
    vectors = {}
    with torch.no_grad():
        for i, img in enumerate(images):
            px = preprocess(img)
            vectors["image.%d" % i] = img
            vectors["grey.%d" % i] = grey(img)
            for name, v in towers.items():
                vectors["%s.%d" % (name, i)] = v(px)
    st.save_file(vectors, os.path.join(out, "clip_vectors.safetensors" if not full else "clip_vectors_full.safetensors"),
                 {"source": "OpenAI CLIP clip/model.py VisionTransformer, Debian python3-torch " + torch.__version__})
    for k, t in vectors.items():
        print(k, tuple(t.shape), float(t.abs().max()))


if __name__ == "__main__":
    main()
