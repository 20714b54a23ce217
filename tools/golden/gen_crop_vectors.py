#!/usr/bin/env python3
"""fastMRI's evaluate.py metrics with its (W, W) centre crop, on a non-square target, for the `metrics --crop square`
test. Uses fastMRI's own evaluate functions (imported from a v0.3.0 checkout, not copied):

    FASTMRI_SRC=path/to/fastMRI /usr/bin/python3 tools/golden/gen_crop_vectors.py \\
        src/test/resources/interop/varnet src/test/resources/golden/crop.json

The "reconstruction" is the VarNet golden output for padded_brain.h5 (target 120 x 96, so the crop is 96 x 96).
"""
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.environ["FASTMRI_SRC"])
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import types  # noqa: E402

# evaluate.py imports runstats (not packaged in Debian) only for its Metrics class, which is not used here
sys.modules.setdefault("runstats", types.SimpleNamespace(Statistics=object))
import torch  # noqa: E402,F401
from fastmri import evaluate  # noqa: E402
from fastmri.data import transforms  # noqa: E402
from st import load_file  # noqa: E402


def main(varnet_dir, out):
    with h5py.File(os.path.join(varnet_dir, "padded_brain.h5"), "r") as f:
        target = f["reconstruction_rss"][()]
    recon = load_file(os.path.join(varnet_dir, "varnet_tiny_padded_brain_expected.safetensors"))["output_auto"].numpy()
    # exactly evaluate.py's evaluate(): crop both to (W, W) with W = target width, then the metrics
    t = transforms.center_crop(target, (target.shape[-1], target.shape[-1]))
    r = transforms.center_crop(recon, (target.shape[-1], target.shape[-1]))
    res = {"file": "padded_brain.h5", "target_shape": list(target.shape), "cropped_shape": list(t.shape),
           "ssim": float(evaluate.ssim(t, r)), "psnr": float(evaluate.psnr(t, r)), "nmse": float(evaluate.nmse(t, r)),
           "ssim_uncropped": float(evaluate.ssim(target, recon)), "data_range_cropped": float(t.max())}
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    print(res)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
