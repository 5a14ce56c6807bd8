#!/usr/bin/env bash
# The plot scripts (examples/plots/*.py) through `ito demo --quick`: every teaching
# part passes its checks and writes a non-empty PNG (and the 2-D GIF). Skipped when
# /usr/bin/python3 has no matplotlib.
set -euo pipefail
ito=$1
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "${ITO_SOURCE_DIR:?}"
rc=0
"$ito" demo --quick --out "$tmp" --only ou orders fokker-planck forward-reverse samplers forward-sdes > "$tmp/demo.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/demo.log"; fail "ito demo --quick exited $rc"; }
grep -q "demo: 6 of 6 parts passed" "$tmp/demo.log" || { cat "$tmp/demo.log"; fail "not all six parts passed"; }
for png in ou_validation convergence fokker_planck forward_reverse_2d forward_reverse_2d_field samplers_compare forward_sdes; do
  [ -s "$tmp/$png.png" ] || fail "$png.png missing or empty"
  head -c 8 "$tmp/$png.png" | od -An -c | grep -q 'P   N   G' || fail "$png.png is not a PNG"
done
[ -s "$tmp/forward_reverse_2d.gif" ] || fail "forward_reverse_2d.gif missing"
grep -q "figure: $tmp/forward_reverse_2d.png" "$tmp/demo.log" || fail "the demo does not say where the figure is"
echo "plots: all ok"
