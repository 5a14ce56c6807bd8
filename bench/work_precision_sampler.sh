#!/bin/sh
# Adaptive reverse-SDE sampling on the thin mixture (issue 14 target): quality of n
# samples judged against exact draws (`ito metrics --reference`: SW1 to 200000 exact
# draws beside the floor of 30 exact draws of size n; |z| <= 3 = indistinguishable)
# and the mean score evaluations per sample, for the two adaptive samplers (the
# Euler / improved-Euler pair, `adaptive`, and adaptive SDE-DPM-Solver++(2M),
# `adaptive-dpmpp-sde`) at ladders of tolerances side by side with fixed-step
# Euler-Maruyama at a ladder of steps.
#
#   bench/work_precision_sampler.sh ITO [N] [MIXTURE]   (defaults: 50000, bench/data/thin2d.json)
# Prints: sampler setting nfe z ratio
set -eu
ITO=$1
N=${2:-50000}
MIX=${3:-$(dirname "$0")/data/thin2d.json}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
judge() {  # $1 label, $2 setting, $3 nfe, $4 csv
  "$ITO" metrics --a "$4" --reference "$MIX" --json > "$TMP/q.json"
  python3 - "$1" "$2" "$3" "$TMP/q.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[4]))
q = q.get("quality", q)
print(f"{sys.argv[1]:9s} {sys.argv[2]:24s} nfe {float(sys.argv[3]):7.2f}  z {q['z']:7.2f}  ratio {q['ratio']:.4f}")
PY
}
for tol in ${RTOLS:-0.2 0.1 0.05 0.02}; do
  "$ITO" sample --oracle "$MIX" --sampler adaptive --rtol "$tol" --atol "$tol" --n "$N" --out "$TMP/a.csv" --json \
    > "$TMP/s.json"
  nfe=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['nfe'])" "$TMP/s.json")
  judge adaptive "rtol=atol=$tol" "$nfe" "$TMP/a.csv"
done
for tol in ${DPMPP_TOLS:-0.05 0.02 0.01 0.005}; do
  "$ITO" sample --oracle "$MIX" --sampler adaptive-dpmpp-sde --rtol "$tol" --atol "$tol" --n "$N" --out "$TMP/a.csv" \
    --json > "$TMP/s.json"
  nfe=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['nfe'])" "$TMP/s.json")
  judge adpm-sde "rtol=atol=$tol" "$nfe" "$TMP/a.csv"
done
for k in ${EM_STEPS:-20 30 40 50 70 100}; do
  "$ITO" sample --oracle "$MIX" --sampler em --steps "$k" --n "$N" --out "$TMP/e.csv" --json > "$TMP/s.json"
  judge em "steps=$k" "$k" "$TMP/e.csv"
done
