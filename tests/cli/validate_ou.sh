#!/usr/bin/env bash
# ito validate-ou: exact sampling passes every check (exit 0); Euler–Maruyama on
# a coarse grid fails the variance check with the predicted bias (exit 1); the
# multivariate file; bad input gives one "ito: error:" line and exit 2.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# exact: all pass, exit 0, JSON has the documented fields
"$ito" validate-ou --paths 200000 --steps 4 --times 0.25,0.5,1 --seed 3 --json > "$tmp/exact.json" ||
  fail "exact method failed: $(cat "$tmp/exact.json")"
python3 - "$tmp/exact.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["pass"] is True, j
names = [c["name"] for c in j["checks"]]
assert {"mean(0.25)", "var(0.5)", "var(1)", "cov(0.25,1)", "KS(1)"} <= set(names), names
for c in j["checks"]:
    assert {"name", "closed_form", "estimate", "stderr", "pass"} <= set(c), c
    assert ("z" in c) or ("p_value" in c), c
    if "z" in c:
        assert abs(c["z"]) <= 5, c
# closed forms of dX = (0 - X) dt + dW from x0 = 1
import math
v = {c["name"]: c for c in j["checks"]}
assert abs(v["mean(1)"]["closed_form"] - math.exp(-1)) < 1e-12
assert abs(v["var(1)"]["closed_form"] - (1 - math.exp(-2)) / 2) < 1e-12
PY

# em with 10 steps: exit 1, the variance check fails, and the estimate matches the scheme's biased variance
set +e
"$ito" validate-ou --method em --steps 10 --paths 200000 --seed 4 --json > "$tmp/em.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "em with 10 steps: expected exit 1, got $rc"
python3 - "$tmp/em.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["pass"] is False
c = {c["name"]: c for c in j["checks"]}["var(1)"]
assert c["pass"] is False and c["z"] > 5, c
bias = (1 - 0.9 ** 20) * 0.1 / (1 - 0.81)   # (1 - (1 - k dt)^{2n}) s^2 dt / (1 - (1 - k dt)^2)
assert abs(c["scheme_prediction"] - bias) < 1e-12, c
assert abs(c["estimate"] - bias) < 5 * c["stderr"], c
PY

# text table mentions every column and ends with the verdict
"$ito" validate-ou --paths 50000 > "$tmp/table.txt" || fail "text run failed"
grep -q "closed form" "$tmp/table.txt" && grep -q "all checks pass" "$tmp/table.txt" || fail "table: $(cat "$tmp/table.txt")"

# multivariate: 2-d OU with rank-one noise
cat > "$tmp/mv.json" <<'J'
{"theta": [[1.0, 0.5], [-0.2, 2.0]], "mu": [1.0, -1.0], "B": [[0.8], [0.4]], "x0": [0.0, 2.0], "t1": 1.5}
J
"$ito" validate-ou --multivariate "$tmp/mv.json" --paths 100000 --steps 3 --times 0.5,1.5 --json > "$tmp/mv.out" ||
  fail "multivariate exact failed: $(cat "$tmp/mv.out")"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["pass"] and len(j["checks"]) == 2*(2+3)+4+2, len(j["checks"])' "$tmp/mv.out"

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
bad validate-ou --kappa -1
bad validate-ou --method rk4
bad validate-ou --times 0.33 --steps 10
bad validate-ou --multivariate "$tmp/missing.json"
echo '{"theta": [[1, 0], [0, 1]], "mu": [0, 0], "B": [[1], [1]],' > "$tmp/broken.json"
bad validate-ou --multivariate "$tmp/broken.json"
grep -q 'broken.json:' "$tmp/err" || fail "format error must name the file: $(cat "$tmp/err")"
echo '{"theta": [[1, 0], [0, 1]], "mu": [0, 0, 0], "B": [[1], [1]], "x0": [0, 0]}' > "$tmp/shape.json"
bad validate-ou --multivariate "$tmp/shape.json"
echo "validate-ou: ok"
