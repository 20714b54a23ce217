#!/usr/bin/env python3
"""Independent zero-fill + metrics on the shipped real k-space, written from fastMRI's conventions with
numpy/h5py/scikit-image: test-time equispaced mask seeded from the file name, mask * k + 0.0 with the
header's padding, ifft2c, centre crop to the target, |.|, RSS, then fastMRI's SSIM/PSNR/NMSE. For the 16-coil
phantom at 4x, also the SSIM of two pathology-style boxes (one large, one small enough to be upscaled), computed
as gen_box_ssim_vectors.py defines it.

    python3 tools/golden/gen_zerofill_vectors.py samples/real-kspace src/test/resources/golden/zerofill.json
"""
import glob
import json
import os
import re
import sys

import h5py
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_box_ssim_vectors import box_ssim  # noqa: E402

# (x, y, width, height) on slice 0 of pulseq_phantom_16ch.h5, as CliTest's boxes file names them
PHANTOM_BOXES = [(40, 50, 30, 20), (60, 60, 4, 3)]


def equispaced(fname, w, acc, cf):
    rng = np.random.RandomState(tuple(map(ord, fname)))
    num_low = round(w * cf)
    mask = np.zeros(w, dtype=np.float32)
    pad = (w - num_low + 1) // 2
    mask[pad:pad + num_low] = 1
    offset = rng.randint(0, round(acc))
    mask[offset::acc] = 1
    return mask, num_low


def padding(xml, w):
    center = int(re.search(r"<kspace_encoding_step_1>.*?<center>(\d+)</center>", xml, re.S).group(1))
    maximum = int(re.search(r"<kspace_encoding_step_1>.*?<maximum>(\d+)</maximum>", xml, re.S).group(1))
    enc_y = int(re.search(r"<encodedSpace>.*?<y>(\d+)</y>", xml, re.S).group(1))
    left = enc_y // 2 - center
    return left, left + maximum + 1


def main(folder, out):
    cases = []
    for path in sorted(glob.glob(os.path.join(folder, "*.h5"))):
        name = os.path.basename(path)
        with h5py.File(path, "r") as f:
            k = f["kspace"][()]
            target = f["reconstruction_rss"][()]
            xml = f["ismrmrd_header"][()].decode()
        for acc, cf in [(4, 0.08), (8, 0.04)]:
            w = k.shape[-1]
            mask, num_low = equispaced(name, w, acc, cf)
            left, right = padding(xml, w)
            mask[:left] = 0
            mask[right:] = 0
            mk = k * mask.reshape(1, 1, 1, w) + 0.0
            ax = (-2, -1)
            img = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(mk, axes=ax), norm="ortho"), axes=ax)
            h, ww = target.shape[-2:]
            top, lft = (img.shape[-2] - h) // 2, (img.shape[-1] - ww) // 2
            img = img[..., top:top + h, lft:lft + ww]
            recon = np.sqrt((np.abs(img) ** 2).sum(1)).astype(np.float32)
            t64, r64 = target.astype(np.float64), recon.astype(np.float64)
            maxval = float(target.max())
            ssim = float(np.mean([structural_similarity(t64[s], r64[s], data_range=maxval) for s in range(t64.shape[0])]))
            cases.append({
                "file": name, "acceleration": acc, "center_fraction": cf, "num_low_frequencies": num_low,
                "ssim": ssim,
                "psnr": float(peak_signal_noise_ratio(t64, r64, data_range=maxval)),
                "nmse": float(np.linalg.norm(t64 - r64) ** 2 / np.linalg.norm(t64) ** 2),
                "recon_sum": float(r64.sum()),
            })
            if name == "pulseq_phantom_16ch.h5" and acc == 4:
                cases[-1]["boxes"] = [{"x": x, "y": y, "width": bw, "height": bh,
                                       "ssim": box_ssim(target[0], recon[0], x, y, bw, bh, maxval)[0]}
                                      for x, y, bw, bh in PHANTOM_BOXES]
    with open(out, "w") as f:
        json.dump({"cases": cases}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
