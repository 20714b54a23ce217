#!/usr/bin/env bash
# Catalog throughput: builds N links (or copies, COPY=1) of the sample files in bench/out/catalog-N/ spread over
# a few folders, then times `robustmri catalog` on them and prints files per second (best of REPEATS runs).
#   bench/catalog.sh [N]            default N=2000, THREADS (default: all processors), REPEATS (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
repeats=${REPEATS:-3}
threads=${THREADS:-$(nproc)}
src=(samples/real-kspace/*.h5)
dir=bench/out/catalog-$n
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir"
  for ((i = 0; i < n; i++)); do
    sub="$dir/site$((i % 8))"
    mkdir -p "$sub"
    f="${src[$((i % ${#src[@]}))]}"
    name="$sub/vol$(printf %06d "$i")_$(basename "$f")"
    if [ "${COPY:-0}" = 1 ]; then cp "$f" "$name"; else ln -s "$(pwd)/$f" "$name"; fi
  done
  touch "$dir/.complete"
fi
./robustmri --version > /dev/null # build once, outside the timing
best=0
for ((r = 1; r <= repeats; r++)); do
  t0=$(date +%s.%N)
  ./robustmri catalog "$dir" --out bench/out/catalog-$n.csv --threads "$threads" 2> /dev/null | tail -1
  t1=$(date +%s.%N)
  rate=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  echo "run $r: $n files in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s wall (JVM start included): $rate files/s"
  [ "$rate" -gt "$best" ] && best=$rate
done
rows=$(($(wc -l < bench/out/catalog-$n.csv) - 1))
echo "catalog: $rows rows; best $best files/s wall with $threads thread(s)"
