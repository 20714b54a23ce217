#!/usr/bin/env bash
# robustmri's l1-wavelet compressed sensing (cs-wavelet: ESPIRiT maps, FISTA) beside BART 0.8's (`ecalib -m1`, `pics -l1`)
# on the two real brain slices shipped in samples/real-kspace and a simulated knee volume (8 slices, 15 coils),
# equispaced 4x / 0.08 test masks seeded from each file name, one lambda grid for both tools:
#
#   bench/cs_vs_bart.sh [OUT_DIR] [LAMBDAS] [ITERATIONS]   (defaults: bench/out/cs_vs_bart, the grid below, 30)
#
# robustmri runs once per map setting over all files and lambdas (`reconstruct --lambdas`, one JVM, timed whole);
# BART runs one process per ecalib and per pics (timed). Both are scored by bench/cs_vs_bart.py in the same way.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/bench/out/cs_vs_bart}"
lambdas="${2:-0.0003,0.001,0.003,0.01,0.03}"
iters="${3:-30}"
rmri="$here/robustmri"
export OMP_NUM_THREADS=2
rm -rf "$out"
mkdir -p "$out/data"
cp "$here/samples/real-kspace/pulseq_invivo_brain_16ch.h5" "$here/samples/real-kspace/pulseq_invivo_brain_bodycoil_2ch.h5" "$out/data/"
"$rmri" simulate --distributions knee-pd-3T-15ch --matrix 128 --slices 8 --volumes 1 --out "$out/sim" > /dev/null
find "$out/sim" -name '*.h5' -exec cp {} "$out/data/" \;
secs=()
for variant in default c0; do      # ESPIRiT crop 0.8 (BART's default) and 0 (cs-wavelet's default, BART's -c0)
  crop=",crop=0.8"; [ "$variant" = c0 ] && crop=",crop=0"
  t0=$(date +%s.%N)
  "$rmri" reconstruct --model "cs-wavelet:iterations=$iters$crop" --lambdas "$lambdas" "$out/data" --out "$out/robustmri/$variant" > /dev/null 2>&1
  t1=$(date +%s.%N)
  secs+=("$(echo "$t1 - $t0" | bc)")
done
/usr/bin/python3 "$here/bench/cs_vs_bart.py" "$out/data" "$out/robustmri" "$out" "$lambdas" "$iters" "${secs[@]}"
