#!/usr/bin/env bash
# ito validate --problem ou|tv-ou|gbm|cir (the library's validate(), printed):
#  - cir with the exact sampler passes (exit 0), every check of the noncentral chi-square law;
#  - gbm with 4 Euler–Maruyama steps exits 1: the mean's bias (1 + dt)^4 < e is detected;
#  - gbm with Milstein on a fine grid and tv-ou with exact sampling pass;
#  - --problem ou gives the same checks as the validate-ou alias, bit for bit;
#  - bad input gives one "ito: error:" line and exit 2.
set -euo pipefail
ito=$1
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ito" validate --problem cir --paths 30000 --seed 2 --json >"$tmp/cir.json" || fail "cir exact: $(cat "$tmp/cir.json")"
$py - "$tmp/cir.json" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
assert j["pass"] is True and j["problem"] == "cir" and j["method"] == "exact" and j["steps"] == 2, j
c = {x["name"]: x for x in j["checks"]}
assert set(c) == {"mean(0.5)", "var(0.5)", "mean(1)", "var(1)", "cov(0.5,1)", "KS(1)"}, sorted(c)
k, th, s, x0 = 2.0, 1.0, 1.0, 0.5   # the defaults: E X_1 = theta + (x0 - theta) e^{-kappa}
assert abs(c["mean(1)"]["closed_form"] - (th + (x0 - th) * math.exp(-k))) < 1e-12
e = math.exp(-k)
v = x0 * s * s / k * (e - e * e) + th * s * s / (2 * k) * (1 - e) ** 2
assert abs(c["var(1)"]["closed_form"] - v) < 1e-12
PY

set +e
"$ito" validate --problem gbm --method em --steps 4 --json >"$tmp/gbm_em.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "gbm --method em --steps 4: expected exit 1, got $rc"
$py - "$tmp/gbm_em.json" <<'PY'
import json, math, sys
j = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in j["checks"]}["mean(1)"]
assert j["pass"] is False and c["pass"] is False and c["z"] < -5, c
assert abs(c["closed_form"] - math.e) < 1e-12, c
assert abs(c["estimate"] - 1.25 ** 4) < 5 * c["stderr"], c   # EM's own mean x0 (1 + mu dt)^n
PY

"$ito" validate --problem gbm --paths 40000 --steps 500 --seed 3 >"$tmp/gbm.txt" || fail "gbm milstein: $(cat "$tmp/gbm.txt")"
grep -q "all checks pass" "$tmp/gbm.txt" || fail "gbm table: $(cat "$tmp/gbm.txt")"
"$ito" validate --problem tv-ou --paths 100000 --json >"$tmp/tv.json" || fail "tv-ou exact: $(cat "$tmp/tv.json")"

# --problem ou and the validate-ou alias: the same checks, bit for bit
"$ito" validate --problem ou --paths 50000 --steps 4 --seed 7 --json >"$tmp/a.json"
"$ito" validate-ou --paths 50000 --steps 4 --seed 7 --json >"$tmp/b.json"
$py - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["command"] == "validate" and b["command"] == "validate-ou", (a["command"], b["command"])
assert a["checks"] == b["checks"] and a["pass"] is True, (a, b)
PY

# the text table of a discretising method shows the scheme column
set +e
"$ito" validate --problem ou --method em --paths 50000 >"$tmp/em.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "scheme" "$tmp/em.txt" && grep -q "some checks FAIL" "$tmp/em.txt" || fail "ou em: $rc $(cat "$tmp/em.txt")"

bad() {
  set +e
  "$ito" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "expected exit 2 for: $* (got $rc)"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line for: $* -> $(cat "$tmp/err")"
  grep -q '^ito: error: ' "$tmp/err" || fail "no 'ito: error:' for: $*"
}
bad validate --problem heston
bad validate --problem gbm --method exact
bad validate --problem cir --x0 -1
bad validate --problem cir --sigma 0
bad validate --problem gbm --x0 0
echo '{"theta": [[1]], "mu": [0], "B": [[1]], "x0": [0]}' >"$tmp/mv.json"
bad validate --problem gbm --multivariate "$tmp/mv.json"
bad validate --problem ou --paths 2
echo "validate: ok"
