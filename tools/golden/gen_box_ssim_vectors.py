#!/usr/bin/env python3
"""Golden pathology-box SSIM values, computed independently of the Java code.

Run with Debian's python3 (python3-numpy, python3-torch, python3-skimage):
    python3 tools/golden/gen_box_ssim_vectors.py src/test/resources/golden/box_ssim.json

Per box: flip target and reconstruction up/down (numpy), crop [y:y+h, x:x+w] (numpy slicing, clipped at the
border), when the shorter side m < 7 upscale both crops with torch.nn.functional.interpolate(scale_factor=7/m)
(its default nearest mode, as the paper's evaluation calls it), then scikit-image's structural_similarity with
the volume's data range (7x7 uniform window, sample covariance: fastMRI's SSIM). Relative area h*w/(H*W)
decides small (<= 1 %) or large.
"""
import json
import sys

import numpy as np
import torch
from skimage.metrics import structural_similarity


def box_ssim(target, recon, x, y, w, h, maxval):
    t = np.flipud(target)[y:y + h, x:x + w]
    r = np.flipud(recon)[y:y + h, x:x + w]
    m = min(t.shape)
    if m < 7:
        s = 7 / m
        t = torch.nn.functional.interpolate(torch.from_numpy(t.copy())[None, None], scale_factor=s)[0, 0].numpy()
        r = torch.nn.functional.interpolate(torch.from_numpy(r.copy())[None, None], scale_factor=s)[0, 0].numpy()
    ssim = structural_similarity(t.astype(np.float64), r.astype(np.float64), data_range=maxval)
    return float(ssim), list(t.shape)


def main(out):
    rng = np.random.default_rng(20240713)
    H, W = 48, 40
    yy, xx = np.mgrid[0:H, 0:W]
    # an image with structure that differs row by row, so a missing flip or an off-by-one crop changes the value
    target = (np.sin(xx / 3.0) + np.cos(yy / 5.0) + 0.02 * yy + 0.5 * rng.random((H, W))).astype(np.float32)
    target -= target.min()
    recon = (target + 0.3 * rng.standard_normal((H, W))).astype(np.float32)
    maxval = float(target.max()) * 1.1  # a volume max larger than this slice's
    boxes = [
        # x, y, width, height
        (5, 7, 12, 10),   # large, no upscaling
        (20, 3, 7, 7),    # exactly the window
        (10, 30, 5, 3),   # m = 3: upscale 7/3
        (30, 12, 4, 9),   # m = 4
        (2, 40, 1, 6),    # m = 1: upscale 7
        (33, 20, 6, 6),   # m = 6: upscale 7/6
        (34, 42, 10, 10), # clipped at the right and bottom border: 6x6 crop
        (0, 0, 20, 2),    # m = 2 on a long box
        (12, 14, 3, 5),   # small box
    ]
    cases = []
    for (x, y, w, h) in boxes:
        ssim, shape = box_ssim(target, recon, x, y, w, h, maxval)
        cases.append({"x": x, "y": y, "width": w, "height": h, "ssim": ssim, "scaled_shape": shape,
                      "relative_area": (w * h) / (H * W),
                      "size_class": "small" if (w * h) / (H * W) <= 0.01 else "large"})
    doc = {
        "generator": "tools/golden/gen_box_ssim_vectors.py",
        "versions": {"numpy": np.__version__, "torch": torch.__version__,
                     "skimage": __import__("skimage").__version__},
        "height": H, "width": W, "data_range": maxval,
        "target": [float(v) for v in target.ravel()],
        "recon": [float(v) for v in recon.ravel()],
        "boxes": cases,
    }
    with open(out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main(sys.argv[1])
