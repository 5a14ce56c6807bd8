#!/usr/bin/env bash
# ito validate-ou --mode streaming: memory O(chunk), Welford/co-moment states
# merged in chunk order, binned KS. Checks (same seed, so the same paths):
#  - mean/var/cov estimates and standard errors equal the classic mode's to
#    rounding (different summation order only);
#  - the classic (exact) KS statistic lies in the stated bracket
#    [binned D, binned D + bin width] (the bound derived in ito/sde/validate/state.hpp);
#  - the --json output is byte-identical (apart from the "seconds" line) for
#    1 thread, 2 threads and, when MPI is built, mpirun -np 2 x 1 and 2 threads
#    and -np 3 (more ranks than some have chunks);
#  - auto mode picks classic below 10^7 paths and streaming above;
#  - EM's variance bias is caught in streaming mode as in classic mode;
#  - a multivariate OU streams as well (same moments as classic, binned KS per component);
#  - bad --mode/--ks-bins/--chunk-blocks give one "ito: error:" line, exit 2.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

common=(validate-ou --paths 200000 --steps 4 --times 0.25,0.5,1 --seed 3 --json)
"$ito" "${common[@]}" --mode classic >"$tmp/classic.json" || fail "classic failed: $(cat "$tmp/classic.json")"
"$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --threads 1 >"$tmp/s1.json" ||
  fail "streaming failed: $(cat "$tmp/s1.json")"
"$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --threads 2 >"$tmp/s2.json" ||
  fail "streaming (2 threads) failed"
"$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --ks-bins 1024 >"$tmp/s1024.json" ||
  fail "streaming (1024 bins) failed"
"$ito" "${common[@]}" --mode streaming --chunk-blocks 7 --threads 2 >"$tmp/s7.json" || fail "streaming (chunk 7) failed"

python3 - "$tmp/classic.json" "$tmp/s1.json" "$tmp/s1024.json" "$tmp/s7.json" <<'PY'
import json, sys
c, s, s1024, s7 = (json.load(open(f)) for f in sys.argv[1:5])
assert c["mode"] == "classic" and s["mode"] == "streaming", (c["mode"], s["mode"])
assert s["pass"] is True and s1024["pass"] is True, s
assert s["chunk_blocks"] == 16 and s["ks_bins"] == 2 ** 20 and s["block_size"] == 512, s
cc = {x["name"]: x for x in c["checks"]}
for run in (s, s1024, s7):
    sc = {x["name"]: x for x in run["checks"]}
    assert set(sc) == set(cc), (sorted(sc), sorted(cc))
    for name, x in sc.items():
        y = cc[name]
        assert x["closed_form"] == y["closed_form"], (name, x, y)
        if name.startswith("KS"):
            continue
        # the same samples summed in another order: equal to rounding
        assert abs(x["estimate"] - y["estimate"]) <= 1e-12 * max(1.0, abs(y["estimate"])), (name, x, y)
        assert abs(x["stderr"] - y["stderr"]) <= 1e-9 * y["stderr"], (name, x, y)
    ks, kc = sc["KS(1)"], cc["KS(1)"]
    bins = ks["bins"]
    assert ks["binned"] is True and ks["estimate_upper"] == ks["estimate"] + 1.0 / bins, ks
    # the exact D of the classic mode lies in [binned D, binned D + 1/bins]
    assert ks["estimate"] - 1e-12 <= kc["estimate"] <= ks["estimate_upper"] + 1e-12, (ks, kc)
    assert ks["p_value_lower"] <= ks["p_value"], ks
# more bins: a tighter bracket around the same exact D
assert s["checks"][-1]["estimate_upper"] - s["checks"][-1]["estimate"] < s1024["checks"][-1]["estimate_upper"] - s1024["checks"][-1]["estimate"]
PY

strip() { grep -v '"seconds"' "$1"; }
cmp <(strip "$tmp/s1.json") <(strip "$tmp/s2.json") || fail "streaming: 1 thread vs 2 threads differ"

# text mode: the table and the binned-KS note
"$ito" validate-ou --paths 50000 --mode streaming >"$tmp/table.txt" || fail "text run failed"
grep -q "streaming mode" "$tmp/table.txt" && grep -q "is binned" "$tmp/table.txt" && grep -q "all checks pass" "$tmp/table.txt" ||
  fail "table: $(cat "$tmp/table.txt")"

# auto: classic below 10^7 paths, streaming above
"$ito" validate-ou --paths 1000 --steps 1 --times 1 --json >"$tmp/a1.json"
"$ito" validate-ou --paths 10000001 --steps 1 --times 1 --json >"$tmp/a2.json" || fail "auto streaming at 10^7 + 1 paths failed"
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:3]); assert a["mode"]=="classic" and b["mode"]=="streaming" and b["pass"], (a["mode"], b)' \
  "$tmp/a1.json" "$tmp/a2.json" || fail "auto mode choice"

# em with 10 steps: the variance bias is caught in streaming mode too, with classic's estimate
set +e
"$ito" validate-ou --method em --steps 10 --paths 200000 --seed 4 --json --mode classic >"$tmp/em_c.json"
rc1=$?
"$ito" validate-ou --method em --steps 10 --paths 200000 --seed 4 --json --mode streaming --chunk-blocks 32 >"$tmp/em_s.json"
rc2=$?
set -e
[ "$rc1" -eq 1 ] && [ "$rc2" -eq 1 ] || fail "em with 10 steps: expected exit 1 in both modes, got $rc1 $rc2"
python3 - "$tmp/em_c.json" "$tmp/em_s.json" <<'PY'
import json, sys
c, s = ({x["name"]: x for x in json.load(open(f))["checks"]} for f in sys.argv[1:3])
v = s["var(1)"]
assert v["pass"] is False and v["z"] > 5 and v["scheme_prediction"] == c["var(1)"]["scheme_prediction"], v
assert abs(v["estimate"] - c["var(1)"]["estimate"]) <= 1e-12 * c["var(1)"]["estimate"], (v, c["var(1)"])
PY

# bad input: one line, "ito: error:", exit 2
bad() {
  set +e
  "$ito" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "expected exit 2 for: $* (got $rc)"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "not one line for: $* -> $(cat "$tmp/err")"
  grep -q '^ito: error: ' "$tmp/err" || fail "no 'ito: error:' for: $*"
}
bad validate-ou --mode fast
bad validate-ou --mode streaming --ks-bins 3
bad validate-ou --mode streaming --chunk-blocks 0

# multivariate OU streams too: the same moment checks as classic, bit for bit, and a binned KS per component
cat >"$tmp/mv.json" <<'J'
{"theta": [[1.0, 0.5], [-0.2, 2.0]], "mu": [1.0, -1.0], "B": [[0.8], [0.4]], "x0": [0.0, 2.0], "t1": 1.5}
J
mv=(validate-ou --multivariate "$tmp/mv.json" --paths 50000 --steps 3 --times 0.5,1.5 --json --chunk-blocks 16)
"$ito" "${mv[@]}" --mode classic >"$tmp/mvc.json" || fail "multivariate classic failed"
"$ito" "${mv[@]}" --mode streaming --ks-bins 4096 >"$tmp/mvs.json" || fail "multivariate streaming failed: $(cat "$tmp/mvs.json")"
/usr/bin/python3 - "$tmp/mvc.json" "$tmp/mvs.json" <<'PY'
import json, sys
c, s = (json.load(open(f)) for f in sys.argv[1:3])
assert s["mode"] == "streaming" and s["pass"] is True and c["pass"] is True, s
cc, sc = ({x["name"]: x for x in j["checks"]} for j in (c, s))
assert set(cc) == set(sc) and len(sc) == 2 * (2 + 3) + 4 + 2, sorted(sc)
for name, x in sc.items():
    if name.startswith("KS"):
        assert x["binned"] is True and x["estimate"] - 1e-12 <= cc[name]["estimate"] <= x["estimate_upper"] + 1e-12, (x, cc[name])
    else:
        assert x == cc[name], (x, cc[name])
PY

# MPI: byte-identical --json (apart from "seconds") for 1 process and 2 or 3 ranks
if ! "$ito" mpi-info | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["mpi"] else 1)'; then
  echo "SKIP: MPI not built (the single-process checks passed)"
  exit 77
fi
command -v mpirun >/dev/null || { echo "SKIP: MPI built but mpirun not found"; exit 77; }
mpi=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
"${mpi[@]}" -np 2 "$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --threads 1 >"$tmp/m2.json" ||
  fail "mpirun -np 2 streaming failed: $(cat "$tmp/m2.json")"
"${mpi[@]}" -np 2 "$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --threads 2 >"$tmp/m22.json" ||
  fail "mpirun -np 2 x 2 threads streaming failed"
"${mpi[@]}" -np 3 "$ito" "${common[@]}" --mode streaming --chunk-blocks 16 --threads 1 >"$tmp/m3.json" ||
  fail "mpirun -np 3 streaming failed"
cmp <(strip "$tmp/s1.json") <(strip "$tmp/m2.json") || fail "streaming: 1 process vs mpirun -np 2 differ"
cmp <(strip "$tmp/s1.json") <(strip "$tmp/m22.json") || fail "streaming: 1 process vs mpirun -np 2 x 2 threads differ"
cmp <(strip "$tmp/s1.json") <(strip "$tmp/m3.json") || fail "streaming: 1 process vs mpirun -np 3 differ"
# 3 chunks on 4 ranks: one rank has none
"$ito" "${common[@]}" --mode streaming --chunk-blocks 150 >"$tmp/big1.json"
"${mpi[@]}" -np 4 "$ito" "${common[@]}" --mode streaming --chunk-blocks 150 >"$tmp/big4.json" || fail "mpirun -np 4 failed"
cmp <(strip "$tmp/big1.json") <(strip "$tmp/big4.json") || fail "streaming: 1 process vs 4 ranks on 3 chunks differ"
# an argument error under mpirun: printed once, exit non-zero
if "${mpi[@]}" -np 2 "$ito" validate-ou --mode streaming --ks-bins 3 >"$tmp/out" 2>"$tmp/err"; then fail "accepted --ks-bins 3"; fi
[ "$(grep -c '^ito: error:' "$tmp/err")" -eq 1 ] || fail "error not printed once: $(cat "$tmp/err")"
echo "validate-ou streaming: ok (1 process = 2 ranks x 1/2 threads = 3 and 4 ranks, byte for byte)"
