#!/usr/bin/env bash
# ito validate --mlmc: expectation checks by MLMC against the closed forms pass
# for gbm, ou and cir (exit 0, JSON rows with z = (estimate - closed form) /
# stderr, stderr = sqrt(sampling stderr^2 + bias estimate^2)); text output; bad
# input gives one "ito: error:" line and exit 2.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for problem in gbm ou cir; do
  rc=0; "$ito" validate --problem "$problem" --mlmc --rmse 5e-3 --seed 2 --json >"$tmp/$problem.json" || rc=$?
  [ "$rc" -eq 0 ] || fail "validate --mlmc --problem $problem exited $rc: $(head -c 3000 "$tmp/$problem.json")"
  /usr/bin/python3 - "$tmp/$problem.json" "$problem" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
names = [c["name"] for c in j["checks"]]
want = ["E X_T", "E X_T^2"] + ([] if sys.argv[2] == "cir" else ["E max(X_T - K, 0)"])
assert names == want, names
assert j["pass"] is True and j["mlmc"] is True and j["method"] == "milstein", j
for c in j["checks"]:
    assert c["pass"] and abs(c["z"]) <= j["max_z"], c
    assert math.isclose(c["stderr"], math.hypot(c["sampling_stderr"], c["bias_estimate"]), rel_tol=1e-12), c
    assert math.isclose(c["z"], (c["estimate"] - c["closed_form"]) / c["stderr"], rel_tol=1e-9, abs_tol=1e-12), c
    assert math.isclose(c["rmse"], 5e-3 * abs(c["closed_form"]), rel_tol=1e-12), c
    assert c["levels"] >= 3 and c["cost"] > 0
PY
done
# GBM's closed forms: E X_1 = e^mu, E X_1^2 = e^(2 mu + sigma^2) (defaults mu = 1, sigma = 0.5)
/usr/bin/python3 -c '
import json, math, sys
c = json.load(open(sys.argv[1]))["checks"]
assert math.isclose(c[0]["closed_form"], math.e, rel_tol=1e-12) and math.isclose(c[1]["closed_form"], math.exp(2.25), rel_tol=1e-12), c
' "$tmp/gbm.json"
"$ito" validate --problem ou --mlmc --method em --rmse 1e-2 >"$tmp/text" || fail "text output: $(cat "$tmp/text")"
grep -q "^E X_T " "$tmp/text" && grep -q "all checks pass" "$tmp/text" || fail "text output: $(cat "$tmp/text")"

bad() {
  set +e
  err=$("$ito" "$@" 2>&1 >/dev/null); rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$*: expected exit 2, got $rc ($err)"
  echo "$err" | grep -q "^ito: error: $expect" || fail "$*: message: $err"
}
expect="--method = exact" bad validate --problem ou --mlmc --method exact
expect="--problem = tv-ou" bad validate --problem tv-ou --mlmc
expect="--rmse = -1" bad validate --problem gbm --mlmc --rmse -1
echo ok
