#!/usr/bin/env python3
"""Normals per second of the peers (issue 13): numpy's default_rng().standard_normal
(PCG64 + ziggurat) and torch.randn (CPU generator), float64 and float32, one
block of --n normals at a time into a preallocated array. Prints one JSON object
{"rows": [...]} with normals_per_s on wall clock and on the process's CPU time
(best of --repeats).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/peers/normals.py
"""
import argparse
import json
import time


def best(fn, n, repeats):
    fn()
    rows = []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        rows.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(rows)
    return n / wall, n / cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    rows = []
    import numpy as np
    g = np.random.default_rng(1)
    for dt in (np.float64, np.float32):
        out = np.empty(a.n, dtype=dt)
        w, c = best(lambda: g.standard_normal(a.n, dtype=dt, out=out), a.n, a.repeats)
        rows.append(dict(name=f"numpy {np.dtype(dt).name}", version=np.__version__, normals_per_s=w,
                         normals_per_cpu_s=c, threads=1))
    import torch
    torch.set_num_threads(1)
    tg = torch.Generator().manual_seed(1)
    for dt in (torch.float64, torch.float32):
        out = torch.empty(a.n, dtype=dt)
        w, c = best(lambda: torch.randn(a.n, generator=tg, dtype=dt, out=out), a.n, a.repeats)
        rows.append(dict(name=f"PyTorch {str(dt).split('.')[-1]}", version=torch.__version__, normals_per_s=w,
                         normals_per_cpu_s=c, threads=1))
    print(json.dumps({"workload": "normals", "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
