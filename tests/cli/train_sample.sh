#!/usr/bin/env bash
# ito train -> ito sample --model -> ito nll --model, quickly, on a small network;
# resume; and bad checkpoints fail with "ito: error:" naming the problem.
set -euo pipefail
ito=${1:?usage: train_sample.sh path/to/ito}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "train_sample.sh: $*" >&2; exit 1; }

# train a small model (pipe: plain progress lines, JSON summary)
"$ito" train --dataset moons --n 4000 --width 32 --depth 2 --steps 300 --batch 256 --seed 3 \
  --out "$tmp/m.ito" --json > "$tmp/train.json" 2> "$tmp/train.err"
grep -q '"steps":300' "$tmp/train.json" || fail "summary: $(cat "$tmp/train.json")"
grep -q '^ito train: step 300/300' "$tmp/train.err" || fail "progress lines: $(cat "$tmp/train.err")"
[ -s "$tmp/m.ito" ] || fail "no checkpoint"
[ ! -e "$tmp/m.ito.tmp" ] || fail "temporary file left behind"

# resume to 400 steps; same result as training 400 steps straight (one thread)
"$ito" train --dataset moons --n 4000 --width 32 --depth 2 --steps 200 --batch 256 --seed 3 --threads 1 \
  --out "$tmp/a.ito" --quiet
"$ito" train --dataset moons --n 4000 --steps 400 --threads 1 --out "$tmp/a.ito" --resume --json > "$tmp/resume.json"
grep -q '"resumed_from":200' "$tmp/resume.json" || fail "resume: $(cat "$tmp/resume.json")"
"$ito" train --dataset moons --n 4000 --width 32 --depth 2 --steps 400 --batch 256 --seed 3 --threads 1 \
  --out "$tmp/b.ito" --quiet --save-every 400
cmp -s "$tmp/a.ito" "$tmp/b.ito" || fail "resumed checkpoint differs from the uninterrupted run"

# sample and nll from the model, when those commands have --model
if "$ito" sample --help 2>/dev/null | grep -q -- '--model'; then
  "$ito" sample --model "$tmp/m.ito" --sampler em --steps 50 --n 500 --seed 1 --out "$tmp/s.csv"
  [ "$(wc -l < "$tmp/s.csv")" -ge 500 ] || fail "sample: too few rows"
  "$ito" nll --model "$tmp/m.ito" --data "$tmp/s.csv" --json > "$tmp/nll.json"
  grep -q '"nll"' "$tmp/nll.json" || fail "nll: $(cat "$tmp/nll.json")"
  # bad checkpoints
  head -c 100 "$tmp/m.ito" > "$tmp/trunc.ito"
  if "$ito" sample --model "$tmp/trunc.ito" --n 10 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "truncated accepted"; fi
  grep -q '^ito: error: .*truncated' "$tmp/err" || fail "truncated: $(cat "$tmp/err")"
  printf 'x,y\n1,2\n' > "$tmp/notckpt.ito"
  if "$ito" sample --model "$tmp/notckpt.ito" --n 10 --out "$tmp/x.csv" 2> "$tmp/err"; then fail "csv accepted"; fi
  grep -q '^ito: error: .*not an ito checkpoint' "$tmp/err" || fail "magic: $(cat "$tmp/err")"
  printf '1,2,3\n4,5,6\n' > "$tmp/d3.csv"
  if "$ito" nll --model "$tmp/m.ito" --data "$tmp/d3.csv" 2> "$tmp/err"; then fail "3-D data accepted"; fi
  grep -q '^ito: error: .*dimension' "$tmp/err" || fail "dimension: $(cat "$tmp/err")"
fi

# resume with a conflicting architecture flag: an error naming both values
if "$ito" train --dataset moons --n 4000 --steps 500 --width 16 --out "$tmp/a.ito" --resume 2> "$tmp/err"; then
  fail "conflicting --width accepted on --resume"
fi
grep -q '^ito: error: --width = 16 conflicts with --resume.*width 32' "$tmp/err" || fail "resume conflict: $(cat "$tmp/err")"

# data far from unit scale, trained with --normalize: sample and nll work in the data's units
awk 'BEGIN { for (i = 0; i < 3000; i++) { a = 6.283185307 * ((i * 0.618034) % 1);
             printf "%.6f,%.6f\n", 100 + 10 * cos(a) + 0.5 * ((i * 0.7548777) % 1), -50 + 2 * sin(a) } }' > "$tmp/far.csv"
"$ito" train --data "$tmp/far.csv" --normalize --width 32 --depth 2 --steps 200 --batch 256 --seed 2 \
  --out "$tmp/n.ito" --quiet --json > "$tmp/ntrain.json"
grep -q '"normalized":true' "$tmp/ntrain.json" || fail "normalize summary: $(cat "$tmp/ntrain.json")"
"$ito" sample --model "$tmp/n.ito" --steps 50 --n 400 --seed 1 --out "$tmp/ns.csv" --json > "$tmp/ns.json"
/usr/bin/python3 - "$tmp/ns.json" <<'PY' || fail "normalized samples not in data units: $(cat "$tmp/ns.json")"
import json, sys
m = json.load(open(sys.argv[1]))["mean"]
sys.exit(0 if abs(m[0] - 100) < 10 and abs(m[1] + 50) < 2 else 1)  # within one data std of the mean
PY
"$ito" nll --model "$tmp/n.ito" --data "$tmp/ns.csv" --json > "$tmp/nnll.json"
grep -q '"nll"' "$tmp/nnll.json" || fail "nll normalized: $(cat "$tmp/nnll.json")"

# resume with data of another dimension
printf '1,2,3\n4,5,6\n7,8,9\n' > "$tmp/d3.csv"
if "$ito" train --data "$tmp/d3.csv" --steps 10 --out "$tmp/m.ito" --resume 2> "$tmp/err"; then fail "dim accepted"; fi
grep -q '^ito: error: .*wrong dimension' "$tmp/err" || fail "resume dimension: $(cat "$tmp/err")"
echo "train_sample.sh: ok"
