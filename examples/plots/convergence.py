"""Figure of example 2 (examples/convergence.hpp): strong and weak error against dt,
log-log, with the fitted slopes and reference slopes dt^p (seed 004, EM discretisation)."""
from common import COLOURS, column, plt, read, save

err, orders = read("convergence_errors.csv"), read("convergence_orders.csv")
fig, ax = plt.subplots(1, 2, figsize=(10, 4.2))
styles = {"gbm": ("o", "-"), "double-well": ("s", "--")}
for kind, a, key_theory in (("strong", ax[0], "strong_theory"), ("weak", ax[1], "weak_theory")):
    for o in orders:
        prob, meth = o["problem"], o["method"]
        dt = column(err, "dt", problem=prob, method=meth)
        e = column(err, kind + "_error", problem=prob, method=meth)
        se = column(err, kind + "_se", problem=prob, method=meth)
        marker, ls = styles.get(prob, ("^", ":"))
        name = {"euler_maruyama": "EM", "milstein": "Milstein", "sra1": "SRA1"}.get(meth, meth)
        a.errorbar(dt, e, yerr=[2 * s for s in se], marker=marker, ls=ls, ms=4, lw=1.2,
                   color=COLOURS.get(meth, "#444444"),
                   label=f"{name}, {prob}: slope {o[kind + '_order']:.2f} (theory {o[key_theory]:g})")
        # reference slope through the coarsest point
        p = o[key_theory]
        if e[0] > 0:
            a.plot(dt, [e[0] * (h / dt[0]) ** p for h in dt], color="#999999", lw=0.8, ls=":")
    a.set(xscale="log", yscale="log", xlabel="step dt",
          ylabel=r"$E|X_T^{dt} - X(T)|$" if kind == "strong" else r"$|E X_T^{dt} - E X(T)|$",
          title=f"{kind.capitalize()} error (dotted: reference slopes $dt^p$)")
    a.legend(loc="lower right", fontsize=7)
fig.tight_layout()
save(fig, "convergence")
