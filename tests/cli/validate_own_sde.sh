#!/usr/bin/env bash
# examples/validate_own_sde.cpp (the library example of docs/validation.md and
# the README): a user's own SDE validated against their own closed forms
# passes every check (exit 0) and prints the table.
set -euo pipefail
exe=${ITO_BINARY_DIR:-build}/examples/example_validate_own_sde
[ -x "$exe" ] || { echo "SKIP: $exe not built (ITO_BUILD_EXAMPLES=OFF?)"; exit 77; }
out=$("$exe") || { echo "FAIL: example_validate_own_sde exited $?:"; echo "$out"; exit 1; }
echo "$out"
for row in "mean(0.5)" "var(0.5)" "mean(1)" "var(1)" "KS(1)" "all checks pass"; do
  grep -qF "$row" <<<"$out" || { echo "FAIL: no '$row' in the output"; exit 1; }
done
echo "validate_own_sde: ok"
