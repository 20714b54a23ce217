#!/usr/bin/env bash
# Per-slice input pipeline benchmark: robustmri (Java + libtorch) against the same pipeline in Python
# (Debian python3-torch + python3-h5py), on one fastMRI-sized volume (16 x 15 x 640 x 368 complex64).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
vol=bench/out/file_bench_1000001.h5
mkdir -p bench/out
[ -f "$vol" ] || "$py" bench/pipeline_reference.py make "$vol"
repeats=${REPEATS:-5}
for round in 1 2; do
  ./robustmri bench pipeline --repeats "$repeats" --threads 2 "$vol"
  "$py" bench/pipeline_reference.py run --repeats "$repeats" --threads 2 "$vol"
done
