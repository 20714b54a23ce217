#!/usr/bin/env python3
"""Weight interchange check with PyTorch for the U-Net: the paper's own `NormUnet` (Lin & Heckel, ICML 2024,
models/norm_unet.py), which wraps fastMRI's `Unet`.

    python3 tools/interop/unet_reference.py [--paper-src DIR] [--fastmri-src DIR] make OUT_DIR
        # writes unet_ref.safetensors and unet_io.safetensors
    python3 tools/interop/unet_reference.py [--paper-src DIR] [--fastmri-src DIR] check WEIGHTS.safetensors IO.safetensors

The reference code is imported at run time from checkouts (not copied here):

    git clone https://github.com/facebookresearch/fastMRI && git -C fastMRI checkout v0.3.0
    git clone https://github.com/MLI-lab/mri_data_diversity

--fastmri-src is the fastMRI checkout (the directory holding the `fastmri` package) and --paper-src the
mri_data_diversity checkout; without the options the environment variables FASTMRI_SRC and PAPER_SRC are used
(and fastMRI may also be an installed package). The paper's `models/__init__.py` imports timm-dependent
modules, so `models/norm_unet.py` is loaded directly as a file.

`make` builds NormUnet(chans=4, num_pools=3) after torch.manual_seed(0) (PyTorch's default initialisation),
saves its state dict, an input and the output the model gives for it. `check` loads a state dict (e.g. written
by robustmri) with load_state_dict(strict=True) and compares its output on the saved input.
Run with Debian's python3-torch (/usr/bin/python3).
"""
import argparse
import importlib.util
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import load_file, save_file  # noqa: E402

CHANS, POOLS = 4, 3
_CACHE = {}


def load_paper_normunet(paper_src=None, fastmri_src=None):
    """The paper's NormUnet class, from PAPER_SRC/models/norm_unet.py, with fastMRI importable from FASTMRI_SRC."""
    if "NormUnet" in _CACHE:
        return _CACHE["NormUnet"]
    paper_src = paper_src or os.environ.get("PAPER_SRC")
    fastmri_src = fastmri_src or os.environ.get("FASTMRI_SRC")
    if fastmri_src:
        sys.path.insert(0, os.path.abspath(fastmri_src))
    if not paper_src:
        raise SystemExit("need the paper's code: --paper-src DIR or PAPER_SRC=DIR "
                         "(git clone https://github.com/MLI-lab/mri_data_diversity)")
    path = os.path.join(paper_src, "models", "norm_unet.py")
    spec = importlib.util.spec_from_file_location("paper_norm_unet", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except ImportError as e:
        raise SystemExit("cannot import fastMRI for %s (%s): --fastmri-src DIR or FASTMRI_SRC=DIR "
                         "(git clone https://github.com/facebookresearch/fastMRI, checkout v0.3.0)" % (path, e))
    _CACHE["NormUnet"] = mod.NormUnet
    return mod.NormUnet


def __getattr__(name):
    # `from unet_reference import NormUnet` (bench/train_step_reference.py) resolves the class lazily from
    # PAPER_SRC / FASTMRI_SRC.
    if name == "NormUnet":
        return load_paper_normunet()
    raise AttributeError(name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paper-src", help="mri_data_diversity checkout (default: $PAPER_SRC)")
    ap.add_argument("--fastmri-src", help="fastMRI v0.3.0 checkout (default: $FASTMRI_SRC)")
    ap.add_argument("cmd", choices=["make", "check"])
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    NormUnet = load_paper_normunet(a.paper_src, a.fastmri_src)
    if a.cmd == "make":
        out = a.args[0]
        torch.manual_seed(0)
        model = NormUnet(chans=CHANS, num_pools=POOLS).eval()
        x = torch.rand(2, 1, 26, 19) * 3 + 0.5
        with torch.no_grad():
            y = model(x)
        save_file(model.state_dict(), os.path.join(out, "unet_ref.safetensors"),
                  {"model": "unet", "chans": str(CHANS), "pools": str(POOLS), "generator": "torch " + torch.__version__})
        save_file({"input": x, "output": y}, os.path.join(out, "unet_io.safetensors"))
        print("params", sum(p.numel() for p in model.parameters()))
    else:
        weights, io_path = a.args[0], a.args[1]
        model = NormUnet(chans=CHANS, num_pools=POOLS).eval()
        model.load_state_dict(load_file(weights), strict=True)
        io = load_file(io_path)
        with torch.no_grad():
            y = model(io["input"])
        print("max abs diff vs saved output: %.3g" % (y - io["output"]).abs().max().item())


if __name__ == "__main__":
    main()
