#!/usr/bin/env bash
# Inference per slice on a fastMRI-sized file (16 slices x 15 coils x 640x368): robustmri bench eval against
# eval_reference.py (the same steps in PyTorch under torch.no_grad), unet-small, vit-small and varnet-small, in
# alternating pairs; each line gives slices/s and the process's peak RSS. Part of run_all.sh.
#   FASTMRI_SRC=path/to/fastMRI PAPER_SRC=path/to/mri_data_diversity bench/inference.sh
# PAIRS (default 2) alternations per model, EVAL_REPEATS (default 2) timed passes per run, MODELS (default "unet vit varnet").
set -euo pipefail
source "$(dirname "$0")/reference_env.sh"
file=bench/out/file_bench_1000001.h5
mkdir -p bench/out
[ -f "$file" ] || "$py" bench/pipeline_reference.py make "$file"
for model in ${MODELS:-unet vit varnet}; do
  for ((i = 1; i <= pairs; i++)); do
    echo "# $model pair $i"
    ./robustmri bench eval "$file" --model "$model-small" --repeats "${EVAL_REPEATS:-2}" --threads 2 | tail -n 1
    OPENBLAS_NUM_THREADS=1 "$py" bench/eval_reference.py "$file" --model "$model" --repeats "${EVAL_REPEATS:-2}" --threads 2 2>/dev/null
  done
done
