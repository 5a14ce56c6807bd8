#!/usr/bin/python3
"""Figure and table of the complexity study (bench/mlmc_complexity.cpp).

usage: /usr/bin/python3 bench/mlmc_complexity.py results.json docs/figures/mlmc_complexity.png
Prints a Markdown table (cost in path-steps per method and eps, fitted exponents)."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import math


def fit(eps, cost):
    """Least-squares slope of log cost against log eps and its standard error (None with 2 points)."""
    x = [math.log(e) for e in eps]
    y = [math.log(c) for c in cost]
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    slope = sum((a - mx) * (b - my) for a, b in zip(x, y)) / sxx
    if n <= 2:
        return slope, None
    res = sum((b - my - slope * (a - mx)) ** 2 for a, b in zip(x, y))
    return slope, math.sqrt(res / (n - 2) / sxx)


def exponents(s, eps_max):
    rows = [r for r in s["rows"] if r["eps"] <= eps_max * 1.0001]
    if len(rows) < 2:
        return None
    eps = [r["eps"] for r in rows]
    return {k: fit(eps, [r[k] for r in rows]) for k in ("plain_em_cost", "plain_weak2_cost", "mlmc_cost")}


def show(f):
    slope, se = f
    return f"{slope:.2f}" + (f" ± {se:.2f}" if se is not None else " (2 points)")


data = json.load(open(sys.argv[1]))["studies"]
fig, axes = plt.subplots(1, len(data), figsize=(5 * len(data), 4.2))
titles = {"gbm_call": "GBM, discounted call", "gbm_second_moment": "GBM, E S_T^2", "sinh_call": "sinh SDE (nonlinear), call"}
for ax, s in zip(axes, data):
    eps = [r["eps"] for r in s["rows"]]
    ex = exponents(s, 1e-3) or exponents(s, 1)
    for key, label, mark in [("plain_em_cost", "plain MC, Euler-Maruyama", "o-"),
                             ("plain_weak2_cost", "plain MC, weak-2 (three-point)", "s-"),
                             ("mlmc_cost", "MLMC, Milstein", "^-")]:
        ax.loglog(eps, [r[key] for r in s["rows"]], mark, label=f"{label} (slope {show(ex[key])})")
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
    for name, ex in [("all eps", exponents(s, 1)), ("eps <= 1e-3", exponents(s, 1e-3))]:
        if ex:
            print(f"\ncost exponents ({name}; slope ± standard error of the fit): plain EM {show(ex['plain_em_cost'])}, "
                  f"plain weak-2 {show(ex['plain_weak2_cost'])}, MLMC Milstein {show(ex['mlmc_cost'])}")
    # plain MC's cost is 2 V eps^-2 T / h(eps) with c h^p = eps / sqrt(2): exponent -(2 + 1/p), se = se_p / p^2
    asym = {k: (-(2 + 1 / s[k]["order"]), s[k]["order_stderr"] / s[k]["order"] ** 2) for k in ("em_bias", "weak2_bias")}
    print(f"\nplain MC's asymptotic exponent -(2 + 1/p) from the fitted bias order p: EM {show(asym['em_bias'])}, "
          f"weak-2 {show(asym['weak2_bias'])}")
    print(f"\nbias fits: EM {s['em_bias']['c']:.3g} h^{s['em_bias']['order']:.2f} (± {s['em_bias']['order_stderr']:.2f}), "
          f"weak-2 {s['weak2_bias']['c']:.3g} h^{s['weak2_bias']['order']:.2f} (± {s['weak2_bias']['order_stderr']:.2f})")
