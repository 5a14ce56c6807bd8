#!/usr/bin/env bash
# ito mlmc: the JSON keys, the estimate within 3 eps of Black-Scholes, MLMC
# cheaper than plain MC, the same result for 1 and 2 threads, CIR and OU run,
# and bad input gives one "ito: error:" line and exit 2.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

common=(--problem gbm --payoff call --mu 0.05 --sigma 0.4 --discount 0.05 --strike 1 --refinement 4 --rmse 2e-3 --seed 5)
"$ito" mlmc "${common[@]}" --threads 1 --json > "$tmp/a.json"
"$ito" mlmc "${common[@]}" --threads 2 --json > "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "threads changed the result"
/usr/bin/python3 - "$tmp/a.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert {"estimate", "stderr", "cost", "plain_mc_cost", "levels", "black_scholes"} <= set(j), j.keys()
eps = j["rmse"]
assert abs(j["estimate"] - j["black_scholes"]) < 3 * eps, (j["estimate"], j["black_scholes"])
assert j["stderr"] <= eps / 2 ** 0.5 * 1.01
assert j["plain_mc_cost"] > j["cost"]
assert len(j["levels"]) >= 3
assert abs(sum(l["samples"] * l["cost"] for l in j["levels"]) - j["cost"]) < 1e-6 * j["cost"]
for l in j["levels"]:
    assert {"level", "mean", "variance", "cost", "kurtosis", "consistency", "samples"} <= set(l)
    assert l["consistency"] < 1, l
PY

# OU mean: E X_T = mu + (x0 - mu) e^{-kappa T}
"$ito" mlmc --problem ou --payoff mean --x0 2 --mu 0.5 --kappa 1 --sigma 0.5 --method em --rmse 5e-3 --json > "$tmp/ou.json"
/usr/bin/python3 - "$tmp/ou.json" <<'PY'
import json, sys, math
j = json.load(open(sys.argv[1]))
exact = 0.5 + 1.5 * math.exp(-1)
assert abs(j["estimate"] - exact) < 3 * 5e-3, (j["estimate"], exact)
PY
# CIR mean (full truncation): E X_T = mu + (x0 - mu) e^{-kappa T}
"$ito" mlmc --problem cir --payoff mean --x0 0.04 --mu 0.06 --kappa 2 --sigma 0.2 --method milstein --rmse 1e-3 --json > "$tmp/cir.json"
/usr/bin/python3 - "$tmp/cir.json" <<'PY'
import json, sys, math
j = json.load(open(sys.argv[1]))
exact = 0.06 - 0.02 * math.exp(-2)
assert abs(j["estimate"] - exact) < 3 * 1e-3, (j["estimate"], exact)
PY
"$ito" mlmc --problem gbm --payoff barrier --barrier 1.3 --rmse 2e-2 | grep -q "estimate" || fail "text output"

set +e
err=$("$ito" mlmc --rmse -1 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "rmse -1: expected exit 2, got $rc"
echo "$err" | grep -q "^ito: error: rmse = -1" || fail "message: $err"
set +e
err=$("$ito" mlmc --payoff nope 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "payoff: expected exit 2, got $rc"
echo "$err" | grep -q "^ito: error: --payoff = nope" || fail "message: $err"
echo ok
