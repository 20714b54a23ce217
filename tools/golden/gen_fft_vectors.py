#!/usr/bin/env python3
"""Golden centred orthonormal FFTs with numpy, fastMRI's definition:
fft2c(x) = fftshift(fft2(ifftshift(x, axes), norm="ortho"), axes) over the last two axes.

    python3 tools/golden/gen_fft_vectors.py src/test/resources/golden/fft.json
"""
import json
import sys

import numpy as np


def main(out):
    rng = np.random.RandomState(7)
    cases = []
    for shape in [(4, 6), (5, 7), (2, 3, 8)]:
        x = (rng.randn(*shape) + 1j * rng.randn(*shape)).astype(np.complex64)
        axes = (-2, -1)
        f = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(x, axes=axes), norm="ortho"), axes=axes)
        fi = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(x, axes=axes), norm="ortho"), axes=axes)
        inter = lambda a: [float(v) for v in np.stack([a.real, a.imag], -1).ravel()]
        cases.append({"shape": list(shape), "x": inter(x), "fft2c": inter(f), "ifft2c": inter(fi)})
    with open(out, "w") as f:
        json.dump({"generator": "numpy %s" % np.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main(sys.argv[1])
