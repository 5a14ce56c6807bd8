#!/usr/bin/env bash
# Regenerate the README figures: run the full demo (release build in ./build, as
# `./run demo` does) and copy its PNGs and the 2-D GIF into docs/figures/.
#   bash examples/plots/make_figures.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
out=out/demo
[ -x "$build/cli/ito" ] || { echo "make_figures: $build/cli/ito not found; build first (./run demo)" >&2; exit 1; }
"$build/cli/ito" demo --out "$out"
mkdir -p docs/figures
for f in ou_validation convergence fokker_planck forward_reverse_2d forward_reverse_2d_field samplers_compare forward_sdes; do
  cp "$out/$f.png" docs/figures/
done
cp "$out/forward_reverse_2d.gif" docs/figures/
ls -l docs/figures/
