#!/usr/bin/env python3
"""Reference for the training-step benchmark: forward + 1-SSIM loss + backward + clip_grad_norm_(1.0) + Adam
for the fastMRI U-Net in the paper's normalising wrapper, in Debian's python3-torch, same threads.

    PAPER_SRC=DIR FASTMRI_SRC=DIR /usr/bin/python3 bench/train_step_reference.py --chans 32 --pools 4 --size 320 --steps 20 --threads 2

The model is the paper's own NormUnet (models/norm_unet.py wrapping fastMRI's Unet), loaded by
tools/interop/unet_reference.py from checkouts named by the environment variables PAPER_SRC
(git clone https://github.com/MLI-lab/mri_data_diversity) and FASTMRI_SRC
(git clone https://github.com/facebookresearch/fastMRI && git checkout v0.3.0; not needed if fastmri is installed).
"""
import argparse
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "interop"))
from unet_reference import NormUnet  # noqa: E402


def ssim_loss(x, y, data_range, win=7, k1=0.01, k2=0.03):
    w = torch.ones(1, 1, win, win) / win ** 2
    np_ = win * win
    cov_norm = np_ / (np_ - 1)
    c1 = (k1 * data_range) ** 2
    c2 = (k2 * data_range) ** 2
    ux, uy = F.conv2d(x, w), F.conv2d(y, w)
    uxx, uyy, uxy = F.conv2d(x * x, w), F.conv2d(y * y, w), F.conv2d(x * y, w)
    vx, vy, vxy = cov_norm * (uxx - ux * ux), cov_norm * (uyy - uy * uy), cov_norm * (uxy - ux * uy)
    a1, a2, b1, b2 = 2 * ux * uy + c1, 2 * vxy + c2, ux ** 2 + uy ** 2 + c1, vx + vy + c2
    return 1 - ((a1 * a2) / (b1 * b2)).mean()


def forward(run, precision):
    """The model's output, under CPU autocast to bfloat16 when asked (PyTorch's AMP recipe), as float32."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
        out = run()
    return out.float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chans", type=int, default=32)
    ap.add_argument("--pools", type=int, default=4)
    ap.add_argument("--size", type=int, default=320)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the forward pass under torch.autocast('cpu', torch.bfloat16), the loss in float32")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = NormUnet(a.chans, a.pools)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(1, 1, a.size, a.size)
    y = torch.rand(1, 1, a.size, a.size)
    dr = y.max()
    times = []
    for i in range(a.steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = ssim_loss(forward(lambda: model(x), a.precision), y, dr)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python-torch %s %s: unet chans=%d pools=%d %dx%d: step ms median %.1f best %.1f over %d; peak RSS %.0f MiB"
          % (torch.__version__, a.precision, a.chans, a.pools, a.size, a.size, 1000 * times[len(times) // 2], 1000 * times[0], len(times), peak))


if __name__ == "__main__":
    main()
