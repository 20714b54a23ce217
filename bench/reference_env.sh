# Sourced by the bench scripts that run beside the reference code: the repository as working directory, both reference
# checkouts required and exported, Debian's python as $py, and $pairs (PAIRS, default 2) alternations per case.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${FASTMRI_SRC:?set FASTMRI_SRC to a fastMRI v0.3.0 checkout}"
: "${PAPER_SRC:?set PAPER_SRC to a checkout of MLI-lab/mri_data_diversity}"
export FASTMRI_SRC PAPER_SRC
py=${PYTHON:-/usr/bin/python3}
pairs=${PAIRS:-2}
