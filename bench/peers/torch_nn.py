#!/usr/bin/env python3
"""Benchmarks W2/W3 peer (issue 5, sec. 5): the reference score network in PyTorch.

Network (identical to ito's default mlp): input [x (2), sin(2 pi w t), cos(2 pi w t)]
with 16 fixed Gaussian frequencies w -> 34 -> 128 -> 128 -> 128 -> 2, SiLU, float32.

  W2: one denoising-score-matching training step at batch 512, the same work as
      `ito bench train`: draw a minibatch, t ~ U(eps, 1), z ~ N(0, I), x_t from the
      VP marginal, forward, MSE to z, backward, grad-norm clip 1, Adam, EMA update.
  W3: reverse-SDE Euler-Maruyama sampling of 10000 samples, 100 steps, VP SDE
      (beta 0.1 -> 20) with the eps-network as score (no autograd), the same work
      as `ito bench sample`.

Each thread count k in --threads (default 1, 2) runs in a child process with
OPENBLAS_NUM_THREADS=k and torch.set_num_threads(k). Prints one JSON object
{"rows": [{"name", "threads", "ms_per_step" | "msample_steps_per_s"}, ...]}
(best of --repeats timed runs each).

Run as ./run bench does:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/torch_nn.py
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

BETA_MIN, BETA_MAX, T_END, EPS = 0.1, 20.0, 1.0, 1e-3


def build(torch, seed):
    torch.manual_seed(seed)
    nn = torch.nn
    net = nn.Sequential(nn.Linear(34, 128), nn.SiLU(), nn.Linear(128, 128), nn.SiLU(),
                        nn.Linear(128, 128), nn.SiLU(), nn.Linear(128, 2))
    w = torch.randn(16) * 4.0
    return net, w


def embed(torch, x, t, w):
    arg = (2 * math.pi) * t[:, None] * w[None, :]
    return torch.cat([x, torch.sin(arg), torch.cos(arg)], dim=1)


def vp_marginal(torch, t):
    b = BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t
    return torch.exp(-0.5 * b), torch.sqrt(-torch.expm1(-b))


def moons(torch, n):
    g = torch.Generator().manual_seed(1)
    u = torch.rand(n, generator=g) * math.pi
    half = n // 2
    x = torch.empty(n, 2)
    x[:half, 0], x[:half, 1] = torch.cos(u[:half]), torch.sin(u[:half])
    x[half:, 0], x[half:, 1] = 1 - torch.cos(u[half:]), 0.5 - torch.sin(u[half:])
    return x + 0.05 * torch.randn(n, 2, generator=g)


def w2(torch, batch, steps, repeats):
    net, w = build(torch, 0)
    params = list(net.parameters())
    try:
        opt = torch.optim.Adam(params, lr=1e-3, foreach=True)
    except TypeError:
        opt = torch.optim.Adam(params, lr=1e-3)
    ema = [p.detach().clone() for p in params]
    data = moons(torch, 20000)

    def step():
        idx = torch.randint(0, data.shape[0], (batch,))
        x0 = data[idx]
        t = torch.rand(batch) * (T_END - EPS) + EPS
        z = torch.randn(batch, 2)
        m, s = vp_marginal(torch, t)
        xt = m[:, None] * x0 + s[:, None] * z
        loss = torch.mean((net(embed(torch, xt, t, w)) - z) ** 2)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            torch._foreach_mul_(ema, 0.999)
            torch._foreach_add_(ema, [p.detach() for p in params], alpha=0.001)

    for _ in range(20):
        step()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, time.perf_counter() - t0)
    return 1e3 * best / steps


def w3(torch, n, steps, repeats):
    net, w = build(torch, 0)

    def run():
        with torch.inference_mode():
            x = torch.randn(n, 2)
            dt = (T_END - EPS) / steps
            for k in range(steps):
                t = T_END - k * dt
                tt = torch.full((n,), t)
                bint = BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t
                s = math.sqrt(-math.expm1(-bint))
                beta = BETA_MIN + t * (BETA_MAX - BETA_MIN)
                score = net(embed(torch, x, tt, w)) * (-1.0 / s)
                # reverse time: x <- x - [f - g^2 score] dt + g sqrt(dt) z
                x = x + (0.5 * beta * x + beta * score) * dt + math.sqrt(beta * dt) * torch.randn(n, 2)
            return float(x[:, 0].mean())

    run()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return n * steps / best / 1e6


def child(a):
    import torch
    torch.set_num_threads(a.child)
    ver = torch.__version__
    rows = [{"name": f"PyTorch {ver} float32, {a.child} thread(s)", "workload": "W2", "threads": a.child,
             "ms_per_step": w2(torch, a.batch, a.train_steps, a.repeats)},
            {"name": f"PyTorch {ver} float32, {a.child} thread(s)", "workload": "W3", "threads": a.child,
             "msample_steps_per_s": w3(torch, a.n, a.sample_steps, a.repeats)}]
    print(json.dumps({"rows": rows}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--train-steps", type=int, default=300)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--sample-steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a)
        return 0
    rows = []
    for k in [int(v) for v in a.threads.split(",")]:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(k), OMP_NUM_THREADS=str(k))
        cmd = [sys.executable, __file__, "--child", str(k), "--batch", str(a.batch), "--train-steps",
               str(a.train_steps), "--n", str(a.n), "--sample-steps", str(a.sample_steps),
               "--repeats", str(a.repeats)]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"torch_nn.py: {k} thread(s) failed: {r.stderr.strip()}", file=sys.stderr)
            continue
        rows += json.loads(r.stdout)["rows"]
    if not rows:
        return 1
    best_w2 = min(r["ms_per_step"] for r in rows if "ms_per_step" in r)
    best_w3 = max(r["msample_steps_per_s"] for r in rows if "msample_steps_per_s" in r)
    print(json.dumps({"rows": rows, "best": {"ms_per_step": best_w2, "msample_steps_per_s": best_w3}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
