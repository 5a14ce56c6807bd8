#!/usr/bin/env bash
# Bad-input battery for the `ito` program: every bad invocation or file must give
#  - exit status 2, the status the README promises for every error (not 0, not 1,
#    not a signal: no crash, no core dump),
#  - exactly one line on stderr, starting "ito: error:", naming the offending
#    argument or file position (the case's needle),
#  - no "terminate called", no core file,
#  - no output file left behind (neither the target nor a temporary .<name>.*.tmp).
# Usage: bash bad_input.sh <path-to-ito>
set -uo pipefail
ito=${1:?usage: bad_input.sh <path-to-ito>}
W=$(mktemp -d "${TMPDIR:-/tmp}/ito_bad_input.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
ulimit -c unlimited 2>/dev/null || true   # so that a crash would leave a core to find
mkdir -p out adir

# ---- files ----------------------------------------------------------------
printf 'x1,x2\n0.1,0.2\n-0.3,0.4\n0.5,-0.6\n0.7,0.8\n-0.9,1.0\n0.2,0.1\n' > good.csv
printf 'x1,x2,x3\n0.1,0.2,0.3\n-0.3,0.4,0.5\n0.5,-0.6,0.7\n0.7,0.8,0.9\n' > good3.csv
: > empty.csv
printf 'x1,x2\n' > header_only.csv
printf 'x1,x2\n1,2\n3,abc\n' > cell.csv
printf '1,2,3\n4,5\n' > ragged.csv
printf '1,2\nnan,4\n' > nan.csv
printf '1,2\n3,-inf\n' > inf.csv
printf '1,2\n3,1e999\n' > huge.csv
echo '{"weights":[0.4,0.6],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[0.5,0],[0,0.5]]]}' > gmm.json
echo '{"weights":[1],"means":[[0,0]],"covariances":[[[1,2],[2,1]]]}' > notpd.json
echo '{"weights":[0.5,0.6],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}' > weights.json
echo '{"weights":[1],"means":[[0,0,0]],"covariances":[[[1,0],[0,1]]]}' > gmmdim.json
printf '{"weights": [1], "means": [[0' > trunc.json

# a small valid checkpoint, then broken copies of it
if ! "$ito" train --dataset moons --n 256 --width 8 --depth 1 --steps 4 --batch 32 --warmup 1 --seed 1 \
     --out good.ckpt --quiet >setup.log 2>&1; then
  echo "FAIL: setup: could not train good.ckpt"; cat setup.log; exit 1
fi
size=$(stat -c %s good.ckpt)
head -c $((size / 2)) good.ckpt > trunc.ckpt
cp good.ckpt corrupt.ckpt
printf '\xff' | dd of=corrupt.ckpt bs=1 seek=$((size - 9)) conv=notrunc status=none
cp good.ckpt version.ckpt
printf '\x09' | dd of=version.ckpt bs=1 seek=8 conv=notrunc status=none
: > empty.ckpt

# ---- the battery ----------------------------------------------------------
pass=0 fail=0 n=0
sample_shown=0
bad() {  # bad NEEDLE ARGS...   (NEEDLE: substring the error line must contain)
  local needle=$1; shift
  n=$((n + 1))
  rm -f core core.* 2>/dev/null
  "$ito" "$@" >stdout.txt 2>stderr.txt </dev/null
  local rc=$? why=""
  local lines; lines=$(wc -l <stderr.txt)
  local first; first=$(head -n 1 stderr.txt)
  if [ "$rc" -eq 0 ]; then why="exit status 0"
  elif [ "$rc" -ge 128 ]; then why="killed by signal $((rc - 128))"
  elif [ "$rc" -ne 2 ]; then why="exit status $rc, expected 2"
  elif [ "$lines" -ne 1 ]; then why="$lines lines on stderr"
  elif [[ "$first" != "ito: error: "* ]]; then why="stderr does not start with 'ito: error: '"
  elif [[ "$first" != *"$needle"* ]]; then why="message does not name '$needle'"
  elif grep -q "terminate called" stderr.txt; then why="terminate called"
  elif compgen -G "core*" >/dev/null; then why="core dump"
  elif [ -n "$(ls -A out)" ]; then why="left output behind: $(ls -A out | tr '\n' ' ')"
  elif compgen -G "*.tmp" >/dev/null || compgen -G ".*.tmp" >/dev/null || [ -n "$(ls -A adir)" ]; then
    why="left a temporary file behind"
  fi
  rm -rf out/* out/.[!.]* 2>/dev/null
  if [ -z "$why" ]; then
    pass=$((pass + 1))
    if [ "$sample_shown" -lt 12 ] || [ -n "${ITO_VERBOSE:-}" ]; then
      printf 'ok %2d  ito %-60s -> %s\n' "$n" "$*" "$first"; sample_shown=$((sample_shown + 1))
    fi
  else
    fail=$((fail + 1))
    printf 'FAIL %2d  ito %s\n     %s (exit %d)\n' "$n" "$*" "$why" "$rc"
    sed 's/^/     stderr: /' stderr.txt | head -n 5
  fi
}

# unknown command / option, missing value
bad "frobnicate"        frobnicate --x 1
bad "--bogus"           simulate --bogus 1
bad "--paths"           simulate --paths
bad "--out"             train --dataset moons --n 64 --steps 1
# non-numeric and non-finite numbers
bad "--paths"           simulate --paths abc --out out/s.csv
bad "--kappa"           simulate --kappa xyz --out out/s.csv
bad "kappa"             simulate --kappa nan --out out/s.csv
bad "sigma"             simulate --sigma inf --out out/s.csv
bad "paths"             simulate --paths 99999999999999999999999 --out out/s.csv
bad "lr"                train --dataset moons --n 64 --steps 2 --lr nan --out out/m.ckpt
# negative or zero steps / paths / dt / batch / width
bad "steps"             simulate --steps 0 --out out/s.csv
bad "steps"             simulate --steps -5 --out out/s.csv
bad "paths"             simulate --paths 0 --out out/s.csv
bad "paths"             simulate --paths -3 --out out/s.csv
bad "steps"             sample --oracle gmm.json --steps 0 --n 8 --out out/s.csv
bad "n"                 sample --oracle gmm.json --steps 10 --n -1 --out out/s.csv
bad "batch"             train --data good.csv --steps 2 --batch 0 --out out/m.ckpt
bad "width"             train --data good.csv --steps 2 --width 0 --out out/m.ckpt
bad "width"             train --data good.csv --steps 2 --width -4 --out out/m.ckpt
bad "depth"             train --data good.csv --steps 2 --depth 0 --out out/m.ckpt
bad "steps"             train --data good.csv --steps -1 --out out/m.ckpt
bad "probes"            nll --oracle gmm.json --data good.csv --divergence hutchinson --probes 0
bad "n"                 data --dataset moons --n -5 --out out/d.csv
# t1 <= t0, eps outside (0, T), sigma_min >= sigma_max, beta_max < beta_min
bad "t1"                simulate --t1 0 --out out/s.csv
bad "t1"                simulate --t1 -1 --out out/s.csv
bad "eps"               sample --oracle gmm.json --eps 1 --n 8 --out out/s.csv
bad "eps"               sample --oracle gmm.json --eps -0.001 --n 8 --out out/s.csv
bad "eps"               sample --oracle gmm.json --eps 1.5 --n 8 --out out/s.csv
bad "sigma_max"         sample --oracle gmm.json --sde ve --sigma-min 5 --sigma-max 1 --n 8 --out out/s.csv
bad "sigma_max"         sample --oracle gmm.json --sde ve --sigma-min 2 --sigma-max 2 --n 8 --out out/s.csv
bad "beta_max"          sample --oracle gmm.json --sde vp --beta-min 5 --beta-max 1 --n 8 --out out/s.csv
bad "beta_max"          train --data good.csv --sde subvp --beta-min 3 --beta-max 2 --steps 2 --out out/m.ckpt
bad "eps"               nll --oracle gmm.json --data good.csv --t0 1
# unknown names
bad "--method"          simulate --method nosuch --out out/s.csv
bad "sampler"           sample --oracle gmm.json --sampler nosuch --n 8 --out out/s.csv
bad "--sde"             sample --oracle gmm.json --sde nosuch --n 8 --out out/s.csv
bad "dataset"           data --dataset nosuch --out out/d.csv
# data files: nonexistent, unreadable (a directory: chmod 000 does not stop root), empty,
# header only, non-numeric cell, ragged row, NaN/Inf, out-of-range number
bad "missing.csv"       train --data missing.csv --steps 2 --out out/m.ckpt
bad "adir"              train --data adir --steps 2 --out out/m.ckpt
bad "empty.csv:1:1"     train --data empty.csv --steps 2 --out out/m.ckpt
bad "header_only.csv:2:1" nll --oracle gmm.json --data header_only.csv
bad "cell.csv:3:2"      train --data cell.csv --steps 2 --out out/m.ckpt
bad "ragged.csv:2:3"    train --data ragged.csv --steps 2 --out out/m.ckpt
bad "nan.csv:2:1"       train --data nan.csv --steps 2 --out out/m.ckpt
bad "inf.csv:2:2"       nll --oracle gmm.json --data inf.csv
bad "huge.csv:2:2"      nll --oracle gmm.json --data huge.csv
bad "cell.csv:3:2"      nll --oracle gmm.json --data cell.csv
# wrong dimension for the model / mixture
bad "dimension"         nll --model good.ckpt --data good3.csv
bad "dimension"         train --data good3.csv --resume --out good.ckpt --steps 8
bad "gmmdim.json"       sample --oracle gmmdim.json --n 8 --out out/s.csv
# GMM JSON: non-PD covariance, weights not summing to 1, truncated, missing
bad "notpd.json"        sample --oracle notpd.json --n 8 --out out/s.csv
bad "sum of gmm weights" sample --oracle weights.json --n 8 --out out/s.csv
bad "notpd.json"        data --dataset gmm --gmm notpd.json --out out/d.csv
bad "trunc.json"        sample --oracle trunc.json --n 8 --out out/s.csv
bad "missing.json"      nll --oracle missing.json --data good.csv
# checkpoints: truncated, corrupted, wrong version, empty, not a checkpoint, missing, a directory
bad "trunc.ckpt: truncated"  sample --model trunc.ckpt --n 8 --out out/s.csv
bad "corrupt.ckpt: corrupted" sample --model corrupt.ckpt --n 8 --out out/s.csv
bad "version.ckpt: unsupported checkpoint format version 9" nll --model version.ckpt --data good.csv
bad "empty.ckpt"        sample --model empty.ckpt --n 8 --out out/s.csv
bad "good.csv: not an ito checkpoint" sample --model good.csv --n 8 --out out/s.csv
bad "missing.ckpt"      sample --model missing.ckpt --n 8 --out out/s.csv
bad "adir"              sample --model adir --n 8 --out out/s.csv
bad "corrupt.ckpt"      train --data good.csv --resume --out corrupt.ckpt --steps 8
# output path in a missing directory
bad "nodir"             simulate --paths 8 --steps 4 --out out/nodir/s.csv
bad "nodir"             sample --oracle gmm.json --n 8 --steps 4 --out out/nodir/s.csv
bad "nodir"             train --data good.csv --steps 2 --batch 4 --width 4 --depth 1 --out out/nodir/m.ckpt
bad "adir"              train --data good.csv --steps 2 --batch 4 --width 4 --depth 1 --out adir
bad "nodir"             data --dataset moons --n 8 --out out/nodir/d.csv
# values large enough to overflow: kappa*t = 1e6 with Euler-Maruyama, a 1e400 literal
bad "step"              simulate --problem ou --kappa 1e6 --t1 1 --steps 100 --method em --paths 8 --out out/s.csv
bad "kappa"             simulate --kappa 1e400 --out out/s.csv

echo "bad_input: $pass of $n cases passed ($fail failed)"
[ "$n" -ge 40 ] || { echo "FAIL: only $n cases"; exit 1; }
[ "$fail" -eq 0 ]
