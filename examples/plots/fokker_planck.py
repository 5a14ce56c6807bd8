"""Figure of example 3 (examples/fokker_planck.hpp): a double-well SDE's histogram
over the Fokker-Planck density dp/dt = -d/dx[(x - x^3) p] + sigma^2/2 d^2p/dx^2 (seed 001)."""
from common import COLOURS, column, plt, read, save, unique

dens, hist, check = read("fp_density.csv"), read("fp_hist.csv"), read("fp_check.csv")
times = unique(hist, "t")
fig, axes = plt.subplots(2, 3, figsize=(10, 5.6), sharex=True, sharey=True)
for a, t in zip(axes.flat, times):
    x = column(hist, "x", t=t)
    a.bar(x, column(hist, "density_mc", t=t), width=column(hist, "width", t=t)[0], color=COLOURS["mc"],
          alpha=0.45, label="SDE histogram (Euler–Maruyama)")
    xf = column(dens, "x", t=t)
    a.plot(xf, column(dens, "p_fp", t=t), color=COLOURS["exact"], lw=1.3, label="Fokker–Planck p(x, t)")
    a.plot(xf, column(dens, "p_stationary", t=t), color="#d62728", lw=1, ls="--",
           label=r"stationary $\propto e^{2(x^2/2 - x^4/4)/\sigma^2}$")
    l1 = column(check, "l1", t=t)[0]
    bound = column(check, "l1_bound", t=t)[0]
    a.set_title(f"t = {t:g}   (L1 = {l1:.3f} < {bound:.3f})")
    a.set_xlim(-2.2, 2.2)
for a in axes[1]:
    a.set_xlabel("x")
for a in axes[:, 0]:
    a.set_ylabel("density")
axes[0, 0].set_ylim(0, 1.6)
axes[0, 0].legend(loc="upper left", fontsize=7)
fig.suptitle(r"Double well $dX = (X - X^3)\,dt + \sigma\,dW$: histogram of paths over the Fokker–Planck density")
fig.tight_layout()
save(fig, "fokker_planck")
