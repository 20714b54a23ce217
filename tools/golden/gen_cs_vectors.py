#!/usr/bin/env python3
"""Golden vectors for the compressed-sensing baseline, made by BART (Debian's `bart`): ESPIRiT maps (`ecalib -m1`)
and `pics` reconstructions with those maps, on 8 coils of a real 16-channel brain slice.

    /usr/bin/python3 tools/golden/gen_cs_vectors.py samples/real-kspace/pulseq_invivo_brain_16ch.h5 \\
        src/test/resources/golden/cs_bart.safetensors

Layout: our arrays are (C, H, W) row-major with W (phase encode) fastest, which is BART's column-major
[W, H, 1, C]; so BART's x is our W and its y our H. The mask keeps every 4th column plus 10 centre columns
(the layout of fastMRI's equispaced 4x / 0.08 mask at width 128, written out here, not drawn). `pics -w 1` turns
off BART's data scaling, so the outputs are in the data's units.

Writes: mask (W), maps (C, H, W, 2), l2 (H, W, 2) from `pics -l2 -r L2 -i 100`, tv (H, W, 2) from
`pics -R T:3:0:LAMBDA -i 1000` (ADMM) with LAMBDA = 0.01 max |A^H y|, and the lambdas and BART's version as
metadata. The k-space is the first 8 coils of the source file's slice 0 (the test reads it from there).
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402

COILS = 8
L2 = 0.01
TV_RELATIVE = 0.01   # BART gets lambda = TV_RELATIVE * max |A^H y| (our cs-tv's relative lambda)
TV_ITERS = 1000


def write_cfl(base, arr_chw):
    """(C, H, W) complex64 row-major -> BART [W, H, 1, C]."""
    c, h, w = arr_chw.shape
    with open(base + ".hdr", "w") as f:
        f.write("# Dimensions\n%d %d 1 %d 1\n" % (w, h, c))
    np.ascontiguousarray(arr_chw, dtype=np.complex64).tofile(base + ".cfl")


def read_cfl(base):
    with open(base + ".hdr") as f:
        f.readline()
        dims = [int(d) for d in f.readline().split()]
    data = np.fromfile(base + ".cfl", dtype=np.complex64)
    dims += [1] * (5 - len(dims))
    w, h, _, c = dims[0], dims[1], dims[2], dims[3]
    return data.reshape(c, h, w) if c > 1 else data.reshape(h, w)


def bart(*args):
    subprocess.run(["bart", *args], check=True, stdout=subprocess.DEVNULL)


def pairs(a):
    return torch.from_numpy(np.stack([a.real, a.imag], axis=-1).astype(np.float32))


def main():
    src, out = sys.argv[1], sys.argv[2]
    with h5py.File(src, "r") as f:
        k = f["kspace"][0, :COILS].astype(np.complex64)          # (C, H, W)
    c, h, w = k.shape
    mask = np.zeros(w, dtype=np.float32)
    mask[::4] = 1
    lo = (w - 10 + 1) // 2
    mask[lo:lo + 10] = 1
    y = (k * mask[None, None, :]).astype(np.complex64)
    version = subprocess.run(["bart", "version"], check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)  # noqa: E731
        write_cfl(p("k"), y)
        bart("ecalib", "-m1", p("k"), p("maps"))
        bart("pics", "-w", "1", "-l2", "-r", str(L2), "-i", "100", p("k"), p("maps"), p("l2"))
        maps = read_cfl(p("maps"))
        adj = (np.conj(maps) * np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(y, axes=(-2, -1)), norm="ortho"),
                                               axes=(-2, -1))).sum(0)
        tv_lambda = float(np.float32(TV_RELATIVE * np.abs(adj).max()))
        bart("pics", "-w", "1", "-R", "T:3:0:%.9g" % tv_lambda, "-i", str(TV_ITERS), p("k"), p("maps"), p("tv"))
        l2, tv = read_cfl(p("l2")), read_cfl(p("tv"))
    print("max |A^H y| = %.6g, TV lambda %.6g; BART %s" % (np.abs(adj).max(), tv_lambda, version))
    st.save_file({"mask": torch.from_numpy(mask), "maps": pairs(maps), "l2": pairs(l2), "tv": pairs(tv)}, out,
                 metadata={"source": os.path.basename(src), "coils": str(COILS), "l2_lambda": str(L2),
                           "tv_lambda": "%.9g" % tv_lambda, "tv_relative": str(TV_RELATIVE),
                           "tv_iterations": str(TV_ITERS), "bart": version})


if __name__ == "__main__":
    main()
