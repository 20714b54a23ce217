#!/usr/bin/python3
"""Arrays for the `convert` tests, written by numpy, scipy.io and h5py as a user's Python would write them.

One complex k-space, (slices=2, coils=3, H=16, W=12), saved as:
  k_schw.npy     complex64, C order, layout SCHW
  k_fortran.npy  complex128, Fortran order, layout SCHW
  k_hwc.mat      MATLAB v5 (scipy.io.savemat), variable 'kdata' = slice 0 as (H, W, C), layout HWC
  k_v73.mat      MATLAB v7.3 (HDF5 with MATLAB's 512-byte header), variable 'kdata' of MATLAB size (H, W, C, S):
                 stored, as MATLAB does, with the dimensions reversed and complex numbers as a {real, imag} compound
  img_chw.npy    complex64 coil images of slice 0, (C, H, W): convert with --image-domain
and the expected targets, computed here with numpy (root-sum-of-squares over coils of the centred orthonormal
inverse FFT): target_schw.npy (2, 16, 12) float32, target_slice0.npy (1, 16, 12).

  /usr/bin/python3 tools/golden/gen_convert_vectors.py src/test/resources/convert
"""
import os
import sys

import h5py
import numpy as np
import scipy.io

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(19)
S, C, H, W = 2, 3, 16, 12
k = (rng.standard_normal((S, C, H, W)) + 1j * rng.standard_normal((S, C, H, W))).astype(np.complex64)


def ifft2c(x):
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(x, axes=(-2, -1)), norm="ortho"), axes=(-2, -1))


def rss_target(kk):
    return np.ascontiguousarray(np.sqrt((np.abs(ifft2c(kk.astype(np.complex128))) ** 2).sum(axis=-3)).astype(np.float32))


np.save(os.path.join(out, "k_schw.npy"), k)
np.save(os.path.join(out, "k_fortran.npy"), np.asfortranarray(k.astype(np.complex128)))
scipy.io.savemat(os.path.join(out, "k_hwc.mat"), {"kdata": np.transpose(k[0], (1, 2, 0)).astype(np.complex128)})

hwcs = np.transpose(k, (2, 3, 1, 0)).astype(np.complex128)  # MATLAB size (H, W, C, S)
path = os.path.join(out, "k_v73.mat")
with h5py.File(path, "w", userblock_size=512) as f:
    cplx = np.dtype([("real", "<f8"), ("imag", "<f8")])
    stored = np.empty(hwcs.shape[::-1], dtype=cplx)  # HDF5 holds MATLAB's column-major array with reversed dims
    t = np.transpose(hwcs)
    stored["real"], stored["imag"] = t.real, t.imag
    d = f.create_dataset("kdata", data=stored)
    d.attrs["MATLAB_class"] = np.bytes_("double")
header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
with open(path, "r+b") as f:
    f.write(header.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM")

img = ifft2c(k[0].astype(np.complex128)).astype(np.complex64)
np.save(os.path.join(out, "img_chw.npy"), np.ascontiguousarray(img))
np.save(os.path.join(out, "target_schw.npy"), rss_target(k))
np.save(os.path.join(out, "target_slice0.npy"), rss_target(k[:1]))
print("wrote", sorted(os.listdir(out)))
