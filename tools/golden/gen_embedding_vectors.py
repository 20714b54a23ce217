#!/usr/bin/env python3
"""Golden vectors for the train-test similarity embedding (org.robustmri.similarity.ConvFeatureEmbedding with a
user's weights, as loaded by ConvFeatureEmbedding.fromSafetensors), made with PyTorch.

    /usr/bin/python3 tools/golden/gen_embedding_vectors.py [OUT.safetensors]

run from the repository root; writes src/test/resources/golden/embedding.safetensors unless OUT is given.

It computes the embedding defined in ConvFeatureEmbedding's class comment (the uncentred `embed`), with
PyTorch's conv2d and adaptive_avg_pool2d:

  * standardise each image (B, 1, H, W): x = (x - mean) / max(std, 1e-12) over all its pixels (population std,
    unbiased=False), then adaptive_avg_pool2d(x, (128, 128));
  * if conv0.weight has 3 input channels the grey image is repeated into 3 channels;
  * per layer i: x = relu(conv2d(x, conv{i}.weight, conv{i}.bias or None, stride=2, padding=k//2)); the block is
    cat([per-channel mean, per-channel population std] over the spatial positions) (B, 2C), divided by
    max(its L2 norm, 1e-12);
  * the embedding is the concatenation of all the blocks (B, 2 * sum C).

The weights (float32, from a fixed torch seed, He-normal std sqrt(2 / fan_in)) and images (float32, from a fixed
numpy seed) are stored as float32; the embedding is computed from those stored values converted to float64, and
stored as float32, so the golden carries no float32 rounding of its own.

Tensors written (for each case, the prefix "caseN." stripped gives the names fromSafetensors reads):
  case1.conv0.weight (8, 1, 5, 5), case1.conv0.bias (8), case1.conv1.weight (6, 8, 3, 3) (no bias),
  case1.images (3, 1, 200, 150), case1.embedding (3, 28), case1.cosine (3, 3) (cosine similarities of the
  case1 embeddings, computed in float64);
  case2.conv0.weight (4, 3, 3, 3) (RGB stem: the grey image in all three), case2.conv0.bias (4),
  case2.conv1.weight (5, 4, 3, 3), case2.conv2.weight (7, 5, 5, 5), case2.images (2, 1, 96, 140) (96 < 128, so
  the pooling upsamples that axis), case2.embedding (2, 32).
The images are image-like (smooth blobs, a sharp-edged ellipse, a gradient, a little noise), positive, and of
very different scales (one is scaled by 1e-4).
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from st import save_file  # noqa: E402

SIZE = 128
DEFAULT_OUT = os.path.join("src", "test", "resources", "golden", "embedding.safetensors")


def standardise(images):
    b = images.shape[0]
    flat = images.reshape(b, -1)
    mean = flat.mean(dim=1, keepdim=True)
    std = flat.std(dim=1, unbiased=False, keepdim=True).clamp_min(1e-12)
    x = ((flat - mean) / std).reshape(images.shape)
    return F.adaptive_avg_pool2d(x, (SIZE, SIZE))


def embed(images, weights, biases):
    """The embedding of (B, 1, H, W) images; weights/biases in the dtype to compute in (bias entries may be None)."""
    x = standardise(images)
    if weights[0].shape[1] == 3:
        x = x.repeat(1, 3, 1, 1)
    blocks = []
    for w, b in zip(weights, biases):
        k = w.shape[2]
        x = F.relu(F.conv2d(x, w, b, stride=2, padding=k // 2))
        flat = x.flatten(2)
        block = torch.cat([flat.mean(dim=2), flat.std(dim=2, unbiased=False)], dim=1)
        block = block / block.norm(p=2, dim=1, keepdim=True).clamp_min(1e-12)
        blocks.append(block)
    return torch.cat(blocks, dim=1)


def make_image(rng, h, w, scale):
    """A positive, smooth image-like (h, w) array: Gaussian blobs, a sharp ellipse, a gradient, mild noise."""
    yy, xx = np.meshgrid(np.arange(h) / h, np.arange(w) / w, indexing="ij")
    img = 0.2 + 0.3 * (rng.uniform(-1, 1) * yy + rng.uniform(-1, 1) * xx)
    for _ in range(rng.integers(4, 9)):
        cy, cx = rng.uniform(0.1, 0.9, 2)
        sy, sx = rng.uniform(0.03, 0.25, 2)
        img += rng.uniform(0.3, 1.5) * np.exp(-0.5 * (((yy - cy) / sy) ** 2 + ((xx - cx) / sx) ** 2))
    cy, cx = rng.uniform(0.3, 0.7, 2)
    ry, rx = rng.uniform(0.1, 0.3, 2)
    img += rng.uniform(0.3, 0.8) * ((((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2) < 1)
    img += 0.05 * rng.standard_normal((h, w))
    img = np.abs(img) + 0.01          # positive, like magnitude images
    return (img * scale).astype(np.float32)


def make_images(rng, h, w, scales):
    return torch.from_numpy(np.stack([make_image(rng, h, w, s)[None] for s in scales]))


def make_weights(gen, shapes, with_bias):
    ws, bs = [], []
    for shape, has_bias in zip(shapes, with_bias):
        fan_in = shape[1] * shape[2] * shape[3]
        ws.append(torch.randn(shape, generator=gen, dtype=torch.float32) * (2.0 / fan_in) ** 0.5)
        bs.append(torch.randn(shape[0], generator=gen, dtype=torch.float32) * 0.2 if has_bias else None)
    return ws, bs


def make_case(name, gen, rng, shapes, with_bias, image_hw, scales):
    ws, bs = make_weights(gen, shapes, with_bias)
    images = make_images(rng, image_hw[0], image_hw[1], scales)
    emb64 = embed(images.double(), [w.double() for w in ws], [None if b is None else b.double() for b in bs])
    emb32 = embed(images, ws, bs)
    print("%s: embedding %s, max |float32 - float64| = %.3g" % (name, tuple(emb64.shape), (emb32.double() - emb64).abs().max()))
    out = {}
    for i, (w, b) in enumerate(zip(ws, bs)):
        out["%s.conv%d.weight" % (name, i)] = w
        if b is not None:
            out["%s.conv%d.bias" % (name, i)] = b
    out[name + ".images"] = images
    out[name + ".embedding"] = emb64.float()
    return out, emb64


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    gen = torch.Generator().manual_seed(20240611)
    rng = np.random.default_rng(20240611)

    tensors = {}
    t1, e1 = make_case("case1", gen, rng, [(8, 1, 5, 5), (6, 8, 3, 3)], [True, False], (200, 150), [1e3, 1e-4, 1.0])
    tensors.update(t1)
    unit = e1 / e1.norm(dim=1, keepdim=True)
    cosine = unit @ unit.T
    tensors["case1.cosine"] = cosine.float()
    print("case1 cosine:\n", cosine.numpy())

    t2, _ = make_case("case2", gen, rng, [(4, 3, 3, 3), (5, 4, 3, 3), (7, 5, 5, 5)], [True, False, False], (96, 140), [2.5e2, 1e-4])
    tensors.update(t2)

    meta = {"generator": "tools/golden/gen_embedding_vectors.py", "torch": torch.__version__, "numpy": np.__version__,
            "embedding": "ConvFeatureEmbedding (uncentred), computed in float64, stored float32", "size": str(SIZE)}
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    save_file(tensors, out_path, metadata=meta)
    for k, v in tensors.items():
        print("%-22s %s" % (k, tuple(v.shape)))
    print("wrote %s (%d bytes)" % (out_path, os.path.getsize(out_path)))


if __name__ == "__main__":
    main()
