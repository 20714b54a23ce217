#!/usr/bin/env python3
"""Reference for the VarNet training-step benchmark, in Debian's python3-torch with fastMRI's own VarNet: one step =
zero_grad, forward (ACS band detected from the mask, as the paper calls model(masked_kspace, mask)), center_crop,
fastMRI's SSIMLoss with data_range = target max, backward, clip_grad_norm_(1.0), Adam step.

    FASTMRI_SRC=DIR /usr/bin/python3 bench/varnet_train_step_reference.py --cascades 8 --chans 12 --sens-chans 8 \\
        --pools 4 --sens-pools 4 --coils 16 --height 640 --width 368 --steps 10 --threads 2

fastMRI is imported from --fastmri-src DIR or $FASTMRI_SRC (git clone https://github.com/facebookresearch/fastMRI
&& git checkout v0.3.0; not needed if fastmri is installed). Input: random complex k-space (B=1, coils, H, W),
fastMRI's EquiSpacedMaskFunc([0.08], [4]) column mask as bool (1, 1, 1, W, 1), random target (1, 1, h, w) with
h = w = min(320, H, W). Two warm-up steps are not timed.
"""
import argparse
import os
import resource
import sys
import time
import warnings

import torch


def forward(run, precision):
    """The model's output, under CPU autocast to bfloat16 when asked (PyTorch's AMP recipe), as float32."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
        out = run()
    return out.float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fastmri-src", default=os.environ.get("FASTMRI_SRC"))
    ap.add_argument("--cascades", type=int, default=8)
    ap.add_argument("--chans", type=int, default=12)
    ap.add_argument("--sens-chans", type=int, default=8)
    ap.add_argument("--pools", type=int, default=4)
    ap.add_argument("--sens-pools", type=int, default=4)
    ap.add_argument("--coils", type=int, default=16)
    ap.add_argument("--height", type=int, default=640)
    ap.add_argument("--width", type=int, default=368)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the forward pass under torch.autocast('cpu', torch.bfloat16), the loss in float32")
    a = ap.parse_args()
    if a.fastmri_src:
        sys.path.insert(0, os.path.abspath(a.fastmri_src))
    warnings.filterwarnings("ignore", message="Could not retrieve fastmri version")
    from fastmri.data.subsample import EquiSpacedMaskFunc
    from fastmri.data.transforms import center_crop
    from fastmri.losses import SSIMLoss
    from fastmri.models import VarNet

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = VarNet(num_cascades=a.cascades, sens_chans=a.sens_chans, sens_pools=a.sens_pools,
                   chans=a.chans, pools=a.pools)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = SSIMLoss()
    kspace = torch.randn(1, a.coils, a.height, a.width, 2)
    mask, _ = EquiSpacedMaskFunc([0.08], [4])((1, 1, a.height, a.width, 2), seed=0)   # (1, 1, 1, W, 1)
    mask = mask.to(torch.bool)
    masked = kspace * mask + 0.0
    s = min(320, a.height, a.width)
    target = torch.rand(1, 1, s, s)
    data_range = target.amax(dim=(1, 2, 3))                                             # (B,)
    times = []
    for i in range(a.steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        out = center_crop(forward(lambda: model(masked, mask), a.precision), (s, s)).unsqueeze(1)
        loss = criterion(out, target, data_range)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=2.0)
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python-torch %s %s: varnet cascades=%d chans=%d sens_chans=%d coils=%d %dx%d: step ms median %.1f best %.1f "
          "over %d; peak RSS %.0f MiB" % (torch.__version__, a.precision, a.cascades, a.chans, a.sens_chans, a.coils, a.height,
                                          a.width, 1000 * times[len(times) // 2], 1000 * times[0], len(times), peak))


if __name__ == "__main__":
    main()
