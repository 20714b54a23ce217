#!/usr/bin/env python3
"""Builds the training catalog of the Section 5 pathology study, which the paper does not publish.

    python3 tools/paper/make_pathology_trainset.py FASTMRI_PLUS/Annotations/brain.csv \
        configs/paper/splits/full_datasets/train/all_data_nodir.csv \
        configs/paper/splits/fastmri_sliced/test/pathology_testset.csv \
        configs/paper/derived/pathology_trainset.csv

Rule (the complement of the paper's pathology test set): every fastMRI+ brain volume that the test set does not
use, with its catalog row from the paper's full training catalog and the test set's `study_level` and `label`
columns (so one distribution selects from both): "Yes" / "Normal for age" for volumes
fastMRI+ marks so at study level (and that have no box), "No" / "Pathology" for volumes with at least one box.
Volumes that are both (a study-level "Normal for age" row and boxes) count as "Pathology".
"""
import csv
import sys


def main(annotations, catalog, testset, out):
    normal, boxed = set(), set()
    with open(annotations, newline="") as f:
        for r in csv.DictReader(f):
            if r["study_level"].strip() == "Yes":
                if r["label"].strip() == "Normal for age":
                    normal.add(r["file"].strip())
            elif r["x"].strip():
                boxed.add(r["file"].strip())
    with open(testset, newline="") as f:
        test = {r["filename"].strip().removesuffix(".h5") for r in csv.DictReader(f)}
    with open(catalog, newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames + ["study_level", "label"]
        rows = []
        for r in reader:
            name = r["filename"].strip().removesuffix(".h5")
            if name in test:
                continue
            if name in boxed:
                r["study_level"], r["label"] = "No", "Pathology"
            elif name in normal:
                r["study_level"], r["label"] = "Yes", "Normal for age"
            else:
                continue
            rows.append(r)
    rows.sort(key=lambda r: (r["label"], r["filename"]))
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    counts = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print(out, counts)


if __name__ == "__main__":
    main(*sys.argv[1:5])
