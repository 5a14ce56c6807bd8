#!/usr/bin/env python3
"""The Python module's overhead, measured side by side in one script (ratios, not absolutes):

  1. built-in problem: ito.simulate("ou") from Python vs the same run by the C++ program
     (`ito simulate --json`, its own solve time), paths x steps = 10^6 x 100, EM, all cores;
  2. W1 (1-D OU, 10^5 paths, 1000 EM steps): ito.solve with a numpy drift vs the plain numpy
     Euler-Maruyama loop (numpy's default Generator for the normals);
  3. sampling with a Python score callable: time per call of ito.sample minus the time of the
     callable itself, for a trivial score on a small batch (so the overhead is visible).

Each pair runs alternately `--repeats` times; the median of each is reported with the ratio, and
for W1 the quartiles of the per-pair ratios (each pair ran back to back, so the machine's load
cancels in its ratio).
Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py [--ito build/cli/ito] [--quick]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import ito


def quartiles(v):
    q = statistics.quantiles(v, n=4) if len(v) >= 2 else [v[0]] * 3
    return q[0], statistics.median(v), q[2]


def median_pair(a, b, repeats):
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(a())
        tb.append(b())
    return statistics.median(ta), statistics.median(tb), ta, tb


def builtin(exe, paths, steps, repeats, threads):
    def py():
        r = ito.simulate("ou", method="em", paths=paths, steps=steps, seed=1, threads=threads, keep_terminal=False,
                         keep_paths=False)
        return r.summary["seconds"]

    def py_wall():
        t = time.perf_counter()
        ito.simulate("ou", method="em", paths=paths, steps=steps, seed=1, threads=threads, keep_terminal=False,
                     keep_paths=False)
        return time.perf_counter() - t

    def cpp():
        out = subprocess.run([exe, "simulate", "--problem", "ou", "--method", "em", "--paths", str(paths), "--steps",
                              str(steps), "--seed", "1", "--threads", str(threads), "--json"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)["seconds"]

    if exe is None:  # no program built: the library's own solve time inside the same call
        p, c, _, _ = median_pair(py_wall, py, repeats)
    else:
        p, c, _, _ = median_pair(py_wall, cpp, repeats)
    return p, c


def w1(paths, steps, repeats, threads):
    kappa, theta, sigma, x0, t1 = 2.0, 0.5, 0.8, 1.5, 1.0
    h = t1 / steps

    def numpy_loop():
        t = time.perf_counter()
        rng = np.random.default_rng(1)
        x = np.full(paths, x0)
        sq = sigma * np.sqrt(h)
        for _ in range(steps):
            x += kappa * (theta - x) * h + sq * rng.standard_normal(paths)
        t = time.perf_counter() - t
        assert abs(x.mean() - (theta + (x0 - theta) * np.exp(-kappa))) < 0.02
        return t

    def ito_solve():
        t = time.perf_counter()
        r = ito.solve(drift=lambda x, t: kappa * (theta - x), diffusion=sigma, noise="additive", x0=x0, t1=t1,
                      paths=paths, steps=steps, seed=1, threads=threads, keep_paths=False)  # default blocks
        t = time.perf_counter() - t
        assert abs(r.mean[-1, 0] - (theta + (x0 - theta) * np.exp(-kappa))) < 0.02
        return t

    s, n, ts, tn = median_pair(ito_solve, numpy_loop, repeats)
    return s, n, quartiles([b / a for a, b in zip(ts, tn)])


def score_overhead(n, d, steps, repeats):
    x = np.zeros((n, d))

    def score(x, t):
        return x  # trivial: its own cost is measured separately below

    def alone():
        t = time.perf_counter()
        for k in range(steps):
            score(x, 0.5)
        return (time.perf_counter() - t) / steps

    def sampled():
        r = ito.sample(ito.VPSDE(), score, d=d, n=n, steps=steps, seed=1)
        return r.seconds / r.score_calls

    a, s, _, _ = median_pair(alone, sampled, repeats)
    return a, s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ito", default=os.path.join(os.environ.get("ITO_BINARY_DIR", "build"), "cli", "ito"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    q = a.quick
    print(f"ito Python benchmarks ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}); medians of {a.repeats}")
    if os.path.exists(a.ito):
        paths, steps = (200_000, 50) if q else (1_000_000, 100)
        p, c = builtin(a.ito, paths, steps, a.repeats, a.threads)
        print(f"1. built-in OU, {paths} x {steps} EM: Python {p:.3f} s  C++ program {c:.3f} s  "
              f"ratio Python/C++ = {p / c:.3f}  (target <= 1.05)")
    else:
        paths, steps = (200_000, 50) if q else (1_000_000, 100)
        p, c = builtin(None, paths, steps, a.repeats, a.threads)
        print(f"1. built-in OU, {paths} x {steps} EM: Python wall {p:.3f} s  library solve time {c:.3f} s "
              f"(no {a.ito}: baseline is the C++ time inside the call)  ratio = {p / c:.3f}  (target <= 1.05)")
    paths, steps = (100_000, 200) if q else (100_000, 1000)
    for threads in sorted({1, max(1, a.threads or os.cpu_count())}):
        s, n, (q1, med, q3) = w1(paths, steps, a.repeats, threads)
        print(f"2. W1 OU {paths} paths x {steps} EM, threads={threads}: ito.solve(numpy drift) {s:.3f} s  "
              f"numpy loop {n:.3f} s  speed-up = {n / s:.2f}x (per-pair ratios: median {med:.2f}x, quartiles "
              f"{q1:.2f}-{q3:.2f}; target >= 3)")
    steps3 = 200 if q else 2000
    alone, per_call = score_overhead(1, 2, steps3, a.repeats)
    print(f"3. sample with a Python score, batch (1, 2): {per_call * 1e6:.2f} us per step (call, views, copy and the "
          f"sampler's step), callable alone {alone * 1e6:.2f} us: overhead <= {(per_call - alone) * 1e6:.2f} us per call "
          f"(target <= 20 us)")
    alone, per_call = score_overhead(1000, 2, steps3, a.repeats)
    print(f"   batch (1000, 2): {per_call * 1e6:.1f} us per step, mostly the sampler's own step on 1000 points "
          f"(normals, update); callable alone {alone * 1e6:.2f} us")

if __name__ == "__main__":
    sys.exit(main())
