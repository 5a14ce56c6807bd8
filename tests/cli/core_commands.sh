#!/usr/bin/env bash
# ito simulate / convergence / demo: determinism across thread counts (byte for
# byte), fitted orders in --json, and one-line errors for bad input.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1 and 2 threads (and two runs) give byte-identical terminal states
"$ito" simulate --problem ou --paths 5000 --steps 50 --seed 9 --threads 1 --out "$tmp/a.csv" >/dev/null
"$ito" simulate --problem ou --paths 5000 --steps 50 --seed 9 --threads 2 --out "$tmp/b.csv" >/dev/null
"$ito" simulate --problem ou --paths 5000 --steps 50 --seed 9 --threads 2 --out "$tmp/c.csv" >/dev/null
cmp "$tmp/a.csv" "$tmp/b.csv" || fail "1 vs 2 threads differ"
cmp "$tmp/b.csv" "$tmp/c.csv" || fail "two runs differ"
[ "$(wc -l < "$tmp/a.csv")" -eq 5001 ] || fail "expected header + 5000 rows"
"$ito" simulate --problem gbm --method milstein --paths 1000 --steps 20 --seed 1 --out "$tmp/g.csv" >/dev/null
"$ito" simulate --problem sinh --method heun --paths 10 --steps 20 --out "$tmp/h.csv" 2>"$tmp/err" && fail "heun on an Itô sinh problem must be refused"
grep -q '^ito: error: .*heun' "$tmp/err" || fail "heun refusal message: $(cat "$tmp/err")"

# convergence --json: fitted strong orders within +-0.15 of theory
order() { "$ito" convergence --problem "$1" --method "$2" --paths 4000 --levels 5 --coarsest 16 --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["strong_order"])'; }
check() { python3 -c "import sys; sys.exit(0 if abs($1 - $2) < 0.15 else 1)" || fail "$3: order $1, expected $2"; }
check "$(order gbm em)" 0.5 "em on gbm"
check "$(order gbm milstein)" 1.0 "milstein on gbm"
check "$(order sinh milstein-df)" 1.0 "milstein-df on sinh"
check "$(order double-well sra1)" 1.5 "sra1 on double well"
"$ito" convergence --problem gbm --method em --json | python3 -c 'import json,sys; j=json.load(sys.stdin); assert {"levels","strong_order","weak_order"} <= set(j)'

# bad input: one line on stderr starting "ito: error:", non-zero exit
bad() {
  if "$ito" "$@" >"$tmp/out" 2>"$tmp/err"; then fail "accepted: $*"; fi
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "not one line for: $* -> $(cat "$tmp/err")"
  grep -q '^ito: error: ' "$tmp/err" || fail "no 'ito: error:' for: $*"
}
bad simulate --steps 0
bad simulate --paths -5
bad simulate --t1 -1
bad simulate --kappa nan
bad simulate --method euler
bad simulate --problem cubic
bad simulate --problem gbm --method sra1
bad convergence --problem ou
bad work-precision --problem lorenz
bad work-precision --paths 0
# the van der Pol parameters: positive and finite, named in the message; only with --problem vdp
for a in "--mu 0" "--mu -3" "--mu nan" "--mu inf" "--t1 0" "--sigma -1"; do
  bad work-precision --problem vdp $a
  n=${a%% *}
  grep -q -e "error: ${n#--} = " "$tmp/err" || fail "work-precision $a: message does not name ${n#--}: $(cat "$tmp/err")"
done
rc=0; "$ito" work-precision --problem vdp --mu 0 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "work-precision --mu 0: exit status $rc, expected 2"
bad work-precision --problem gbm --mu 20
bad convergence --levels 1
bad simulate --out /nonexistent-dir/x.csv --paths 3 --steps 2
bad frobnicate
bad simulate --paths
# work-precision --json: one row per fixed step count and per tolerance for each method; fixed
# steps cost exactly their drift evaluations; EM's error at dt = 1/32 below that at 1/8
"$ito" work-precision --problem gbm --paths 128 --steps 8,32 --rtols 0.1,0.01 --threads 1 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["reference"] == "exact" and j["paths"] == 128, j
em = [r for r in j["rows"] if r["method"] == "euler_maruyama" and not r["adaptive"]]
assert [r["nfe"] for r in em] == [8, 32], em
assert em[1]["strong_error"] < em[0]["strong_error"], em
assert {r["rtol"] for r in j["rows"] if r["adaptive"]} == {0.1, 0.01}, j["rows"]
' || fail "work-precision --json"
# vdp with --mu/--t1: fixed steps at dt = t1/steps, adaptive rows for the Rossler methods; on [0, 4] the
# paths stay on the first branch, stiff at mu 20 (eigenvalue ~ -60): adaptive SRIW1 takes more than twice
# the steps it takes at mu 2, SOSRI (larger stability region) less than half of SRIW1's
vdp() { "$ito" work-precision --problem vdp --t1 4 --paths 16 --steps 1024,2048 --rtols 0.01 \
          --reference-steps 4096 --threads 1 --json "$@"; }
vdp --mu 20 > "$tmp/vdp20.json" && vdp --mu 2 > "$tmp/vdp2.json" || fail "work-precision vdp --mu"
python3 - "$tmp/vdp20.json" "$tmp/vdp2.json" <<'PY' || fail "work-precision vdp --mu: rows"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["vdp"] == {"mu": 20, "sigma": 0.1, "t1": 4} and b["vdp"]["mu"] == 2, (a["vdp"], b["vdp"])
fixed = {(r["method"], r["dt"]) for r in a["rows"] if not r["adaptive"]}
assert ("sriw1", 4 / 2048) in fixed and ("sosri", 4 / 1024) in fixed, fixed
assert a["reference_dt"] == 4 / 4096, a["reference_dt"]
ad = lambda j, m: [r for r in j["rows"] if r["adaptive"] and r["method"] == m]
for m in ("sriw1", "sosri"):
    assert len(ad(a, m)) == 1 and ad(a, m)[0]["rtol"] == 0.01, a["rows"]
assert ad(a, "sriw1")[0]["steps"] > 2 * ad(b, "sriw1")[0]["steps"], (ad(a, "sriw1"), ad(b, "sriw1"))
assert ad(a, "sosri")[0]["steps"] < 0.5 * ad(a, "sriw1")[0]["steps"], ad(a, "sosri")
PY
echo "core commands: ok"
