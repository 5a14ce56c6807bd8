#!/usr/bin/env bash
# `mpirun -np 2 ito simulate ...` writes the same terminal CSV, byte for byte,
# as one process (and as 2 processes x 2 threads, and 3 processes with more
# ranks than blocks); only rank 0 prints; `validate-ou --json` gives the same
# numbers. Skips (exit 77, counted as skipped by ctest) when ito was built without MPI: detected with
# `ito mpi-info`, which prints {"mpi": false, ...} then.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

source "${ITO_SOURCE_DIR:?}/tests/support/mpi_launcher.sh"

# the launch itself: 2 ranks seen, one line printed (rank 0 only)
"${mpi[@]}" -np 2 "$ito" mpi-info >"$tmp/info"
[ "$(wc -l < "$tmp/info")" -eq 1 ] || fail "mpi-info printed on more than rank 0: $(cat "$tmp/info")"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ranks"] == 2 and j["launched_by_mpi"], j' "$tmp/info" ||
  fail "mpi-info under mpirun -np 2: $(cat "$tmp/info")"

# simulate: 1 process vs 2 ranks x 1 thread vs 2 ranks x 2 threads vs 3 ranks (5000 paths = 10 blocks)
sim=(simulate --problem ou --paths 5000 --steps 50 --seed 9)
"$ito" "${sim[@]}" --threads 1 --out "$tmp/one.csv" >"$tmp/one.txt"
"${mpi[@]}" -np 2 "$ito" "${sim[@]}" --threads 1 --out "$tmp/two.csv" >"$tmp/two.txt"
"${mpi[@]}" -np 2 "$ito" "${sim[@]}" --threads 2 --out "$tmp/two2.csv" >/dev/null
"${mpi[@]}" -np 3 "$ito" "${sim[@]}" --block-size 2048 --out "$tmp/three.csv" >/dev/null  # 3 blocks
"$ito" "${sim[@]}" --block-size 2048 --out "$tmp/one_b.csv" >/dev/null
cmp "$tmp/one.csv" "$tmp/two.csv" || fail "1 process vs 2 ranks: terminal CSVs differ"
cmp "$tmp/one.csv" "$tmp/two2.csv" || fail "1 process vs 2 ranks x 2 threads: terminal CSVs differ"
cmp "$tmp/one_b.csv" "$tmp/three.csv" || fail "1 process vs 3 ranks (block size 2048): terminal CSVs differ"
cmp "$tmp/one.csv" "$tmp/one_b.csv" || fail "block size 512 vs 2048: the counter-based stream does not depend on it, expected identical CSVs"
[ "$(wc -l < "$tmp/two.csv")" -eq 5001 ] || fail "expected header + 5000 rows"
[ "$(wc -l < "$tmp/two.txt")" -eq 1 ] || fail "simulate printed on more than rank 0: $(cat "$tmp/two.txt")"
# more ranks than blocks (1 block, 3 ranks)
"$ito" simulate --paths 100 --steps 5 --seed 2 --out "$tmp/small1.csv" >/dev/null
"${mpi[@]}" -np 3 "$ito" simulate --paths 100 --steps 5 --seed 2 --out "$tmp/small3.csv" >/dev/null
cmp "$tmp/small1.csv" "$tmp/small3.csv" || fail "1 block on 3 ranks differs from 1 process"

# errors: the same one-line message from rank 0, non-zero exit
if "${mpi[@]}" -np 2 "$ito" simulate --steps 0 >"$tmp/out" 2>"$tmp/err"; then fail "mpirun simulate --steps 0 accepted"; fi
grep -q '^ito: error: --steps' "$tmp/err" || fail "no error message under mpirun: $(cat "$tmp/err")"

# validate-ou --json: exact sampling passes (exit 0) and gives the same numbers from
# 1 process and 2 ranks
if true; then
  vo=(validate-ou --paths 200000 --method exact --seed 5 --json)
  rc=0; "$ito" "${vo[@]}" >"$tmp/v1.json" || rc=$?
  [ "$rc" -eq 0 ] || fail "validate-ou --method exact (1 process) exited $rc, expected 0: $(head -c 2000 "$tmp/v1.json")"
  rc=0; "${mpi[@]}" -np 2 "$ito" "${vo[@]}" >"$tmp/v2.json" || rc=$?
  [ "$rc" -eq 0 ] || fail "validate-ou --method exact (2 ranks) exited $rc, expected 0: $(head -c 2000 "$tmp/v2.json")"
  python3 - "$tmp/v1.json" "$tmp/v2.json" <<'EOF' || fail "validate-ou: 1 process vs 2 ranks differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def strip(j):  # timings and thread counts legitimately differ
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if k not in ("seconds", "threads", "wall_seconds", "paths_per_second")}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j
assert a.get("checks"), "no checks in validate-ou --json"
assert strip(a) == strip(b), (strip(a), strip(b))
EOF
else
  echo "note: no validate-ou command in this build; only simulate compared"
fi
echo "ok: mpirun -np 2/3 (x 1/2 threads) bit-identical to one process"
