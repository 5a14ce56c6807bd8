"""Shared look of ito's figures: Agg backend, one colour per method/SDE, small PNGs.

Every plot script is run as `/usr/bin/python3 examples/plots/<name>.py DIR`: it
reads the CSV files the example wrote into DIR and writes DIR/<name>.png.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# One colour per thing, the same in every figure.
COLOURS = {
    "exact": "#222222",
    "mc": "#1f77b4",
    "euler_maruyama": "#1f77b4",
    "em": "#1f77b4",
    "milstein": "#ff7f0e",
    "sra1": "#2ca02c",
    "ou_exact": "#d62728",
    "ddpm": "#9467bd",
    "sde": "#1f77b4",
    "ode": "#2ca02c",
    "ald": "#d62728",
    "vp": "#1f77b4",
    "ve": "#d62728",
    "ou": "#2ca02c",
    "data": "#555555",
    "gmm": "#1f77b4",
    "mlp": "#ff7f0e",
}
DPI = 100

plt.rcParams.update({
    "figure.dpi": DPI,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "legend.frameon": False,
})


def out_dir():
    """The directory given on the command line (default: out/demo)."""
    return sys.argv[1] if len(sys.argv) > 1 else "out/demo"


def read(name):
    """Read DIR/name as a list of dicts with float values where possible."""
    rows = []
    with open(os.path.join(out_dir(), name), newline="") as f:
        for r in csv.DictReader(f):
            row = {}
            for k, v in r.items():
                try:
                    row[k] = float(v)
                except (TypeError, ValueError):
                    row[k] = v
            rows.append(row)
    return rows


def column(rows, key, **where):
    """Values of `key` in the rows matching every where-condition."""
    return [r[key] for r in rows if all(r[k] == v for k, v in where.items())]


def unique(rows, key):
    """Distinct values of `key` in order of first appearance."""
    seen = []
    for r in rows:
        if r[key] not in seen:
            seen.append(r[key])
    return seen


def save(fig, name):
    """Write DIR/name.png (tight, DPI 100) and print its path."""
    path = os.path.join(out_dir(), name + ".png")
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    print(path)
    return path
