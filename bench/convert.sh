#!/usr/bin/env bash
# Conversion throughput on real ISMRMRD raw data, robustmri against the paper's own converter in the same run.
# The real in-vivo brain (samples/real-ismrmrd, 16 coils, 128 x 128) is repeated for SLICES slices (default 64) so that
# each conversion is long enough to time beside process start; both sides convert it with the same steps (the paper's
# NYU converter = `convert --preset nyu`) and robustmri also with its own ISMRMRD path; alternating pairs, REPEATS times.
# Needs PAPER_SRC (a checkout of MLI-lab/mri_data_diversity) and Debian's python3-numpy, python3-h5py, python3-tqdm.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PAPER_SRC:?set PAPER_SRC to a checkout of MLI-lab/mri_data_diversity}"
slices=${SLICES:-64}
repeats=${REPEATS:-3}
out=bench/out/convert
rm -rf "$out" && mkdir -p "$out/in"
/usr/bin/python3 bench/convert_reference.py make samples/real-ismrmrd/pulseq_invivo_brain_gre2d_16ch.h5 "$out/in/brain64.h5" "$slices"
./robustmri --version > /dev/null # build the jar outside the timing
now() { date +%s.%N; }
for r in $(seq 1 "$repeats"); do
  rm -rf "$out/java" "$out/java-generic" "$out/python"
  t0=$(now); ./robustmri convert --preset nyu "$out/in/brain64.h5" --out "$out/java" > /dev/null 2>&1; t1=$(now)
  ./robustmri convert "$out/in/brain64.h5" --out "$out/java-generic" > /dev/null 2>&1; t2=$(now)
  inner=$(/usr/bin/python3 bench/convert_reference.py run "$PAPER_SRC" "$out/in" "$out/python" 2>/dev/null | grep '^seconds' | cut -d' ' -f2); t3=$(now)
  awk -v n="$slices" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v i="$inner" -v r="$r" 'BEGIN {
    j = b - a; g = c - b; p = d - c
    printf "round %d: %d slices. robustmri --preset nyu %.2f s (%.1f slices/s), generic ISMRMRD %.2f s (%.1f slices/s); paper converter %.2f s wall (%.1f slices/s), %.2f s inside Python (%.1f slices/s); wall ratio robustmri/paper %.2f\n",
      r, n, j, n / j, g, n / g, p, n / p, i, n / i, j / p }'
done
/usr/bin/python3 - "$out" <<'PY'
import sys, h5py, numpy as np
o = sys.argv[1]
a = h5py.File(o + "/java/brain64.h5", "r"); b = h5py.File(o + "/python/brain64.h5", "r")
ka = a["kspace"][()]; ka = ka[..., 0] + 1j * ka[..., 1]; kb = b["kspace"][()]
print("outputs agree: k-space max |diff| %.3g (max |k| %.3g), target max |diff| %.3g" % (np.abs(ka - kb).max(), np.abs(kb).max(),
      np.abs(a["reconstruction_rss"][()] - b["reconstruction_rss"][()]).max()))
PY
