#!/usr/bin/env python3
"""robustmri's l1-wavelet baseline beside BART's on the same masked k-space (run by bench/cs_vs_bart.sh).

    /usr/bin/python3 bench/cs_vs_bart.py DATA_DIR ROBUSTMRI_OUT OUT_DIR LAMBDAS ITERATIONS ROBUSTMRI_SECONDS...

DATA_DIR holds fastMRI-layout files; ROBUSTMRI_OUT/<variant>/lambda-L/<file> are robustmri's reconstructions of them
(one folder per variant: `default` with ESPIRiT crop 0.8 as BART's ecalib, `c0` uncropped), ROBUSTMRI_SECONDS the wall time of each variant's run, in order.
For every file this script builds robustmri's test-time mask (`robustmri mask --seed-from FILE`, the same call
`reconstruct` makes), runs BART 0.8 (`ecalib -m1`, `ecalib -m1 -c0`, then `pics -l1 -r L -i ITERATIONS` per lambda,
one process each, timed) and scores both tools the same way: the magnitude centre-cropped to the target, one
least-squares intensity factor per slice (argmin_a ||a x - t||), then fastMRI's SSIM (skimage, 7x7 window, data range
the target volume's maximum, mean over slices) and PSNR. Prints, per file and tool, the best lambda with its SSIM and
PSNR, and the seconds per slice and lambda (maps included, JVM start included for robustmri).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
from skimage.metrics import structural_similarity, peak_signal_noise_ratio

HERE = os.path.dirname(os.path.abspath(__file__))
ROBUSTMRI = os.path.join(HERE, "..", "robustmri")


def write_cfl(base, arr):
    """(H, W, C) complex -> BART [H, W, 1, C] (readout first, as `robustmri export --format cfl`)."""
    h, w, c = arr.shape
    with open(base + ".hdr", "w") as f:
        f.write("# Dimensions\n%d %d 1 %d 1\n" % (h, w, c))
    np.asfortranarray(arr.reshape(h, w, 1, c)).astype(np.complex64).ravel(order="F").tofile(base + ".cfl")


def read_cfl(base):
    with open(base + ".hdr") as f:
        f.readline()
        dims = [int(d) for d in f.readline().split()]
    return np.fromfile(base + ".cfl", dtype=np.complex64).reshape(dims, order="F")


def mask_of(name, width):
    out = subprocess.run([ROBUSTMRI, "mask", "--type", "equispaced", "--accelerations", "4", "--center-fractions", "0.08",
                          "--width", str(width), "--seed-from", name], check=True, capture_output=True, text=True).stdout
    return np.array([c == "1" for c in out.splitlines()[0].strip()], dtype=np.float32)


def crop(x, h, w):
    top, left = (x.shape[-2] - h) // 2, (x.shape[-1] - w) // 2
    return x[..., top:top + h, left:left + w]


def score(recon, target):
    # one least-squares factor per slice: BART scales each slice's data by its own factor and does not scale back
    a = (recon * target).sum(axis=(1, 2)) / np.maximum((recon * recon).sum(axis=(1, 2)), 1e-30)
    x = a[:, None, None] * recon
    rng = float(target.max())
    ssim = np.mean([structural_similarity(t, r, data_range=rng) for t, r in zip(target, x)])
    return ssim, peak_signal_noise_ratio(target, x, data_range=rng)


def bart(*args):
    subprocess.run(["bart", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    data, rout, out, lambdas, iters = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5]
    variants = sorted(d for d in os.listdir(rout) if os.path.isdir(os.path.join(rout, d)))
    seconds = dict(zip(["default", "c0"], [float(s) for s in sys.argv[6:]]))
    files = sorted(f for f in os.listdir(data) if f.endswith(".h5"))
    total_slices = 0
    rows = []
    bart_seconds = {"default": 0.0, "c0": 0.0}
    for name in files:
        with h5py.File(os.path.join(data, name), "r") as f:
            k = f["kspace"][()]
            if k.dtype != np.complex64:     # robustmri writes complex k-space as float pairs (..., 2)
                k = k[..., 0] + 1j * k[..., 1]
            target = f["reconstruction_rss"][()].astype(np.float64)
        s, c, h, w = k.shape
        total_slices += s
        m = mask_of(name, w)
        best = {}
        for maps_name, extra in (("default", []), ("c0", ["-c0"])):
            recons = {l: [] for l in lambdas}
            with tempfile.TemporaryDirectory() as d:
                p = lambda n: os.path.join(d, n)  # noqa: E731
                for i in range(s):
                    write_cfl(p("k"), np.transpose(k[i] * m[None, None, :], (1, 2, 0)))
                    t0 = time.time()
                    bart("ecalib", "-m1", *extra, p("k"), p("maps"))
                    for l in lambdas:
                        bart("pics", "-l1", "-r", l, "-i", iters, p("k"), p("maps"), p("x"))
                        recons[l].append(np.abs(read_cfl(p("x")).reshape(h, w)))
                    bart_seconds[maps_name] += time.time() - t0
            scores = {l: score(crop(np.array(recons[l], dtype=np.float64), *target.shape[1:]), target) for l in lambdas}
            lb = max(lambdas, key=lambda l: scores[l][0])
            best["BART " + ("ecalib -m1" if maps_name == "default" else "ecalib -m1 -c0")] = (lb, *scores[lb])
        for v in variants:
            scores = {}
            for l in lambdas:
                with h5py.File(os.path.join(rout, v, "lambda-" + l, name), "r") as f:
                    scores[l] = score(f["reconstruction"][()].astype(np.float64), target)
            lb = max(lambdas, key=lambda l: scores[l][0])
            best["robustmri " + ("cs-wavelet:crop=0.8" if v == "default" else "cs-wavelet (crop=0)")] = (lb, *scores[lb])
        for tool, (lb, ssim, psnr) in best.items():
            rows.append({"file": name, "tool": tool, "lambda": lb, "ssim": ssim, "psnr": psnr})
    per = {"BART ecalib -m1": bart_seconds["default"], "BART ecalib -m1 -c0": bart_seconds["c0"],
           "robustmri cs-wavelet:crop=0.8": seconds.get("default"), "robustmri cs-wavelet (crop=0)": seconds.get("c0")}
    n = total_slices * len(lambdas)
    print("%-40s %-30s %-8s %-7s %-8s %s" % ("file", "tool", "lambda", "SSIM", "PSNR", "s per slice and lambda"))
    for r in rows:
        sec = per.get(r["tool"])
        print("%-40s %-30s %-8s %.4f  %5.2f dB %s" % (r["file"], r["tool"], r["lambda"], r["ssim"], r["psnr"],
                                                     "%.3f" % (sec / n) if sec is not None else "-"))
    for tool, sec in per.items():
        if sec is not None:
            print("%-30s %.1f s for %d slices x %d lambdas: %.3f s each" % (tool, sec, total_slices, len(lambdas), sec / n))
    with open(os.path.join(out, "cs_vs_bart.json"), "w") as f:
        json.dump({"rows": rows, "seconds": per, "slices": total_slices, "lambdas": lambdas, "iterations": iters}, f, indent=1)


if __name__ == "__main__":
    main()
