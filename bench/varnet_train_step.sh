#!/usr/bin/env bash
# E2E-VarNet training-step benchmark: robustmri (Java + libtorch) against fastMRI's own VarNet in Debian's
# python3-torch, same shapes and threads, alternating in one run. Needs a fastMRI v0.3.0 checkout:
#   FASTMRI_SRC=path/to/fastMRI bench/varnet_train_step.sh
# Cases: varnet-small and a small custom VarNet, on 8 coils 128x128 and 15 coils 640x368 (320x320 crop).
# Both sides run with OPENBLAS_NUM_THREADS=1 (what the launcher sets) and once more with OpenBLAS at its default.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
: "${FASTMRI_SRC:?set FASTMRI_SRC to a fastMRI v0.3.0 checkout}"
threads=${THREADS:-2}
run_case() { # name java-model py-args coils H W size steps
  local name=$1 jmodel=$2 pyargs=$3 coils=$4 h=$5 w=$6 size=$7 steps=$8
  for blas in 1 default; do
    local env=(env -u OMP_WAIT_POLICY)
    [ "$blas" = 1 ] && env+=(OPENBLAS_NUM_THREADS=1) || env+=(-u OPENBLAS_NUM_THREADS)
    echo "# $name, $coils coils ${h}x${w}, OpenBLAS threads: $blas"
    "${env[@]}" java -Xmx8g -jar target/robustmri.jar bench train-step --model "$jmodel" --coils "$coils" \
      --kspace "${h}x${w}" --size "$size" --steps "$steps" --threads "$threads"
    "${env[@]}" FASTMRI_SRC="$FASTMRI_SRC" "$py" bench/varnet_train_step_reference.py $pyargs --coils "$coils" \
      --height "$h" --width "$w" --steps "$steps" --threads "$threads" 2>/dev/null
  done
}
[ -f target/robustmri.jar ] || ./robustmri models > /dev/null
small="--cascades 8 --chans 12 --sens-chans 8 --pools 4 --sens-pools 4"
tiny="--cascades 4 --chans 8 --sens-chans 4 --pools 4 --sens-pools 4"
run_case varnet-small varnet-small "$small" 8 128 128 128 ${STEPS_SMALL:-15}
run_case varnet-n4-c8-s4 "varnet:cascades=4,chans=8,sens_chans=4" "$tiny" 8 128 128 128 ${STEPS_SMALL:-15}
run_case varnet-small varnet-small "$small" 15 640 368 320 ${STEPS_LARGE:-4}
run_case varnet-n4-c8-s4 "varnet:cascades=4,chans=8,sens_chans=4" "$tiny" 15 640 368 320 ${STEPS_LARGE:-4}
