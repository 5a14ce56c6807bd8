#!/usr/bin/env bash
# The README's library snippets are examples/quickstart.cpp and examples/validate_own_sde.cpp
# verbatim, and the first builds and runs (cli_validate_own_sde runs the second).
set -euo pipefail
src=${ITO_SOURCE_DIR:?}
bin=${ITO_BINARY_DIR:?}
snippet=$(awk '/<!-- snippet: examples\/quickstart.cpp -->/{f=1; next} f && /^```cpp/{next} f && /^```/{exit} f' "$src/README.md")
[ -n "$snippet" ] || { echo "FAIL: no snippet in README.md"; exit 1; }
diff <(printf '%s\n' "$snippet") "$src/examples/quickstart.cpp" || { echo "FAIL: README snippet differs from examples/quickstart.cpp"; exit 1; }
own=$(awk '/<!-- snippet: examples\/validate_own_sde.cpp -->/{f=1; next} f && /^```cpp/{next} f && /^```/{exit} f' "$src/README.md")
[ -n "$own" ] || { echo "FAIL: no validate_own_sde snippet in README.md"; exit 1; }
diff <(printf '%s\n' "$own") "$src/examples/validate_own_sde.cpp" || { echo "FAIL: README snippet differs from examples/validate_own_sde.cpp"; exit 1; }
out=$("$bin/examples/example_quickstart")
echo "$out"
python3 - "$out" <<'PY'
import re, sys
m = re.search(r"E X_1 = ([-0-9.e]+) \+- ([-0-9.e]+) \(exact ([-0-9.e]+)\)", sys.argv[1])
est, se, exact = map(float, m.groups())
sys.exit(0 if abs(est - exact) < 5 * se + 2e-3 else 1)  # 2e-3: EM's O(dt) bias allowance
PY
