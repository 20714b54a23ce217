#!/usr/bin/env bash
# Data-parallel throughput on one host: 1 rank with T threads against T ranks with 1 thread each (c10d Gloo over
# loopback), same global batch and plan, through `robustmri train`. Startup (JVM, rendezvous, native loading) is
# cancelled by timing E1 and E2 epochs and dividing the extra slices by the extra time. Rank 0 prints what the
# gradient all-reduce cost per step.
#   bench/distributed.sh                      # unet-small at 320x320 and a small VarNet at 128x128 (k-space 256x128)
# Override: THREADS (2), E1 (1), E2 (3), VOLUMES (2), SLICES (4), BATCH (2).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}; e1=${E1:-1}; e2=${E2:-3}; volumes=${VOLUMES:-2}; slices=${SLICES:-4}; batch=${BATCH:-2}
out=bench/out/distributed
mkdir -p "$out"
./robustmri models > /dev/null
echo "- {datasetName: knee-pd-3T-15ch}" > "$out/pd.yaml"

prepare() { # matrix
  local m=$1 d="$out/data-$1"
  if [ ! -f "$d/catalog.csv" ]; then
    ./robustmri simulate --distributions knee-pd-3T-15ch --volumes "$volumes" --slices "$slices" --matrix "$m" --out "$d" > /dev/null
    ./robustmri catalog "$d" --out "$d/catalog.csv" > /dev/null
  fi
}

seconds() { # run-dir epochs extra-args...: wall seconds of one training run
  local dir=$1 epochs=$2; shift 2
  rm -rf "$dir"
  local t0 t1
  t0=$(date +%s.%N)
  ./robustmri train --out "$dir" --catalog "$cat" --train "pd=$out/pd.yaml" --epochs "$epochs" --batch-size "$batch" \
    --mask equispaced --accelerations 4 --center-fractions 0.08 "$@" > "$dir.log" 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

run_case() { # label matrix model-args...
  local label=$1 m=$2; shift 2
  prepare "$m"
  cat="$out/data-$m/catalog.csv"
  local n=$((volumes * slices))
  for mode in single ranks; do
    local args=("$@")
    if [ "$mode" = single ]; then args+=(--threads "$threads"); else args+=(--threads 1 --nproc "$threads"); fi
    local a b
    a=$(seconds "$out/run-$mode-a" "$e1" "${args[@]}")
    b=$(seconds "$out/run-$mode-b" "$e2" "${args[@]}")
    local rate
    rate=$(echo "$n * ($e2 - $e1) / ($b - $a)" | bc -l)
    printf '%s %s: %.3f slices/s (%d epochs %.1f s, %d epochs %.1f s)\n' "$label" \
      "$([ "$mode" = single ] && echo "1 rank x $threads threads" || echo "$threads ranks x 1 thread")" "$rate" "$e1" "$a" "$e2" "$b"
    grep -h "gradient all-reduce" "$out/run-$mode-b.log" || true
  done
}

run_case unet-small 320 --model unet-small
run_case varnet-n4-c8-s4 128 --model varnet --model-param cascades=4 --model-param chans=8 --model-param sens_chans=4
