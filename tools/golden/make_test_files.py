#!/usr/bin/env python3
"""Small HDF5 fixtures in layouts our own writer does not produce, written with h5py:
a chunked + gzip-compressed multi-coil file and a single-coil file.

    python3 tools/golden/make_test_files.py samples/real-kspace/twixtools_gre_phantom_2ch.h5 src/test/resources/h5
"""
import sys

import h5py
import numpy as np


def main(src, outdir):
    with h5py.File(src, "r") as f:
        k = f["kspace"][()]
        rss = f["reconstruction_rss"][()]
        header = f["ismrmrd_header"][()]
        attrs = dict(f.attrs)
    with h5py.File(outdir + "/chunked_gzip.h5", "w") as g:
        g.create_dataset("kspace", data=k, chunks=(1, 1, 40, 160), compression="gzip", compression_opts=4)
        g.create_dataset("reconstruction_rss", data=rss, chunks=(1, 80, 80), compression="gzip")
        g.create_dataset("ismrmrd_header", data=header)
        for a, v in attrs.items():
            g.attrs[a] = v
    rng = np.random.RandomState(3)
    single = (rng.randn(2, 32, 24) + 1j * rng.randn(2, 32, 24)).astype(np.complex64)
    with h5py.File(outdir + "/singlecoil.h5", "w") as g:
        g.create_dataset("kspace", data=single)
        g.create_dataset("reconstruction_esc", data=np.abs(single[:, 8:24, 4:20]).astype(np.float32))
        g.attrs["acquisition"] = "CORPD_FBK"
        g.attrs["patient_id"] = "synthetic-single-coil"
    # k-space of rank 2 (no slice axis): must be refused.
    with h5py.File(outdir + "/kspace_rank2.h5", "w") as g:
        g.create_dataset("kspace", data=single[0])
    # A file without kspace.
    with h5py.File(outdir + "/no_kspace.h5", "w") as g:
        g.create_dataset("reconstruction_rss", data=rss)
    # NaN in k-space.
    bad = k.copy()
    bad[0, 1, 5, 7] = np.nan
    with h5py.File(outdir + "/nan_kspace.h5", "w") as g:
        g.create_dataset("kspace", data=bad)
        g.create_dataset("reconstruction_rss", data=rss)
        g.create_dataset("ismrmrd_header", data=header)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
