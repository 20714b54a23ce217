#!/usr/bin/env python3
"""Parameter counts and state-dict names/shapes of fastMRI's `Unet` and `VarNet`, computed by the reference code
itself, so the Java tests compare the U-Net/VarNet layouts with the reference rather than with our own formula.

    /usr/bin/python3 tools/golden/gen_model_counts.py --fastmri-src DIR [--paper-src DIR] [--out FILE]

run from the repository root (or set FASTMRI_SRC / PAPER_SRC instead of the options). It writes
src/test/resources/golden/model_counts.json (or --out). Run with Debian's python3-torch (/usr/bin/python3).

The reference code is imported at run time from checkouts (nothing of it is copied here):

    git clone https://github.com/facebookresearch/fastMRI && git -C fastMRI checkout v0.3.0   # --fastmri-src
    git clone https://github.com/MLI-lab/mri_data_diversity                                  # --paper-src

--fastmri-src is the directory holding the `fastmri` package (fastMRI may also be an installed package).
--paper-src is optional and changes nothing in the output: with it the script also checks, against the paper's
own code, that (a) the paper's `models/norm_unet.py` NormUnet(chans, num_pools) has exactly the parameters of
fastMRI's Unet under the prefix "unet." and (b) the "paper_models" table below agrees with the paper's
main.py `init_model` (read with `ast`, not imported, because main.py pulls in timm and the data pipeline).

Output (JSON object):
  "generator"    "tools/golden/gen_model_counts.py"
  "torch"        torch.__version__
  "fastmri"      "v0.3.0"
  "state_dict_has_buffers"
                 false when, for every model below, state_dict() and named_parameters() give the same names,
                 shapes and order (fastMRI's Unet uses InstanceNorm2d without affine/running stats and Dropout2d,
                 neither of which has parameters or buffers; VarNet's dc_weight is a parameter)
  "unet"         list of {"in_chans": 1, "out_chans": 1, "chans": C, "num_pool_layers": P, "drop_prob": 0.0,
                 "params": N, "state_dict": [[name, [shape...]], ...] or null} for
                 fastmri.models.Unet(in_chans=1, out_chans=1, chans=C, num_pool_layers=P, drop_prob=0.0) with
                 (C, P) in (10, 4), (32, 4), (128, 4), (6, 3), (4, 2), (8, 3); "state_dict" is given for (4, 2),
                 (6, 3), (8, 3) and null for the others
  "varnet"       list of {"num_cascades", "sens_chans", "sens_pools", "chans", "pools", "params",
                 "state_dict": [[name, [shape...]], ...] or null} for fastmri.models.VarNet(num_cascades,
                 sens_chans, sens_pools, chans, pools) with (12, 8, 4, 18, 4), (12, 8, 4, 32, 4), the paper's
                 varnet-small (8, 8, 4, 12, 4), and a tiny one (2, 4, 2, 4, 2) which alone has "state_dict"
  "paper_models" {name: {"model": "unet", "chans", "num_pool_layers", "params"} or
                 {"model": "varnet", "num_cascades", "sens_chans", "sens_pools", "chans", "pools", "params"}}
                 for the paper's unet-xsmall/-small/-large (NormUnet = fastMRI Unet(1, 1, chans, num_pools, 0.0)
                 under "unet.") and varnet-small/-large (fastMRI VarNet with its defaults for what init_model
                 leaves out); the configurations transcribe main.py's init_model, the counts are fastMRI's

Names: "state_dict" lists named_parameters() (parameters only) in order, with names exactly as fastMRI's
module gives them -- for the U-Net *no* "unet." prefix, although our Java NormalizedUNet registers them as
"unet.<name>" (the paper's NormUnet wraps fastMRI's Unet as `self.unet`); VarNet names are as fastMRI's VarNet
state dict (sens_net.norm_unet.unet.*, cascades.<i>.dc_weight, cascades.<i>.model.unet.*). Should state_dict()
ever differ from named_parameters() (buffers), the entry also gets "state_dict_full" with the state_dict() list
and "state_dict_has_buffers" becomes true.
"""
import argparse
import ast
import importlib.util
import json
import os
import sys
import warnings

import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join("src", "test", "resources", "golden", "model_counts.json")

UNETS = [(10, 4), (32, 4), (128, 4), (6, 3), (4, 2), (8, 3)]
UNET_WITH_NAMES = {(4, 2), (6, 3), (8, 3)}
VARNETS = [  # (num_cascades, sens_chans, sens_pools, chans, pools)
    (12, 8, 4, 18, 4),
    (12, 8, 4, 32, 4),
    (8, 8, 4, 12, 4),
    (2, 4, 2, 4, 2),
]
VARNET_WITH_NAMES = {(2, 4, 2, 4, 2)}
VARNET_KEYS = ("num_cascades", "sens_chans", "sens_pools", "chans", "pools")
# the paper's main.py init_model (MLI-lab/mri_data_diversity); checked against main.py with --paper-src
PAPER_MODELS = {
    "unet-xsmall": ("NormUnet", dict(chans=10, num_pools=4)),
    "unet-small": ("NormUnet", dict(chans=32, num_pools=4)),
    "unet-large": ("NormUnet", dict(chans=128, num_pools=4)),
    "varnet-small": ("VarNet", dict(num_cascades=8, chans=12)),
    "varnet-large": ("VarNet", dict(num_cascades=12, chans=18, sens_chans=8)),
}
VARNET_DEFAULTS = dict(num_cascades=12, sens_chans=8, sens_pools=4, chans=18, pools=4)  # fastMRI v0.3.0 VarNet


def load_fastmri(fastmri_src):
    fastmri_src = fastmri_src or os.environ.get("FASTMRI_SRC")
    if fastmri_src:
        sys.path.insert(0, os.path.abspath(fastmri_src))
    warnings.filterwarnings("ignore", message="Could not retrieve fastmri version")
    try:
        from fastmri.models import Unet, VarNet
    except ImportError as e:
        raise SystemExit("cannot import fastMRI (%s): --fastmri-src DIR or FASTMRI_SRC=DIR "
                         "(git clone https://github.com/facebookresearch/fastMRI, checkout v0.3.0)" % e)
    return Unet, VarNet


def layout(named):
    return [[name, list(t.shape)] for name, t in named]


def describe(model, with_names):
    """params, the named_parameters() layout (or None) and the state_dict() layout if it differs."""
    params = layout(model.named_parameters())
    full = layout(model.state_dict().items())
    entry = {"params": sum(p.numel() for p in model.parameters()),
             "state_dict": params if with_names else None}
    differs = params != full
    if differs and with_names:
        entry["state_dict_full"] = full
    return entry, differs


def init_model_table(paper_src):
    """{name: (class name, keyword args)} from the if/elif chain of main.py's init_model."""
    tree = ast.parse(open(os.path.join(paper_src, "main.py")).read())
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "init_model")
    table = {}
    for node in ast.walk(fn):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.comparators[0], ast.Constant)):
            continue
        name = node.test.comparators[0].value
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Name) and stmt.targets[0].id == "model":
                table[name] = (stmt.value.func.id, {k.arg: ast.literal_eval(k.value) for k in stmt.value.keywords})
    return table


def check_paper(paper_src, Unet):
    table = init_model_table(paper_src)
    for name, (cls, kw) in PAPER_MODELS.items():
        if table.get(name) != (cls, kw):
            raise SystemExit("paper main.py init_model gives %s = %s, this script assumes %s" % (name, table.get(name), (cls, kw)))
    spec = importlib.util.spec_from_file_location("paper_norm_unet", os.path.join(paper_src, "models", "norm_unet.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for chans, pools in UNETS:
        paper = layout(mod.NormUnet(chans=chans, num_pools=pools).state_dict().items())
        ours = [["unet." + n, s] for n, s in layout(Unet(1, 1, chans, pools, 0.0).named_parameters())]
        if paper != ours:
            raise SystemExit("paper NormUnet(chans=%d, num_pools=%d) is not fastMRI's Unet under 'unet.'" % (chans, pools))
    print("paper check: init_model table and NormUnet == 'unet.' + fastMRI Unet for all U-Net configurations")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fastmri-src", help="fastMRI v0.3.0 checkout (default: $FASTMRI_SRC)")
    ap.add_argument("--paper-src", help="optional mri_data_diversity checkout for the paper checks (default: $PAPER_SRC)")
    ap.add_argument("--out", default=OUT, help="output JSON (default: %(default)s, relative to the repository root)")
    a = ap.parse_args()
    Unet, VarNet = load_fastmri(a.fastmri_src)
    paper_src = a.paper_src or os.environ.get("PAPER_SRC")
    if paper_src:
        check_paper(paper_src, Unet)

    any_buffers = False
    unets = []
    for chans, pools in UNETS:
        e, differs = describe(Unet(in_chans=1, out_chans=1, chans=chans, num_pool_layers=pools, drop_prob=0.0),
                              (chans, pools) in UNET_WITH_NAMES)
        any_buffers |= differs
        unets.append({"in_chans": 1, "out_chans": 1, "chans": chans, "num_pool_layers": pools, "drop_prob": 0.0, **e})
    varnets = []
    for cfg in VARNETS:
        e, differs = describe(VarNet(**dict(zip(VARNET_KEYS, cfg))), cfg in VARNET_WITH_NAMES)
        any_buffers |= differs
        varnets.append({**dict(zip(VARNET_KEYS, cfg)), **e})

    paper = {}
    for name, (cls, kw) in PAPER_MODELS.items():
        if cls == "NormUnet":
            u = next(u for u in unets if (u["chans"], u["num_pool_layers"]) == (kw["chans"], kw["num_pools"]))
            paper[name] = {"model": "unet", "chans": u["chans"], "num_pool_layers": u["num_pool_layers"], "params": u["params"]}
        else:
            cfg = {**VARNET_DEFAULTS, **kw}
            v = next(v for v in varnets if all(v[k] == cfg[k] for k in VARNET_KEYS))
            paper[name] = {"model": "varnet", **{k: v[k] for k in VARNET_KEYS}, "params": v["params"]}

    result = {
        "generator": "tools/golden/gen_model_counts.py",
        "torch": torch.__version__,
        "fastmri": "v0.3.0",
        "state_dict_has_buffers": any_buffers,
        "unet": unets,
        "varnet": varnets,
        "paper_models": paper,
    }
    out = a.out if os.path.isabs(a.out) else os.path.join(REPO, a.out)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    for u in unets:
        print("unet chans=%d pools=%d: %d" % (u["chans"], u["num_pool_layers"], u["params"]))
    for v in varnets:
        print("varnet %s: %d" % (",".join("%s=%d" % (k, v[k]) for k in VARNET_KEYS), v["params"]))
    print("state_dict has buffers:", any_buffers, "->", out)


if __name__ == "__main__":
    main()
