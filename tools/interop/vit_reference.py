#!/usr/bin/env python3
"""Golden vectors and a weight-interchange check for the paper's ViT: `ReconNet(VisionTransformer(...))` from the
paper's own code (Lin & Heckel, ICML 2024, MLI-lab/mri_data_diversity: models/vision_transformer.py,
models/recon_net.py, main.py, utils/data.py) with fastMRI's mask function and SSIMLoss -- nothing re-implemented.

    /usr/bin/python3 tools/interop/vit_reference.py --fastmri-src FASTMRI --paper-src PAPER \\
        make src/test/resources/interop/vit
    /usr/bin/python3 tools/interop/vit_reference.py --fastmri-src FASTMRI --paper-src PAPER \\
        check WEIGHTS.safetensors ARCH FILE.h5 RECON.h5

The reference code is imported at run time from checkouts (not copied here):

    git clone https://github.com/facebookresearch/fastMRI && git -C fastMRI checkout v0.3.0     # FASTMRI
    git clone https://github.com/MLI-lab/mri_data_diversity                                    # PAPER

(or set FASTMRI_SRC / PAPER_SRC). Both checkouts are put on sys.path; the paper's main.py is loaded as a module
(its init_model, setup, get_dataloader and unet_forward are used as they are). Needs Debian's python3-torch,
python3-numpy, python3-h5py, python3-pandas, python3-scipy, python3-yaml and python3-tqdm (main.py and
utils/data.py import them).

timm: models/vision_transformer.py imports load_pretrained, DropPath, to_2tuple and trunc_normal_ from timm, which
Debian does not package. This script registers a tiny stand-in (modules `timm`, `timm.models`,
`timm.models.helpers`, `timm.models.layers` created in memory at run time, see `install_timm_standin`; always used,
even where a real timm is installed): to_2tuple, trunc_normal_ = torch.nn.init.trunc_normal_, the usual
per-sample DropPath (the paper's ViT uses drop_path_rate=0, i.e. nn.Identity, so it is never built) and a
load_pretrained that raises (never called).

`make OUT_DIR` writes
  vit_tiny.safetensors           state_dict() of ReconNet(VisionTransformer(avrg_img_size=320, patch_size=(10,10),
                                 in_chans=1, embed_dim=4, depth=2, num_heads=3)) (width 4*3 = 12) built after
                                 torch.manual_seed(0), then perturbed from torch.Generator().manual_seed(1): +0.05 randn
                                 on every LayerNorm weight/bias and every bias, +0.3 randn on the qkv weights (so that
                                 the attention is far from uniform)
  vit_tiny_forward.safetensors   eval-mode model(x) under no_grad for B=2 positive images, 40x40 (no padding) and 37x53
                                 (padded to 40x60); sample 1 is scaled by 1e-3 so the per-sample normalisation matters
  vit_tiny_<stem>_expected.safetensors
                                 the paper's test-time path on pulseq_phantom_16ch.h5 and varnet/padded_brain.h5:
                                 main.setup('test', vit) (UnetDataTransform('multicoil', EquiSpacedMaskFunc([0.08],[4]),
                                 use_seed=True)), main.get_dataloader (SliceDataset, DataLoader(batch_size=1)),
                                 main.unet_forward; `output` and `input` (slices, h, w) in slice order, `mask` (W,)
  vit_tiny_step.safetensors      one training step as main.train_model on input_square[0] with a fixed target
  vit_reference.json             parameter counts (vit-small, vit-large from main.init_model; tiny), names/shapes,
                                 pad amounts, value ranges, the step's loss and gradient norm

`check` loads a state dict written by another tool into the paper's ReconNet(VisionTransformer) with
load_state_dict(strict=True), runs the same test-time pipeline on FILE.h5 and prints the max abs / relative
difference to RECON.h5's `reconstruction` dataset (slices, h, w) (a vit_tiny_*_expected.safetensors works too: its
`output`). ARCH: tiny, vit-small, vit-large, a list like embed_dim=4,depth=2,num_heads=3 (optionally patch_size=10,
avrg_img_size=320; embed_dim is per head, as in the paper's constructor), a JSON string or file (vit_reference.json
works: its "tiny" entry).
"""
import argparse
import importlib.util
import json
import os
import sys
import types
import warnings
from math import ceil, floor
from pathlib import Path

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import load_file, save_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FILES = [REPO / "samples" / "real-kspace" / "pulseq_phantom_16ch.h5",
         REPO / "src" / "test" / "resources" / "interop" / "varnet" / "padded_brain.h5"]

ARCHS = {
    # the paper's main.py init_model (avrg_img_size=320, patch_size=(10,10), in_chans=1)
    "vit-small": dict(embed_dim=44, depth=4, num_heads=9),
    "vit-large": dict(embed_dim=64, depth=10, num_heads=16),
    "tiny": dict(embed_dim=4, depth=2, num_heads=3),
}
PATCH, AVRG = 10, 320
PERTURB_SEED, BIAS_NOISE, QKV_NOISE = 1, 0.05, 0.3
LR, MAX_NORM = 1e-3, 1.0


# ------------------------------------------------------------------ reference code

def install_timm_standin():
    """In-memory stand-in for the four timm helpers models/vision_transformer.py imports (see the docstring)."""
    def to_2tuple(x):
        return x if isinstance(x, tuple) else (x, x)

    def trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.):
        return torch.nn.init.trunc_normal_(tensor, mean=mean, std=std, a=a, b=b)

    class DropPath(torch.nn.Module):
        """Stochastic depth per sample (identity when drop_prob is 0 or in eval mode)."""

        def __init__(self, drop_prob=None):
            super().__init__()
            self.drop_prob = drop_prob or 0.

        def forward(self, x):
            if self.drop_prob == 0. or not self.training:
                return x
            keep = 1. - self.drop_prob
            mask = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(keep)
            return x * mask / keep

    def load_pretrained(*args, **kwargs):
        raise NotImplementedError("timm stand-in: load_pretrained is not available")

    timm = types.ModuleType("timm")
    models = types.ModuleType("timm.models")
    helpers = types.ModuleType("timm.models.helpers")
    layers = types.ModuleType("timm.models.layers")
    helpers.load_pretrained = load_pretrained
    layers.DropPath, layers.to_2tuple, layers.trunc_normal_ = DropPath, to_2tuple, trunc_normal_
    timm.models, models.helpers, models.layers = models, helpers, layers
    timm.__path__ = models.__path__ = []                      # packages, so `import timm.models.x` resolves
    timm.__doc__ = "stand-in created by tools/interop/vit_reference.py"
    sys.modules.update({"timm": timm, "timm.models": models, "timm.models.helpers": helpers,
                        "timm.models.layers": layers})


def load_refs(fastmri_src=None, paper_src=None):
    """The paper's models, utils.data and main.py, with fastMRI, imported from the checkouts."""
    fastmri_src = fastmri_src or os.environ.get("FASTMRI_SRC")
    paper_src = paper_src or os.environ.get("PAPER_SRC")
    if not paper_src:
        raise SystemExit("need the paper's code: --paper-src DIR or PAPER_SRC=DIR "
                         "(git clone https://github.com/MLI-lab/mri_data_diversity)")
    paper_src = os.path.abspath(paper_src)
    if fastmri_src:
        sys.path.insert(0, os.path.abspath(fastmri_src))
    sys.path.insert(0, paper_src)
    warnings.filterwarnings("ignore", message="Could not retrieve fastmri version")
    install_timm_standin()
    try:
        import fastmri
        from fastmri.data import subsample
        from fastmri.losses import SSIMLoss
    except ImportError as e:
        raise SystemExit("cannot import fastMRI (%s): --fastmri-src DIR or FASTMRI_SRC=DIR "
                         "(git clone https://github.com/facebookresearch/fastMRI, checkout v0.3.0)" % e)
    import models as paper_models                     # PAPER/models: NormUnet, ReconNet, VisionTransformer
    import utils.data as paper_data                   # PAPER/utils/data.py
    spec = importlib.util.spec_from_file_location("paper_main", os.path.join(paper_src, "main.py"))
    paper_main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paper_main)
    return types.SimpleNamespace(
        fastmri=fastmri, SSIMLoss=SSIMLoss, EquiSpacedMaskFunc=subsample.EquiSpacedMaskFunc,
        VisionTransformer=paper_models.VisionTransformer, ReconNet=paper_models.ReconNet,
        UnetDataTransform=paper_data.UnetDataTransform, SliceDataset=paper_data.SliceDataset, main=paper_main,
        source=dict(fastmri=os.path.abspath(os.path.dirname(fastmri.__file__)), paper=paper_src))


# ------------------------------------------------------------------ models and pipeline

def parse_arch(s):
    if s in ARCHS:
        d = dict(ARCHS[s])
    elif os.path.isfile(s):
        with open(s) as f:
            d = json.load(f)
    elif s.lstrip().startswith("{"):
        d = json.loads(s)
    else:
        d = {kv.split("=")[0].strip(): int(kv.split("=")[1]) for kv in s.split(",") if kv.strip()}
    for key in ("tiny", "config", "arch"):
        if isinstance(d.get(key), dict):
            d = d[key]
    d = d.get("config", d)
    cfg = {k: int(d[k]) for k in ("embed_dim", "depth", "num_heads") if k in d}
    if len(cfg) != 3:
        raise SystemExit("ARCH needs embed_dim (per head), depth and num_heads: %r" % s)
    cfg["patch_size"] = int(d.get("patch_size", PATCH))
    cfg["avrg_img_size"] = int(d.get("avrg_img_size", AVRG))
    return cfg


def build(R, embed_dim, depth, num_heads, patch_size=PATCH, avrg_img_size=AVRG):
    """As main.init_model builds vit-small/vit-large, with the given sizes."""
    net = R.VisionTransformer(avrg_img_size=avrg_img_size, patch_size=(patch_size, patch_size), in_chans=1,
                              embed_dim=embed_dim, depth=depth, num_heads=num_heads)
    return R.ReconNet(net)


def tiny_model(R):
    torch.manual_seed(0)
    model = build(R, **ARCHS["tiny"])
    g = torch.Generator().manual_seed(PERTURB_SEED)
    with torch.no_grad():
        lns = {n for n, m in model.named_modules() if isinstance(m, torch.nn.LayerNorm)}
        for n, p in model.named_parameters():
            owner, leaf = n.rsplit(".", 1)
            if owner in lns or leaf == "bias":
                p.add_(BIAS_NOISE * torch.randn(p.shape, generator=g))
            elif n.endswith("attn.qkv.weight"):
                p.add_(QKV_NOISE * torch.randn(p.shape, generator=g))
    return model


def pads(h, w, p=PATCH):
    """ReconNet.pad's amounts: (wpad, hpad) = ([left, right], [top, bottom])."""
    f1, f2 = ((p - w % p) % p) / 2, ((p - h % p) % p) / 2
    return [floor(f1), ceil(f1)], [floor(f2), ceil(f2)]


def transform(R):
    """main.setup('test', 'vit-small', [4]): UnetDataTransform('multicoil', EquiSpacedMaskFunc([0.08],[4]), True)."""
    return R.main.setup("test", "vit-small", [4])


def pipeline(R, model, path):
    """The paper's test-time path for a ViT: main.get_dataloader (SliceDataset + DataLoader(batch_size=1); it
    shuffles, so the outputs are put back in slice order by sample.slice_num) and main.unet_forward, in eval mode
    under no_grad, as main.test_model. Returns output, input (slices, h, w), max_value, mask (W,)."""
    tr = transform(R)
    loader, _ = R.main.get_dataloader([str(path)], tr, num_workers=0)
    model.eval()
    res = {}
    with torch.no_grad():
        for sample in loader:
            out = R.main.unet_forward(model, sample, None, "cpu")            # (1, 1, h, w)
            s = int(sample.slice_num.reshape(-1)[0])
            res[s] = (out[0, 0], sample.image[0, 0], sample.max_value)
    order = sorted(res)
    assert order == list(range(len(order))), order
    with h5py.File(path, "r") as f:
        shape = (1,) + tuple(f["kspace"].shape[1:]) + (2,)
    mask, _ = tr.mask_func((1,) * (len(shape) - 3) + shape[-3:], None, tuple(map(ord, Path(path).name)))
    return (torch.stack([res[s][0] for s in order]), torch.stack([res[s][1] for s in order]),
            res[0][2], mask.reshape(-1).to(torch.float32))


def check_seq2img(R):
    """seq2img is the plain row-major unpatchify: patch n = (n // Wg, n % Wg), pixel (a, b) inside it."""
    net = R.VisionTransformer(avrg_img_size=320, patch_size=(2, 3), in_chans=1, embed_dim=1, depth=1, num_heads=1)
    B, Hg, Wg, p0, p1 = 2, 4, 5, 2, 3
    x = torch.randn(B, Hg * Wg, p0 * p1)
    ref = x.reshape(B, Hg, Wg, p0, p1).permute(0, 1, 3, 2, 4).reshape(B, 1, Hg * p0, Wg * p1)
    assert torch.equal(net.seq2img(x, (Hg * p0, Wg * p1)), ref)


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def rng(t):
    return [float(t.min()), float(t.max())]


def positive_images(g, b, h, w):
    x = 0.05 + torch.rand(b, 1, h, w, generator=g)
    x[1:] *= 1e-3                                   # per-sample normalisation: a batch-wide mean/std would fail
    return x


def fixed_target(h, w):
    """A deterministic positive image: smooth blobs, in (0.1, 1]."""
    y, x = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    t = 0.55 + 0.25 * torch.sin(0.31 * x + 0.17 * y) * torch.cos(0.23 * y - 0.11 * x) \
        + 0.2 * torch.exp(-((x - 0.6 * w) ** 2 + (y - 0.4 * h) ** 2) / (0.05 * h * w))
    return (t / t.max()).to(torch.float32).reshape(1, 1, h, w)


def make(R, out):
    os.makedirs(out, exist_ok=True)
    check_seq2img(R)
    model = tiny_model(R).eval()
    meta = {"model": "ReconNet(VisionTransformer)", **{k: str(v) for k, v in ARCHS["tiny"].items()},
            "patch_size": "10,10", "avrg_img_size": str(AVRG), "in_chans": "1",
            "perturbation": "seed %d: +%g randn on LayerNorm weights/biases and biases, +%g randn on qkv weights"
                            % (PERTURB_SEED, BIAS_NOISE, QKV_NOISE), "generator": "torch " + torch.__version__}
    save_file(model.state_dict(), os.path.join(out, "vit_tiny.safetensors"), meta)
    state = load_file(os.path.join(out, "vit_tiny.safetensors"))
    names = [[n, list(t.shape)] for n, t in model.state_dict().items()]
    assert [n for n, _ in names] == list(state)

    # (b) direct forward
    g = torch.Generator().manual_seed(2)
    xs, xp = positive_images(g, 2, 40, 40), positive_images(g, 2, 37, 53)
    with torch.no_grad():
        ys, yp = model(xs), model(xp)
    save_file({"input_square": xs, "output_square": ys, "input_padded": xp, "output_padded": yp},
              os.path.join(out, "vit_tiny_forward.safetensors"),
              {"weights": "vit_tiny.safetensors", "mode": "eval, no_grad", "generator": "torch " + torch.__version__})
    fwd = dict(square=dict(shape=list(xs.shape), pad=pads(40, 40), input_range=rng(xs), output_range=rng(ys)),
               padded=dict(shape=list(xp.shape), pad=pads(37, 53), input_range=rng(xp), output_range=rng(yp)),
               sample1_scale=1e-3)
    print("forward", json.dumps(fwd))

    # (c) test-time pipeline
    files = {}
    for path in FILES:
        o, i, maxv, mask = pipeline(R, model, path)
        stem = path.stem
        save_file({"output": o.to(torch.float32), "input": i.to(torch.float32), "mask": mask},
                  os.path.join(out, "vit_tiny_%s_expected.safetensors" % stem),
                  {"file": path.name, "weights": "vit_tiny.safetensors",
                   "mask_func": "EquiSpacedMaskFunc([0.08],[4])", "use_seed": "true",
                   "transform": "UnetDataTransform('multicoil')", "forward": "main.unet_forward",
                   "generator": "torch " + torch.__version__})
        h, w = i.shape[-2:]
        files[path.name] = dict(source=str(path.relative_to(REPO)), slices=int(o.shape[0]), target=[h, w],
                                pad=pads(h, w), padded=[h + sum(pads(h, w)[1]), w + sum(pads(h, w)[0])],
                                max_value=float(maxv[0]), max_value_dtype=str(maxv.dtype),
                                mask_sampled_columns=int(mask.sum()), mask_width=int(mask.numel()),
                                input_range=rng(i), output_range=rng(o),
                                expected="vit_tiny_%s_expected.safetensors" % stem)
        print(path.name, json.dumps(files[path.name]))

    # (d) one training step, as main.train_model, from the saved state
    step_model = build(R, **ARCHS["tiny"])
    step_model.load_state_dict(state, strict=True)
    step_model.train()
    criterion = R.SSIMLoss()
    optimizer = torch.optim.Adam(step_model.parameters(), lr=LR)
    x = xs[:1].clone()
    target = fixed_target(40, 40)
    data_range = target.amax(dim=(1, 2, 3)).to(torch.float64)           # (1,) float64, as the DataLoader's max_value
    optimizer.zero_grad(set_to_none=True)
    outputs = step_model(x)
    loss = criterion(outputs, target, data_range)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in step_model.named_parameters()}
    total = torch.nn.utils.clip_grad_norm_(step_model.parameters(), max_norm=MAX_NORM, norm_type=2.)
    optimizer.step()
    tensors = {"input": x, "target": target, "data_range": data_range,
               "loss": loss.detach().to(torch.float64).reshape(1),
               "grad_norm": total.detach().to(torch.float64).reshape(1)}
    tensors.update({"grad." + n: t for n, t in grads.items()})
    tensors.update({"updated." + n: t for n, t in step_model.state_dict().items()})
    save_file(tensors, os.path.join(out, "vit_tiny_step.safetensors"),
              {"weights": "vit_tiny.safetensors", "input": "vit_tiny_forward input_square[0]",
               "loss": "fastmri.losses.SSIMLoss", "clip_grad_norm": str(MAX_NORM), "optimizer": "Adam(lr=%g)" % LR,
               "loss_dtype": str(loss.dtype), "generator": "torch " + torch.__version__})
    step = dict(loss=float(loss), loss_dtype=str(loss.dtype), grad_norm=float(total), clipped=float(total) > MAX_NORM,
                output_range=rng(outputs.detach()), target_range=rng(target), data_range=float(data_range[0]),
                lr=LR, max_norm=MAX_NORM)
    print("step", json.dumps(step))

    # (e) parameter counts: vit-small / vit-large exactly as main.init_model builds them
    counts = {}
    for arch in ("vit-small", "vit-large"):
        m = R.main.init_model(arch, "cpu")
        counts[arch] = dict(ARCHS[arch], width=ARCHS[arch]["embed_dim"] * ARCHS[arch]["num_heads"],
                            params=n_params(m))
        print("%s params %d" % (arch, counts[arch]["params"]))
        del m
    counts["tiny"] = dict(ARCHS["tiny"], width=12, params=n_params(model))
    print("tiny params %d" % counts["tiny"]["params"])
    report = dict(torch=torch.__version__, fastmri="v0.3.0 source checkout", params=counts,
                  tiny=dict(ARCHS["tiny"], patch_size=PATCH, avrg_img_size=AVRG, params=n_params(model),
                            weights="vit_tiny.safetensors", perturbation=meta["perturbation"], state_dict=names),
                  pads={"rule": "ReconNet.pad: F.pad(x, wpad + hpad), [floor(f), ceil(f)] of half the missing rows/cols",
                        "40x40": pads(40, 40), "37x53": pads(37, 53), "120x96": pads(120, 96),
                        "128x128": pads(128, 128)},
                  forward=dict(fwd, golden="vit_tiny_forward.safetensors"),
                  mask=dict(func="EquiSpacedMaskFunc", center_fractions=[0.08], accelerations=[4], use_seed=True,
                            seed="tuple(map(ord, file_name))"),
                  files=files, step=dict(step, golden="vit_tiny_step.safetensors"))
    with open(os.path.join(out, "vit_reference.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


def check(R, weights, arch, h5, recon):
    cfg = parse_arch(arch)
    model = build(R, **cfg).eval()
    model.load_state_dict(load_file(weights), strict=True)
    ours, inp, _, _ = pipeline(R, model, h5)
    if recon.endswith(".safetensors"):
        ref = load_file(recon)["output"]
    else:
        with h5py.File(recon, "r") as f:
            ref = torch.from_numpy(f["reconstruction"][()])
    print("%s: arch %s, %d slice(s) %dx%d, pad %s" % (h5, cfg, ours.shape[0], ours.shape[-2], ours.shape[-1],
                                                      pads(*ours.shape[-2:])))
    if tuple(ref.shape) != tuple(ours.shape):
        print("%s: shape %s, expected %s" % (recon, tuple(ref.shape), tuple(ours.shape)))
        return float("inf")
    d = (ours - ref.to(ours.dtype)).abs()
    rel = d.max().item() / max(ref.abs().max().item(), 1e-30)
    print("%s: max abs diff %.3g, relative to max |ref| %.3g, mean abs diff %.3g"
          % (recon, d.max().item(), rel, d.mean().item()))
    for s in range(ours.shape[0]):
        print("  slice %d: max abs diff %.3g" % (s, d[s].max().item()))
    return rel


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fastmri-src", help="fastMRI v0.3.0 checkout (default: $FASTMRI_SRC)")
    ap.add_argument("--paper-src", help="mri_data_diversity checkout (default: $PAPER_SRC)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1, for reproducible goldens)")
    ap.add_argument("cmd", choices=["make", "check"])
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    R = load_refs(a.fastmri_src, a.paper_src)
    if a.cmd == "make":
        make(R, a.args[0])
    else:
        if len(a.args) != 4:
            ap.error("check WEIGHTS.safetensors ARCH FILE.h5 RECON.h5")
        check(R, *a.args)


if __name__ == "__main__":
    main()
