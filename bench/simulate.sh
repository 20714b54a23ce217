#!/usr/bin/env bash
# Simulation throughput: times `robustmri simulate` for one distribution and prints slices per second.
# Defaults: brain-t2-3T-16ch (16 coils), 4 volumes x 16 slices, 128x128 targets, 2 threads.
# Override with DIST, VOLUMES, SLICES, MATRIX, THREADS, REPEATS.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${DIST:-brain-t2-3T-16ch}
volumes=${VOLUMES:-4}
slices=${SLICES:-16}
matrix=${MATRIX:-128}
threads=${THREADS:-2}
repeats=${REPEATS:-2}
out=bench/out/simulate
./robustmri --version > /dev/null # build the jar outside the timing
for r in $(seq 1 "$repeats"); do
  rm -rf "$out"
  start=$(date +%s.%N)
  summary=$(./robustmri simulate --distributions "$dist" --volumes "$volumes" --slices "$slices" --matrix "$matrix" \
    --threads "$threads" --seed "$r" --out "$out" 2>/dev/null | tail -n 1)
  end=$(date +%s.%N)
  total=$((volumes * slices))
  awk -v n="$total" -v s="$start" -v e="$end" -v d="$dist" -v m="$matrix" -v t="$threads" -v r="$r" \
    'BEGIN { printf "run %d: %s %dx%d, %d slices, %d threads: %.1f s wall (with JVM start), %.2f slices/s\n", r, d, m, m, n, t, e - s, n / (e - s) }'
  echo "  $summary"
  # the command reports thread time spent simulating and writing; simulation alone would run at about
  # slices / (simulation thread seconds / threads)
  echo "$summary" | awk -v n="$total" -v t="$threads" '{
      for (i = 1; i <= NF; i++) { if ($i == "simulation") sim = $(i + 1); if ($i == "writing") wr = $(i + 1) }
      if (sim > 0) printf "  simulation alone: %.1f slices/s; writing alone: %.2f slices/s\n", n / (sim / t), n / (wr / t) }'
done
