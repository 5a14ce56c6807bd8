#!/usr/bin/python3
"""Markdown table and figure of bench/samplers_quality's quality.csv: z = (SW1 - floor
mean)/floor sd per sampler and schedule against the NFE, with the floor's spread.

  /usr/bin/python3 bench/samplers_table.py OUTDIR/quality.csv [figure.png]
"""
import csv
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
floor = rows[0]
print(f"n = {floor['n']}; floor SW1 {float(floor['floor_mean']):.5f} +- {float(floor['floor_sd']):.5f} "
      f"(30 exact draws of size n against 200000 exact draws, 100 directions)\n")
table = defaultdict(dict)
nfes = sorted({int(float(r["nfe"])) for r in rows if r["sampler"] != "converged-3M-1000"})
for r in rows:
    if r["sampler"] == "converged-3M-1000":
        continue
    table[(r["sampler"], r["schedule"])][int(float(r["nfe"]))] = r
print("| sampler | schedule | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
print("|---|---|" + "---|" * len(nfes))
for (s, sch), byn in table.items():
    cells = []
    for k in nfes:
        r = byn.get(k)
        cells.append(f"{float(r['z']):.1f} ({float(r['ratio']):.2f}x)" if r else "")
    print(f"| {s} | {sch} | " + " | ".join(cells) + " |")
print("\ncells: z (ratio SW1 / floor mean); |z| <= 2-3: indistinguishable from exact draws at this n")
paired = [r for r in rows if float(r["paired_rms"]) > 0]
if paired:
    print("\n| sampler | schedule | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
    print("|---|---|" + "---|" * len(nfes))
    for (s, sch), byn in table.items():
        if not any(float(r["paired_rms"]) > 0 for r in byn.values()):
            continue
        print(f"| {s} | {sch} | " + " | ".join(f"{float(byn[k]['paired_rms']):.3g}" if k in byn else "" for k in nfes) + " |")
    print("\ncells: RMS distance to the converged ODE (DPM-Solver++ 3M, 1000 steps) from the same prior noise")
if len(sys.argv) > 2:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for (s, sch), byn in table.items():
        ks = sorted(byn)
        ls = {"logsnr": "-", "karras": "--", "optimized": ":", "uniform": "-.", "quadratic": "-."}.get(sch, "-")
        ax[0].plot(ks, [max(float(byn[k]["z"]), 0.1) for k in ks], ls, marker="o", ms=3, label=f"{s} {sch}")
        ax[1].plot(ks, [float(byn[k]["ratio"]) for k in ks], ls, marker="o", ms=3)
    ax[0].axhspan(0.1, 3, color="#cccccc", alpha=0.5, label="|z| <= 3")
    ax[0].set(xscale="log", yscale="log", xlabel="score evaluations per sample (NFE)", ylabel="z (clipped at 0.1)",
              title="z = (SW1 - floor mean) / floor sd")
    ax[1].axhline(1, color="k", lw=1)
    ax[1].set(xscale="log", yscale="log", xlabel="NFE", ylabel="SW1 / floor mean", title="ratio to the floor's mean")
    ax[0].legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=120)
