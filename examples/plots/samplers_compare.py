"""Figure of example 5 (examples/samplers_compare.hpp): DDPM ancestral sampling, the reverse
SDE, the probability-flow ODE and annealed Langevin (seeds 002-004), and the fast samplers
DPM-Solver++ 3M, UniPC-3 and EDM Heun: sliced W1 to held-out data against the number of score
evaluations, with the exact score and a trained MLP."""
from common import COLOURS, column, plt, read, save, unique

q, smp = read("samplers_quality.csv"), read("samplers_samples.csv")
names = {"ddpm": "DDPM ancestral", "sde": "reverse SDE (EM)", "ode": "probability-flow ODE (RK4)",
         "ald": "annealed Langevin", "dpmpp3": "DPM-Solver++ 3M", "unipc3": "UniPC-3", "edm": "EDM Heun"}
samplers = unique(smp, "sampler")
fig = plt.figure(figsize=(2.2 * max(4, len(samplers)), 6.2))
gs = fig.add_gridspec(2, max(4, len(samplers)), height_ratios=[1.3, 1])
half = max(4, len(samplers)) // 2
for col, score in enumerate(("exact", "mlp")):
    a = fig.add_subplot(gs[0, half * col:half * col + half])
    for s in unique(q, "sampler"):
        a.plot(column(q, "nfe", score=score, sampler=s), column(q, "sw1", score=score, sampler=s), "o-", ms=3,
               color=COLOURS.get(s, "#444444"), label=names.get(s, s))
    floor = column(q, "floor", score=score)[0]
    a.axhline(floor, color="#000000", ls="--", lw=1, label="data-vs-data floor")
    a.set(xscale="log", yscale="log", xlabel="score evaluations per sample (NFE)", ylabel="sliced W1 to held-out data",
          title=("exact Gaussian-mixture score" if score == "exact" else "trained MLP score"))
    a.legend(fontsize=7)
for k, s in enumerate(samplers):
    a = fig.add_subplot(gs[1, k])
    a.scatter(column(smp, "x", score="mlp", sampler=s), column(smp, "y", score="mlp", sampler=s), s=1, alpha=0.5,
              color=COLOURS.get(s, "#444444"))
    nfe = max(column(q, "nfe", score="mlp", sampler=s))
    a.set(xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), aspect="equal", title=f"{names.get(s, s)}, MLP, NFE {nfe:g}")
    a.title.set_fontsize(8)
    a.tick_params(labelsize=7)
fig.tight_layout()
save(fig, "samplers_compare")
