#!/usr/bin/env bash
# Mixed precision (bf16 autocast) against float32: training-step time and peak memory of unet-small, vit-small and
# varnet-small (8 coils) at 320x320, robustmri beside PyTorch's CPU autocast (Debian's python3-torch with the paper's
# models), same threads, alternating in one run; then the validation SSIM of one short training run in each precision.
#   PAPER_SRC=path/to/mri_data_diversity FASTMRI_SRC=path/to/fastMRI bench/mixed_precision.sh
# PAIRS alternations per case (default 2), STEPS timed steps (default 3, after 2 untimed), CASES the models (default
# "unet-small vit-small varnet-small"), ACCURACY=0 skips the training runs. ONEDNN=1 adds robustmri runs
# with oneDNN forced on (ROBUSTMRI_CONVOLUTIONS=onednn): kernel speed only, on a CPU where oneDNN fails the start-up
# check its results are wrong.
set -euo pipefail
source "$(dirname "$0")/reference_env.sh"
export OPENBLAS_NUM_THREADS=1
threads=${THREADS:-2}
steps=${STEPS:-3}
./robustmri models > /dev/null
echo "# $(date -u +%F) $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores (robustmri's lines name the convolutions libtorch runs here)"
cases=" ${CASES:-unet-small vit-small varnet-small} "
run_case() { # name java-args python-script python-args
  local name=$1 jargs=$2 script=$3 pargs=$4
  [[ "$cases" == *" $name "* ]] || return 0
  for ((i = 1; i <= pairs; i++)); do
    for p in fp32 bf16; do
      echo "# $name $p pair $i"
      ./robustmri bench train-step $jargs --steps "$steps" --threads "$threads" --precision "$p"
      if [ "${ONEDNN:-0}" = 1 ]; then
        echo -n "[oneDNN forced] "
        ROBUSTMRI_CONVOLUTIONS=onednn ./robustmri bench train-step $jargs --steps "$steps" --threads "$threads" --precision "$p"
      fi
      "$py" "bench/$script" $pargs --steps "$steps" --threads "$threads" --precision "$p" 2>/dev/null
    done
  done
}
run_case unet-small "--model unet-small --size 320" train_step_reference.py "--chans 32 --pools 4 --size 320"
run_case vit-small "--model vit-small --size 320" vit_train_step_reference.py "--size 320"
run_case varnet-small "--model varnet-small --coils 8 --size 320" varnet_train_step_reference.py \
  "--cascades 8 --chans 12 --sens-chans 8 --pools 4 --sens-pools 4 --coils 8 --height 320 --width 320"

# Accuracy: the same 16-channel U-Net trained in each precision on the same simulated brains, scored on held-out volumes.
if [ "${ACCURACY:-1}" = 1 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  ./robustmri simulate --distributions brain-t2-3T-16ch --volumes 6 --slices 8 --matrix 64 --seed 3 --out "$work/sim" > /dev/null
  ./robustmri catalog "$work/sim" --out "$work/catalog.csv" > /dev/null
  echo "- {datasetName: brain-t2-3T-16ch}" > "$work/t2.yaml"
  for p in fp32 bf16; do
    start=$(date +%s.%N)
    ./robustmri train --model unet --chans 16 --pools 4 --epochs ${EPOCHS:-6} --catalog "$work/catalog.csv" --train "t2=$work/t2.yaml" \
      --validation-holdout 0.34 --precision "$p" --threads "$threads" --out "$work/run-$p" > /dev/null
    end=$(date +%s.%N)
    awk -F, -v p="$p" -v s="$start" -v e="$end" 'NR > 1 && $5 != "" { v = $5; ep = $2 } END {
      printf "accuracy %s: unet chans=16 pools=4, %d epochs on 4 simulated brain volumes x 8 slices 64x64: validation SSIM %.4f (2 held-out volumes), %.0f s\n", p, ep, v, e - s }' \
      "$work/run-$p/train_log.csv"
  done
fi
