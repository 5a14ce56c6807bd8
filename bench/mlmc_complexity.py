#!/usr/bin/python3
"""Figure and table of the complexity study (bench/mlmc_complexity.cpp).

usage: /usr/bin/python3 bench/mlmc_complexity.py results.json docs/figures/mlmc_complexity.png
Prints a Markdown table (cost in path-steps per method and eps, fitted exponents)."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

data = json.load(open(sys.argv[1]))["studies"]
fig, axes = plt.subplots(1, len(data), figsize=(5 * len(data), 4.2))
titles = {"gbm_call": "GBM, discounted call", "gbm_second_moment": "GBM, E S_T^2", "sinh_call": "sinh SDE (nonlinear), call"}
for ax, s in zip(axes, data):
    eps = [r["eps"] for r in s["rows"]]
    ex = s["exponents_eps_le_1e-3"] or s["exponents"]
    for key, label, mark in [("plain_em_cost", "plain MC, Euler-Maruyama", "o-"),
                             ("plain_weak2_cost", "plain MC, weak-2 (three-point)", "s-"),
                             ("mlmc_cost", "MLMC, Milstein", "^-")]:
        short = {"plain_em_cost": "plain_em", "plain_weak2_cost": "plain_weak2", "mlmc_cost": "mlmc_milstein"}[key]
        ax.loglog(eps, [r[key] for r in s["rows"]], mark, label=f"{label} (slope {ex[short]:.2f})")
    ax.loglog(eps, [r["eps"] ** -2 * s["rows"][-1]["mlmc_cost"] * s["rows"][-1]["eps"] ** 2 for r in s["rows"]], "k:",
              lw=0.8, label="eps^-2")
    ax.set_xlabel("target RMSE eps")
    ax.set_ylabel("cost (path-steps)")
    ax.set_title(titles.get(s["problem"], s["problem"]))
    ax.invert_xaxis()
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)

for s in data:
    print(f"\n**{titles.get(s['problem'], s['problem'])}** (exact {s['exact']:.6f})\n")
    print("| eps | MLMC estimate | MLMC cost | MLMC's plain_mc_cost | ratio | plain EM cost | plain weak-2 cost | EM / weak-2 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in s["rows"]:
        print(f"| {r['eps']:.0e} | {r['mlmc_estimate']:.6f} ± {r['mlmc_stderr']:.1e} | {r['mlmc_cost']:.3g} | "
              f"{r['mlmc_plain_mc_cost']:.3g} | {r['mlmc_plain_mc_cost'] / r['mlmc_cost']:.1f} | {r['plain_em_cost']:.3g} | "
              f"{r['plain_weak2_cost']:.3g} | {r['plain_em_cost'] / r['plain_weak2_cost']:.1f} |")
    for name, ex in [("all eps", s["exponents"]), ("eps <= 1e-3", s["exponents_eps_le_1e-3"])]:
        if ex:
            print(f"\ncost exponents ({name}): plain EM {ex['plain_em']:.2f}, plain weak-2 {ex['plain_weak2']:.2f}, "
                  f"MLMC Milstein {ex['mlmc_milstein']:.2f}")
    print(f"\nbias fits: EM {s['em_bias']['c']:.3g} h^{s['em_bias']['order']:.2f} (± {s['em_bias']['order_stderr']:.2f}), "
          f"weak-2 {s['weak2_bias']['c']:.3g} h^{s['weak2_bias']['order']:.2f} (± {s['weak2_bias']['order_stderr']:.2f})")
