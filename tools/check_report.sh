#!/usr/bin/env bash
# Opens an experiment's report.html in headless Chromium (Debian package 'chromium'), checks that every inline
# image decoded, and writes a full-page screenshot next to it.
#   tools/check_report.sh experiments/demo
set -euo pipefail
dir=${1:?usage: tools/check_report.sh EXPERIMENT_DIR}
html="$(cd "$dir" && pwd)/report.html"
[ -f "$html" ] || { echo "no report.html in $dir" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not installed (apt-get install chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile" --virtual-time-budget=5000)
dom=$("$browser" "${flags[@]}" --dump-dom "file://$html" 2>/dev/null)
loaded=$(printf '%s' "$dom" | grep -o 'data-images-loaded="[0-9]*/[0-9]*"' | head -1 | grep -o '[0-9]*/[0-9]*' || true)
"$browser" "${flags[@]}" --window-size=1400,${HEIGHT:-5000} --screenshot="$dir/report-screenshot.png" "file://$html" >/dev/null 2>&1
echo "images loaded: ${loaded:-unknown}; screenshot: $dir/report-screenshot.png"
[ -n "$loaded" ] && [ "${loaded%/*}" = "${loaded#*/}" ] && [ "${loaded%/*}" != 0 ]
