#!/usr/bin/env bash
# Kill a training process with SIGKILL at random (seeded) moments while it
# saves a checkpoint after every step, ITERATIONS times; after each kill the
# checkpoint must load (the previous one or the new one, never a broken one):
# `ito sample --model` reads and validates it (magic, version, size, CRC) and
# the next `ito train --resume` starts from it. Checkpoints are written to
# path.tmp, flushed, fsynced and renamed (checkpoint.hpp).
# Usage: bash kill_checkpoint.sh <path-to-ito> [ITERATIONS (default 25)]
set -uo pipefail
ito=${1:?usage: kill_checkpoint.sh <path-to-ito> [iterations]}
iters=${2:-25}
W=$(mktemp -d "${TMPDIR:-/tmp}/ito_kill.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
RANDOM=20261123   # seeded kill moments

train=(train --dataset moons --n 2000 --width 16 --depth 1 --batch 64 --warmup 1 --seed 3 --threads 1
       --save-every 1 --quiet --out m.ckpt)
check_load() {  # the checkpoint must load and sample
  if ! "$ito" sample --model m.ckpt --n 4 --steps 2 --seed 1 --out s.csv >load.log 2>&1; then
    echo "FAIL: iteration $1: checkpoint does not load after SIGKILL:"; cat load.log; exit 1
  fi
}

# an initial checkpoint (2 steps), so that "the previous one" always exists
"$ito" "${train[@]}" --steps 2 >/dev/null 2>setup.log || { echo "FAIL: setup"; cat setup.log; exit 1; }
check_load 0
prev=$(cksum < m.ckpt)
changed=0
start=$SECONDS
for ((i = 1; i <= iters; i++)); do
  delay_ms=$((30 + RANDOM % 600))
  "$ito" "${train[@]}" --resume --steps 100000000 >/dev/null 2>train.log &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: iteration $i: training exited before the kill:"; cat train.log; exit 1
  fi
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  check_load "$i"
  now=$(cksum < m.ckpt)
  [ "$now" != "$prev" ] && changed=$((changed + 1))
  prev=$now
done
echo "kill_checkpoint: $iters SIGKILLs at seeded random moments (30-630 ms), checkpoint loaded every time;" \
     "a newer checkpoint after $changed of them; $((SECONDS - start)) s"
[ "$changed" -ge 1 ] || { echo "FAIL: no kill happened after a save (nothing was tested)"; exit 1; }
