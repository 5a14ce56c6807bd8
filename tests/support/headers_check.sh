#!/usr/bin/env bash
# Usage: headers_check.sh CXX SOURCE_DIR EIGEN_INCLUDE [BOOST_INCLUDE]
# Compiles `#include <header>` alone for every public header (syntax only).
set -uo pipefail
cxx=$1 src=$2 eigen=$3 boost=${4:-/usr/include}
export cxx src eigen boost
check() {
  local h=$1
  if ! out=$(printf '#include "%s"\n' "$h" | "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic \
      -I"$src/sde/include" -I"$src/diffusion/include" -I"$eigen" -I"$boost" -x c++ - 2>&1); then
    echo "FAIL: $h does not compile on its own:"; echo "$out" | head -20; return 1
  fi
  [ -n "$out" ] && { echo "WARN in $h:"; echo "$out" | head -10; }
  return 0
}
export -f check
# The umbrella headers ito/sde.hpp and ito/diffusion.hpp only include the headers
# checked here (and checked for completeness below), so they are self-contained when
# those are; compiling them alone again would add the most expensive two units.
n=$(find "$src/sde/include/ito/sde" "$src/diffusion/include/ito/diffusion" -name '*.hpp' | wc -l)
if find "$src/sde/include/ito/sde" "$src/diffusion/include/ito/diffusion" -name '*.hpp' -print0 | sort -z | xargs -0 -n1 -P2 bash -c 'check "$0"'; then
  echo "$n headers compile on their own"
else
  echo "some headers do not compile on their own"; exit 1
fi

# The umbrella headers include every public header of their layer
# (ito/sde/mpi.hpp, ito/sde/validate/mpi.hpp and ito/sde/mlmc/mpi.hpp excepted: they need MPI; see ito/sde.hpp).
missing=0
for layer in sde diffusion; do
  umbrella="$src/$layer/include/ito/$layer.hpp"
  while IFS= read -r h; do
    rel=${h#"$src/$layer/include/ito/"}
    { [ "$rel" = "sde/mpi.hpp" ] || [ "$rel" = "sde/validate/mpi.hpp" ] || [ "$rel" = "sde/mlmc/mpi.hpp" ]; } && continue
    if ! grep -qF "#include \"$rel\"" "$umbrella"; then
      echo "FAIL: ito/$layer.hpp does not include $rel"; missing=1
    fi
  done < <(find "$src/$layer/include/ito/$layer" -name '*.hpp' | sort)
done
[ $missing -eq 0 ] || exit 1
echo "the umbrella headers include every public header"
