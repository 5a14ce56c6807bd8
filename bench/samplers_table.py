#!/usr/bin/python3
"""Markdown table and figure of bench/samplers_quality's quality.csv: z = (SW1 - floor
mean)/floor sd per sampler and schedule against the NFE, with the floor's spread.

  /usr/bin/python3 bench/samplers_table.py OUTDIR/quality.csv [figure.png]
  /usr/bin/python3 bench/samplers_table.py --docs OUTDIR/quality.csv [--bold-upto 15]

--docs prints the table as docs/samplers.md shows it: readable sampler names, rows grouped
by sampler (schedules logsnr, karras, uniform, quadratic, optimized), z over 1000 without
decimals, DPM-Solver++ 3M with the released coefficients on log-SNR steps marked as the
official one, and in bold the lowest z of each NFE column up to --bold-upto (default 15).
"""
import csv
import sys
from collections import defaultdict

DOCS_NAMES = {  # bench name -> the name in docs/samplers.md
    "dpm3": "dpm (3)", "dpmpp2": "dpmpp (2M)", "dpmpp3": "dpmpp (3M, Taylor)",
    "dpmpp3:taylor": "dpmpp (3M, Taylor)", "dpmpp3:released": "dpmpp (3M, released)",
    "unipc3": "unipc (3, bh2)", "unipc3:bh2": "unipc (3, bh2)", "unipc3:bh1": "unipc (3, bh1)",
    "unipc3:uc": "unipc (3, bh2), final corrector", "edm2": "edm (Heun)",
    "dpmpp-sde2": "dpmpp-sde (2M)", "edm2:churn10": "edm (Heun), S_churn 10",
    "edm2:churn40": "edm (Heun), S_churn 40", "em": "em", "ddim": "ddim"}
SCHEDULE_ORDER = ["logsnr", "karras", "uniform", "quadratic", "optimized"]


def docs_table(rows, bold_upto):
    """The docs' table: one row per (sampler, schedule), cells z (ratio), bold = lowest z per column."""
    def z_text(z):
        return f"{z:.0f}" if abs(z) >= 1000 else f"{z:.1f}"

    def ratio_text(r):
        return f"{r:.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"

    table = defaultdict(dict)
    for r in rows:
        if r["sampler"] in ("converged-3M-1000", "ode"):
            continue
        name = DOCS_NAMES.get(r["sampler"], r["sampler"])
        table[(name, r["schedule"])][int(float(r["nfe"]))] = r  # the last row of a cell wins
    nfes = sorted({k for byn in table.values() for k in byn})
    names = list(dict.fromkeys(DOCS_NAMES[k] for k in DOCS_NAMES))
    order = sorted(table, key=lambda key: (names.index(key[0]) if key[0] in names else len(names),
                                           SCHEDULE_ORDER.index(key[1]) if key[1] in SCHEDULE_ORDER else 9))
    best = {k: min((float(byn[k]["z"]) for byn in table.values() if k in byn), default=None) for k in nfes}
    print("| sampler | schedule | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
    print("|---|---|" + "---|" * len(nfes))
    for key in order:
        byn = table[key]
        cells = []
        for k in nfes:
            r = byn.get(k)
            if r is None:
                cells.append("")
                continue
            text = f"{z_text(float(r['z']))} ({ratio_text(float(r['ratio']))})"
            cells.append(f"**{text}**" if k <= bold_upto and float(r["z"]) == best[k] else text)
        label = key[0] + (" = official" if key == ("dpmpp (3M, released)", "logsnr") else "")
        print(f"| {label} | {key[1]} | " + " | ".join(cells) + " |")


if sys.argv[1] == "--docs":
    docs_rows = list(csv.DictReader(open(sys.argv[2])))
    docs_table(docs_rows, int(sys.argv[sys.argv.index("--bold-upto") + 1]) if "--bold-upto" in sys.argv else 15)
    sys.exit(0)

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
    # one column per step schedule (z above, the ratio to the floor's mean below), one colour per sampler
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ftable = defaultdict(dict)  # the docs' names: dpmpp3 and dpmpp3:taylor are one sampler
    for (s, sch), byn in table.items():
        ftable[(DOCS_NAMES.get(s, s), sch)].update(byn)
    table = ftable
    schedules = [sch for sch in SCHEDULE_ORDER if any(k[1] == sch for k in table)]
    schedules += sorted({k[1] for k in table} - set(schedules))
    table = {k: byn for k, byn in table.items() if k[0] != "ode"}  # adaptive: not at a fixed budget
    # one colour per sampler, the same in every figure
    names = list(dict.fromkeys(DOCS_NAMES.values()))
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf", "#393b79", "#637939", "#ad494a", "#000000"]
    colours = {s: palette[names.index(s) % len(palette)] if s in names else "#000000" for s, _ in table}
    fig, ax = plt.subplots(2, len(schedules), figsize=(3.3 * len(schedules), 6.4), sharex=True, sharey="row",
                           squeeze=False)
    for j, sch in enumerate(schedules):
        for (s, sc), byn in table.items():
            if sc != sch:
                continue
            ks = sorted(byn)
            ax[0][j].plot(ks, [max(float(byn[k]["z"]), 0.1) for k in ks], marker="o", ms=3, color=colours[s],
                          label=s)
            ax[1][j].plot(ks, [float(byn[k]["ratio"]) for k in ks], marker="o", ms=3, color=colours[s])
        ax[0][j].axhspan(0.1, 3, color="#cccccc", alpha=0.5)
        for r in rows:  # the converged ODE's level (for a trained model: the model's own error)
            if r["sampler"] == "converged-3M-1000":
                ax[0][j].axhline(max(float(r["z"]), 0.1), color="k", ls="--", lw=0.8,
                                 label="converged ODE (3M, 1000 steps)")
        ax[0][j].set(xscale="log", yscale="log", title=f"{sch} steps")
        ax[1][j].axhline(1, color="k", lw=1)
        ax[1][j].set(xscale="log", yscale="log", xlabel="NFE")
    ax[0][0].set(ylabel="z = (SW1 - floor mean) / floor sd\n(clipped at 0.1; grey: z <= 3)")
    ax[1][0].set(ylabel="SW1 / floor mean")
    handles = {}
    for a in ax[0]:
        for h, lab in zip(*a.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=min(len(handles), 8), fontsize=7)
    fig.suptitle(f"quality against NFE, n = {floor['n']}, floor SW1 {float(floor['floor_mean']):.5f} "
                 f"+- {float(floor['floor_sd']):.5f}", fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(sys.argv[2], dpi=110)
