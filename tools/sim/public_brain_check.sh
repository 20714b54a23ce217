#!/usr/bin/env bash
# Scores trained studies on a public real brain scan that cannot be shipped (no licence given): the 16-coil 96 x 96
# axial brain k-space of github.com/mchiew/SENSE-tutorial (raw_data.mat, MATLAB (x, y, z, coil), x phase encoded).
# Converts it with `convert`, then reconstructs it with zero-filling, cs-tv and the final checkpoint of every run of
# each study, equispaced 4x / 0.08 masks, and prints SSIM and PSNR from `metrics`.
#
#   tools/sim/public_brain_check.sh SENSE_TUTORIAL_CHECKOUT OUT_DIR STUDY_DIR...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src=${1:?usage: public_brain_check.sh SENSE_TUTORIAL_CHECKOUT OUT_DIR STUDY_DIR...}
out=${2:?usage: public_brain_check.sh SENSE_TUTORIAL_CHECKOUT OUT_DIR STUDY_DIR...}
shift 2
rmri="$here/robustmri"
rm -rf "$out"
mkdir -p "$out"
"$rmri" convert "$src/raw_data.mat" --key raw --layout WHSC --set anatomy=brain --out "$out/data" > /dev/null
score() { # name, reconstruction folder
  "$rmri" metrics --target "$out/data" --recon "$2" --json > "$2.json"
  /usr/bin/python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]
print("%-48s SSIM %.4f  PSNR %.2f dB" % (sys.argv[2], s["ssim_volume"]["value"], s["psnr"]["value"]))' "$2.json" "$1"
}
"$rmri" zerofill "$out/data" --out "$out/zero-filled" > /dev/null 2>&1
score zero-filled "$out/zero-filled"
"$rmri" reconstruct --model cs-tv "$out/data" --out "$out/cs-tv" > /dev/null 2>&1
score cs-tv "$out/cs-tv"
for study in "$@"; do
  for ckdir in "$study"/runs/*/checkpoints; do
    ls "$ckdir"/epoch-*.safetensors > /dev/null 2>&1 || continue # baselines have no checkpoints
    run=$(basename "$(dirname "$ckdir")")
    ckpt=$(ls "$ckdir"/epoch-*.safetensors | sort | tail -1)
    "$rmri" reconstruct --model "$ckpt" "$out/data" --out "$out/$(basename "$study")-$run" > /dev/null 2>&1
    score "$(basename "$study")/$run" "$out/$(basename "$study")-$run"
  done
done
