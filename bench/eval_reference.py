#!/usr/bin/env python3
"""Inference reference for `robustmri bench eval`: the same work per slice in PyTorch, under torch.no_grad.

For every slice of a fastMRI file: read the k-space (h5py), equispaced 4x / 0.08 mask (fastMRI's EquiSpacedMaskFunc),
then
  unet / vit: zero-filled image as fastMRI's UnetDataTransform makes it (ifft2c, complex centre crop to the target
              size, magnitude, root-sum-of-squares, instance normalisation), the model, un-normalised;
  varnet:     fastMRI's VarNet on the masked k-space, centre crop to the target size;
and SSIM, PSNR and NMSE against the file's RSS target (fastMRI's evaluate.py formulas, through skimage). Untrained models at the paper's
sizes (unet-small: 32 channels, 4 pools; varnet-small: 8 cascades, 12 channels, 8 sensitivity channels; vit-small: the
paper's ViT, 44 x 9 heads, depth 4). One untimed pass over the file, then --repeats timed ones; prints slices per
second (best and median) and the peak RSS.

    FASTMRI_SRC=path/to/fastMRI [PAPER_SRC=path/to/mri_data_diversity] python3 bench/eval_reference.py FILE.h5 --model unet
"""
import argparse
import os
import resource
import sys
import time
import warnings

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def build(name, fastmri_src, paper_src):
    if name == "vit":
        sys.path.insert(0, os.path.join(HERE, "..", "tools", "interop"))
        from vit_reference import build as build_vit, load_refs
        return build_vit(load_refs(fastmri_src, paper_src), embed_dim=44, depth=4, num_heads=9)
    if name == "unet":
        sys.path.insert(0, os.path.join(HERE, "..", "tools", "interop"))
        from unet_reference import NormUnet
        return NormUnet(32, 4)
    from fastmri.models import VarNet
    return VarNet(num_cascades=8, sens_chans=8, sens_pools=4, chans=12, pools=4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--model", choices=["unet", "varnet", "vit"], default="unet")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fastmri-src", default=os.environ.get("FASTMRI_SRC"))
    ap.add_argument("--paper-src", default=os.environ.get("PAPER_SRC"))
    a = ap.parse_args()
    if not a.fastmri_src:
        raise SystemExit("need fastMRI v0.3.0: --fastmri-src DIR or FASTMRI_SRC=DIR")
    sys.path.insert(0, os.path.abspath(a.fastmri_src))
    warnings.filterwarnings("ignore", message="Could not retrieve fastmri version")
    import fastmri
    from fastmri.data import transforms as T
    from fastmri.data.subsample import EquiSpacedMaskFunc
    # fastMRI's evaluate.py needs runstats (not packaged here); its three metrics are these skimage/numpy calls
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    def ssim(gt, pred, maxval):
        return np.mean([structural_similarity(g, p, data_range=maxval) for g, p in zip(gt, pred)])

    def psnr(gt, pred, maxval):
        return peak_signal_noise_ratio(gt, pred, data_range=maxval)

    def nmse(gt, pred):
        return np.linalg.norm(gt - pred) ** 2 / np.linalg.norm(gt) ** 2

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.model, a.fastmri_src, a.paper_src).eval()
    mask_func = EquiSpacedMaskFunc([0.08], [4])

    def one_pass(f):
        kspace, targets = f["kspace"], f["reconstruction_rss"]
        maxval = float(f.attrs.get("max", np.max(targets)))
        scores = []
        for s in range(kspace.shape[0]):
            k = T.to_tensor(kspace[s])                                        # (coils, H, W, 2)
            target = torch.from_numpy(targets[s])
            masked, mask, _ = T.apply_mask(k, mask_func, seed=tuple(map(ord, os.path.basename(a.file))))
            size = (target.shape[-2], target.shape[-1])
            with torch.no_grad():
                if a.model == "varnet":
                    out = model(masked.unsqueeze(0), mask.unsqueeze(0).to(torch.bool))[0]
                    out = T.center_crop(out, size)
                else:
                    image = T.complex_center_crop(fastmri.ifft2c(masked), size)
                    image = fastmri.rss(fastmri.complex_abs(image))
                    image, mean, std = T.normalize_instance(image, eps=1e-11)
                    image = image.clamp(-6, 6)
                    out = model(image[None, None])[0, 0] * std + mean
            gt, pred = target.numpy()[None].astype(np.float64), out.numpy()[None].astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):  # the bench file's target may be all zeros
                scores.append((ssim(gt, pred, maxval), psnr(gt, pred, maxval), nmse(gt, pred)))
        return len(scores)

    rates = []
    with h5py.File(a.file, "r") as f:
        for r in range(a.repeats + 1):
            t0 = time.perf_counter()
            n = one_pass(f)
            if r > 0:
                rates.append(n / (time.perf_counter() - t0))
    rates.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python-torch %s: evaluate %s: slices/s best %.2f median %.2f over %d runs (%d threads); peak RSS %.0f MiB"
          % (torch.__version__, a.model, rates[-1], rates[len(rates) // 2], len(rates), a.threads, peak))


if __name__ == "__main__":
    main()
