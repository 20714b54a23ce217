#!/usr/bin/env bash
# What moves the numbers between x86-64 CPUs: the quick demo under the kernels another CPU would get, compared with the
# run on this CPU's own. libtorch picks its vector kernels by instruction set (ATEN_CPU_CAPABILITY: default, avx2,
# avx512), oneDNN by ONEDNN_MAX_CPU_ISA, OpenBLAS by OPENBLAS_CORETYPE; the intra-op thread count sets how reductions
# are split. For each setting it prints whether results.csv is bit-identical to the run with the launcher's defaults,
# the largest |difference| of a slice SSIM, and the largest difference of a claim's estimate. (The launcher pins
# ATEN_CPU_CAPABILITY=avx2 on CPUs with AVX2; aten-avx512 shows what that pin removes on an AVX-512 CPU.)
#
#   bench/cpu_reproducibility.sh [OUT_DIR]        (default bench/out/cpu)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/bench/out/cpu}"
rm -rf "$out"
mkdir -p "$out"
run() { # name, env assignments...
  local name="$1"
  shift
  local t0 t1
  t0=$(date +%s.%N)
  env "$@" "$here/robustmri" demo --quick --out "$out/$name" > "$out/$name.log" 2>&1
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)" >> "$out/times.txt"
}
run launcher-defaults
run aten-avx512 ATEN_CPU_CAPABILITY=avx512
run aten-avx2 ATEN_CPU_CAPABILITY=avx2
run aten-default ATEN_CPU_CAPABILITY=default
run onednn-avx2 ONEDNN_MAX_CPU_ISA=AVX2
run openblas-haswell OPENBLAS_CORETYPE=Haswell
run all-avx2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
run one-thread OMP_NUM_THREADS=1
/usr/bin/python3 - "$out" <<'PY'
import csv, hashlib, sys, os
out = sys.argv[1]
times = dict(l.split() for l in open(os.path.join(out, "times.txt")))
def load(name):
    rows = {}
    with open(os.path.join(out, name, "results.csv")) as f:
        for r in csv.DictReader(f):
            if r["metric"] == "ssim":
                rows[(r["run"], r["epoch"], r["test_set"], r["volume"], r["slice"])] = float(r["value"])
    claims = {}
    with open(os.path.join(out, name, "analyses", "claims.csv")) as f:
        for r in csv.DictReader(f):
            claims[(r["model"], r["claim"])] = (float(r["estimate"]) if r["estimate"] else float("nan"), r["verdict"])
    digest = hashlib.sha256(open(os.path.join(out, name, "results.csv"), "rb").read()).hexdigest()[:12]
    return rows, claims, digest
base_rows, base_claims, base_digest = load("launcher-defaults")
print("%-18s %-12s %-9s %-14s %-14s %-8s %s" % ("setting", "results.csv", "identical", "max|dSSIM|", "max|dclaim|", "verdicts", "time s"))
for name in ["launcher-defaults", "aten-avx512", "aten-avx2", "aten-default", "onednn-avx2", "openblas-haswell", "all-avx2", "one-thread"]:
    rows, claims, digest = load(name)
    d = max(abs(rows[k] - base_rows[k]) for k in base_rows)
    dc = max((abs(claims[k][0] - base_claims[k][0]) for k in base_claims if base_claims[k][0] == base_claims[k][0]), default=0.0)
    same_verdicts = all(claims[k][1] == base_claims[k][1] for k in base_claims)
    print("%-18s %-12s %-9s %-14.3g %-14.3g %-8s %.1f" % (name, digest, digest == base_digest, d, dc, "same" if same_verdicts else "DIFFER", float(times[name])))
PY
