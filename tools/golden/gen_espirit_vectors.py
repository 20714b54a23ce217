#!/usr/bin/env python3
"""Golden ESPIRiT maps made by BART (Debian's `bart`): `ecalib -m1` (crop 0.8) and `ecalib -m1 -c0` (uncropped) on
the masked k-space of the two real brain slices shipped with the data (16-channel head coil and 2-channel body coil).

    /usr/bin/python3 tools/golden/gen_espirit_vectors.py DATA_DIR src/test/resources/golden/espirit_bart.safetensors

DATA_DIR holds pulseq_invivo_brain_16ch.h5 and pulseq_invivo_brain_bodycoil_2ch.h5. The mask keeps every 4th
column plus 10 centre columns (fastMRI's equispaced 4x / 0.08 layout at width 128, written out here, not drawn).
Layout as in gen_cs_vectors.py: our (C, H, W) row-major is BART's column-major [W, H, 1, C].

Writes, per case NAME in (brain16, body2): NAME_maps (C, H, W, 2) from `ecalib -m1`, NAME_maps_c0 (C, H, W, 2)
from `ecalib -m1 -c0`, and the mask; BART's version as metadata. The k-space is read by the test from the source file.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402
from gen_cs_vectors import write_cfl, read_cfl, bart, pairs  # noqa: E402

CASES = {"brain16": "pulseq_invivo_brain_16ch.h5", "body2": "pulseq_invivo_brain_bodycoil_2ch.h5"}


def column_mask(w):
    mask = np.zeros(w, dtype=np.float32)
    mask[::4] = 1
    lo = (w - 10 + 1) // 2
    mask[lo:lo + 10] = 1
    return mask


def main():
    src, out = sys.argv[1], sys.argv[2]
    tensors = {}
    for name, fname in CASES.items():
        with h5py.File(os.path.join(src, fname), "r") as f:
            k = f["kspace"][0].astype(np.complex64)              # (C, H, W)
        mask = column_mask(k.shape[-1])
        y = (k * mask[None, None, :]).astype(np.complex64)
        with tempfile.TemporaryDirectory() as d:
            p = lambda n: os.path.join(d, n)  # noqa: E731
            write_cfl(p("k"), y)
            bart("ecalib", "-m1", p("k"), p("maps"))
            bart("ecalib", "-m1", "-c0", p("k"), p("maps0"))
            maps, maps0 = read_cfl(p("maps")), read_cfl(p("maps0"))
        if maps.ndim == 2:
            maps, maps0 = maps[None], maps0[None]
        tensors[name + "_maps"] = pairs(maps)
        tensors[name + "_maps_c0"] = pairs(maps0)
        tensors["mask"] = torch.from_numpy(mask)
    version = subprocess.run(["bart", "version"], check=True, capture_output=True, text=True).stdout.strip()
    st.save_file(tensors, out, metadata={"bart": version, "cases": ",".join(f"{n}={f}" for n, f in CASES.items())})


if __name__ == "__main__":
    main()
