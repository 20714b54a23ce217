#!/usr/bin/env bash
# SSIM and time of the compressed-sensing baselines against zero-filling on 8 simulated slices (brain T2 3 T 16 coils and
# knee PD 3 T 15 coils, 4 slices each, 128 x 128 targets from 256 x 128 k-space), equispaced 4x / 0.08 test masks:
#
#   bench/cs_baseline.sh [OUT_DIR]        (default bench/out/cs)
#
# Prints one line per method: SSIM (mean over the two volumes, fastMRI's SSIM), PSNR, and the wall time of
# `reconstruct` over the 8 slices (JVM start included) with seconds per slice.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/bench/out/cs}"
rm -rf "$out"
mkdir -p "$out"
rmri="$here/robustmri"
"$rmri" simulate --distributions brain-t2-3T-16ch,knee-pd-3T-15ch --matrix 128 --slices 4 --volumes 1 --out "$out/data" > /dev/null
score() { # method, reconstruction folder, seconds
  "$rmri" metrics --target "$out/data" --recon "$2" --json > "$2.json"
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); s=j["summary"]
print("%-32s SSIM %.3f  PSNR %.2f dB  %6.1f s for 8 slices (%.2f s a slice)" % (sys.argv[2], s["ssim_volume"]["value"], s["psnr"]["value"], float(sys.argv[3]), float(sys.argv[3]) / 8))' "$2.json" "$1" "$3"
}
t0=$(date +%s.%N); "$rmri" zerofill "$out/data" --out "$out/zero-filled" > /dev/null 2>&1; t1=$(date +%s.%N)
score zero-filled "$out/zero-filled" "$(echo "$t1 - $t0" | bc)"
i=0
for m in cs-l2 cs:reg=tv,iterations=100 cs-tv cs:reg=tv,iterations=400; do
  i=$((i + 1))
  t0=$(date +%s.%N); "$rmri" reconstruct --model "$m" "$out/data" --out "$out/r$i" > /dev/null 2>&1; t1=$(date +%s.%N)
  score "$m" "$out/r$i" "$(echo "$t1 - $t0" | bc)"
done
