#!/usr/bin/env python3
"""Golden vectors and a weight-interchange check for the end-to-end VarNet, with fastMRI's own `VarNet` and the
paper's own data pipeline (Lin & Heckel, ICML 2024, MLI-lab/mri_data_diversity) -- nothing re-implemented.

    /usr/bin/python3 tools/interop/varnet_reference.py --fastmri-src FASTMRI --paper-src PAPER \\
        make src/test/resources/interop/varnet
    /usr/bin/python3 tools/interop/varnet_reference.py --fastmri-src FASTMRI --paper-src PAPER \\
        check WEIGHTS.safetensors ARCH FILE.h5 EXPECTED... [--mode auto|nlf]

The reference code is imported at run time from checkouts (not copied here):

    git clone https://github.com/facebookresearch/fastMRI && git -C fastMRI checkout v0.3.0     # FASTMRI
    git clone https://github.com/MLI-lab/mri_data_diversity                                    # PAPER

(or set FASTMRI_SRC / PAPER_SRC). Needs Debian's python3-torch, python3-numpy, python3-h5py and, for the paper's
utils/data.py, python3-pandas and python3-scipy.

`make OUT_DIR` writes
  padded_brain.h5, knee_width.h5   fastMRI-format multi-coil files derived from samples/real-kspace/
                                   pulseq_invivo_brain_16ch.h5 (header padding / the knee width 368)
  varnet_tiny.safetensors          state_dict() of VarNet(num_cascades=2, sens_chans=2, sens_pools=3, chans=4,
                                   pools=3) after torch.manual_seed(0), dc_weight set to 0.7 and 1.3
  varnet_tiny_<stem>_expected.safetensors
                                   test-time outputs: the paper's SliceDataset + fastMRI's VarNetDataTransform
                                   (EquiSpacedMaskFunc([0.08], [4]), use_seed=True) + DataLoader(batch_size=1),
                                   model(masked_kspace, mask) ("auto": VarNet finds the ACS band in the mask) and
                                   model(masked_kspace, mask, num_low_frequencies) ("nlf", as fastMRI's
                                   VarNetModule), center_crop to the target size
  varnet_tiny_step.safetensors     one training step as the paper's train_model (SSIMLoss with data_range=max,
                                   backward, clip_grad_norm_(1), Adam(lr=1e-3).step()) on padded_brain.h5 slice 0
  varnet_reference.json            parameter counts, shapes, paddings, ACS counts, output ranges, step loss

`check` loads a state dict written by another tool with load_state_dict(strict=True), runs the same test-time
pipeline on FILE.h5 and prints the max abs / relative difference to each EXPECTED (an HDF5 file with a
`reconstruction` dataset (slices, h, w), or a *_expected.safetensors with output_<mode>). ARCH is a JSON file or
string with num_cascades/sens_chans/sens_pools/chans/pools (varnet_reference.json works: its "tiny" entry), a
list like num_cascades=2,chans=4,..., or one of varnet-small, varnet-large, tiny.
"""
import argparse
import importlib.util
import json
import os
import sys
import types
import warnings
from pathlib import Path

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import load_file, save_file  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "real-kspace" / "pulseq_invivo_brain_16ch.h5"

ARCHS = {
    # the paper's main.py init_model; fastMRI's VarNet defaults: sens_chans=8, sens_pools=4, pools=4
    "varnet-small": dict(num_cascades=8, chans=12, sens_chans=8, pools=4, sens_pools=4),
    "varnet-large": dict(num_cascades=12, chans=18, sens_chans=8, pools=4, sens_pools=4),
    "tiny": dict(num_cascades=2, sens_chans=2, sens_pools=3, chans=4, pools=3),
}
DC_WEIGHTS = [0.7, 1.3]
CENTER_FRACTIONS, ACCELERATIONS = [0.08], [4]


def load_refs(fastmri_src=None, paper_src=None):
    """fastMRI's modules and the paper's utils/data.py, imported from the checkouts."""
    fastmri_src = fastmri_src or os.environ.get("FASTMRI_SRC")
    paper_src = paper_src or os.environ.get("PAPER_SRC")
    if fastmri_src:
        sys.path.insert(0, os.path.abspath(fastmri_src))
    if not paper_src:
        raise SystemExit("need the paper's code: --paper-src DIR or PAPER_SRC=DIR "
                         "(git clone https://github.com/MLI-lab/mri_data_diversity)")
    warnings.filterwarnings("ignore", message="Could not retrieve fastmri version")
    try:
        import fastmri
        from fastmri.data import subsample, transforms
        from fastmri.losses import SSIMLoss
        from fastmri.models import VarNet
    except ImportError as e:
        raise SystemExit("cannot import fastMRI (%s): --fastmri-src DIR or FASTMRI_SRC=DIR "
                         "(git clone https://github.com/facebookresearch/fastMRI, checkout v0.3.0)" % e)
    # the paper's models/ and utils/ packages pull in timm etc.: load the one file we need directly
    spec = importlib.util.spec_from_file_location("paper_utils_data", os.path.join(paper_src, "utils", "data.py"))
    paper_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paper_data)
    return types.SimpleNamespace(
        fastmri=fastmri, VarNet=VarNet, SSIMLoss=SSIMLoss, EquiSpacedMaskFunc=subsample.EquiSpacedMaskFunc,
        VarNetDataTransform=transforms.VarNetDataTransform, center_crop=transforms.center_crop,
        SliceDataset=paper_data.SliceDataset, fft2_np=paper_data.fft2_np, ifft2_np=paper_data.ifft2_np,
        rss_np=paper_data.rss_np, source=dict(fastmri=os.path.abspath(os.path.dirname(fastmri.__file__)),
                                              paper=os.path.abspath(paper_src)))


# ------------------------------------------------------------------ fixtures

def ismrmrd_header(enc, rec, lim, coils, fov_mm):
    """enc/rec: (x, y) matrix sizes (x = rows = readout, y = phase-encode columns); lim: (min, max, center)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <measurementInformation><protocolName>AX_GRE</protocolName></measurementInformation>
  <acquisitionSystemInformation>
    <systemVendor>SIEMENS</systemVendor><systemModel>unknown</systemModel>
    <systemFieldStrength_T>2.89362</systemFieldStrength_T><receiverChannels>{coils}</receiverChannels>
    <institutionName>pulseq/MR-Physics-with-Pulseq (MIT)</institutionName>
  </acquisitionSystemInformation>
  <encoding>
    <encodedSpace><matrixSize><x>{enc[0]}</x><y>{enc[1]}</y><z>1</z></matrixSize><fieldOfView_mm><x>{fov_mm[0]}</x><y>{fov_mm[1]}</y><z>5</z></fieldOfView_mm></encodedSpace>
    <reconSpace><matrixSize><x>{rec[0]}</x><y>{rec[1]}</y><z>1</z></matrixSize><fieldOfView_mm><x>{fov_mm[2]}</x><y>{fov_mm[3]}</y><z>5</z></fieldOfView_mm></reconSpace>
    <trajectory>cartesian</trajectory>
    <encodingLimits>
      <kspace_encoding_step_1><minimum>{lim[0]}</minimum><maximum>{lim[1]}</maximum><center>{lim[2]}</center></kspace_encoding_step_1>
      <kspace_encoding_step_2><minimum>0</minimum><maximum>0</maximum><center>0</center></kspace_encoding_step_2>
      <slice><minimum>0</minimum><maximum>0</maximum><center>0</center></slice>
    </encodingLimits>
  </encoding>
</ismrmrdHeader>"""


def rss_target(R, kspace, rec):
    """RSS over coils of the magnitude of the centred orthonormal ifft2, centre-cropped as fastMRI's center_crop."""
    out = []
    for k in kspace:
        img = np.abs(R.ifft2_np(k.astype(np.complex128)))
        h0, w0 = (img.shape[-2] - rec[0]) // 2, (img.shape[-1] - rec[1]) // 2
        out.append(R.rss_np(img[:, h0:h0 + rec[0], w0:w0 + rec[1]], axis=0))
    return np.stack(out).astype(np.float32)


def write_fastmri(path, kspace, target, header, patient_id):
    with h5py.File(path, "w") as f:
        f.create_dataset("kspace", data=kspace.astype(np.complex64))          # h5py: compound {r, i} float32
        f.create_dataset("reconstruction_rss", data=target.astype(np.float32))
        f.create_dataset("ismrmrd_header", data=np.bytes_(header.encode()))
        f.attrs["acquisition"] = "AX_GRE"
        f.attrs["max"] = np.float64(target.max())
        f.attrs["norm"] = np.float64(np.linalg.norm(target.astype(np.float64)))
        f.attrs["patient_id"] = patient_id


def bilinear(a, n, axis):
    """Deterministic bilinear resampling of axis to n samples (pixel centres aligned)."""
    m = a.shape[axis]
    p = np.clip((np.arange(n) + 0.5) * m / n - 0.5, 0, m - 1)
    i0 = np.floor(p).astype(int)
    i1 = np.minimum(i0 + 1, m - 1)
    shape = [1] * a.ndim
    shape[axis] = n
    w = (p - i0).reshape(shape)
    return np.take(a, i0, axis=axis) * (1 - w) + np.take(a, i1, axis=axis) * w


def make_padded_brain(R, src, path):
    """2 slices, 8 coils, H=150 (readout oversampled by image-domain zero padding 128 -> 150), W=140 with the
    128 acquired columns at [4, 132) and exact zeros outside; header centre 66 so padding_left = 140//2 - 66 = 4."""
    img = R.ifft2_np(src[0, :8].astype(np.complex128))                       # (8, 128, 128)
    slices = [img, np.roll(img, (5, 3), axis=(-2, -1)) * np.exp(0.9j)]     # slice 2: shifted, constant phase
    ks = []
    for im in slices:
        k = R.fft2_np(np.pad(im, ((0, 0), (11, 11), (0, 0))))                # (8, 150, 128), DC at (75, 64)
        k = np.roll(k, 2, axis=-1)                                           # DC at acquired index 66 = center
        full = np.zeros((8, 150, 140), np.complex128)
        full[..., 4:132] = k
        ks.append(full)
    kspace = np.stack(ks).astype(np.complex64)
    rec = (120, 96)
    target = rss_target(R, kspace, rec)
    header = ismrmrd_header((150, 140), rec, (0, 127, 66), 8, (300, 280, 240, 192))
    write_fastmri(path, kspace, target, header, "pulseq-brain-2024-02-06-padded")
    return dict(kspace_shape=list(kspace.shape), target_shape=list(target.shape), encoded=[150, 140],
                recon=list(rec), limits=dict(minimum=0, maximum=127, center=66), acquired_columns=[4, 132])


def make_knee_width(R, src, path):
    """1 slice, 4 coils, H=48 (central 48 k-space rows), W=368 (image bilinearly resampled 128 -> 368 columns),
    no header padding (center 184, maximum 367)."""
    k = src[0, :4].astype(np.complex128)[:, 64 - 24:64 + 24, :]             # (4, 48, 128), DC row 24
    img = bilinear(R.ifft2_np(k), 368, axis=-1)                               # (4, 48, 368)
    kspace = R.fft2_np(img)[None].astype(np.complex64)
    rec = (32, 320)
    target = rss_target(R, kspace, rec)
    header = ismrmrd_header((48, 368), rec, (0, 367, 184), 4, (96, 736, 64, 640))
    write_fastmri(path, kspace, target, header, "pulseq-brain-2024-02-06-kneewidth")
    return dict(kspace_shape=list(kspace.shape), target_shape=list(target.shape), encoded=[48, 368],
                recon=list(rec), limits=dict(minimum=0, maximum=367, center=184), acquired_columns=[0, 368])


# ------------------------------------------------------------------ models and pipelines

def parse_arch(s):
    if s in ARCHS:
        return dict(ARCHS[s])
    if os.path.isfile(s):
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
    return {k: int(d[k]) for k in ("num_cascades", "sens_chans", "sens_pools", "chans", "pools") if k in d}


def tiny_model(R):
    torch.manual_seed(0)
    model = R.VarNet(**ARCHS["tiny"])
    with torch.no_grad():
        for c, w in zip(model.cascades, DC_WEIGHTS):
            c.dc_weight.fill_(w)
    return model


def transform(R):
    return R.VarNetDataTransform(R.EquiSpacedMaskFunc(CENTER_FRACTIONS, ACCELERATIONS), use_seed=True)


def paper_loader(R, path):
    """The paper's test-time data path: SliceDataset (metadata from _retrieve_metadata) and a DataLoader."""
    ds = R.SliceDataset(files=[path], challenge="multicoil", transform=transform(R))
    return torch.utils.data.DataLoader(ds, batch_size=1, shuffle=False, num_workers=0)


def forward(R, model, sample, mode):
    """The paper's varnet_forward (auto) or fastMRI's VarNetModule call (nlf), then center_crop to the target."""
    inputs, targets, mask = sample.masked_kspace[0], sample.target[0], sample.mask[0]
    crop = (targets.shape[-2], targets.shape[-1])
    if mode == "auto":
        out = model(inputs, mask)
    else:
        out = model(inputs, mask, sample.num_low_frequencies)
    return R.center_crop(out, crop)


def direct_outputs(R, model, path, mode):
    """The same per slice without the DataLoader: VarNetDataTransform on (coils, H, W) with the attrs of the paper's
    _retrieve_metadata (padding clamped to [0, W]; recon_size clipped to the target), model(k[None], mask[None])."""
    meta, n = R.SliceDataset._retrieve_metadata(None, Path(path))
    outs, nlfs, info = [], [], {}
    with h5py.File(path, "r") as hf:
        for s in range(n):
            target = hf["reconstruction_rss"][s] if "reconstruction_rss" in hf else None
            attrs = dict(hf.attrs)
            attrs.update(meta)
            h, w = attrs["recon_size"][0], attrs["recon_size"][1]
            if target is not None:
                h, w = min(h, target.shape[-2]), min(w, target.shape[-1])
            attrs["recon_size"] = (h, w, 1)
            smp = transform(R)(hf["kspace"][s], None, target, attrs, Path(path).name, s)
            mask = smp.mask.unsqueeze(0)
            nlf = smp.num_low_frequencies if mode == "nlf" else None
            with torch.no_grad():
                out = model(smp.masked_kspace.unsqueeze(0), mask, nlf)
            outs.append(R.center_crop(out, (h, w))[0])
            nlfs.append(int(model.sens_net.get_pad_and_num_low_freqs(mask, nlf)[1][0]))
            info = dict(padding_left=int(attrs["padding_left"]), padding_right=int(attrs["padding_right"]),
                        recon_size=[h, w], num_low_mask=int(smp.num_low_frequencies))
    return torch.stack(outs), nlfs, info


def knee_name(R, model, width):
    """First name whose file-name-seeded 4x/0.08 mask at this width makes VarNet's ACS detection differ from the
    mask function's count (it always does for 368: the detected band is symmetric, hence even)."""
    for suffix in [""] + ["_" + c for c in "abcdefgh"]:
        name = "knee_width%s.h5" % suffix
        mask, nlf = R.EquiSpacedMaskFunc(CENTER_FRACTIONS, ACCELERATIONS)((1, 48, width, 2), None,
                                                                            tuple(map(ord, name)))
        auto = int(model.sens_net.get_pad_and_num_low_freqs(mask.to(torch.bool).reshape(1, 1, 1, width, 1))[1][0])
        if auto != nlf:
            return name, nlf, auto
    raise SystemExit("no knee file name found")


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def rng(t):
    return [float(t.min()), float(t.max())]


def make(R, out, sample_path):
    os.makedirs(out, exist_ok=True)
    with h5py.File(sample_path, "r") as f:
        src = f["kspace"][()]
    model = tiny_model(R).eval()
    knee, knee_nlf, knee_auto = knee_name(R, model, 368)
    files = {"padded_brain.h5": make_padded_brain(R, src, os.path.join(out, "padded_brain.h5")),
             knee: make_knee_width(R, src, os.path.join(out, knee))}
    print("%s: mask num_low %d, VarNet auto-detected %d" % (knee, knee_nlf, knee_auto))

    save_file(model.state_dict(), os.path.join(out, "varnet_tiny.safetensors"),
              {"model": "varnet", **{k: str(v) for k, v in ARCHS["tiny"].items()},
               "dc_weights": ",".join(map(str, DC_WEIGHTS)), "generator": "torch " + torch.__version__})
    state = load_file(os.path.join(out, "varnet_tiny.safetensors"))

    for name, info in files.items():
        path = os.path.join(out, name)
        res = {}
        for mode in ("auto", "nlf"):
            outs, nlfs, masks = [], [], []
            with torch.no_grad():
                for i, sample in enumerate(paper_loader(R, path)):
                    outs.append(forward(R, model, sample, mode)[0])
                    nl = sample.num_low_frequencies if mode == "nlf" else None
                    nlfs.append(int(model.sens_net.get_pad_and_num_low_freqs(sample.mask[0], nl)[1][0]))
                    masks.append(sample.mask[0].reshape(-1).to(torch.float32))
                    if i == 0:
                        info["num_low_mask"] = int(sample.num_low_frequencies[0])
                        info["mask_dtype_from_transform"] = str(sample.mask.dtype)
                        info["max"] = float(sample.max_value[0])
            res["output_" + mode] = torch.stack(outs).to(torch.float32)
            res["num_low_" + mode] = torch.tensor(nlfs, dtype=torch.int64)
            assert all(torch.equal(m, masks[0]) for m in masks)       # the mask is seeded by the file name only
            res["mask"] = masks[0]
            # cross-check: the per-slice path as described in the paper's utils/data.py gives the same
            d_out, d_nlf, d_info = direct_outputs(R, model, path, mode)
            diff = (d_out - res["output_" + mode]).abs().max().item()
            assert d_nlf == nlfs and diff <= 1e-6 * res["output_" + mode].abs().max().item(), (name, mode, diff)
            info.update(d_info)
        stem = Path(name).stem
        # the masked k-space itself is not stored: it is the file's k-space times `mask` (+0.0), which the tests check
        save_file({k: res[k] for k in ("output_auto", "output_nlf", "num_low_auto", "num_low_nlf", "mask")},
                  os.path.join(out, "varnet_tiny_%s_expected.safetensors" % stem),
                  {"file": name, "weights": "varnet_tiny.safetensors", "mask_func": "EquiSpacedMaskFunc([0.08],[4])",
                   "use_seed": "true", "generator": "torch " + torch.__version__})
        info.update(num_low_auto=res["num_low_auto"].tolist(), num_low_nlf=res["num_low_nlf"].tolist(),
                    mask_sampled_columns=int(res["mask"].sum()), output_auto_range=rng(res["output_auto"]),
                    output_nlf_range=rng(res["output_nlf"]),
                    expected="varnet_tiny_%s_expected.safetensors" % stem)
        print(name, json.dumps(info))

    # one training step, as the paper's train_model, from the saved state
    step_model = R.VarNet(**ARCHS["tiny"])
    step_model.load_state_dict(state, strict=True)
    step_model.train()
    criterion = R.SSIMLoss()
    optimizer = torch.optim.Adam(step_model.parameters(), lr=1e-3)
    sample = next(iter(paper_loader(R, os.path.join(out, "padded_brain.h5"))))
    optimizer.zero_grad(set_to_none=True)
    outputs = forward(R, step_model, sample, "auto").unsqueeze(-3)           # (1, 1, h, w)
    targets, maxval = sample.target[0].unsqueeze(-3), sample.max_value       # (1, 1, h, w), (1,) float64
    loss = criterion(outputs, targets, maxval)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in step_model.named_parameters()}
    total = torch.nn.utils.clip_grad_norm_(step_model.parameters(), max_norm=1, norm_type=2.)
    optimizer.step()
    tensors = {"loss": loss.detach().to(torch.float64).reshape(1),
               "grad_norm": total.detach().to(torch.float64).reshape(1)}
    tensors.update({"grad." + n: g for n, g in grads.items()})
    tensors.update({"updated." + n: t for n, t in step_model.state_dict().items()})
    save_file(tensors, os.path.join(out, "varnet_tiny_step.safetensors"),
              {"file": "padded_brain.h5", "slice": "0", "mode": "auto", "loss": "fastmri.losses.SSIMLoss",
               "clip_grad_norm": "1.0", "optimizer": "Adam(lr=1e-3)", "loss_dtype": str(loss.dtype),
               "generator": "torch " + torch.__version__})
    step = dict(file="padded_brain.h5", slice=0, loss=float(loss), loss_dtype=str(loss.dtype),
                maxval_dtype=str(maxval.dtype), output_shape=list(outputs.shape), grad_norm=float(total),
                lr=1e-3, max_norm=1.0)
    print("step", json.dumps(step))

    counts = {}
    for arch, cfg in ARCHS.items():
        torch.manual_seed(0)
        counts[arch] = dict(cfg, params=n_params(R.VarNet(**cfg)))
        print("%s params %d" % (arch, counts[arch]["params"]))
    report = dict(torch=torch.__version__, fastmri="v0.3.0 source checkout",
                  params=counts, tiny=dict(ARCHS["tiny"], dc_weights=DC_WEIGHTS, params=n_params(model),
                                           weights="varnet_tiny.safetensors"),
                  mask=dict(func="EquiSpacedMaskFunc", center_fractions=CENTER_FRACTIONS,
                            accelerations=ACCELERATIONS, use_seed=True, seed="tuple(map(ord, file_name))"),
                  files=files, step=dict(step, golden="varnet_tiny_step.safetensors"))
    with open(os.path.join(out, "varnet_reference.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


def check(R, weights, arch, h5, expected, mode):
    model = R.VarNet(**parse_arch(arch)).eval()
    model.load_state_dict(load_file(weights), strict=True)
    ours, nlfs, info = direct_outputs(R, model, h5, mode)
    print("%s mode=%s num_low=%s padding=[%d,%d) recon=%s" % (h5, mode, nlfs, info["padding_left"],
                                                              info["padding_right"], info["recon_size"]))
    worst = 0.0
    for e in expected:
        if e.endswith(".safetensors"):
            ref = load_file(e)["output_" + mode]
        else:
            with h5py.File(e, "r") as f:
                ref = torch.from_numpy(f["reconstruction"][()])
        o = ours
        if tuple(ref.shape[-2:]) != tuple(o.shape[-2:]):
            o = R.center_crop(o, tuple(ref.shape[-2:]))
        d = (o - ref.to(o.dtype)).abs()
        rel = d.max().item() / max(ref.abs().max().item(), 1e-30)
        worst = max(worst, rel)
        print("%s: max abs diff %.3g, relative to max |ref| %.3g, mean abs diff %.3g"
              % (e, d.max().item(), rel, d.mean().item()))
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fastmri-src", help="fastMRI v0.3.0 checkout (default: $FASTMRI_SRC)")
    ap.add_argument("--paper-src", help="mri_data_diversity checkout (default: $PAPER_SRC)")
    ap.add_argument("--sample", default=str(SAMPLE), help="source multi-coil file for make (default: %(default)s)")
    ap.add_argument("--mode", choices=["auto", "nlf"], default="auto", help="check: ACS detection mode")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1, for reproducible goldens)")
    ap.add_argument("cmd", choices=["make", "check"])
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    R = load_refs(a.fastmri_src, a.paper_src)
    if a.cmd == "make":
        make(R, a.args[0], a.sample)
    else:
        if len(a.args) < 4:
            ap.error("check WEIGHTS.safetensors ARCH FILE.h5 EXPECTED...")
        check(R, a.args[0], a.args[1], a.args[2], a.args[3:], a.mode)


if __name__ == "__main__":
    main()
