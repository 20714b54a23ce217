#!/usr/bin/env bash
# Resident memory over time of one command: samples the VmRSS of its java process every DT seconds (default 0.5) and
# prints the samples in MiB on one line, then the command's own last output line.
#   bench/rss_trace.sh ./robustmri bench eval bench/out/file_bench_1000001.h5 --model varnet-small --repeats 1
set -euo pipefail
dt=${DT:-0.5}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" > "$log" 2>&1 &
pid=$!
samples=()
while kill -0 "$pid" 2> /dev/null; do
  java=$(pgrep -P "$pid" java || echo "$pid")
  kb=$(awk '/^VmRSS/ {print $2}' "/proc/$java/status" 2> /dev/null || true)
  [ -n "$kb" ] && samples+=("$((kb / 1024))")
  sleep "$dt"
done
wait "$pid"
echo "RSS MiB every ${dt} s: ${samples[*]}"
tail -n 1 "$log"
