#!/usr/bin/env bash
# One run that remakes the speed and memory numbers of bench/README.md that compare robustmri with PyTorch:
# the machine (CPU, cores, memory, the 2-thread sgemm rate), the convolution backends, training steps at the paper's
# sizes (mixed_precision.sh: unet-small, vit-small, varnet-small on 8 coils, fp32 and bf16; varnet_train_step.sh:
# E2E-VarNet up to 15 coils 640x368), and inference per slice on a fastMRI-sized file (robustmri bench eval against
# eval_reference.py), each side by side with its reference in alternating pairs. Writes everything to
# bench/out/run_all-DATE.txt (and the terminal).
#   FASTMRI_SRC=path/to/fastMRI PAPER_SRC=path/to/mri_data_diversity bench/run_all.sh
# PAIRS (default 2) alternations per case everywhere; EVAL_REPEATS (default 2) timed passes per inference run; QUICK=1
# skips the 15-coil 640x368 training cases.
set -euo pipefail
source "$(dirname "$0")/reference_env.sh"
mkdir -p bench/out
log="bench/out/run_all-$(date -u +%Y%m%d-%H%M).txt"
exec > >(tee "$log") 2>&1

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
OPENBLAS_NUM_THREADS=2 "$py" - <<'EOF'
import time, numpy as np
a = np.random.rand(4096, 4096).astype(np.float32); b = np.random.rand(4096, 4096).astype(np.float32)
a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
print("# sgemm 4096^3, 2 threads (numpy's OpenBLAS): %.1f GFLOP/s" % (2 * 4096 ** 3 / best / 1e9))
EOF

echo "## convolution backends: wrong results on random shapes"
./robustmri bench convolutions --precision fp32
./robustmri bench convolutions --precision bf16
echo "## convolution backends: training steps"
ROUNDS=$pairs bench/convolution_backends.sh

echo "## training steps at 320x320, fp32 and bf16 (mixed_precision.sh)"
PAIRS=$pairs ACCURACY=${ACCURACY:-0} bench/mixed_precision.sh

echo "## demo U-Net training step, 128x128 (train_step_reference.py)"
for ((i = 1; i <= pairs; i++)); do
  echo "# demo U-Net pair $i"
  ./robustmri bench train-step --chans 8 --pools 3 --size 128 --steps 30 --threads 2 | tail -n 1
  OPENBLAS_NUM_THREADS=1 "$py" bench/train_step_reference.py --chans 8 --pools 3 --size 128 --steps 30 --threads 2 2>/dev/null
done

echo "## E2E-VarNet training steps (varnet_train_step.sh)"
if [ "${QUICK:-0}" = 1 ]; then
  echo "(QUICK=1: 15-coil 640x368 cases skipped)"
else
  PAIRS=$pairs STEPS_SMALL=${STEPS_SMALL:-5} STEPS_LARGE=${STEPS_LARGE:-3} bench/varnet_train_step.sh
fi

echo "## inference per slice (bench eval / eval_reference.py), 16 slices x 15 coils x 640x368 (inference.sh)"
PAIRS=$pairs bench/inference.sh
echo "# written to $log"
