#!/usr/bin/env bash
# ito weak-convergence: fitted weak orders (EM 1, DRI1 and weak2 2) with their
# standard errors in the JSON; text output; bad input gives one "ito: error:" line and exit 2.
set -euo pipefail
ito=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
paths=100000
[ -n "${ITO_QUICK:-}" ] && paths=20000

"$ito" weak-convergence --problem gbm --method em --coarsest 8 --paths $paths --seed 3 --json > "$tmp/em.json"
"$ito" weak-convergence --problem gbm --method weak2 --paths $paths --seed 3 --json > "$tmp/w2.json"
"$ito" weak-convergence --problem additive --method dri1 --levels 3 --coarsest 2 --paths 20000 --json > "$tmp/add.json"
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys, os
d = sys.argv[1]
em = json.load(open(os.path.join(d, "em.json")))
w2 = json.load(open(os.path.join(d, "w2.json")))
for j in (em, w2):
    assert {"weak_order", "weak_order_stderr", "levels", "orders", "control_variate"} <= set(j), j.keys()
    assert j["control_variate"] is True
    assert len(j["levels"]) == 4
    for l in j["levels"]:
        for f in ("x", "x^2", "softplus(x-1)"):
            e = l["functionals"][f]
            assert e["stderr"] > 0 and abs(e["estimate"] - (j["orders"][f]["exact"] + e["error"])) < 1e-12
assert abs(em["weak_order"] - 1) < 0.25, em["weak_order"]
assert abs(w2["weak_order"] - 2) < 0.3, w2["weak_order"]
add = json.load(open(os.path.join(d, "add.json")))
# additive noise: DRI1 is exact in law for this linear problem up to its drift error; errors within 5 se or tiny
for l in add["levels"]:
    e = l["functionals"]["x"]
    assert abs(e["error"]) < 5 * e["stderr"] + 1e-3, e
PY

"$ito" weak-convergence --problem ou --method dri1 --levels 2 --paths 2000 | grep -q "weak order" || fail "text output"

set +e
err=$("$ito" weak-convergence --problem nope 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown problem: expected exit 2, got $rc"
echo "$err" | grep -q "^ito: error: --problem = nope" || fail "message: $err"
set +e
err=$("$ito" weak-convergence --paths 1 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "paths 1: expected exit 2, got $rc"
echo "$err" | grep -q "paths = 1" || fail "message: $err"
echo ok
