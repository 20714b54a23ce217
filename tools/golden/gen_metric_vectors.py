#!/usr/bin/env python3
"""Golden SSIM/PSNR/NMSE values computed with numpy + scikit-image, the way fastMRI's evaluate.py does.

Run with Debian's python3 (python3-numpy, python3-skimage):
    python3 tools/golden/gen_metric_vectors.py src/test/resources/golden/metrics.json
Inputs are float32 volumes; SSIM is computed on float64 copies (the reference's float64 path) and the
float32 result is recorded too, so the tests can state both tolerances.
"""
import json
import sys

import numpy as np
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def fastmri_ssim(gt, pred, maxval):
    return float(np.mean([structural_similarity(gt[s], pred[s], data_range=maxval) for s in range(gt.shape[0])]))


def case(name, target, recon):
    target = target.astype(np.float32)
    recon = recon.astype(np.float32)
    maxval = float(target.max())
    t64, r64 = target.astype(np.float64), recon.astype(np.float64)
    per_slice = [float(structural_similarity(t64[s], r64[s], data_range=maxval)) for s in range(target.shape[0])]
    mse = float(np.mean((t64 - r64) ** 2))
    psnr = float(peak_signal_noise_ratio(t64, r64, data_range=maxval)) if mse > 0 else None
    nmse = float(np.linalg.norm(t64 - r64) ** 2 / np.linalg.norm(t64) ** 2)
    return {
        "name": name,
        "shape": list(target.shape),
        "target": [float(v) for v in target.ravel()],
        "recon": [float(v) for v in recon.ravel()],
        "data_range": maxval,
        "ssim_per_slice": per_slice,
        "ssim": float(np.mean(per_slice)),
        "ssim_float32_skimage": fastmri_ssim(target, recon, maxval),
        "psnr": psnr,
        "nmse": nmse,
    }


def main(out):
    rng = np.random.RandomState(1234)
    yy, xx = np.mgrid[0:24, 0:30]
    base = np.stack([np.sin(yy / (3.0 + s)) * np.cos(xx / (4.0 + s)) + 1.5 + 0.01 * s for s in range(3)])
    cases = [
        case("smooth_plus_noise", base, base + 0.1 * rng.randn(*base.shape)),
        case("random_images", rng.rand(2, 16, 17) * 3.0, rng.rand(2, 16, 17) * 3.0),
        case("identical", base[:2], base[:2].copy()),
        case("constant_target", np.full((1, 12, 12), 2.0), 2.0 + 0.05 * rng.randn(1, 12, 12)),
        case("scaled_recon", base[:1], 0.8 * base[:1]),
    ]
    with open(out, "w") as f:
        json.dump({"generator": "numpy %s, scikit-image %s" % (np.__version__, skimage.__version__),
                   "cases": cases}, f)


if __name__ == "__main__":
    main(sys.argv[1])
