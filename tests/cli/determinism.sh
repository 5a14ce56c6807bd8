#!/usr/bin/env bash
# Same seed -> bit-identical outputs: for 1 and 2 threads and across two runs,
# for `ito simulate` (terminal states), `ito sample` (samples) and `ito train`
# (the checkpoint file, fixed thread count; then samples from it).
# Usage: bash determinism.sh <path-to-ito>
set -uo pipefail
ito=${1:?usage: determinism.sh <path-to-ito>}
W=$(mktemp -d "${TMPDIR:-/tmp}/ito_determinism.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
fail=0
run() { "$ito" "$@" >/dev/null 2>err.txt || { echo "FAIL: ito $* exited non-zero:"; cat err.txt; exit 1; }; }
same() {  # same WHAT FILE1 FILE2
  if cmp -s "$2" "$3"; then echo "ok: $1: $(wc -c <"$2") bytes identical"
  else echo "FAIL: $1: $2 and $3 differ"; fail=1; fi
}
echo '{"weights":[0.3,0.7],"means":[[-1,0],[1.5,0.5]],"covariances":[[[0.2,0],[0,0.3]],[[0.1,0.05],[0.05,0.2]]]}' > gmm.json

# simulate: 3000 paths = several blocks of 512, so 2 threads really split the work
for m in em milstein sra1; do
  run simulate --problem ou --method $m --paths 3000 --steps 50 --seed 42 --threads 1 --out sim_${m}_t1.csv
  run simulate --problem ou --method $m --paths 3000 --steps 50 --seed 42 --threads 2 --out sim_${m}_t2.csv
  run simulate --problem ou --method $m --paths 3000 --steps 50 --seed 42 --threads 2 --out sim_${m}_t2b.csv
  same "simulate $m, 1 vs 2 threads" sim_${m}_t1.csv sim_${m}_t2.csv
  same "simulate $m, two runs" sim_${m}_t2.csv sim_${m}_t2b.csv
done
# the counter-based Brownian stream: block sizes 256 and 1024 give the same bytes too
run simulate --problem ou --method sra1 --paths 3000 --steps 50 --seed 42 --threads 2 --block-size 256 --out sim_b256.csv
run simulate --problem ou --method sra1 --paths 3000 --steps 50 --seed 42 --threads 1 --block-size 1024 --out sim_b1024.csv
same "simulate sra1, block size 256 (2 threads) vs 1024 (1 thread)" sim_b256.csv sim_b1024.csv
same "simulate sra1, block size 256 vs the default 512" sim_b256.csv sim_sra1_t1.csv
run simulate --problem ou --paths 3000 --steps 50 --seed 43 --threads 1 --out sim_seed43.csv
cmp -s sim_em_t1.csv sim_seed43.csv && { echo "FAIL: simulate: seeds 42 and 43 give the same output"; fail=1; }

# sample with the exact (oracle) score: SDE, predictor-corrector and ODE samplers
for s in em pc ode; do
  run sample --oracle gmm.json --sampler $s --n 1500 --steps 40 --seed 7 --threads 1 --out smp_${s}_t1.csv
  run sample --oracle gmm.json --sampler $s --n 1500 --steps 40 --seed 7 --threads 2 --out smp_${s}_t2.csv
  run sample --oracle gmm.json --sampler $s --n 1500 --steps 40 --seed 7 --threads 2 --out smp_${s}_t2b.csv
  same "sample $s, 1 vs 2 threads" smp_${s}_t1.csv smp_${s}_t2.csv
  same "sample $s, two runs" smp_${s}_t2.csv smp_${s}_t2b.csv
done

# train: two runs with the same seed and thread count give the same checkpoint bytes
for t in 1 2; do
  for r in a b; do
    run train --dataset moons --n 1000 --width 16 --depth 2 --batch 64 --steps 30 --seed 5 --threads $t --quiet \
        --out model_t${t}_$r.ckpt
  done
  same "train, $t thread(s), two runs (checkpoint)" model_t${t}_a.ckpt model_t${t}_b.ckpt
done
# samples from the trained model: 1 vs 2 threads
run sample --model model_t1_a.ckpt --n 1500 --steps 20 --seed 9 --threads 1 --out net_t1.csv
run sample --model model_t1_a.ckpt --n 1500 --steps 20 --seed 9 --threads 2 --out net_t2.csv
same "sample --model, 1 vs 2 threads" net_t1.csv net_t2.csv
exit $fail
