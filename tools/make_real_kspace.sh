#!/usr/bin/env bash
# Remakes samples/real-kspace from the Siemens raw files it was made from, and compares the k-space and targets with
# the shipped files:
#
#   tools/make_real_kspace.sh PULSEQ_CHECKOUT TWIXTOOLS_CHECKOUT OUT_DIR
#
# PULSEQ_CHECKOUT is a checkout of github.com/pulseq/MR-Physics-with-Pulseq, TWIXTOOLS_CHECKOUT one of
# github.com/pehses/twixtools (its pure-Python reader, and example_data/gre.dat); samples/real-kspace/README.md names
# the files and commits. Each twix file goes to ISMRMRD with tools/twix_to_ismrmrd.py (Debian's python3-numpy and
# python3-h5py), then to the fastMRI layout with `robustmri convert` (the twixtools phantom with
# --remove-readout-oversampling, as the shipped file has no readout oversampling). OUT_DIR receives the ISMRMRD files
# (raw/) and the converted ones (kspace/); the last step prints, per file, the largest k-space and target difference
# from the shipped file, relative to its largest value.
set -euo pipefail
if [ $# -ne 3 ]; then sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
pulseq="$1"; twixtools="$2"; out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
mkdir -p "$out/raw" "$out/kspace"
sources=(
  "pulseq_invivo_brain_16ch|$pulseq/tutorials/04_hardware_and_imprefections/data/2024-02-06-164128.dat|"
  "pulseq_invivo_brain_bodycoil_2ch|$pulseq/tutorials/04_hardware_and_imprefections/data/2024-02-06-164120.dat|"
  "pulseq_phantom_16ch|$pulseq/tutorials/04_hardware_and_imprefections/data/2024-02-06-160052.dat|"
  "pulseq_phantom_32ch|$pulseq/tutorials/02_rf_pulses/data/meas_MID00243_FID33257_pulseq.dat|"
  "twixtools_gre_phantom_2ch|$twixtools/example_data/gre.dat|--remove-readout-oversampling"
)
for s in "${sources[@]}"; do
  IFS='|' read -r name dat flags <<< "$s"
  PYTHONPATH="$twixtools" "$py" "$here/tools/twix_to_ismrmrd.py" "$dat" "$out/raw/$name.h5" 2>/dev/null
  # shellcheck disable=SC2086 # flags is empty or one flag
  "$here/robustmri" convert "$out/raw/$name.h5" --from ismrmrd $flags --out "$out/kspace/$name" > /dev/null
done
"$py" - "$here/samples/real-kspace" "$out/kspace" <<'EOF'
import sys, glob, os
import h5py
import numpy as np
shipped, made = sys.argv[1], sys.argv[2]
for ref in sorted(glob.glob(os.path.join(shipped, "*.h5"))):
    name = os.path.basename(ref)
    with h5py.File(ref, "r") as a, h5py.File(os.path.join(made, name[:-3], name), "r") as b:
        ka, kb = a["kspace"][()], b["kspace"][()]
        kb = kb[..., 0] + 1j * kb[..., 1]  # robustmri writes float32 (re, im) pairs
        ta, tb = a["reconstruction_rss"][()], b["reconstruction_rss"][()]
        print("%-40s kspace %s: max |diff| / max %.2g; target %s: %.2g" % (name, ka.shape,
              np.abs(ka - kb).max() / np.abs(ka).max(), ta.shape, np.abs(ta - tb).max() / ta.max()))
EOF
