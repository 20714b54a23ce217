#!/usr/bin/python3
"""Write golden vectors for org.robustmri.mask.VariableDensityMask2D.

Run with Debian's numpy (legacy RandomState) from the repository root:

    /usr/bin/python3 tools/masks/gen_vd2d_vectors.py

Output
  src/test/resources/golden/vd2d.json   2-D variable-density masks (bits, probabilities' checksum)

This is an independent numpy implementation of the mask definition in the class comment of
VariableDensityMask2D (src/main/java/org/robustmri/mask/VariableDensityMask2D.java); the mask
has no fastMRI counterpart, so that comment is the only reference. Definition, per mask of
shape ny x nz drawn from one numpy.random.RandomState:

1. choice = rng.randint(0, len(accelerations)) picks (acceleration, centre fraction).
2. num_low_y = round(ny cf), num_low_z = round(nz cf) (half to even); the rectangle of rows
   [(ny - num_low_y + 1) // 2, + num_low_y) by columns [(nz - num_low_z + 1) // 2, + num_low_z)
   is always sampled.
3. Density: cy = ny // 2, cz = nz // 2, u = (y - cy) / max(1, cy), v = (z - cz) / max(1, cz),
   r = min(1, sqrt((u^2 + v^2) / 2)), f = (1 - r) ** power.
4. Outside the centre p = min(1, s f) (0 where f == 0); s makes the centre count plus the sum of
   p equal ny nz / acceleration. s = 0 if the centre alone reaches that budget, s = +inf if the
   budget covers every non-centre position with f > 0; otherwise s is found by bisection run until
   the bracket is two adjacent doubles. p is 1 in the centre.
5. uniforms = rng.uniform(size=ny * nz) (row-major, same RandomState, after the randint);
   position i is kept when uniforms[i] < p[i].

File-name cases seed the RandomState with tuple(map(ord, file_name)) (fastMRI's convention).
Each case also records p_checksum = sum_i p[i] (i + 1) / (ny nz), so the probabilities can be
checked independently of the draw.
"""

import json
import os

import numpy as np

OUT_DIR = os.path.join("src", "test", "resources", "golden")
OUT_FILE = os.path.join(OUT_DIR, "vd2d.json")
REAL_SAMPLE = os.path.join("samples", "real-kspace", "pulseq_invivo_brain_16ch.h5")
DEFAULT_POWER = 2.0


def num_low(n, center_fraction):
    return int(np.rint(n * center_fraction))


def centre_mask(ny, nz, low_y, low_z):
    centre = np.zeros((ny, nz), dtype=bool)
    pad_y = (ny - low_y + 1) // 2
    pad_z = (nz - low_z + 1) // 2
    centre[pad_y:pad_y + low_y, pad_z:pad_z + low_z] = True
    return centre


def density(ny, nz, power):
    cy, cz = ny // 2, nz // 2
    u = (np.arange(ny, dtype=np.float64) - cy) / float(max(1, cy))
    v = (np.arange(nz, dtype=np.float64) - cz) / float(max(1, cz))
    uu = (u * u)[:, None]
    vv = (v * v)[None, :]
    r = np.minimum(1.0, np.sqrt((uu + vv) / 2.0))
    return np.power(1.0 - r, power)


def solve_scale(f_outside, budget):
    """s with sum(min(1, s f)) == budget over the non-centre densities f_outside."""
    if budget <= 0:
        return 0.0
    reachable = int(np.count_nonzero(f_outside > 0))
    if budget >= reachable:
        return float("inf")

    def expected(s):
        return float(np.minimum(1.0, s * f_outside).sum())

    lo, hi = 0.0, 1.0
    while expected(hi) < budget:
        lo, hi = hi, hi * 2.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if expected(mid) < budget:
            lo = mid
        else:
            hi = mid
    s = lo if abs(expected(lo) - budget) <= abs(expected(hi) - budget) else hi
    assert abs(expected(s) - budget) <= 1e-9 * budget, (s, expected(s), budget)
    return s


def probabilities(ny, nz, acceleration, center_fraction, power):
    low_y, low_z = num_low(ny, center_fraction), num_low(nz, center_fraction)
    centre = centre_mask(ny, nz, low_y, low_z)
    f = density(ny, nz, power)
    budget = ny * nz / float(acceleration) - int(centre.sum())
    s = solve_scale(f[~centre], budget)
    with np.errstate(invalid="ignore"):  # inf * 0 where f == 0; replaced by 0 below
        p = np.where(f > 0, np.minimum(1.0, s * f), 0.0)
    p[centre] = 1.0
    return p.reshape(-1), centre, low_y, low_z


def sample(rng, ny, nz, accelerations, center_fractions, power):
    choice = rng.randint(0, len(accelerations))
    acc, cf = accelerations[choice], center_fractions[choice]
    p, centre, low_y, low_z = probabilities(ny, nz, acc, cf, power)
    uniforms = rng.uniform(size=ny * nz)
    kept = uniforms < p
    assert kept[centre.reshape(-1)].all()
    return kept, p, acc, cf, low_y, low_z


def kspace_shape(path):
    import h5py
    with h5py.File(path, "r") as f:
        shape = f["kspace"].shape
    return int(shape[-2]), int(shape[-1])


def case(name, ny, nz, accelerations, center_fractions, power=DEFAULT_POWER, seed=None, file_name=None):
    assert (seed is None) != (file_name is None)
    rng = np.random.RandomState(tuple(map(ord, file_name)) if file_name is not None else seed)
    kept, p, acc, cf, low_y, low_z = sample(rng, ny, nz, accelerations, center_fractions, power)
    index = np.arange(1, ny * nz + 1, dtype=np.float64)
    return {
        "name": name, "ny": ny, "nz": nz,
        "accelerations": accelerations, "center_fractions": center_fractions,
        "power": float(power), "seed": seed, "file_name": file_name,
        "acceleration": acc, "center_fraction": cf,
        "num_low_y": low_y, "num_low_z": low_z,
        "expected_sampled": float(p.sum()),
        "p_checksum": float((p * index / (ny * nz)).sum()),
        "sampled": int(kept.sum()),
        "bits": "".join("1" if k else "0" for k in kept),
    }


def cases():
    real_ny, real_nz = kspace_shape(REAL_SAMPLE)
    return [
        case("256x256_acc8_seed1", 256, 256, [8], [0.08], seed=1),
        case("128x97_acc4_seed0", 128, 97, [4], [0.08], seed=0),
        case("33x64_acc4or8_seed5", 33, 64, [4, 8], [0.08, 0.04], seed=5),
        case("40x40_centre_exceeds_budget", 40, 40, [8], [0.5], seed=0),
        case("64x48_file1", 64, 48, [4], [0.08], file_name="file1.h5"),
        case("pulseq_invivo_brain_16ch", real_ny, real_nz, [4], [0.08],
             file_name="pulseq_invivo_brain_16ch.h5"),
        case("96x80_acc12_power3_seed2", 96, 80, [12], [0.08], power=3.0, seed=2),
    ]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    all_cases = cases()
    with open(OUT_FILE, "w") as f:
        f.write('{"generator":"tools/masks/gen_vd2d_vectors.py","numpy":%s,\n' % json.dumps(np.__version__))
        f.write('"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in all_cases))
        f.write("\n]}\n")
    for c in all_cases:
        print(f"{c['name']}: {c['ny']}x{c['nz']} acc {c['acceleration']} cf {c['center_fraction']} "
              f"sampled {c['sampled']} (expected {c['expected_sampled']:.3f}, "
              f"realised acceleration {c['ny'] * c['nz'] / c['sampled']:.3f})")


if __name__ == "__main__":
    main()
