#!/usr/bin/env python3
"""Reference for the per-slice input pipeline benchmark, in Python with Debian's python3-torch and python3-h5py.

    python3 bench/pipeline_reference.py make OUT.h5      # a fastMRI-sized volume: 16 x 15 x 640 x 368 complex64
    python3 bench/pipeline_reference.py run FILE.h5 [--repeats 3] [--threads 2]

Per slice it does what fastMRI's UnetDataTransform does: read the slice from HDF5, apply the test-time
equispaced 4x/0.08 mask seeded from the file name (mask * k + 0.0), ifft2c, complex centre crop to 320x320,
magnitude, root-sum-of-squares over coils. Prints slices per second and the peak resident memory.
"""
import argparse
import os
import resource
import time

import h5py
import numpy as np
import torch


def header_xml(h, w, coils):
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ismrmrdHeader xmlns=\"http://www.ismrm.org/ISMRMRD\">"
            "<measurementInformation><protocolName>CORPD_FBK</protocolName></measurementInformation>"
            "<acquisitionSystemInformation><systemVendor>SimVendor</systemVendor><systemModel>Bench</systemModel>"
            "<systemFieldStrength_T>3.0</systemFieldStrength_T><receiverChannels>%d</receiverChannels>"
            "<institutionName>benchmark</institutionName></acquisitionSystemInformation>"
            "<encoding><encodedSpace><matrixSize><x>%d</x><y>%d</y><z>1</z></matrixSize></encodedSpace>"
            "<reconSpace><matrixSize><x>320</x><y>320</y><z>1</z></matrixSize></reconSpace>"
            "<encodingLimits><kspace_encoding_step_1><minimum>0</minimum><maximum>%d</maximum><center>%d</center>"
            "</kspace_encoding_step_1></encodingLimits></encoding></ismrmrdHeader>") % (coils, h, w, w - 1, w // 2)


def make(out, slices=16, coils=15, h=640, w=368):
    rng = np.random.RandomState(0)
    with h5py.File(out, "w") as f:
        ds = f.create_dataset("kspace", shape=(slices, coils, h, w), dtype=np.complex64)
        for s in range(slices):
            ds[s] = (rng.standard_normal((coils, h, w)) + 1j * rng.standard_normal((coils, h, w))).astype(np.complex64)
        f.create_dataset("reconstruction_rss", data=np.zeros((slices, 320, 320), np.float32))
        f.create_dataset("ismrmrd_header", data=header_xml(h, w, coils).encode())
        f.attrs["acquisition"] = "CORPD_FBK"
        f.attrs["max"] = 0.0
        f.attrs["norm"] = 0.0
        f.attrs["patient_id"] = "bench"


def equispaced_mask(fname, w, acc=4, cf=0.08):
    rng = np.random.RandomState(tuple(map(ord, fname)))
    num_low = round(w * cf)
    mask = np.zeros(w, dtype=np.float32)
    pad = (w - num_low + 1) // 2
    mask[pad:pad + num_low] = 1
    offset = rng.randint(0, round(acc))
    mask[offset::acc] = 1
    return mask


def fft_ifft2c(x):
    x = torch.fft.ifftshift(x, dim=(-2, -1))
    x = torch.fft.ifft2(x, dim=(-2, -1), norm="ortho")
    return torch.fft.fftshift(x, dim=(-2, -1))


def run(path, repeats, threads):
    torch.set_num_threads(threads)
    name = os.path.basename(path)
    rates = []
    for _ in range(repeats):
        with h5py.File(path, "r") as f:
            ks = f["kspace"]
            n = ks.shape[0]
            mask = torch.from_numpy(equispaced_mask(name, ks.shape[-1])).reshape(1, 1, -1, 1)
            t0 = time.perf_counter()
            checksum = 0.0
            for s in range(n):
                k = torch.view_as_real(torch.from_numpy(ks[s]))       # (C, H, W, 2), like fastmri.to_tensor
                k = k * mask + 0.0
                img = fft_ifft2c(torch.view_as_complex(k))
                h, w = img.shape[-2:]
                top, left = (h - 320) // 2, (w - 320) // 2
                img = img[..., top:top + 320, left:left + 320]
                rss = torch.sqrt((torch.view_as_real(img) ** 2).sum(-1).sum(0))
                checksum += float(rss[160, 160])
            dt = time.perf_counter() - t0
        rates.append(n / dt)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python-torch %s: slices/s best %.2f median %.2f over %d runs; peak RSS %.0f MiB; checksum %.6g"
          % (torch.__version__, max(rates), sorted(rates)[len(rates) // 2], repeats, peak_mb, checksum))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--slices", type=int, default=16)
    r = sub.add_parser("run")
    r.add_argument("file")
    r.add_argument("--repeats", type=int, default=3)
    r.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if a.cmd == "make":
        make(a.out, slices=a.slices)
    else:
        run(a.file, a.repeats, a.threads)
