#!/usr/bin/env bash
# E2E-VarNet training-step benchmark: robustmri (Java + libtorch, through the launcher and its environment) against
# fastMRI's own VarNet in Debian's python3-torch, same shapes and threads, alternating in one run. Needs a fastMRI
# v0.3.0 checkout:
#   FASTMRI_SRC=path/to/fastMRI bench/varnet_train_step.sh
# Cases: varnet-small and a small custom VarNet, on 8 coils 128x128 and 15 coils 640x368 (320x320 crop). OpenBLAS
# has one thread on both sides (what the launcher sets). The reference runs twice per pair: with glibc's default
# allocator settings (how it runs out of the box) and with the launcher's MALLOC_* settings (the same allocator
# settings; torch 1.13 has no THP_MEM_ALLOC_ENABLE switch). PAIRS alternations per case (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
: "${FASTMRI_SRC:?set FASTMRI_SRC to a fastMRI v0.3.0 checkout}"
threads=${THREADS:-2}
pairs=${PAIRS:-3}
malloc=(MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=268435456)
run_case() { # name java-model py-args coils H W size steps
  local name=$1 jmodel=$2 pyargs=$3 coils=$4 h=$5 w=$6 size=$7 steps=$8
  for ((i = 1; i <= pairs; i++)); do
    echo "# $name, $coils coils ${h}x${w}, pair $i"
    OPENBLAS_NUM_THREADS=1 ./robustmri bench train-step --model "$jmodel" --coils "$coils" \
      --kspace "${h}x${w}" --size "$size" --steps "$steps" --threads "$threads"
    for env in default malloc; do
      local e=(env OPENBLAS_NUM_THREADS=1 FASTMRI_SRC="$FASTMRI_SRC")
      [ "$env" = malloc ] && e+=("${malloc[@]}")
      echo -n "[$env allocator] "
      "${e[@]}" "$py" bench/varnet_train_step_reference.py $pyargs --coils "$coils" \
        --height "$h" --width "$w" --steps "$steps" --threads "$threads" 2>/dev/null
    done
  done
}
./robustmri models > /dev/null
small="--cascades 8 --chans 12 --sens-chans 8 --pools 4 --sens-pools 4"
tiny="--cascades 4 --chans 8 --sens-chans 4 --pools 4 --sens-pools 4"
run_case varnet-small varnet-small "$small" 8 128 128 128 ${STEPS_SMALL:-15}
run_case varnet-n4-c8-s4 "varnet:cascades=4,chans=8,sens_chans=4" "$tiny" 8 128 128 128 ${STEPS_SMALL:-15}
run_case varnet-small varnet-small "$small" 15 640 368 320 ${STEPS_LARGE:-5}
run_case varnet-n4-c8-s4 "varnet:cascades=4,chans=8,sens_chans=4" "$tiny" 15 640 368 320 ${STEPS_LARGE:-5}
