"""Figure of example 1 (examples/ou_validation.hpp): OU paths, histograms over the
exact density, two-time covariance and Euler-Maruyama's variance bias (seed 004 appendix)."""
from common import COLOURS, column, plt, read, save, unique

paths, band = read("ou_paths.csv"), read("ou_band.csv")
hist, cov, cov_exact = read("ou_hist.csv"), read("ou_cov.csv"), read("ou_cov_exact.csv")
bias = read("ou_em_bias.csv")

fig, ax = plt.subplots(2, 2, figsize=(9, 6.4))

a = ax[0, 0]
for p in unique(paths, "path")[:25]:  # 25 of the paths keep the PNG small
    a.plot(column(paths, "t", path=p), column(paths, "x", path=p), lw=0.6, alpha=0.5, color=COLOURS["mc"])
t = column(band, "t")
m, sd = column(band, "mean"), column(band, "sd")
a.plot(t, m, color=COLOURS["exact"], lw=1.5, label=r"$E X_t = \theta + (x_0-\theta)e^{-\kappa t}$")
a.plot(t, [u + 2 * s for u, s in zip(m, sd)], "--", color=COLOURS["exact"], lw=1, label=r"$\pm 2\,$sd (exact)")
a.plot(t, [u - 2 * s for u, s in zip(m, sd)], "--", color=COLOURS["exact"], lw=1)
a.set(title=r"Euler–Maruyama paths of $dX = \kappa(\theta - X)dt + \sigma dW$", xlabel="t", ylabel=r"$X_t$")
a.legend(loc="upper right")

a = ax[0, 1]
shades = ["#9ecae1", "#6baed6", "#3182bd", "#08519c"]
for i, tt in enumerate(unique(hist, "t")):
    x = column(hist, "x", t=tt)
    w = x[1] - x[0]
    a.bar(x, column(hist, "density_mc", t=tt), width=w, alpha=0.45, color=shades[i % 4], label=f"t = {tt:g}")
    a.plot(x, column(hist, "density_exact", t=tt), color=COLOURS["exact"], lw=1)
a.plot([], [], color=COLOURS["exact"], lw=1, label="exact Gaussian density")
a.set(title="Exact sampling: histograms of $X_t$ over $N(E X_t, Var X_t)$", xlabel="x", ylabel="density")
a.legend()

a = ax[1, 0]
s = cov[0]["s"]
a.plot(column(cov_exact, "t"), column(cov_exact, "cov_exact"), color=COLOURS["exact"],
       label=r"$\frac{\sigma^2}{2\kappa}(e^{-\kappa|t-s|} - e^{-\kappa(t+s)})$")
a.errorbar(column(cov, "t"), column(cov, "cov_mc"), yerr=[5 * e for e in column(cov, "cov_se")], fmt="o", ms=3,
           color=COLOURS["mc"], label=r"Monte Carlo $\pm 5$ se")
a.axvline(s, color="#999999", lw=0.8, ls=":")
a.set(title=f"Two-time covariance Cov($X_{{{s:g}}}$, $X_t$)", xlabel="t", ylabel="covariance")
a.legend()

a = ax[1, 1]
for method, label in (("euler_maruyama", "Euler–Maruyama"), ("ou_exact", "exact sampling")):
    dt = column(bias, "dt", method=method)
    a.errorbar(dt, column(bias, "var_mc", method=method), yerr=[5 * e for e in column(bias, "var_se", method=method)],
               fmt="o", ms=4, color=COLOURS[method], label=label + r" ($\pm 5$ se)")
dt = column(bias, "dt", method="euler_maruyama")
a.plot(dt, column(bias, "var_theory", method="euler_maruyama"), "-", color=COLOURS["euler_maruyama"], lw=1,
       label="EM recursion, closed form")
a.plot(dt, column(bias, "var_exact", method="euler_maruyama"), "-", color=COLOURS["exact"], lw=1,
       label=r"exact $\sigma^2(1-e^{-2\kappa T})/(2\kappa)$")
a.set(title=f"Variance at T = 2 against the step dt", xlabel="dt", ylabel=r"Var $X_T$", xscale="log")
a.legend()

fig.tight_layout()
save(fig, "ou_validation")
