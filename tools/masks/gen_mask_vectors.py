#!/usr/bin/python3
"""Write golden vectors for org.robustmri.mask.

Run with Debian's numpy (legacy RandomState) from the repository root:

    /usr/bin/python3 tools/masks/gen_mask_vectors.py

Outputs
  src/test/resources/golden/masks.json        fastMRI-style 1-D masks
  src/test/resources/golden/randomstate.json  raw numpy RandomState outputs

The three mask functions below re-implement the semantics of fastMRI v0.3
(fastmri/data/subsample.py: RandomMaskFunc, EquiSpacedMaskFunc,
EquispacedMaskFractionFunc) on top of numpy; fastmri itself is not imported.
The draw order is the one of MaskFunc.__call__ -> sample_mask:
choose_acceleration (randint(len(center_fractions))), then
calculate_acceleration_mask; the final mask is max(centre band, accel mask).
"""

import json
import os
import random

import numpy as np

OUT_DIR = os.path.join("src", "test", "resources", "golden")


# ---------------------------------------------------------------- masks


def centre_band(width, num_low):
    mask = np.zeros(width, dtype=np.float32)
    pad = (width - num_low + 1) // 2
    mask[pad:pad + num_low] = 1
    assert mask.sum() == num_low
    return mask


def accel_random(rng, width, acceleration, num_low):
    prob = (width / acceleration - num_low) / (width - num_low)
    return (rng.uniform(size=width) < prob).astype(np.float32)


def accel_equispaced(rng, width, acceleration, num_low):
    offset = rng.randint(0, high=round(acceleration))
    mask = np.zeros(width, dtype=np.float32)
    mask[offset::acceleration] = 1
    return mask


def accel_equispaced_fraction(rng, width, acceleration, num_low):
    adjusted = (acceleration * (num_low - width)) / (num_low * acceleration - width)
    offset = rng.randint(0, high=round(adjusted))
    mask = np.zeros(width)
    samples = np.around(np.arange(offset, width - 1, adjusted)).astype(np.uint)
    mask[samples] = 1.0
    return mask.astype(np.float32)


ACCEL = {
    "random": accel_random,
    "equispaced": accel_equispaced,
    "equispaced-fraction": accel_equispaced_fraction,
}


def sample_mask(rng, kind, width, accelerations, center_fractions):
    choice = rng.randint(len(center_fractions))
    cf, acc = center_fractions[choice], accelerations[choice]
    num_low = round(width * cf)
    centre = centre_band(width, num_low)
    accel = ACCEL[kind](rng, width, acc, num_low)
    mask = np.maximum(centre, accel)
    return mask, num_low, acc, cf


def bits(mask):
    return "".join("1" if v else "0" for v in mask)


FILE_NAMES = [
    "file1000001.h5",
    "file_brain_AXT2_200_2000019.h5",
    "file1001234.h5",
    "x.h5",
    "file_brain_AXFLAIR_201_6002902_multicoil_val_long_name_for_testing_v2.h5",
]
WIDTHS = [320, 368, 372, 128, 369]
SETTINGS = [([4], [0.08]), ([8], [0.04]), ([4, 8], [0.08, 0.04])]
STREAM_SEEDS = [0, 42, 2**32 - 1]

# equispaced-fraction cases where numpy's arange fill (element i = start + i * ((start + step) - start))
# rounds to a different column than the naive start + i * step; found by a sweep over widths.
ARANGE_FILL_CASES = [
    ("file1000001.h5", 212, [4], [0.08]),
    ("x.h5", 328, [4], [0.08]),
    ("x.h5", 364, [4], [0.08]),
    ("file_brain_AXT2_200_2000019.h5", 424, [8], [0.04]),
]

# equispaced-fraction cases where half-to-even rounding matters: adjusted acceleration exactly 4.5
# (Python round gives 4) and arange values that land exactly on .5 (np.around gives the even column).
HALF_EVEN_CASES = [
    ("x.h5", 112, [4], [0.04]),
    ("file1000001.h5", 104, [2], [0.04]),
    ("x.h5", 104, [2], [0.04]),
]


def mask_case(kind, name, width, accs, cfs):
    rng = np.random.RandomState(tuple(map(ord, name)))
    mask, num_low, acc, cf = sample_mask(rng, kind, width, accs, cfs)
    return {
        "name": name, "type": kind, "width": width,
        "accelerations": accs, "center_fractions": cfs,
        "mask": bits(mask), "num_low_frequencies": int(num_low),
        "chosen_acceleration": acc, "chosen_center_fraction": cf,
    }


def mask_cases():
    cases = []
    for kind in ACCEL:
        for accs, cfs in SETTINGS:
            for width in WIDTHS:
                for name in FILE_NAMES:
                    cases.append(mask_case(kind, name, width, accs, cfs))
    for name, width, accs, cfs in ARANGE_FILL_CASES:
        assert naive_arange_differs(name, width, accs[0], cfs[0]), name
        cases.append(mask_case("equispaced-fraction", name, width, accs, cfs))
    for name, width, accs, cfs in HALF_EVEN_CASES:
        cases.append(mask_case("equispaced-fraction", name, width, accs, cfs))
    return cases


def naive_arange_differs(name, width, acc, cf):
    rng = np.random.RandomState(tuple(map(ord, name)))
    rng.randint(1)
    num_low = round(width * cf)
    adjusted = (acc * (num_low - width)) / (num_low * acc - width)
    offset = rng.randint(0, high=round(adjusted))
    exact = np.around(np.arange(offset, width - 1, adjusted))
    naive = np.around(np.array([offset + i * adjusted for i in range(len(exact))]))
    return not np.array_equal(exact, naive)


def stream_cases():
    """Successive masks from one persistent RandomState(int) (fastMRI seed=None path)."""
    streams = []
    for kind in ACCEL:
        for accs, cfs in SETTINGS:
            for seed in STREAM_SEEDS:
                rng = np.random.RandomState(seed)
                width = 368
                masks = [bits(sample_mask(rng, kind, width, accs, cfs)[0]) for _ in range(4)]
                streams.append({
                    "seed": seed, "type": kind, "width": width,
                    "accelerations": accs, "center_fractions": cfs, "masks": masks,
                })
    return streams


# ---------------------------------------------------------- RandomState

FIXED_RANGES = [
    (0, 1), (5, 6), (-7, -6), (0, 2), (0, 3), (0, 4), (0, 5), (0, 7), (0, 8), (0, 9),
    (0, 2**31), (0, 2**31 + 1), (0, 2**32 - 1), (0, 2**32), (0, 2**32 + 1),
    (-10, 10), (-2**40, 2**40), (0, 2**62 + 12345), (-2**63, 2**63 - 1),
    (1000, 1001), (0, 2**33), (0, 2**33 + 1), (3, 2**32 + 3), (-2**31, 2**31),
]


def state_ops(rng, script_seed):
    ops = []
    for low, high in FIXED_RANGES:
        ops.append(["randint", low, high, int(rng.randint(low, high))])
    ops.append(["randint1", 10, int(rng.randint(10))])
    for _ in range(5):
        ops.append(["random_sample", float(rng.random_sample())])
    ops.append(["uniform", [float(v) for v in rng.uniform(size=3)]])
    script = random.Random(script_seed)
    for _ in range(300):
        kind = script.random()
        if kind < 0.2:
            ops.append(["random_sample", float(rng.random_sample())])
            continue
        bits_ = script.choice([1, 2, 3, 5, 8, 16, 31, 32, 33, 40, 63])
        span = script.randint(1, 2**bits_)
        if span > 2**63 - 1:
            span = 2**63 - 1
        low = script.randint(-2**62, 2**62 - span) if script.random() < 0.5 else 0
        high = low + span
        ops.append(["randint", low, high, int(rng.randint(low, high))])
    return ops


INT_SEEDS = [0, 1, 42, 12345, 2**31, 2**32 - 1]
ARRAY_SEEDS = [
    list(map(ord, "file1000001.h5")),
    list(map(ord, "x.h5")),
    [0], [1], [1, 2, 3], [2**32 - 1, 5],
    list(range(700)),   # longer than the 624-word state
]


def randomstate_cases():
    cases = []
    for i, seed in enumerate(INT_SEEDS):
        rng = np.random.RandomState(seed)
        key = rng.get_state()[1]
        cases.append({"int_seed": seed, "key_head": [int(v) for v in key[:8]],
                      "key_tail": int(key[-1]), "ops": state_ops(rng, 1000 + i)})
    for i, seed in enumerate(ARRAY_SEEDS):
        rng = np.random.RandomState(tuple(seed))
        key = rng.get_state()[1]
        cases.append({"array_seed": seed, "key_head": [int(v) for v in key[:8]],
                      "key_tail": int(key[-1]), "ops": state_ops(rng, 2000 + i)})
    return cases


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    cases = mask_cases()
    streams = stream_cases()
    with open(os.path.join(OUT_DIR, "masks.json"), "w") as f:
        f.write('{"generator":"tools/masks/gen_mask_vectors.py","numpy":%s,\n' % json.dumps(np.__version__))
        f.write('"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write('\n],\n"streams":[\n')
        f.write(",\n".join(json.dumps(s, separators=(",", ":")) for s in streams))
        f.write("\n]}\n")
    states = randomstate_cases()
    with open(os.path.join(OUT_DIR, "randomstate.json"), "w") as f:
        f.write('{"generator":"tools/masks/gen_mask_vectors.py","numpy":%s,\n' % json.dumps(np.__version__))
        f.write('"seeds":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in states))
        f.write("\n]}\n")
    print(f"masks: {len(cases)} cases, {len(streams)} streams; randomstate: {len(states)} seeds")


if __name__ == "__main__":
    main()
