#!/usr/bin/env python3
"""Golden vectors for the Daubechies wavelet of the l1-wavelet baseline, made with PyWavelets (Debian's python3-pywt):
`db2` with `mode='symmetric'`, one axis at a time with `pywt.dwt(..., axis=...)`, an axis split while its low band
has at least min(size, 16) samples (BART's rule), each axis on its own.

    /usr/bin/python3 tools/golden/gen_wavelet_vectors.py src/test/resources/golden/wavelet_pywt.safetensors

Writes per case NAME (64x64, 64x100, 40x100): NAME_x (H, W) float64 random input, and NAME_c0, NAME_c1, ... the
coefficients in wavedec2 order (coarse band, then per level from the coarsest: high along H, high along W, high along
both; one band where a level splits one axis). For the square case the list equals pywt.wavedec2 (checked here).
"""
import sys
import os

import numpy as np
import pywt
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402

CASES = {"sq64": (64, 64), "r64x100": (64, 100), "r40x100": (40, 100)}


def decompose(x):
    h, w = x.shape
    min_h, min_w = min(h, 16), min(w, 16)
    low, details = x, []
    while True:
        sh, sw = low.shape[0] >= min_h and low.shape[0] > 1, low.shape[1] >= min_w and low.shape[1] > 1
        if not (sh or sw):
            break
        if sh and sw:
            lo_h, hi_h = pywt.dwt(low, "db2", mode="symmetric", axis=0)
            ll, lh = pywt.dwt(lo_h, "db2", mode="symmetric", axis=1)
            hl, hh = pywt.dwt(hi_h, "db2", mode="symmetric", axis=1)
            details = [hl, lh, hh] + details
            low = ll
        else:
            low, hi = pywt.dwt(low, "db2", mode="symmetric", axis=0 if sh else 1)
            details = [hi] + details
    return [low] + details


def main():
    rng = np.random.default_rng(7)
    out = {}
    for name, (h, w) in CASES.items():
        x = rng.standard_normal((h, w))
        coeffs = decompose(x)
        if h == w:
            ref = pywt.wavedec2(x, "db2", mode="symmetric", level=(len(coeffs) - 1) // 3)
            flat = [ref[0]] + [b for lvl in ref[1:] for b in lvl]
            assert all(np.allclose(a, b) for a, b in zip(flat, coeffs)), "schedule differs from wavedec2"
        out[name + "_x"] = torch.from_numpy(x)
        for i, c in enumerate(coeffs):
            out["%s_c%d" % (name, i)] = torch.from_numpy(np.ascontiguousarray(c))
    st.save_file(out, sys.argv[1], metadata={"pywt": pywt.__version__, "wavelet": "db2", "mode": "symmetric"})


if __name__ == "__main__":
    main()
