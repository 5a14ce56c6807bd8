"""Figure of example 4 (examples/forward_reverse_2d.hpp): 2-D data noised by the VP SDE
(seed 004 sec. 3.1) and brought back by the reverse SDE dX = [f - g^2 grad log p_t] dt + g dW
(seed 001, seed 004 sec. 3.2) with the exact mixture score and with a trained MLP.
Writes forward_reverse_2d.png, forward_reverse_2d_field.png and forward_reverse_2d.gif."""
import os

from matplotlib import animation

from common import COLOURS, DPI, column, out_dir, plt, read, save, unique

fwd, rev = read("fr_forward.csv"), read("fr_reverse.csv")
traj, field, frames, check = read("fr_traj.csv"), read("fr_field.csv"), read("fr_frames.csv"), read("fr_check.csv")
LIM = 3.2

# ---- rows: forward, reverse (exact score), reverse (MLP) ----
ft = unique(fwd, "t")
fig, ax = plt.subplots(3, len(ft), figsize=(11, 6.9), sharex=True, sharey=True)
for k, t in enumerate(ft):
    a = ax[0, k]
    a.scatter(column(fwd, "x", t=t), column(fwd, "y", t=t), s=1, alpha=0.4, color=COLOURS["data"])
    a.set_title(f"forward, t = {t:g}")
for r, score in ((1, "exact"), (2, "mlp")):
    times = sorted(unique([x for x in rev if x["score"] == score], "t"), reverse=True)
    for k, t in enumerate(times):
        a = ax[r, k]
        a.scatter(column(rev, "x", score=score, t=t), column(rev, "y", score=score, t=t), s=1, alpha=0.4,
                  color=COLOURS["gmm" if score == "exact" else "mlp"])
        a.set_title(f"reverse ({'exact score' if score == 'exact' else 'MLP'}), t = {t:g}", fontsize=8)
    sw = [c for c in check if c["score"] == score][0]
    ax[r, -1].text(0.03, 0.03, f"SW1 = {sw['ratio']:.2f} x floor", transform=ax[r, -1].transAxes, fontsize=7)
for a in ax.flat:
    a.set_xlim(-LIM, LIM)
    a.set_ylim(-LIM, LIM)
    a.set_aspect("equal")
    a.tick_params(labelsize=7)
fig.suptitle(r"VP SDE $dX = -\frac{\beta(t)}{2}X\,dt + \sqrt{\beta(t)}\,dW$ forward (top) and its reverse "
             r"$dX = [f - g^2\nabla\log p_t]\,dt + g\,d\bar W$ (rows 2-3)")
fig.tight_layout()
save(fig, "forward_reverse_2d")

# ---- trajectories over the score field ----
fig, ax = plt.subplots(1, 2, figsize=(10, 4.9))
for a, score in zip(ax, ("exact", "mlp")):
    t_field = 0.1
    x, y = column(field, "x", score=score, t=t_field), column(field, "y", score=score, t=t_field)
    sx, sy = column(field, "sx", score=score, t=t_field), column(field, "sy", score=score, t=t_field)
    norm = [max((u * u + v * v) ** 0.5, 1e-12) for u, v in zip(sx, sy)]
    a.quiver(x, y, [u / n for u, n in zip(sx, norm)], [v / n for v, n in zip(sy, norm)], norm, cmap="Greys",
             scale=30, width=0.003, alpha=0.8)
    for p in unique([r for r in traj if r["score"] == score], "path"):
        px = column(traj, "x", score=score, path=p)
        py = column(traj, "y", score=score, path=p)
        a.plot(px, py, lw=0.8, color=COLOURS["gmm" if score == "exact" else "mlp"], alpha=0.8)
        a.plot(px[0], py[0], "o", ms=2.5, color="#777777")
        a.plot(px[-1], py[-1], "*", ms=5, color="#000000")
    a.set(xlim=(-LIM, LIM), ylim=(-LIM, LIM), aspect="equal", xlabel="x", ylabel="y",
          title=f"{'exact mixture' if score == 'exact' else 'MLP'} score at t = {t_field:g} (arrows, direction) "
                f"\nand 16 probability-flow ODE paths (dot: t = 0.98, star: t = 0.001)")
    a.title.set_fontsize(8)
fig.tight_layout()
save(fig, "forward_reverse_2d_field")

# ---- animated GIF: forward then reverse (exact score) ----
seq = [("forward", t) for t in sorted(unique([f for f in frames if f["phase"] == "forward"], "t"))]
seq += [("reverse", t) for t in sorted(unique([f for f in frames if f["phase"] == "reverse"], "t"), reverse=True)]
fig, a = plt.subplots(figsize=(3.6, 3.6))
pts = a.scatter([], [], s=2, alpha=0.6)
a.set(xlim=(-LIM, LIM), ylim=(-LIM, LIM), aspect="equal")
a.tick_params(labelsize=6)
title = a.set_title("")


def draw(i):
    phase, t = seq[i]
    xs = column(frames, "x", phase=phase, t=t)
    ys = column(frames, "y", phase=phase, t=t)
    pts.set_offsets(list(zip(xs, ys)))
    pts.set_color(COLOURS["data"] if phase == "forward" else COLOURS["gmm"])
    title.set_text(f"{phase} SDE, t = {t:.2f}")
    return pts, title


anim = animation.FuncAnimation(fig, draw, frames=len(seq), blit=False)
gif = os.path.join(out_dir(), "forward_reverse_2d.gif")
anim.save(gif, writer=animation.PillowWriter(fps=6), dpi=72)
plt.close(fig)
print(gif)
