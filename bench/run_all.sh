#!/usr/bin/env bash
# The side-by-side benchmark table of ./run bench (called after the build).
#   bash bench/run_all.sh            uses build/ (binaries in build/bench, build/cli)
#   ITO_BUILD_DIR=build-x bash bench/run_all.sh [bench_em_ou flags, e.g. --paths=20000]
#   ITO_PEER_PATHS / ITO_PEER_STEPS: size of the numpy/PyTorch runs (100000 x 200)
# Prints the Markdown table and writes it, with the raw JSON of every row, to
# out/bench/. W1 (issue 2): bench_em_ou (C++ rows) + bench/peers/em_ou.py.
# W2/W3 (issue 5) rows are added when `ito bench train` exists and
# bench/peers/torch_nn.py is present.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ITO_BUILD_DIR:-build}
out=out/bench
mkdir -p "$out"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
# Peers: Debian's numpy/torch with single-threaded OpenBLAS, as prescribed.
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1)
# The obvious numpy/torch loop allocates a temporary per array operation; with
# glibc's default thresholds those (800 KB) temporaries are returned to the
# kernel and faulted in again on every operation, which makes numpy float64
# several times slower here. The float64 peers are run a second time with
# glibc told to keep freed memory; the targets are judged against the faster.
tuned_env=(MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824)

bench_bin="$build/bench/bench_em_ou"
ito_bin="$build/cli/ito"
if [ ! -x "$bench_bin" ]; then
  echo "run_all.sh: $bench_bin not found (configure with -DITO_BUILD_BENCH=ON and build)" >&2
  exit 1
fi

date_now=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
cpus=$(nproc 2>/dev/null || echo '?')
load="$cpus cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== W1 C++ rows: $bench_bin" >&2
"$bench_bin" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/em_ou_cpp.json" --benchmark_out_format=json "$@" >&2

normals_args=()
if [ -x "$build/bench/bench_normals" ]; then
  echo "== normals: $build/bench/bench_normals" >&2
  "$build/bench/bench_normals" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/normals.json" --benchmark_out_format=json >&2 && normals_args+=(--normals "$out/normals.json")
fi

echo "== W1 peers: bench/peers/em_ou.py" >&2
peer_size=(--paths "${ITO_PEER_PATHS:-100000}" --steps "${ITO_PEER_STEPS:-200}")
peers_args=()
if "${peer_env[@]}" "$py" bench/peers/em_ou.py "${peer_size[@]}" > "$out/em_ou_peers.json"; then
  peers_args+=(--peers "$out/em_ou_peers.json")
else
  echo "run_all.sh: the numpy/PyTorch peers failed; their rows are missing" >&2
fi
if "${peer_env[@]}" "${tuned_env[@]}" "$py" bench/peers/em_ou.py "${peer_size[@]}" --dtypes float64 \
     --label ", malloc tuned" > "$out/em_ou_peers_tuned.json"; then
  peers_args+=(--peers "$out/em_ou_peers_tuned.json")
fi

# W2/W3 (issue 5): only when both sides exist.
has_bench() {  # does `ito bench` have the sub-command $1?
  [ -x "$ito_bin" ] && "$ito_bin" bench --help 2>/dev/null | grep -qE "^[[:space:]]+$1([[:space:]]|$)"
}
nn_args=()
if has_bench train; then
  echo "== W2 ito bench train" >&2
  "$ito_bin" bench train --batch 512 --steps 500 --json > "$out/ito_train.json" &&
    nn_args+=(--ito-train "$out/ito_train.json") || echo "run_all.sh: ito bench train failed" >&2
  if has_bench sample; then
    echo "== W3 ito bench sample" >&2
    "$ito_bin" bench sample --n 10000 --steps 100 --json > "$out/ito_sample.json" &&
      nn_args+=(--ito-sample "$out/ito_sample.json") || echo "run_all.sh: ito bench sample failed" >&2
  fi
  if [ -f bench/peers/torch_nn.py ]; then
    echo "== W2/W3 peers: bench/peers/torch_nn.py" >&2
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" bench/peers/torch_nn.py > "$out/torch_nn.json" &&
      nn_args+=(--torch-nn "$out/torch_nn.json") || echo "run_all.sh: torch_nn.py failed" >&2
  fi
fi

"$py" bench/make_table.py --cpp "$out/em_ou_cpp.json" "${peers_args[@]}" "${nn_args[@]}" "${normals_args[@]}" \
  --date "$date_now" --cpu "$cpu" --load "$load" \
  --peer-env "${peer_env[*]} $py (rows marked 'malloc tuned' also ${tuned_env[*]})" > "$out/table.md"
{
  echo
  echo "Reproduce: \`./run bench\` (builds build/ with -DITO_NATIVE=ON, then runs bench/run_all.sh);"
  echo "ito alone: \`build/cli/ito bench em-ou --paths 100000 --steps 1000 --threads 2 --json\`."
} >> "$out/table.md"
# The compute floor of W2/W3 (issue 5): FLOPs of the step / Eigen's measured float
# GEMM rate at the network's shapes on this machine (bench/nn_floor), times the threads.
floor_bin="$build/bench/nn_floor"
if [ -x "$floor_bin" ] && [ -f "$out/ito_train.json" ] && [ -f "$out/ito_sample.json" ]; then
  echo "== W2/W3 compute floor: $floor_bin" >&2
  "$floor_bin" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/nn_floor.json" --benchmark_out_format=json >&2 &&
  "$py" - "$out" >> "$out/table.md" <<'PY'
import json, sys
out = sys.argv[1]
b = {r["name"]: r for r in json.load(open(f"{out}/nn_floor.json"))["benchmarks"] if r.get("aggregate_name") == "median"}
rate = lambda name: b[name + "_median"]["flops"] if name + "_median" in b else float("nan")
# the reference network 2 + 32 -> 128 -> 128 -> 128 -> 2: FLOPs per column
fwd = 2 * (34 * 128 + 2 * 128 * 128 + 128 * 2)
step = 3 * fwd - 2 * 34 * 128                 # forward + backward (no input gradient)
w2_flop, w3_flop = step * 512, fwd * 10000 * 100
threads = 2
r2 = rate("BM_gemm/128/128/512/real_time")    # the dominant product of a training step
r3 = rate("BM_gemm/128/128/256/real_time")    # inference works in blocks of 256 columns
t = json.load(open(f"{out}/ito_train.json")); s = json.load(open(f"{out}/ito_sample.json"))
ito_w2 = t["ms_per_step"] * 1e-3
ito_w3 = 100 * 10000 / (s["msample_steps_per_s"] * 1e6)
f2, f3 = w2_flop / (threads * r2), w3_flop / (threads * r3)
print()
print("Compute floor (issue 5): FLOPs of the step / (2 threads x Eigen's float GEMM rate at the "
      "network's shapes, one thread, bench/nn_floor):")
print()
print("| workload | FLOPs | GEMM rate, 1 thread | floor (2 threads) | ito | ito / floor |")
print("|---|---|---|---|---|---|")
print(f"| W2 train step, batch 512 | {w2_flop/1e9:.3f} GFLOP | {r2/1e9:.1f} GFLOP/s (128x128x512) | "
      f"{f2*1e3:.3f} ms | {ito_w2*1e3:.3f} ms | {f2/ito_w2:.0%} of the floor rate |")
print(f"| W3 EM sampling, 10000 x 100 | {w3_flop/1e9:.1f} GFLOP | {r3/1e9:.1f} GFLOP/s (128x128x256) | "
      f"{f3:.3f} s | {ito_w3:.3f} s | {f3/ito_w3:.0%} of the floor rate |")
PY
fi
cat "$out/table.md"
