"""Figure of example 6 (examples/forward_sdes.hpp): VP, VE and OU forward SDEs side by
side: marginal mean coefficient, offset and std over t (seed 004 sec. 3.1, seed 000),
and the same two-moons data pushed through each SDE."""
from common import COLOURS, column, plt, read, save, unique

coeffs, moments, samples = read("sdes_coeffs.csv"), read("sdes_moments.csv"), read("sdes_samples.csv")
sdes = unique(coeffs, "sde")
label = {"vp": r"VP: $dX = -\frac{\beta}{2}X dt + \sqrt{\beta} dW$",
         "ve": r"VE: $dX = \sqrt{d\sigma^2/dt}\, dW$",
         "ou": r"OU: $dX = \frac{g^2}{2\sigma^2}(\mu - X)dt + g\,dW$"}
fig = plt.figure(figsize=(10.5, 8.8))
gs = fig.add_gridspec(4, 15, height_ratios=[1.25, 1, 1, 1], hspace=0.45, wspace=2.5)
top = [fig.add_subplot(gs[0, 0:5]), fig.add_subplot(gs[0, 5:10]), fig.add_subplot(gs[0, 10:15])]
for s in sdes:
    t = column(coeffs, "t", sde=s)
    c = COLOURS.get(s, "#444444")
    top[0].plot(t, column(coeffs, "mean_coeff", sde=s), color=c, label=label.get(s, s))
    top[1].plot(t, column(coeffs, "mean_offset", sde=s), color=c)
    top[2].plot(t, column(coeffs, "std", sde=s), color=c)
    # simulated std of x_t - a x0 - b is not stored; show simulated total sd against a^2 v0 + s^2
    tm = [r["t"] for r in moments if r["sde"] == s and r["coord"] == 0]
    sd_mc = [r["var_mc"] ** 0.5 for r in moments if r["sde"] == s and r["coord"] == 0]
    sd_ex = [r["var_exact"] ** 0.5 for r in moments if r["sde"] == s and r["coord"] == 0]
    top[2].plot(tm, sd_mc, "o", ms=4, color=c, mfc="none")
    top[2].plot(tm, sd_ex, "x", ms=4, color=c)
# times are spaced in the VP's log-SNR (examples/forward_sdes.hpp): a log time axis shows t < 0.25
top[0].set(title=r"mean coefficient $a(t)$", xlabel="t (log scale)", ylabel="a(t)", xscale="log")
top[1].set(title=r"mean offset $b(t)$", xlabel="t (log scale)", ylabel="b(t)", xscale="log")
top[2].set(title=r"std $s(t)$ (o: simulated sd of $x_1$, x: $\sqrt{a^2 v_0 + s^2}$)", xlabel="t (log scale)",
           ylabel="s(t)", yscale="log", xscale="log")
top[0].legend(loc="lower left", fontsize=7)
times = unique(samples, "t")
data_x, data_y = column(samples, "x", sde="data"), column(samples, "y", sde="data")
for r, s in enumerate(sdes):
    for k, t in enumerate(times):
        a = fig.add_subplot(gs[r + 1, 3 * k:3 * k + 3])
        if t == 0:
            x, y = data_x, data_y
        else:
            x, y = column(samples, "x", sde=s, t=t), column(samples, "y", sde=s, t=t)
        a.scatter(x, y, s=1, alpha=0.5, color=COLOURS.get(s, "#444444"))
        a.set_aspect("equal", adjustable="datalim")
        a.tick_params(labelsize=7)
        a.set_title(f"{s.upper()}, t = {t:.3g}", fontsize=8)
fig.suptitle("Three forward SDEs: what they do to the same data (two moons)", y=0.94)
save(fig, "forward_sdes")
