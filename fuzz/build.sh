#!/usr/bin/env bash
# Build the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined).
#   bash fuzz/build.sh [OUT_DIR]   (default: build-fuzz next to the source tree)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-fuzz}
mkdir -p "$out"
cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -I"$src/sde/include" -I"$src/diffusion/include" -I/usr/include/eigen3)
# the library's compiled part (sde/src, diffusion/src), built into each target
lib_sources=("$src"/sde/src/*.cpp "$src"/diffusion/src/*.cpp)
for t in csv gmm checkpoint; do
  if [ ! "$out/fuzz_$t" -nt "$src/fuzz/fuzz_$t.cpp" ] || [ -n "$(find "$src/diffusion" "$src/sde" "$src/fuzz" -newer "$out/fuzz_$t" \( -name '*.hpp' -o -name '*.cpp' \) | head -1)" ]; then
    echo "fuzz: building fuzz_$t" >&2
    "$cxx" "${flags[@]}" "$src/fuzz/fuzz_$t.cpp" "${lib_sources[@]}" -o "$out/fuzz_$t"
  fi
done
