#!/usr/bin/env python3
"""Golden values for the training recipe from PyTorch itself (Debian python3-torch):
OneCycleLR (linear, pct_start 0.01, div 25, final_div 1) and Adam (lr 0.01, betas 0.9/0.999, eps 1e-8)
on a small quadratic, plus clip_grad_norm_.

    python3 tools/golden/gen_train_vectors.py src/test/resources/golden/train.json
"""
import json
import sys

import torch


def main(out):
    res = {"torch": torch.__version__}
    p = torch.nn.Parameter(torch.zeros(1))
    for total in (300, 1000, 57):
        opt = torch.optim.SGD([p], lr=1e-3)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=total, pct_start=0.01,
                                                    anneal_strategy="linear", cycle_momentum=False,
                                                    div_factor=25.0, final_div_factor=1.0)
        lrs = []
        for _ in range(total):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        res["onecycle_%d" % total] = lrs
    w = torch.tensor([1.0, -2.0, 0.5, 3.0, -0.25], dtype=torch.float32)
    t = torch.tensor([0.3, 0.1, -0.7, 2.0, 1.5], dtype=torch.float32)
    q = torch.nn.Parameter(torch.tensor([0.5, -0.5, 1.0, 0.0, 2.0], dtype=torch.float32))
    opt = torch.optim.Adam([q], lr=0.01)
    traj = []
    for _ in range(6):
        opt.zero_grad()
        loss = ((q - t) ** 2 * w).sum() + (q ** 3).sum() * 0.1
        loss.backward()
        opt.step()
        traj.append([float(v) for v in q.detach()])
    res["adam"] = {"w": w.tolist(), "t": t.tolist(), "q0": [0.5, -0.5, 1.0, 0.0, 2.0], "trajectory": traj}
    g = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    h = torch.nn.Parameter(torch.tensor([12.0]))
    (g * torch.tensor([1.0, 1.0])).sum().backward()
    g.grad = torch.tensor([3.0, 4.0])
    h.grad = torch.tensor([12.0])
    total = torch.nn.utils.clip_grad_norm_([g, h], 1.0)
    res["clip"] = {"total": float(total), "g": g.grad.tolist(), "h": h.grad.tolist()}
    with open(out, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1])
