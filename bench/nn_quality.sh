#!/usr/bin/env bash
# Quality of the default score network (issue 5, sec. 5): for each built-in 2-D data
# set and a Gaussian mixture, `ito train` with its defaults, `ito sample --model`
# (n = 5000), and sliced W1 to fresh data against the data-vs-data floor; on the
# mixture also `ito nll --model` against the exact mean NLL of the mixture.
#   bash bench/nn_quality.sh path/to/ito [datasets...]
# Prints a Markdown table (and the raw JSON under out/nn_quality/).
set -euo pipefail
ito=${1:?usage: nn_quality.sh path/to/ito [datasets...]}
shift
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(8gaussians moons swissroll checkerboard rings pinwheel gmm)
out=out/nn_quality
mkdir -p "$out"
py=/usr/bin/python3
cp examples/data/gmm2d.json "$out/mixture.json"  # the mixture of the examples (4 components)
echo "| data set | train s | val loss | SW1 model vs data | SW1 floor (data vs data) | ratio | target <= 1.2 |"
echo "|---|---|---|---|---|---|---|"
for ds in "${sets[@]}"; do
  extra=()
  [ "$ds" = gmm ] && extra=(--gmm "$out/mixture.json")
  "$ito" train --dataset "$ds" "${extra[@]}" --out "$out/$ds.ito" --quiet --json > "$out/$ds.train.json"
  "$ito" sample --model "$out/$ds.ito" --sampler em --steps 500 --n 5000 --seed 7 --out "$out/$ds.samples.csv" > /dev/null
  "$ito" data --dataset "$ds" "${extra[@]}" --n 5000 --seed 1001 --out "$out/$ds.fresh.csv"
  "$ito" data --dataset "$ds" "${extra[@]}" --n 5000 --seed 1002 --out "$out/$ds.ref.csv"
  "$ito" metrics --a "$out/$ds.samples.csv" --b "$out/$ds.fresh.csv" --ref "$out/$ds.ref.csv" --json > "$out/$ds.metrics.json"
  "$py" - "$ds" "$out" <<'PY'
import json, sys
ds, out = sys.argv[1], sys.argv[2]
t = json.load(open(f"{out}/{ds}.train.json"))
m = json.load(open(f"{out}/{ds}.metrics.json"))
sw = m["sw1"]
fl = m["floor"]["sw1"]
ratio = sw / fl if sw and fl else float("nan")
print(f"| {ds} | {t['seconds']:.1f} | {t['val_loss']:.4f} | {sw:.4f} | {fl:.4f} | {ratio:.2f} | {'yes' if ratio <= 1.2 else 'NO'} |")
PY
done
if printf '%s\n' "${sets[@]}" | grep -qx gmm; then
  "$ito" data --dataset gmm --gmm "$out/mixture.json" --n 2000 --seed 2024 --out "$out/gmm.test.csv"
  "$ito" nll --model "$out/gmm.ito" --data "$out/gmm.test.csv" --json > "$out/gmm.nll.json"
  "$ito" nll --oracle "$out/mixture.json" --data "$out/gmm.test.csv" --json > "$out/gmm.nll_oracle.json"
  "$py" - "$out" <<'PY'
import json, sys, math
import numpy as np
out = sys.argv[1]
g = json.load(open(f"{out}/mixture.json"))
X = np.genfromtxt(f"{out}/gmm.test.csv", delimiter=","); X = X[~np.isnan(X).any(axis=1)]
dens = np.zeros(len(X))
for w, m, C in zip(g["weights"], g["means"], g["covariances"]):
    C = np.array(C); d = X - np.array(m)
    q = np.einsum("ij,jk,ik->i", d, np.linalg.inv(C), d)
    dens += w * np.exp(-0.5 * q) / math.sqrt((2 * math.pi) ** len(m) * np.linalg.det(C))
true = float(-np.mean(np.log(dens)))
j = json.load(open(f"{out}/gmm.nll.json"))
model = j["nll"]
oracle = json.load(open(f"{out}/gmm.nll_oracle.json"))["nll"]
print(f"\nGMM mean NLL on 2000 test points: model {model:.4f} nats, exact {true:.4f} nats, "
      f"difference {model - true:+.4f} (target |diff| <= 0.1: {'yes' if abs(model - true) <= 0.1 else 'NO'}); "
      f"the same probability-flow ODE with the exact score (ito nll --oracle): {oracle:.4f}")
PY
fi
