#!/usr/bin/env bash
# Training-step time of the same models under each convolution backend robustmri can run (ROBUSTMRI_CONVOLUTIONS):
# auto (what the start-up check chose on this CPU: oneDNN, channel-padded oneDNN, or ATen), aten (ATen's own
# everywhere) and onednn (oneDNN unchecked: timing only where the check fails). Each robustmri line names the
# convolutions it ran. Cases: the demo's U-Net and E2E-VarNet (64x64, 1 thread, as the demo trains them), unet-small at
# 320x320 and varnet-small on 15 coils 640x368 (2 threads). ROUNDS alternations of the three (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-2}
run() { # label args...
  local label=$1; shift
  for ((r = 1; r <= rounds; r++)); do
    for mode in auto aten onednn; do
      echo -n "$label [$mode] "
      ROBUSTMRI_CONVOLUTIONS=$mode ./robustmri bench train-step "$@" | tail -n 1
    done
  done
}
./robustmri models > /dev/null
run "demo U-Net" --chans 8 --pools 3 --size 64 --steps ${STEPS_SMALL:-40} --threads 1
run "demo VarNet" --model "varnet:cascades=2,chans=6,sens_chans=2,pools=2,sens_pools=1" --coils 15 --size 64 --steps ${STEPS_SMALL:-40} --threads 1
run "unet-small" --model unet-small --size 320 --steps ${STEPS_LARGE:-3} --threads 2
run "varnet-small" --model varnet-small --coils 15 --kspace 640x368 --size 320 --steps ${STEPS_LARGE:-3} --threads 2
