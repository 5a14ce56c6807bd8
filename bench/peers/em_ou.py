#!/usr/bin/env python3
"""Benchmark W1 peers (issue 2, sec. 5): Euler-Maruyama on the 1-D OU process

    dX = kappa (theta - X) dt + sigma dW,  kappa = 2, theta = 0.5, sigma = 0.8,
    x0 = 1.5, T = 1,

written the obvious vectorised way in numpy and PyTorch: the state is a vector
over paths, a Python loop over steps, the generator draws the normals of each
step. Prints one JSON object {"rows": [...]} with Mpath-steps/s per row (best
of --repeats runs). Fewer steps than the C++ bench are fine: the figure is per
path-step.

Run as ./run bench does (single-threaded OpenBLAS, Debian's numpy/torch):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/peers/em_ou.py --paths 100000 --steps 200
"""
import argparse
import json
import math
import sys
import time

KAPPA, THETA, SIGMA, X0, T1 = 2.0, 0.5, 0.8, 1.5, 1.0


def em_ou_numpy(np, dtype, paths, steps, seed):
    rng = np.random.default_rng(seed)
    h = T1 / steps
    s = SIGMA * math.sqrt(h)
    x = np.full(paths, X0, dtype=dtype)
    for _ in range(steps):
        dw = rng.standard_normal(paths, dtype=dtype)
        x += KAPPA * (THETA - x) * h + s * dw
    return float(x.mean())


def em_ou_torch(torch, dtype, paths, steps, seed):
    g = torch.Generator().manual_seed(seed)
    h = T1 / steps
    s = SIGMA * math.sqrt(h)
    x = torch.full((paths,), X0, dtype=dtype)
    for _ in range(steps):
        dw = torch.randn(paths, generator=g, dtype=dtype)
        x += KAPPA * (THETA - x) * h + s * dw
    return float(x.mean())


def best_rate(fn, paths, steps, repeats):
    """Best Mpath-steps/s over `repeats` timed runs after one short warm-up."""
    fn(paths, max(1, steps // 20))
    best = math.inf
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        mean = fn(paths, steps)
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    # E X_T = theta + (x0 - theta) e^{-kappa T} (seed 000): a sanity check on the loop
    expect = THETA + (X0 - THETA) * math.exp(-KAPPA * T1)
    sd = SIGMA * math.sqrt((1 - math.exp(-2 * KAPPA * T1)) / (2 * KAPPA))
    if abs(mean - expect) > 6 * sd / math.sqrt(paths) + 0.02:
        raise SystemExit(f"em_ou.py: mean {mean} far from {expect}: the loop is wrong")
    return paths * steps / best / 1e6, best, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paths", type=int, default=100000)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="numpy,torch", help="comma list: numpy, torch")
    ap.add_argument("--torch-threads", default="1,2", help="torch.set_num_threads values to try; the best is kept")
    ap.add_argument("--dtypes", default="float64,float32", help="comma list: float64, float32")
    ap.add_argument("--label", default="", help="appended to each row's name, e.g. the environment")
    a = ap.parse_args()
    rows = []

    def add(name, lib, version, rate, seconds, cpu, steps, threads):
        # cpu_seconds: CPU time of the process (all threads) in the best run: on a
        # loaded machine wall-clock rates are diluted, CPU-time ratios are not
        rows.append(dict(name=name + a.label, library=lib, version=version, mpath_steps_per_s=rate,
                         seconds=seconds, cpu_seconds=cpu, paths=a.paths, steps=steps, threads=threads))

    only = set(a.only.split(","))
    dtypes = set(a.dtypes.split(","))
    if "numpy" in only:
        try:
            import numpy as np
        except ImportError as e:
            print(f"em_ou.py: numpy unavailable: {e}", file=sys.stderr)
        else:
            for dt, label in ((np.float64, "float64"), (np.float32, "float32")):
                if label not in dtypes:
                    continue
                r, sec, cpu = best_rate(lambda n, m: em_ou_numpy(np, dt, n, m, a.seed), a.paths, a.steps, a.repeats)
                add(f"numpy {label}", "numpy", np.__version__, r, sec, cpu, a.steps, 1)
    if "torch" in only:
        try:
            import torch
        except ImportError as e:
            print(f"em_ou.py: torch unavailable: {e}", file=sys.stderr)
        else:
            threads = [int(t) for t in a.torch_threads.split(",") if t]
            for dt, label in ((torch.float64, "float64"), (torch.float32, "float32")):
                if label not in dtypes:
                    continue
                best = None
                for th in threads:
                    torch.set_num_threads(th)
                    r, sec, cpu = best_rate(lambda n, m: em_ou_torch(torch, dt, n, m, a.seed), a.paths, a.steps,
                                            a.repeats)
                    if best is None or r > best[0]:
                        best = (r, sec, cpu, th)
                add(f"PyTorch {label}", "torch", torch.__version__, best[0], best[1], best[2], a.steps, best[3])
    print(json.dumps({"workload": "W1 em-ou", "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
