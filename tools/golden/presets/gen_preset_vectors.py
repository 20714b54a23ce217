#!/usr/bin/python3
"""
Generate small test vectors for the dataset converters of
Lin & Heckel, "Robustness of Deep Learning for Accelerated MRI: Benefits of
Diverse Training Data" (ICML 2024), repository MLI-lab/mri_data_diversity.

The paper's converters are imported *unchanged* from a checkout of the paper's
repository (--paper-src, its convert_datasets/ folder) and run end-to-end through
their own `cli_main(args)` on small constructed input files.  Only I/O boundaries are
replaced:
  * `ismrmrd` (python package not installable here) -> ismrmrd_io_stub.py,
    a reader for an ISMRMRD-like HDF5 file that this script writes;
  * 7T/convert.py calls `file.split('/')` on a pathlib.Path (AttributeError in
    the published script); its module-level name `pathlib` is replaced by a
    shim whose Path(dir).glob() yields plain str paths.  No numeric code is
    touched.
  * `fastmri` (needed by 7T/convert.py) is imported from the real fastMRI
    source at tag v0.3.0 (the version pinned in the paper's README), a checkout
    given as --fastmri-src.

Outputs (under --work): <preset>.npz, <preset>.json, index.json and the HDF5
input/output files under h5/<preset>/{in,out}/; then --pack copies, for each of
robustmri's presets, the source file(s) and the paper's final output (after the
flip the paper's data folder went through) to PACK/<case>/{in,expected}/:

  /usr/bin/python3 tools/golden/presets/gen_preset_vectors.py --paper-src P --fastmri-src F \
      --work WORK --pack src/test/resources/presets
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import types
import warnings


sys.dont_write_bytecode = True  # keep the checkout pristine
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore")

import numpy as np
import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
_cli = argparse.ArgumentParser(description=__doc__.splitlines()[1])
_cli.add_argument("--paper-src", required=True, help="checkout of MLI-lab/mri_data_diversity")
_cli.add_argument("--fastmri-src", required=True, help="checkout of facebookresearch/fastMRI at v0.3.0")
_cli.add_argument("--work", required=True, help="folder for the vectors and HDF5 files")
_cli.add_argument("--pack", help="copy the test cases robustmri's presets are checked on into this folder")
_cli.add_argument("--paper-commit", default="6423b18db795a4d664a199c2e5144cdea486c686")
ARGS = _cli.parse_args()
SRC = os.path.join(ARGS.paper_src, "convert_datasets")
FASTMRI_SRC = ARGS.fastmri_src
VEC = ARGS.work
H5DIR = os.path.join(VEC, "h5")

sys.path.insert(0, HERE)
import ismrmrd_io_stub  # noqa: E402

ismrmrd_io_stub.install()

PAPER_REPO = "MLI-lab/mri_data_diversity"
PAPER_COMMIT = ARGS.paper_commit

# ---------------------------------------------------------------------------
# helpers (test harness only; none of the converters' numerics live here)
# ---------------------------------------------------------------------------
_loaded = {}


def load_module(relpath):
    """Import one converter file from the checkout under a unique name."""
    if relpath in _loaded:
        return _loaded[relpath]
    name = "paper_" + relpath.replace("/", "_").replace("-", "_").replace(".py", "")
    spec = importlib.util.spec_from_file_location(name, os.path.join(SRC, relpath))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    _loaded[relpath] = mod
    return mod


def fresh_dirs(preset):
    base = os.path.join(H5DIR, preset)
    if os.path.exists(base):
        shutil.rmtree(base)
    din, dout = os.path.join(base, "in"), os.path.join(base, "out")
    os.makedirs(din)
    os.makedirs(dout)
    return din, dout


def run_cli(relpath, indir, outdir, **extra):
    mod = load_module(relpath)
    args = argparse.Namespace(input_dir=indir, output_dir=outdir, **extra)
    mod.cli_main(args)
    return mod


def read_h5(path):
    out = {"datasets": {}, "attrs": {}}
    with h5py.File(path, "r") as f:
        for k in f.keys():
            out["datasets"][k] = f[k][()]
        for k, v in f.attrs.items():
            out["attrs"][k] = v
    return out


def jsonable(v):
    if isinstance(v, bytes):
        return v.decode(errors="replace")
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


def h5_layout(path):
    lay = {"datasets": {}, "attrs": {}}
    with h5py.File(path, "r") as f:
        for k in f.keys():
            d = f[k]
            lay["datasets"][k] = {"shape": list(d.shape), "dtype": str(d.dtype)}
        for k, v in f.attrs.items():
            lay["attrs"][k] = {"value": jsonable(v),
                               "dtype": str(getattr(v, "dtype", type(v).__name__))}
    return lay


def put_output(arrays, prefix, path):
    r = read_h5(path)
    for k, v in r["datasets"].items():
        if k == "ismrmrd_header":
            arrays[prefix + k] = np.frombuffer(v if isinstance(v, bytes) else bytes(v), dtype=np.uint8)
        else:
            arrays[prefix + k] = v
    for k, v in r["attrs"].items():
        if isinstance(v, (bytes, str)):
            arrays[prefix + "attr_" + k] = np.frombuffer(
                v if isinstance(v, bytes) else v.encode(), dtype=np.uint8)
        else:
            arrays[prefix + "attr_" + k] = np.asarray(v)
    return h5_layout(path)


def save(preset, arrays, params):
    np.savez_compressed(os.path.join(VEC, preset + ".npz"), **arrays)
    params = dict(params)
    params["preset"] = preset
    params["npz_keys"] = {k: {"shape": list(np.shape(v)), "dtype": str(np.asarray(v).dtype)}
                          for k, v in arrays.items()}
    with open(os.path.join(VEC, preset + ".json"), "w") as f:
        json.dump(params, f, indent=1, default=jsonable)
    INDEX[preset] = {"npz": preset + ".npz", "json": preset + ".json",
                     "script": params.get("script")}
    print(f"[ok] {preset}: " + ", ".join(f"{k}{list(np.shape(v))}" for k, v in arrays.items()))


def crandn(rng, shape, dtype=np.complex64):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


# harness-side centred transforms, used only for the sanity checks in JSON
def _ifft2c(x):
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(x, axes=(-2, -1)), norm="ortho"), axes=(-2, -1))


def flip_checks(k_in, k_out):
    """How the k-space flip of convert_flip acts in image space."""
    im_in = _ifft2c(k_in.astype(np.complex128))
    im_out = _ifft2c(k_out.astype(np.complex128))
    ref = np.flip(im_in, axis=-2)
    H = k_in.shape[-2]
    ramp = np.exp(-2j * np.pi * (np.arange(H) + 1) / H)[:, None]
    return {
        "max_abs_diff_|img_out|_vs_flip(|img_in|)": float(np.abs(np.abs(im_out) - np.abs(ref)).max()),
        "max_abs_diff_img_out_vs_flip(img_in)*exp(-2pi i (y+1)/H)": float(np.abs(im_out - ref * ramp).max()),
        "max_abs_img_out": float(np.abs(im_out).max()),
    }


INDEX = {}
ACQ_IDX_FIELDS = ["kspace_encode_step_1", "kspace_encode_step_2", "average", "slice",
                  "contrast", "phase", "repetition", "set", "segment"]


def acq_arrays(acqs):
    data = np.stack([np.asarray(a["data"], np.complex64) for a in acqs])
    idx = np.array([[a["idx"].get(f, 0) for f in ACQ_IDX_FIELDS] for a in acqs], dtype=np.int32)
    return data, idx


# ---------------------------------------------------------------------------
# ISMRMRD-based 2-D FSE converters (Stanford 2D, NYU) and Stanford 3D
# ---------------------------------------------------------------------------
def build_fse2d_input(rng, path, *, S, C, nkx, enc_y, ky_max, ky_center, recon,
                      segments, rec_std, user_long):
    limits = {
        "kspace_encoding_step_1": (0, ky_max, ky_center),
        "kspace_encoding_step_2": (0, 0, 0),
        "slice": (0, S - 1, 0),
        "contrast": (0, 0, 0),
        "phase": (0, 0, 0),
        "segment": (0, segments - 1, 0),
    }
    xml = ismrmrd_io_stub.make_header((nkx, enc_y, 1), (recon[0], recon[1], 1), limits, C,
                                      user_long=user_long)
    num_ky = ky_max + 1
    acqs = []
    for s in range(S):
        for ky in range(num_ky):
            acqs.append({"data": crandn(rng, (C, nkx)),
                         "idx": {"kspace_encode_step_1": ky, "slice": s,
                                 "segment": ky % segments}})
        if segments > 1:  # FSE calibration lines follow the image lines: ky >= num_ky
            for seg in range(segments):
                acqs.append({"data": crandn(rng, (C, nkx)),
                             "idx": {"kspace_encode_step_1": num_ky + seg, "slice": s,
                                     "segment": seg}})
    arrays = {"rec_std": np.asarray(rec_std, np.float32)[None, :]} if rec_std is not None else None
    ismrmrd_io_stub.write_ismrmrd_like(path, xml, acqs, arrays)
    return xml, acqs


def preset_fse2d(preset, script, seed, **kw):
    rng = np.random.default_rng(seed)
    din, dout = fresh_dirs(preset)
    fin = os.path.join(din, preset + "_case0.h5")
    xml, acqs = build_fse2d_input(rng, fin, **kw)
    mod = load_module(script)
    loaded, _, _ = mod.load_ismrmrd_to_np(fin, verbose=False)  # paper's loader
    run_cli(script, din, dout)
    fout = os.path.join(dout, os.path.basename(fin))
    data, idx = acq_arrays(acqs)
    arrays = {"in_acq_data": data, "in_acq_idx": idx,
              "in_xml": np.frombuffer(xml.encode(), np.uint8),
              "mid_loaded_kspace": loaded}
    if kw.get("rec_std") is not None:
        arrays["in_rec_std"] = np.asarray(kw["rec_std"], np.float32)
    layout = put_output(arrays, "out_", fout)
    ky_max, ky_center, enc_y = kw["ky_max"], kw["ky_center"], kw["enc_y"]
    pl = enc_y // 2 - ky_center
    params = {"script": "convert_datasets/" + script, "seed": seed,
              "input_kind": "ISMRMRD-like HDF5 (stubbed reader), acquisitions [C, kx]",
              "in_acq_idx_columns": ACQ_IDX_FIELDS,
              "constructed": {k: v for k, v in kw.items()},
              "scaling_divisor": {"stanford_2d/convert.py": 1e8, "nyu_2d/convert.py": 1.0,
                                  "stanford_3d/convert.py": 1e7}[script],
              "padding_left": pl, "padding_right": pl + ky_max + 1,
              "mid_loaded_kspace_axes": "[phase, echo, slice, coil, kz, ky, kx] (after FSE phase correction if segments>1)",
              "output_layout": layout,
              "input_file": os.path.relpath(fin, VEC), "output_file": os.path.relpath(fout, VEC)}
    save(preset, arrays, params)
    return dout


def preset_stanford3d(preset, seed):
    script = "stanford_3d/convert.py"
    rng = np.random.default_rng(seed)
    din, dout = fresh_dirs(preset)
    fin = os.path.join(din, preset + "_case0.h5")
    S, C, nkx, enc_y = 6, 2, 10, 8
    ky_max, ky_center, kz_max = enc_y, enc_y // 2, 1  # see PRESETS.md: num_ky = maximum (no +1)
    limits = {
        "kspace_encoding_step_1": (0, ky_max, ky_center),
        "kspace_encoding_step_2": (0, kz_max, 0),
        "slice": (0, S - 1, 0),
        "contrast": (0, 0, 0),
        "phase": (0, 0, 0),
    }
    xml = ismrmrd_io_stub.make_header((nkx, enc_y, 1), (nkx, enc_y, 1), limits, C, user_long={})
    acqs = []
    for s in range(S):
        for ky in range(enc_y):
            acqs.append({"data": crandn(rng, (C, nkx)),
                         "idx": {"kspace_encode_step_1": ky, "kspace_encode_step_2": 0, "slice": s}})
        # lines the loader drops: ky == maximum, kz == maximum
        acqs.append({"data": crandn(rng, (C, nkx)),
                     "idx": {"kspace_encode_step_1": ky_max, "kspace_encode_step_2": 0, "slice": s}})
        acqs.append({"data": crandn(rng, (C, nkx)),
                     "idx": {"kspace_encode_step_1": 0, "kspace_encode_step_2": kz_max, "slice": s}})
    ismrmrd_io_stub.write_ismrmrd_like(fin, xml, acqs)
    mod = load_module(script)
    loaded, _, _ = mod.load_ismrmrd_to_np(fin, verbose=False)
    run_cli(script, din, dout)
    fout = os.path.join(dout, os.path.basename(fin))
    data, idx = acq_arrays(acqs)
    arrays = {"in_acq_data": data, "in_acq_idx": idx,
              "in_xml": np.frombuffer(xml.encode(), np.uint8), "mid_loaded_kspace": loaded}
    layout = put_output(arrays, "out_", fout)
    params = {"script": "convert_datasets/" + script, "seed": seed,
              "input_kind": "ISMRMRD-like HDF5 (stubbed reader)",
              "in_acq_idx_columns": ACQ_IDX_FIELDS,
              "constructed": {"S": S, "C": C, "nkx": nkx, "enc_y": enc_y, "ky_max": ky_max,
                              "ky_center": ky_center, "kz_max": kz_max},
              "scaling_divisor": 1e7,
              "padding_left": enc_y // 2 - ky_center, "padding_right": enc_y // 2 - ky_center + ky_max + 1,
              "note": "acquisitions with ky==maximum or kz==maximum are dropped by the loader (num_ky/num_kz = maximum)",
              "output_layout": layout,
              "input_file": os.path.relpath(fin, VEC), "output_file": os.path.relpath(fout, VEC)}
    save(preset, arrays, params)
    return dout


def preset_from_converted(preset, script, src_dir, note=""):
    """Run a converter whose input is another converter's output dir."""
    din, dout = fresh_dirs(preset)
    for f in sorted(os.listdir(src_dir)):
        shutil.copy(os.path.join(src_dir, f), din)
    run_cli(script, din, dout)
    arrays, layouts, checks = {}, {}, {}
    files = sorted(os.listdir(dout))
    multi = len(files) > 1
    for f in files:
        tag = (f.split("_")[0] + "_") if multi else ""
        r_in = read_h5(os.path.join(din, f))
        arrays["in_" + tag + "kspace"] = r_in["datasets"]["kspace"]
        arrays["in_" + tag + "reconstruction_rss"] = r_in["datasets"]["reconstruction_rss"]
        layouts[f] = put_output(arrays, "out_" + tag, os.path.join(dout, f))
        if script == "convert_flip.py":
            checks[f] = flip_checks(r_in["datasets"]["kspace"], arrays["out_" + tag + "kspace"])
    params = {"script": "convert_datasets/" + script, "input_dir": os.path.relpath(din, VEC),
              "output_dir": os.path.relpath(dout, VEC), "output_layout": layouts,
              "checks": checks, "note": note}
    if script == "convert_flip.py":
        params["fourier_shift_call"] = "scipy.ndimage.fourier_shift(kspace, (0,0,-1,0)) after np.flip(kspace, axis=-2)"
    save(preset, arrays, params)
    return dout


# ---------------------------------------------------------------------------
# CC-359
# ---------------------------------------------------------------------------
def preset_cc359(seed):
    rng = np.random.default_rng(seed)
    S, H, W, C = 6, 10, 7, 3
    raw = rng.standard_normal((S, H, W, 2 * C)).astype(np.float32) * 1e8
    outdirs = {}
    for preset, script in (("cc359_ax", "cc-359/convert.py"),
                           ("cc359_cor", "cc-359/convert_cor.py"),
                           ("cc359_sag", "cc-359/convert_sag.py")):
        din, dout = fresh_dirs(preset)
        fin = os.path.join(din, "e00000s0_P00000.7.h5")
        with h5py.File(fin, "w") as f:
            f.create_dataset("kspace", data=raw)
        run_cli(script, din, dout)
        arrays = {"in_kspace": raw}
        layout = put_output(arrays, "out_", os.path.join(dout, os.path.basename(fin)))
        params = {"script": "convert_datasets/" + script, "seed": seed,
                  "input_kind": "HDF5 'kspace' float [slices, H, W, 2*coils] interleaved re/im (re=::2, im=1::2)",
                  "constructed": {"S": S, "H": H, "W": W, "C": C},
                  "scale": 1e-10, "output_layout": layout,
                  "input_file": os.path.relpath(fin, VEC)}
        save(preset, arrays, params)
        outdirs[preset] = dout
    return outdirs


# ---------------------------------------------------------------------------
# M4Raw
# ---------------------------------------------------------------------------
def _rss_img(k):
    return np.sqrt(np.sum(np.abs(_ifft2c(k)) ** 2, axis=1)).astype(np.float32)


def preset_m4raw_gre(seed):
    preset, script = "m4raw_gre_rot", "M4Raw/convert_gre_rot.py"
    rng = np.random.default_rng(seed)
    S, C, H, W, h, w = 2, 3, 16, 48, 12, 40
    k = crandn(rng, (S, C, H, W))
    rss = rng.random((S, h, w)).astype(np.float32)  # only its shape is used by the converter
    hdr = ismrmrd_io_stub.make_header((H, W, 1), (h, w, 1), {"kspace_encoding_step_1": (0, W - 1, W // 2)}, C)
    din, dout = fresh_dirs(preset)
    fin = os.path.join(din, "2022000000_GRE01.h5")
    with h5py.File(fin, "w") as f:
        f.create_dataset("kspace", data=k)
        f.create_dataset("reconstruction_rss", data=rss)
        f.create_dataset("ismrmrd_header", data=hdr.encode())
        f.attrs["acquisition"] = "AXGRE"
        f.attrs["max"] = np.float32(rss.max())
        f.attrs["patient_id"] = "test_patient"
    run_cli(script, din, dout)
    arrays = {"in_kspace": k, "in_reconstruction_rss": rss}
    layout = put_output(arrays, "out_", os.path.join(dout, os.path.basename(fin)))
    params = {"script": "convert_datasets/" + script, "seed": seed,
              "input_kind": "HDF5 (M4Raw/fastMRI layout) kspace [S, C, H, W] complex64",
              "constructed": {"S": S, "C": C, "H": H, "W": W, "rss_h": h, "rss_w": w},
              "roll": -45, "output_layout": layout, "input_file": os.path.relpath(fin, VEC)}
    save(preset, arrays, params)


def build_m4raw_plain(seed):
    """Original-layout M4Raw (T1/T2/FLAIR) file; only convert_flip is applied to it."""
    rng = np.random.default_rng(seed)
    S, C, H, W = 2, 3, 16, 16
    k = crandn(rng, (S, C, H, W))
    rss = _rss_img(k)
    hdr = ismrmrd_io_stub.make_header((H, W, 1), (H, W, 1), {"kspace_encoding_step_1": (0, W - 1, W // 2)}, C)
    d = os.path.join(H5DIR, "m4raw_src")
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    with h5py.File(os.path.join(d, "2022000000_T101.h5"), "w") as f:
        f.create_dataset("kspace", data=k)
        f.create_dataset("reconstruction_rss", data=rss)
        f.create_dataset("ismrmrd_header", data=hdr.encode())
        f.attrs["acquisition"] = "AXT1"
        f.attrs["max"] = np.float32(rss.max())
        f.attrs["patient_id"] = "test_patient"
    return d


# ---------------------------------------------------------------------------
# SKM-TEA
# ---------------------------------------------------------------------------
def preset_skmtea(seed):
    preset, script = "skmtea", "skm-tea/convert.py"
    rng = np.random.default_rng(seed)
    X, KY, KZ, E, C = 8, 10, 7, 2, 3
    k = (crandn(rng, (X, KY, KZ, E, C)) * 1e11).astype(np.complex64)
    din, dout = fresh_dirs(preset)
    fin = os.path.join(din, "MTR_001.h5")
    with h5py.File(fin, "w") as f:
        f.create_dataset("kspace", data=k)
    run_cli(script, din, dout)
    arrays = {"in_kspace": k}
    layouts = {}
    for e in ("E1", "E2"):
        layouts[e] = put_output(arrays, "out_" + e + "_", os.path.join(dout, e + "_MTR_001.h5"))
    params = {"script": "convert_datasets/" + script, "seed": seed,
              "input_kind": "HDF5 'kspace' complex64 [x, ky, kz, echo, coil] (x treated as image domain)",
              "constructed": {"X": X, "KY": KY, "KZ": KZ, "E": E, "C": C},
              "scale_divisor": 1e11, "padding_left": 48, "padding_right": 464,
              "output_layout": layouts, "input_file": os.path.relpath(fin, VEC)}
    save(preset, arrays, params)
    return dout


# ---------------------------------------------------------------------------
# fastMRI prostate T2
# ---------------------------------------------------------------------------
def preset_prostate(seed):
    preset, script = "prostate_t2", "prostate/convert.py"
    rng = np.random.default_rng(seed)
    A, S, C, H = 3, 1, 1, 330
    enc_y, ky_max, ky_center = 324, 299, 160
    W = ky_max + 1
    k = crandn(rng, (A, S, C, H, W))
    limits = {"kspace_encoding_step_1": (0, ky_max, ky_center), "kspace_encoding_step_2": (0, 0, 0),
              "slice": (0, S - 1, 0), "average": (0, A - 1, 0)}
    hdr = ismrmrd_io_stub.make_header((H, enc_y, 1), (320, 320, 1), limits, C)
    din, dout = fresh_dirs(preset)
    fin = os.path.join(din, "file_prostate_AXT2_0000.h5")
    with h5py.File(fin, "w") as f:
        f.create_dataset("kspace", data=k)
        f.create_dataset("ismrmrd_header", data=hdr.encode())
        f.attrs["acquisition"] = "AXT2"
        f.attrs["patient_id"] = "test_patient"
    run_cli(script, din, dout)
    arrays = {"in_kspace": k, "in_xml": np.frombuffer(hdr.encode(), np.uint8)}
    layout = put_output(arrays, "out_", os.path.join(dout, os.path.basename(fin)))
    pl = enc_y // 2 - ky_center
    params = {"script": "convert_datasets/" + script, "seed": seed,
              "input_kind": "HDF5 'kspace' complex64 [average(3), slice, coil, readout, phase] + ismrmrd_header",
              "constructed": {"A": A, "S": S, "C": C, "H": H, "W": W, "enc_y": enc_y,
                              "ky_max": ky_max, "ky_center": ky_center},
              "padding_left": pl, "padding_right": pl + ky_max + 1, "target_crop": [320, 320],
              "output_layout": layout, "input_file": os.path.relpath(fin, VEC)}
    save(preset, arrays, params)


# ---------------------------------------------------------------------------
# 7T MP2RAGE-ME
# ---------------------------------------------------------------------------
class _StrGlobPath:
    """Shim for 7T/convert.py: Path(dir).glob() yields str (the script calls file.split('/'))."""

    def __init__(self, d):
        self._d = str(d)

    def glob(self, pattern):
        import glob as _g
        return sorted(_g.glob(os.path.join(self._d, pattern)))


def preset_7t(seed):
    script = "7T/convert.py"
    if FASTMRI_SRC not in sys.path:
        sys.path.insert(0, FASTMRI_SRC)
    import fastmri  # noqa: F401  (real fastMRI v0.3.0 source)
    mod = load_module(script)
    mod.pathlib = types.SimpleNamespace(Path=_StrGlobPath)  # I/O shim, see module docstring
    rng = np.random.default_rng(seed)
    nX, nY, nZ, C = 10, 8, 7, 2
    limits = {"kspace_encoding_step_1": (0, nY - 1, nY // 2), "kspace_encoding_step_2": (0, nZ - 1, nZ // 2),
              "slice": (0, 0, 0)}
    xml = ismrmrd_io_stub.make_header((nX, nY, nZ), (nX, nY, nZ), limits, C, field_T=7.0)
    acqs = []
    for kz in range(nZ):
        for ky in range(nY):
            acqs.append({"data": (crandn(rng, (C, nX)) * 1e14).astype(np.complex64),
                         "idx": {"kspace_encode_step_1": ky, "kspace_encode_step_2": kz}})
    din, dout = fresh_dirs("7T")
    fin = os.path.join(din, "mp2rageme_000_inv2_te1.h5")
    ismrmrd_io_stub.write_ismrmrd_like(fin, xml, acqs)
    mod.cli_main(argparse.Namespace(input_dir=din, output_dir=dout + "/", device="cpu"))
    data, idx = acq_arrays(acqs)
    for view in ("sag", "cor", "ax"):
        preset = "7T_" + view
        arrays = {"in_acq_data": data, "in_acq_idx": idx, "in_xml": np.frombuffer(xml.encode(), np.uint8)}
        layout = put_output(arrays, "out_", os.path.join(dout, view, os.path.basename(fin)))
        params = {"script": "convert_datasets/" + script, "seed": seed,
                  "input_kind": "ISMRMRD-like HDF5 (stubbed reader), acquisitions [C, nX] at (ky, kz)",
                  "in_acq_idx_columns": ACQ_IDX_FIELDS,
                  "constructed": {"nX": nX, "nY": nY, "nZ": nZ, "C": C},
                  "scale_divisor": 1e14, "view": view,
                  "permute_of_[C,X,Y,Z,re/im]": {"sag": [1, 0, 3, 2, 4], "cor": [2, 0, 3, 1, 4],
                                                  "ax": [3, 0, 2, 1, 4]}[view],
                  "fastmri_source": "facebookresearch/fastMRI tag v0.3.0 (84ab6e5)",
                  "shim": "module-level pathlib replaced so that Path(dir).glob() yields str (script bug: file.split)",
                  "output_layout": layout, "input_file": os.path.relpath(fin, VEC)}
        save(preset, arrays, params)


# ---------------------------------------------------------------------------
def main():
    os.makedirs(VEC, exist_ok=True)
    os.makedirs(H5DIR, exist_ok=True)

    # Stanford 2D FSE (with FSE calibration -> Ahn-Cho phase correction, rec_std weighting)
    s2d = preset_fse2d("stanford2d", "stanford_2d/convert.py", 1,
                       S=2, C=3, nkx=16, enc_y=12, ky_max=9, ky_center=5, recon=(12, 10),
                       segments=2, rec_std=[1.0, 2.0, 0.5], user_long={"ChopY": 1})
    preset_from_converted("stanford2d_flip", "convert_flip.py", s2d)

    # NYU (mridata) - same code path, scaling 1
    nyu = preset_fse2d("nyu2d", "nyu_2d/convert.py", 2,
                       S=2, C=4, nkx=12, enc_y=14, ky_max=9, ky_center=6, recon=(10, 14),
                       segments=1, rec_std=None, user_long={})
    preset_from_converted("nyu2d_flip", "convert_flip.py", nyu,
                          note="README says nyu_2d goes through convert_flip; the CSVs point at nyu_2d/data/ (no _flip)")
    # exercise the ChopY sign alternation branch (ChopY=0 -> (-1)**ky)
    preset_fse2d("nyu2d_chopy0", "nyu_2d/convert.py", 3,
                 S=1, C=2, nkx=12, enc_y=10, ky_max=9, ky_center=5, recon=(12, 10),
                 segments=1, rec_std=None, user_long={"ChopY": 0})

    # Stanford 3D FSE: sagittal (convert.py), then axial / coronal from the converted data
    s3d = preset_stanford3d("stanford3d_sag", 4)
    ax = preset_from_converted("stanford3d_ax", "stanford_3d/convert_ax.py", s3d)
    cor = preset_from_converted("stanford3d_cor", "stanford_3d/convert_cor.py", s3d)
    preset_from_converted("stanford3d_sag_flip", "convert_flip.py", s3d)
    preset_from_converted("stanford3d_ax_flip", "convert_flip.py", ax)
    preset_from_converted("stanford3d_cor_flip", "convert_flip.py", cor)

    # CC-359
    cc = preset_cc359(5)
    for view in ("ax", "cor", "sag"):
        preset_from_converted(f"cc359_{view}_flip", "convert_flip.py", cc[f"cc359_{view}"])

    # M4Raw
    preset_m4raw_gre(6)
    preset_from_converted("m4raw_flip", "convert_flip.py", build_m4raw_plain(7),
                          note="M4Raw T1/T2/FLAIR: original files go through convert_flip only")

    # SKM-TEA
    sk = preset_skmtea(8)
    preset_from_converted("skmtea_flip", "convert_flip.py", sk,
                          note="README says skm-tea goes through convert_flip; CSVs point at skm-tea/data_sag/ (no _flip)")

    # fastMRI prostate T2
    preset_prostate(9)

    # 7T MP2RAGE-ME
    try:
        preset_7t(10)
    except Exception as e:  # keep the other presets if torch/fastmri is missing
        print("[FAILED] 7T:", repr(e))
        INDEX["7T"] = {"error": repr(e)}

    with open(os.path.join(VEC, "index.json"), "w") as f:
        json.dump({"paper_repo": PAPER_REPO, "paper_commit": PAPER_COMMIT,
                   "numpy": np.__version__, "h5py": h5py.__version__,
                   "presets": INDEX}, f, indent=1)
    print("wrote", len(INDEX), "presets to", VEC)
    if ARGS.pack:
        pack(ARGS.pack)


# robustmri preset -> (the paper's first-stage input folder, the folder of its final output)
PACKED = {
    "stanford2d": ("stanford2d/in", "stanford2d_flip/out"),
    "nyu": ("nyu2d/in", "nyu2d/out"),
    "nyu-chopy0": ("nyu2d_chopy0/in", "nyu2d_chopy0/out"),
    "stanford3d": ("stanford3d_sag/in", "stanford3d_sag_flip/out"),
    "stanford3d-ax": ("stanford3d_sag/in", "stanford3d_ax_flip/out"),
    "stanford3d-cor": ("stanford3d_sag/in", "stanford3d_cor_flip/out"),
    "cc359": ("cc359_ax/in", "cc359_ax_flip/out"),
    "cc359-cor": ("cc359_cor/in", "cc359_cor_flip/out"),
    "cc359-sag": ("cc359_sag/in", "cc359_sag_flip/out"),
    "m4raw": ("m4raw_flip/in", "m4raw_flip/out"),
    "m4raw-gre": ("m4raw_gre_rot/in", "m4raw_gre_rot/out"),
    "skmtea": ("skmtea/in", "skmtea/out"),
    "7t": ("7T/in", "7T/out/sag"),
    "7t-cor": ("7T/in", "7T/out/cor"),
    "7t-ax": ("7T/in", "7T/out/ax"),
    "prostate": ("prostate_t2/in", "prostate_t2/out"),
}


def pack(dest):
    for case, (src_in, src_out) in PACKED.items():
        for sub, src in (("in", src_in), ("expected", src_out)):
            d = os.path.join(dest, case, sub)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            for n in sorted(os.listdir(os.path.join(H5DIR, src))):
                if n.endswith(".h5"):
                    shutil.copy(os.path.join(H5DIR, src, n), os.path.join(d, n))
    print("packed", len(PACKED), "cases to", dest)


if __name__ == "__main__":
    main()
