#!/usr/bin/env python3
"""Golden vectors for the paper's data augmentation, made by the paper's own code (MLI-lab/mri_data_diversity,
utils/data.py, SliceDataset with augment_data=True) run with Debian's python on two files: a real 16-coil brain slice
(128 x 128, no padding) and a non-square file with header padding (k-space 150 x 140, target 120 x 96).

    FASTMRI_SRC=... PAPER_SRC=... /usr/bin/python3 tools/golden/gen_augment_vectors.py \\
        samples/real-kspace/pulseq_invivo_brain_16ch.h5 src/test/resources/interop/varnet/padded_brain.h5 \\
        src/test/resources/golden/augment_paper.safetensors

The paper draws three coins with np.random.rand() > 0.5 (vertical flip, horizontal flip, 90-degree rotation); this
script replaces np.random.rand by a fixed sequence so that each of the eight combinations is produced once, calls the
dataset's own __getitem__, and stores for case NAME (brain, padded) and combination vhr (bits, e.g. 101):
NAME_vhr_kspace (2, H', W', 2) float32 (the first two coils), NAME_vhr_target (h', w'), and NAME_vhr_attrs
[padding_left, padding_right, enc_x, enc_y, recon_x, recon_y] (int64); slice 0 of each file.
"""
import importlib.util
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import st  # noqa: E402


COILS = 2


def load_paper_data_module():
    fastmri_src, paper_src = os.environ.get("FASTMRI_SRC"), os.environ.get("PAPER_SRC")
    if not paper_src:
        raise SystemExit("need the paper's code: PAPER_SRC=DIR (a MLI-lab/mri_data_diversity checkout)")
    if fastmri_src:
        sys.path.insert(0, fastmri_src)
    spec = importlib.util.spec_from_file_location("paper_data", os.path.join(paper_src, "utils", "data.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    files, out = sys.argv[1:3], sys.argv[3]
    data = load_paper_data_module()
    tensors = {}
    for name, f in zip(["brain", "padded"], files):
        ds = data.SliceDataset(files=[f], augment_data=True, batch_size=1)
        for bits in range(8):
            v, h, r = (bits >> 2) & 1, (bits >> 1) & 1, bits & 1
            coins = iter([1.0 if v else 0.0, 1.0 if h else 0.0, 1.0 if r else 0.0])
            saved = np.random.rand
            np.random.rand = lambda: next(coins)   # the paper's three draws, in its order
            try:
                kspace, mask, target, attrs, fname, slices = ds[0]
            finally:
                np.random.rand = saved
            key = "%s_%d%d%d" % (name, v, h, r)
            k = np.asarray(kspace[0])[:COILS]          # the transform is the same for every coil
            tensors[key + "_kspace"] = torch.from_numpy(np.stack([k.real, k.imag], -1).astype(np.float32))
            tensors[key + "_target"] = torch.from_numpy(np.ascontiguousarray(target[0]).astype(np.float32))
            tensors[key + "_attrs"] = torch.tensor([int(attrs["padding_left"]), int(attrs["padding_right"]),
                                                    *[int(x) for x in attrs["encoding_size"][:2]],
                                                    *[int(x) for x in attrs["recon_size"][:2]]], dtype=torch.int64)
    st.save_file(tensors, out, metadata={"source": "MLI-lab/mri_data_diversity utils/data.py SliceDataset(augment_data=True)",
                                         "files": ",".join(os.path.basename(f) for f in files)})


if __name__ == "__main__":
    main()
