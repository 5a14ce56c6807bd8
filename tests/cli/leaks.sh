#!/usr/bin/env bash
# Memory errors and leaks in the `ito` program over one train / sample / nll
# round (small sizes):
#  - in the sanitizer build (`./run sanitize`: the program links ASan), the
#    round runs under AddressSanitizer + LeakSanitizer (detect_leaks=1) and any
#    report makes a command fail;
#  - otherwise under valgrind memcheck (--leak-check=full, definite and
#    indirect leaks and every memory error are errors). SKIP (exit 77, counted as skipped by ctest) when
#    valgrind is missing or cannot run the binary (e.g. AVX-512 code from
#    -march=native, which valgrind does not decode).
# Usage: bash leaks.sh <path-to-ito>
set -uo pipefail
ito=${1:?usage: leaks.sh <path-to-ito>}
W=$(mktemp -d "${TMPDIR:-/tmp}/ito_leaks.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

if ldd "$ito" 2>/dev/null | grep -q libasan; then
  mode=asan
  export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1}:detect_leaks=1
  wrap=()
elif command -v valgrind >/dev/null; then
  mode=valgrind
  wrap=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
        --show-leak-kinds=definite,indirect --track-origins=no)
  if ! bash -c '"$@"; exit $?' _ "${wrap[@]}" "$ito" --help >probe.txt 2>&1; then
    if grep -qiE "unhandled instruction|illegal instruction|SIGILL" probe.txt; then
      echo "SKIP: valgrind cannot run this build of ito (unsupported instructions, e.g. -march=native AVX-512);"
      echo "      the sanitizer build (./run sanitize) checks leaks with LeakSanitizer instead"
      exit 77
    fi
    echo "FAIL: valgrind ito --help:"; cat probe.txt; exit 1
  fi
else
  echo "SKIP: valgrind not installed and ito is not an ASan build"
  exit 77
fi

step() {
  if ! "${wrap[@]}" "$ito" "$@" >out.txt 2>err.txt; then
    echo "FAIL ($mode): ito $*"; tail -n 40 err.txt; exit 1
  fi
  echo "ok ($mode): ito $*"
}
printf 'x1,x2\n0.1,0.2\n-0.5,0.4\n1.1,-0.3\n0.0,0.9\n' > pts.csv
step train --dataset moons --n 128 --width 8 --depth 1 --batch 16 --steps 3 --warmup 1 --threads 2 --quiet --out m.ckpt
step train --dataset moons --n 128 --width 8 --depth 1 --batch 16 --steps 5 --threads 2 --quiet --resume --out m.ckpt
step sample --model m.ckpt --n 16 --steps 5 --threads 2 --out s.csv
step sample --model m.ckpt --sampler ode --n 8 --steps 5 --threads 1 --out s2.csv
step nll --model m.ckpt --data pts.csv --threads 2
step nll --model m.ckpt --data pts.csv --divergence hutchinson --probes 2 --threads 1
# an error path too: the exception unwinds through main without leaking
if "${wrap[@]}" "$ito" sample --model pts.csv --n 4 --out bad.csv >out.txt 2>err.txt; then
  echo "FAIL: a CSV accepted as a model"; exit 1
fi
if [ "$mode" = valgrind ] && grep -q "ERROR SUMMARY: [1-9]\|definitely lost: [1-9]" err.txt; then
  echo "FAIL (valgrind): error path"; cat err.txt; exit 1
fi
if [ "$mode" = asan ] && grep -q "Sanitizer" err.txt; then
  echo "FAIL (asan): error path"; cat err.txt; exit 1
fi
echo "ok ($mode): error path (ito sample --model pts.csv)"
echo "leaks: clean under $mode"
