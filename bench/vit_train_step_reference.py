#!/usr/bin/env python3
"""Reference for the ViT training-step benchmark, in Debian's python3-torch with the paper's own ViT
(ReconNet(VisionTransformer(...)) from MLI-lab/mri_data_diversity): one step = zero_grad, forward, fastMRI's
SSIMLoss with data_range = target max, backward, clip_grad_norm_(1.0), Adam step.

    PAPER_SRC=DIR FASTMRI_SRC=DIR /usr/bin/python3 bench/vit_train_step_reference.py --embed-dim 44 --heads 9 \\
        --depth 4 --size 320 --steps 20 --threads 2          # vit-small; vit-large: 64 / 16 / 10

--embed-dim is per head, as in the paper's constructor (width = embed_dim * heads); avrg_img_size=320,
patch_size=(10,10), in_chans=1 as in the paper's main.py init_model. The model is loaded by
tools/interop/vit_reference.py (which registers its in-memory timm stand-in) from checkouts named by --paper-src /
PAPER_SRC (git clone https://github.com/MLI-lab/mri_data_diversity) and --fastmri-src / FASTMRI_SRC
(git clone https://github.com/facebookresearch/fastMRI && git checkout v0.3.0). Input: torch.rand (1, 1, S, S),
target torch.rand (1, 1, S, S), data_range = target max as a (1,) tensor. Two warm-up steps are not timed.
"""
import argparse
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "interop"))
from vit_reference import build, load_refs  # noqa: E402


def forward(run, precision):
    """The model's output, under CPU autocast to bfloat16 when asked (PyTorch's AMP recipe), as float32."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
        out = run()
    return out.float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fastmri-src", default=os.environ.get("FASTMRI_SRC"))
    ap.add_argument("--paper-src", default=os.environ.get("PAPER_SRC"))
    ap.add_argument("--embed-dim", type=int, default=44, help="per head (vit-small 44, vit-large 64)")
    ap.add_argument("--heads", type=int, default=9)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--size", type=int, default=320)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: the forward pass under torch.autocast('cpu', torch.bfloat16), the loss in float32")
    a = ap.parse_args()
    R = load_refs(a.fastmri_src, a.paper_src)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(R, embed_dim=a.embed_dim, depth=a.depth, num_heads=a.heads)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = R.SSIMLoss()
    x = torch.rand(1, 1, a.size, a.size)
    y = torch.rand(1, 1, a.size, a.size)
    data_range = y.amax(dim=(1, 2, 3))                                                  # (B,)
    times = []
    for i in range(a.steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = criterion(forward(lambda: model(x), a.precision), y, data_range)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=2.)
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python-torch %s %s: vit embed=%d heads=%d depth=%d %dx%d: step ms median %.1f best %.1f over %d; "
          "peak RSS %.0f MiB" % (torch.__version__, a.precision, a.embed_dim, a.heads, a.depth, a.size, a.size,
                                 1000 * times[len(times) // 2], 1000 * times[0], len(times), peak))


if __name__ == "__main__":
    main()
