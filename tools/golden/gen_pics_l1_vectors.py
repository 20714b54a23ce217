#!/usr/bin/env python3
"""Golden l1-wavelet reconstructions made by BART's `pics -l1` (FISTA, 30 iterations, step 0.95, BART's data scaling)
on the golden case of gen_cs_vectors.py (8 coils of the real 16-channel brain slice, equispaced 4x / 0.08 columns) with
BART's ESPIRiT maps stored there.

    /usr/bin/python3 tools/golden/gen_pics_l1_vectors.py samples/real-kspace/pulseq_invivo_brain_16ch.h5 \\
        src/test/resources/golden/cs_bart.safetensors src/test/resources/golden/pics_l1_bart.safetensors

Writes: shifts (H, W, 2) from `pics -l1 -r LAMBDA` (random wavelet shifts on, BART's default), noshift (H, W, 2) from
`pics -l1 -n -r LAMBDA`, and as metadata lambda, the scaling BART printed ("Inverse scaling of the data", for data given
in at UNIT times their size so that 8 digits are printed, divided back) and BART's version. BART does not scale its output back, so a reconstruction of the unscaled data is BART's times the scaling.
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402
from gen_cs_vectors import write_cfl, read_cfl, pairs, COILS  # noqa: E402

LAMBDA = 0.01
UNIT = 1e6   # BART prints its scaling with 6 decimals: the data go in times UNIT so that it keeps 8 digits


def main():
    src, cs, out = sys.argv[1], sys.argv[2], sys.argv[3]
    golden = st.load_file(cs)
    mask = golden["mask"].numpy()
    maps = golden["maps"].numpy()
    maps = (maps[..., 0] + 1j * maps[..., 1]).astype(np.complex64)
    with h5py.File(src, "r") as f:
        k = f["kspace"][0, :COILS].astype(np.complex64)
    y = (k * mask[None, None, :]).astype(np.complex64)
    results, scales = {}, set()
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)  # noqa: E731
        write_cfl(p("k"), y * np.float32(UNIT))
        write_cfl(p("maps"), maps)
        for name, extra in (("shifts", []), ("noshift", ["-n"])):
            run = subprocess.run(["bart", "pics", "-d5", "-l1", "-r", str(LAMBDA), *extra, p("k"), p("maps"), p(name)],
                                 check=True, capture_output=True, text=True)
            scales.add(re.search(r"Inverse scaling of the data: ([0-9.eE+-]+)", run.stdout + run.stderr).group(1))
            results[name] = pairs(read_cfl(p(name)))
    assert len(scales) == 1
    version = subprocess.run(["bart", "version"], check=True, capture_output=True, text=True).stdout.strip()
    scaling = "%.8g" % (float(scales.pop()) / UNIT)   # the scaling of the data as stored, not times UNIT
    st.save_file(results, out, metadata={"lambda": str(LAMBDA), "scaling": scaling, "iterations": "30",
                                         "bart": version})


if __name__ == "__main__":
    main()
