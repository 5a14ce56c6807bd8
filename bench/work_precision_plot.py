#!/usr/bin/python3
"""Work-precision figures and tables from `ito work-precision --json`.

    bench/work_precision_plot.py RESULT.json [RESULT.json ...] [--figures docs/figures]

For each result (one problem) writes FIGURES/work_precision_<problem>.png: strong
error at t1 (mean over paths, error bars = 2 standard errors) against drift
evaluations per path, log-log, fixed-step runs solid, adaptive runs dashed. Prints
a markdown table per problem and, for each adaptive method, the drift evaluations
the best fixed-step method needs for the same error (log-log interpolation of the
fixed-step curve that is cheapest at that error) and the ratio.
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def curves(rows):
    out = {}
    for r in rows:
        out.setdefault((r["method"], r["adaptive"]), []).append(r)
    for v in out.values():
        v.sort(key=lambda r: r["nfe"])
    return out


def nfe_at(curve, err):
    """Drift evaluations a curve needs for `err` (log-log interpolation), None outside its range."""
    pts = sorted(((r["strong_error"], r["nfe"]) for r in curve), key=lambda p: -p[0])
    for (e0, n0), (e1, n1) in zip(pts, pts[1:]):
        if e1 <= err <= e0 and e0 > e1:
            s = (math.log(err) - math.log(e0)) / (math.log(e1) - math.log(e0))
            return math.exp(math.log(n0) + s * (math.log(n1) - math.log(n0)))
    return None


def best_fixed(cs, err):
    best = None
    for (m, ad), c in cs.items():
        if ad:
            continue
        n = nfe_at(c, err)
        if n is not None and (best is None or n < best[1]):
            best = (m, n)
    return best


def main(argv):
    figures = "docs/figures"
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--figures":
            figures = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    for f in files:
        res = json.load(open(f))
        prob = res["problem"]
        cs = curves(res["rows"])
        fig, ax = plt.subplots(figsize=(6.4, 4.6))
        for (m, ad), c in sorted(cs.items()):
            ax.errorbar([r["nfe"] for r in c], [r["strong_error"] for r in c],
                        yerr=[2 * r["stderr"] for r in c], marker="o" if ad else "s", ms=4,
                        ls="--" if ad else "-", label=f"{m} ({'adaptive' if ad else 'fixed'})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("drift evaluations per path")
        ax.set_ylabel("strong error at t1 (mean |X - X_ref|)")
        ref = res["reference"] + (f", dt {res['reference_dt']:.3g}" if res["reference_dt"] else "")
        v = res.get("vdp")  # the van der Pol parameters, when the problem is vdp
        name = f"{prob} (mu {v['mu']:g}, sigma {v['sigma']:g}, t1 {v['t1']:g})" if v else prob
        ax.set_title(f"{name}: {res['paths']} paths, reference {ref}", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(f"{figures}/work_precision_{prob}.png", dpi=110)
        plt.close(fig)

        print(f"### {prob} ({res['paths']} paths; reference: {ref}; "
              f"reference change at half its steps {res['reference_change']:.2g})\n")
        print("| method | mode | dt or rtol | drift evals / path | strong error ± s.e. | rejected / path |")
        print("|---|---|---|---|---|---|")
        for (m, ad), c in sorted(cs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            for r in c:
                step = f"rtol {r['rtol']:.0e}" if ad else f"dt {r['dt']:.3g}"
                print(f"| {m} | {'adaptive' if ad else 'fixed'} | {step} | {r['nfe']:.1f} | "
                      f"{r['strong_error']:.3g} ± {r['stderr']:.1g} | {r.get('rejected', 0):.1f} |")
        print()
        print("| adaptive method | rtol | strong error | its drift evals | best fixed-step method at that error | "
              "its drift evals | ratio adaptive/fixed |")
        print("|---|---|---|---|---|---|---|")
        for (m, ad), c in sorted(cs.items()):
            if not ad:
                continue
            for r in c:
                b = best_fixed(cs, r["strong_error"])
                if b is None:
                    print(f"| {m} | {r['rtol']:.0e} | {r['strong_error']:.3g} | {r['nfe']:.1f} | "
                          f"(outside the fixed-step range) | | |")
                else:
                    print(f"| {m} | {r['rtol']:.0e} | {r['strong_error']:.3g} | {r['nfe']:.1f} | {b[0]} | "
                          f"{b[1]:.1f} | {r['nfe'] / b[1]:.2f} |")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
