#!/usr/bin/env bash
# `mpirun -np 2 ito mlmc --json` prints the same bytes as one process (and as
# 2 ranks x 2 threads, and 3 ranks); so does `ito validate --mlmc --json`.
# Skips (exit 77) when ito was built without MPI or mpirun is missing.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

source "${ITO_SOURCE_DIR:?}/tests/support/mpi_launcher.sh"

ml=(mlmc --problem gbm --payoff call --mu 0.05 --sigma 0.4 --discount 0.05 --refinement 4 --rmse 3e-3 --seed 4 --json)
"$ito" "${ml[@]}" --threads 1 >"$tmp/one.json"
"${mpi[@]}" -np 2 "$ito" "${ml[@]}" --threads 1 >"$tmp/two.json"
"${mpi[@]}" -np 2 "$ito" "${ml[@]}" --threads 2 >"$tmp/two2.json"
"${mpi[@]}" -np 3 "$ito" "${ml[@]}" --threads 1 >"$tmp/three.json"
cmp "$tmp/one.json" "$tmp/two.json" || fail "mlmc: 1 process vs 2 ranks differ"
cmp "$tmp/one.json" "$tmp/two2.json" || fail "mlmc: 1 process vs 2 ranks x 2 threads differ"
cmp "$tmp/one.json" "$tmp/three.json" || fail "mlmc: 1 process vs 3 ranks differ"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert len(j["levels"]) >= 3 and j["cost"] > 0, j' "$tmp/one.json" ||
  fail "mlmc JSON: $(head -c 1000 "$tmp/one.json")"

va=(validate --problem cir --mlmc --rmse 1e-2 --seed 3 --json)
"$ito" "${va[@]}" >"$tmp/v1.json" || fail "validate --mlmc (1 process) failed: $(head -c 2000 "$tmp/v1.json")"
"${mpi[@]}" -np 2 "$ito" "${va[@]}" >"$tmp/v2.json" || fail "validate --mlmc (2 ranks) failed: $(head -c 2000 "$tmp/v2.json")"
cmp "$tmp/v1.json" "$tmp/v2.json" || fail "validate --mlmc: 1 process vs 2 ranks differ"

# an error: one line from rank 0, exit 2
if "${mpi[@]}" -np 2 "$ito" mlmc --rmse -1 >"$tmp/out" 2>"$tmp/err"; then fail "mpirun mlmc --rmse -1 accepted"; fi
grep -q '^ito: error: rmse = -1' "$tmp/err" || fail "no error message under mpirun: $(cat "$tmp/err")"
[ "$(grep -c "^ito: error:" "$tmp/err")" -eq 1 ] || fail "the error printed by more than rank 0: $(cat "$tmp/err")"
echo ok
