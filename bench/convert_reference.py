#!/usr/bin/python3
"""The Python side of bench/convert.sh.

make SRC OUT SLICES   writes an ISMRMRD file whose acquisitions are those of SRC repeated for SLICES slices (the slice
                      counter and the header's slice limit changed, and an empty userParameters element added, which the
                      paper's loader reads), so that a conversion is long enough to time beside the JVM's start.
run PAPER_SRC IN_DIR OUT_DIR
                      converts with the paper's own NYU converter (MLI-lab/mri_data_diversity convert_datasets/nyu_2d,
                      the mridata loader at scale 1: the steps of `robustmri convert --preset nyu`), reading ISMRMRD through
                      tools/golden/presets/ismrmrd_io_stub.py (Debian has no ismrmrd Python package); prints the seconds.
"""
import argparse
import importlib.util
import os
import re
import sys
import time

import h5py
import numpy as np


def make(src, out, slices):
    with h5py.File(src, "r") as f:
        acq = f["dataset/data"][()]
        xml = f["dataset/xml"][0]
    xml = xml.decode() if isinstance(xml, bytes) else xml
    xml = re.sub(r"<slice>\s*<minimum>0</minimum>\s*<maximum>\d+</maximum>", "<slice><minimum>0</minimum><maximum>%d</maximum>" % (slices - 1), xml)
    if "<slice>" not in xml:
        xml = xml.replace("</encodingLimits>", "<slice><minimum>0</minimum><maximum>%d</maximum><center>0</center></slice></encodingLimits>" % (slices - 1))
    if "<userParameters" not in xml:  # the paper's loader reads the user parameters (mridata files always have them)
        xml = xml.replace("</ismrmrdHeader>", "<userParameters></userParameters></ismrmrdHeader>")
    rows = np.concatenate([acq] * slices)
    for s in range(slices):
        rows["head"]["idx"]["slice"][s * len(acq):(s + 1) * len(acq)] = s
    with h5py.File(out, "w") as f:
        f.create_dataset("dataset/data", data=rows)
        f.create_dataset("dataset/xml", data=[xml], dtype=h5py.string_dtype())


def run(paper_src, in_dir, out_dir):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "tools", "golden", "presets"))
    import ismrmrd_io_stub
    ismrmrd_io_stub.install()
    spec = importlib.util.spec_from_file_location("nyu_convert", os.path.join(paper_src, "convert_datasets", "nyu_2d", "convert.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.perf_counter()
    mod.cli_main(argparse.Namespace(input_dir=in_dir, output_dir=out_dir))
    print("seconds %.3f" % (time.perf_counter() - t0))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        run(sys.argv[2], sys.argv[3], sys.argv[4])
