#!/usr/bin/env bash
# ito data and ito metrics: data sets are deterministic by seed, CSV errors name
# file:line:column, metrics are far above the same-set value for different sets, and
# against an exact mixture (--reference) exact draws sit inside the floor's distribution (z).
set -euo pipefail
ito=$1
src=${ITO_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

for ds in 8gaussians moons swissroll checkerboard rings pinwheel; do
  "$ito" data --dataset $ds --n 500 --seed 1 --out "$tmp/$ds.csv"
  [ "$(wc -l < "$tmp/$ds.csv")" -eq 501 ] || fail "$ds: expected header + 500 rows"
  [ "$(head -1 "$tmp/$ds.csv")" = "x1,x2" ] || fail "$ds: header"
  "$ito" data --dataset $ds --n 500 --seed 1 --out "$tmp/again.csv"
  cmp -s "$tmp/$ds.csv" "$tmp/again.csv" || fail "$ds: same seed gave different data"
  "$ito" data --dataset $ds --n 500 --seed 2 --out "$tmp/other.csv"
  ! cmp -s "$tmp/$ds.csv" "$tmp/other.csv" || fail "$ds: different seeds gave the same data"
done
"$ito" data --dataset gmm --gmm "$src/examples/data/gmm2d.json" --n 300 --seed 4 --out "$tmp/gmm.csv" --json > "$tmp/d.json"
[ "$(json "$tmp/d.json" "d['n'], d['dim']")" = "300 2" ] || fail "gmm data summary"
[ "$("$ito" data --dataset rings --n 3 --seed 0 | wc -l)" -eq 4 ] || fail "CSV to stdout"

# errors: exit 2 and a message naming the problem
if "$ito" data --dataset spirals --n 10 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "unknown dataset accepted"; fi
grep -q "expected one of 8gaussians, moons, swissroll, checkerboard, rings, pinwheel, gmm" "$tmp/err" || fail "unknown dataset message: $(cat "$tmp/err")"
printf 'x1,x2\n0.1,0.2\n0.3,abc\n' > "$tmp/bad.csv"
if "$ito" metrics --a "$tmp/bad.csv" --b "$tmp/moons.csv" 2> "$tmp/err"; then fail "bad CSV accepted"; fi
grep -q "bad.csv:3:2: 'abc' is not a number" "$tmp/err" || fail "bad CSV message: $(cat "$tmp/err")"
printf '0.1,0.2\n0.3\n' > "$tmp/ragged.csv"
if "$ito" metrics --a "$tmp/ragged.csv" --b "$tmp/moons.csv" 2> "$tmp/err"; then fail "ragged CSV accepted"; fi
grep -q "ragged.csv:2:2: ragged row" "$tmp/err" || fail "ragged message: $(cat "$tmp/err")"

# metrics between two sets: the keys; moons vs rings far above the moons-vs-moons value
"$ito" data --dataset moons --n 2000 --seed 11 --out "$tmp/a.csv"
"$ito" data --dataset moons --n 2000 --seed 12 --out "$tmp/b.csv"
"$ito" data --dataset moons --n 2000 --seed 13 --out "$tmp/ref.csv"
"$ito" data --dataset rings --n 2000 --seed 14 --out "$tmp/r.csv"
"$ito" metrics --a "$tmp/a.csv" --b "$tmp/b.csv" --ref "$tmp/ref.csv" --json > "$tmp/same.json"
"$ito" metrics --a "$tmp/r.csv" --b "$tmp/b.csv" --ref "$tmp/ref.csv" --json > "$tmp/diff.json"
json "$tmp/same.json" "all(k in d for k in ('sw1','mmd','energy','floor'))" | grep -q True || fail "metrics keys"
json "$tmp/diff.json" "d['sw1'] > 3 * d['floor']['sw1'] and d['energy'] > 3 * d['floor']['energy'] and d['mmd'] > 3 * abs(d['floor']['mmd'])" \
  | grep -q True || fail "different sets: not far above the floor: $(cat "$tmp/diff.json")"

# metrics --reference gmm.json: exact draws of the mixture (n = 2000) sit in the floor's
# distribution (|z| < 5 against 30 exact draws of size 2000), a shifted copy far above it
gmm="${ITO_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/examples/data/gmm2d.json"
"$ito" data --dataset gmm --gmm "$gmm" --n 2000 --seed 21 --out "$tmp/g.csv"
"$ito" metrics --a "$tmp/g.csv" --reference "$gmm" --reference-size 50000 --quality-projections 50 --json > "$tmp/q.json"
cat "$tmp/q.json" | head -12
json "$tmp/q.json" "all(k in d for k in ('sw1','floor_mean','floor_sd','ratio','z','weights','weights_z'))" | grep -q True \
  || fail "quality keys"
json "$tmp/q.json" "abs(d['z']) < 5 and d['weights_max_abs_z'] < 5 and d['n'] == 2000" | grep -q True \
  || fail "exact draws outside the floor: $(cat "$tmp/q.json")"
/usr/bin/python3 -c "
import numpy as np
x = np.loadtxt('$tmp/g.csv', delimiter=',', skiprows=1)
np.savetxt('$tmp/gs.csv', x + [0.0, 0.2], delimiter=',', header='x1,x2', comments='')"
"$ito" metrics --a "$tmp/gs.csv" --reference "$gmm" --reference-size 50000 --quality-projections 50 --json > "$tmp/qs.json"
json "$tmp/qs.json" "d['z'] > 10" | grep -q True || fail "shifted draws not far above the floor: $(cat "$tmp/qs.json")"
if "$ito" metrics --a "$tmp/g.csv" --reference "$gmm" --b "$tmp/b.csv" 2> "$tmp/err"; then fail "--reference with --b accepted"; fi
"$ito" metrics --a "$tmp/a.csv" --b "$tmp/a.csv" --json > "$tmp/zero.json"
json "$tmp/zero.json" "d['sw1'] == 0 and d['energy'] == 0" | grep -q True || fail "identical sets: nonzero distance"
echo "data_metrics: ok"
