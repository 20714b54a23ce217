#!/usr/bin/env python3
"""Independent counts of what every configs/paper/*.yaml selects from the paper's split CSVs, for PaperConfigsTest:
per training set and distribution the volumes and slices, per test set the volumes, and per training set which
test sets are out-of-distribution by data (none of their volumes selected by the training set's filters).

    /usr/bin/python3 tools/golden/gen_paper_config_counts.py configs/paper src/test/resources/golden/paper_configs.json

Written with the standard csv module and PyYAML (Debian python3-yaml), following the paper's utils/data.py
slice_df: keys of one filter are ANDed, the filters of a list ORed; a value is matched exactly, a list is any of,
{min, max} an inclusive numeric range.
"""
import csv
import glob
import json
import os
import sys

import yaml


def number(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def matches(row, key, want):
    have = row.get(key)
    if isinstance(want, dict):
        v = number(have)
        return v is not None and ("min" not in want or v >= want["min"]) and ("max" not in want or v <= want["max"])
    if isinstance(want, list):
        return any(matches(row, key, w) for w in want)
    a, b = number(have), number(want)
    if a is not None and b is not None:
        return a == b
    return str(have) == str(want)


def select(rows, filters):
    return [r for r in rows if any(all(matches(r, k, v) for k, v in f.items()) for f in filters)]


def slices(rows):
    return sum(int(r["end_slice"]) - int(r["start_slice"]) for r in rows)


def load(paths, base):
    out = []
    for p in paths:
        with open(os.path.join(base, p)) as f:
            out.extend(csv.DictReader(f))
    return out


def main(config_dir, out):
    result = {}
    for path in sorted(glob.glob(os.path.join(config_dir, "*.yaml"))):
        cfg = yaml.safe_load(open(path))
        data = cfg["data"]
        train = load(data["train_catalogs"], config_dir)
        test = load(data["test_catalogs"], config_dir)
        dists = cfg["distributions"]
        sets = {}
        held = {}
        for ts in cfg["training_sets"]:
            rows = load(ts["catalogs"], config_dir) if "catalogs" in ts else train
            sets[ts["name"]] = {c: [len(select(rows, dists[c])), slices(select(rows, dists[c]))] for c in ts["components"]}
            covered = set()
            for c in ts["components"]:
                covered |= {id(r) for r in select(test, dists[c])}
            held[ts["name"]] = [t for t in cfg["test_sets"] if not any(id(r) in covered for r in select(test, dists[t]))]
        result[os.path.basename(path)] = {
            "training_sets": sets,
            "test_sets": {t: len(select(test, dists[t])) for t in cfg["test_sets"]},
            "held_out": held,
            "mask": cfg["recipe"]["mask"],
            "batching": cfg["recipe"].get("batching", "volume"),
            "validation_holdout": cfg["recipe"].get("validation_holdout"),
        }
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    for k, v in result.items():
        print(k, len(v["training_sets"]), "training sets,", len(v["test_sets"]), "test sets")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
