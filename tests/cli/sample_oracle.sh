#!/usr/bin/env bash
# ito sample --oracle: every sampler with the exact Gaussian-mixture score reproduces the
# mixture: at n = 3000, `ito metrics --reference` puts its sliced W1 to exact draws inside
# the floor's distribution (z = (SW1 - floor mean)/floor sd over 30 exact draws of size
# 3000, z < 5); the fast samplers do so with --nfe 15; ito nll --oracle matches the
# mixture's true log-density.
set -euo pipefail
ito=$1
src=${ITO_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
gmm="$src/examples/data/gmm2d.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }
n=3000

quality=(--reference "$gmm" --reference-size 50000 --quality-projections 50 --json)

check() {  # check NAME STEPS [extra sample args...]; z below ZMAX (default 5) at n = 3000
  local name=$1 steps=$2 zmax=${ZMAX:-5}; shift 2
  local grid=(--steps "$steps")
  [ "$steps" -gt 0 ] || grid=()  # the fast samplers take --nfe instead
  "$ito" sample --oracle "$gmm" "${grid[@]}" --n $n --seed 7 --out "$tmp/s.csv" --json "$@" > "$tmp/s.json"
  "$ito" metrics --a "$tmp/s.csv" "${quality[@]}" > "$tmp/m.json"
  local line
  line=$(json "$tmp/m.json" "'%-16s steps %4d  nfe %6.0f  n %d  sw1 %.4f  floor %.4f +- %.4f  z %5.2f  weights max|z| %.2f' % ('$name', $steps, $(json "$tmp/s.json" "d['nfe']"), d['n'], d['sw1'], d['floor_mean'], d['floor_sd'], d['z'], d['weights_max_abs_z'])")
  echo "$line"
  json "$tmp/m.json" "d['z'] < $zmax and d['weights_max_abs_z'] < 5" | grep -q True || fail "$name: z above $zmax: $line"
}

check em 500 --sde vp --sampler em
check sra1 500 --sde vp --sampler sra1
check pc 500 --sde vp --sampler pc
check ddpm 500 --sde vp --sampler ddpm
check ddim 200 --sde vp --sampler ddim
check ald 200 --sde vp --sampler ald
check ode 200 --sde vp --sampler ode
check em-subvp 500 --sde subvp --sampler em
check em-ve 1000 --sde ve --sampler em
# the fast samplers at exactly 15 score evaluations (checked in the JSON)
for s in dpm dpmpp dpmpp-sde unipc; do
  check "$s-nfe15" 0 --sde vp --sampler $s --nfe 15
  json "$tmp/s.json" "d['nfe'] == 15" | grep -q True || fail "$s: nfe $(json "$tmp/s.json" "d['nfe']") != 15"
done
# EDM's Heun costs 2 evaluations per step and is far off at 15 (z = 30 at n = 3000): 101
check edm-nfe101 0 --sde vp --sampler edm --nfe 101
# the adaptive samplers: steps from the tolerance (default rtol = atol = 1e-2), nfe reported
check adaptive 0 --sde vp --sampler adaptive
check adaptive-dpmpp-sde 0 --sde vp --sampler adaptive-dpmpp-sde
check adaptive-dpmpp-sde-ve 0 --sde ve --sampler adaptive-dpmpp-sde
check adaptive-dpmpp-sde-subvp 0 --sde subvp --sampler adaptive-dpmpp-sde
check dpmpp-ve 0 --sde ve --sampler dpmpp --nfe 20
check unipc-subvp 0 --sde subvp --sampler unipc --nfe 20
check edm-churn 0 --sde vp --sampler edm --nfe 101 --churn 5

# a coarse grid is visibly worse than the fine one (the error falls with the steps)
"$ito" sample --oracle "$gmm" --sde vp --sampler em --steps 5 --n $n --seed 7 --out "$tmp/coarse.csv"
"$ito" metrics --a "$tmp/coarse.csv" "${quality[@]}" > "$tmp/m.json"
json "$tmp/m.json" "d['z'] > 10" | grep -q True || fail "em with 5 steps is as good as the floor? $(cat "$tmp/m.json")"

# trajectory at chosen times: rows t, path, x1, x2
"$ito" sample --oracle "$gmm" --sampler ddpm --steps 10 --n 5 --seed 1 --out "$tmp/s.csv" \
  --trajectory "$tmp/traj.csv" --times 1.0 0.5
[ "$(head -1 "$tmp/traj.csv")" = "t,path,x1,x2" ] || fail "trajectory header"
[ "$(wc -l < "$tmp/traj.csv")" -eq 11 ] || fail "trajectory rows"

# likelihood with the oracle score equals the true log-density (0.01 nats on average)
"$ito" data --dataset gmm --gmm "$gmm" --n 200 --seed 103 --out "$tmp/pts.csv"
"$ito" nll --oracle "$gmm" --sde vp --data "$tmp/pts.csv" --json > "$tmp/nll.json"
cat "$tmp/nll.json"
json "$tmp/nll.json" "abs(d['nll'] - d['true_nll']) < 0.01 and d['mean_abs_error'] < 0.01" | grep -q True \
  || fail "nll differs from the truth"

# errors name the argument
if "$ito" sample --oracle "$gmm" --sampler nope --n 5 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "bad sampler accepted"; fi
grep -q "sampler = nope" "$tmp/err" || fail "sampler message: $(cat "$tmp/err")"
if "$ito" sample --oracle "$gmm" --sampler edm --order 3 --nfe 10 --n 5 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "edm order 3 accepted"; fi
grep -q "order" "$tmp/err" || fail "order message: $(cat "$tmp/err")"
if "$ito" sample --oracle "$gmm" --sampler dpmpp --nfe 10 --steps 4 --n 5 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "--nfe with --steps accepted"; fi
grep -q "nfe" "$tmp/err" || fail "nfe message: $(cat "$tmp/err")"
if "$ito" sample --oracle "$tmp/missing.json" --n 5 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "missing oracle accepted"; fi
grep -q "missing.json: cannot open" "$tmp/err" || fail "oracle message: $(cat "$tmp/err")"
echo "sample_oracle: ok"
