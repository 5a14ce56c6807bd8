#!/usr/bin/python3
"""A peer for ito's fast samplers: DPM-Solver++ multistep (Lu et al. 2022b,
arXiv:2211.01095), written from the paper in numpy, on the exact score of a
Gaussian mixture under the linear VP SDE (beta_min = 0.1, beta_max = 20).

  2M: Algorithm 2 of the paper, data prediction, uniform log-SNR steps.
  3M: the third-order multistep update in the form of the authors' released code
      (D1 = D1_0 + r0/(r0 + r1) (D1_0 - D1_1), D2 = (D1_0 - D1_1)/(r0 + r1),
      x_t = s_t/s_0 x - a_t phi1 m0 + a_t phi2 D1 - a_t phi3 D2), and the same update
      with D2 doubled (the Taylor-exact coefficient that ito's dpmpp.hpp uses): '3M-taylor'.
The inverse log-SNR is the closed form of the linear VP schedule (ito bisects).

  dpmpp_numpy.py check OUTDIR    : run from OUTDIR/prior.csv and compare with ito's
                                   OUTDIR/lib_dpmpp{2,3}_nfe{10,15}.csv (max abs difference)
  dpmpp_numpy.py sample MIXTURE.json N NFE ORDER T_END OUT.csv [taylor] : N samples, own noise,
                                   NFE - 1 steps and the final denoising (as ito --nfe --denoise-final)
"""
import json
import sys

import numpy as np

B0, B1 = 0.1, 20.0


def log_alpha(t):
    return -0.5 * (B0 * t + 0.5 * (B1 - B0) * t * t)


def coeffs(t):
    la = log_alpha(t)
    a = np.exp(la)
    s = np.sqrt(-np.expm1(2 * la))
    return a, s, la - np.log(s)


def t_of_lambda(lam):
    # -2 log a = B(t) and log a = -0.5 log(1 + e^{-2 lambda})
    bt = np.logaddexp(0.0, -2.0 * lam)
    return (-B0 + np.sqrt(B0 * B0 + 2 * (B1 - B0) * bt)) / (B1 - B0)


class MixtureScore:
    def __init__(self, path):
        j = json.load(open(path))
        self.w = np.array(j["weights"])
        self.mu = np.array(j["means"])
        self.cov = np.array(j["covariances"])

    def x0(self, x, t):
        """Tweedie's data prediction (x + s^2 score)/a of the diffused mixture at rows x."""
        a, s, _ = coeffs(t)
        d = x.shape[1]
        logp, grads = [], []
        for w, m, c in zip(self.w, self.mu, self.cov):
            C = a * a * c + s * s * np.eye(d)
            P = np.linalg.inv(C)
            r = x - a * m
            q = np.einsum("ni,ij,nj->n", r, P, r)
            logp.append(np.log(w) - 0.5 * q - 0.5 * np.linalg.slogdet(2 * np.pi * C)[1])
            grads.append(-r @ P)
        logp = np.array(logp)
        resp = np.exp(logp - logp.max(axis=0))
        resp /= resp.sum(axis=0)
        score = np.einsum("kn,knd->nd", resp, np.array(grads))
        return (x + s * s * score) / a


def dpmpp(model, x, nfe, order, t_end, taylor=False, T=1.0):
    lam_T, lam_E = coeffs(T)[2], coeffs(t_end)[2]
    lams = np.linspace(lam_T, lam_E, nfe + 1)
    ts = t_of_lambda(lams)
    ts[0], ts[-1] = T, t_end
    ms, ls = [], []
    K = nfe
    for i in range(1, K + 1):
        t0, t = ts[i - 1], ts[i]
        a0, s0, l0 = coeffs(t0)
        at, st, lt = coeffs(t)
        ms.append(model.x0(x, t0))
        ls.append(l0)
        q = min(order, i)
        if K < 10:  # lower-order final steps, as the released code for few steps
            q = min(q, K - i + 1)
        h = lt - l0
        phi1 = np.expm1(-h)
        if q == 1:
            x = st / s0 * x - at * phi1 * ms[-1]
        elif q == 2:
            r0 = (ls[-1] - ls[-2]) / h
            D1 = (ms[-1] - ms[-2]) / r0
            x = st / s0 * x - at * phi1 * ms[-1] - 0.5 * at * phi1 * D1
        else:
            r0 = (ls[-1] - ls[-2]) / h
            r1 = (ls[-2] - ls[-3]) / h
            D1_0 = (ms[-1] - ms[-2]) / r0
            D1_1 = (ms[-2] - ms[-3]) / r1
            D1 = D1_0 + r0 / (r0 + r1) * (D1_0 - D1_1)
            D2 = (D1_0 - D1_1) / (r0 + r1) * (2.0 if taylor else 1.0)
            phi2 = phi1 / h + 1
            phi3 = phi2 / h - 0.5
            x = st / s0 * x - at * phi1 * ms[-1] + at * phi2 * D1 - at * phi3 * D2
    return x


def read_csv(path):
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


def write_csv(path, x):
    np.savetxt(path, x, delimiter=",", header=",".join(f"x{i + 1}" for i in range(x.shape[1])), comments="",
               fmt="%.17g")


def main():
    if sys.argv[1] == "check":
        out = sys.argv[2]
        mixture = sys.argv[3] if len(sys.argv) > 3 else "bench/data/thin2d.json"
        t_end = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-3
        model = MixtureScore(mixture)
        prior = read_csv(f"{out}/prior.csv")
        print("| update | NFE | max abs diff to ito (2000 paths, same prior) |")
        print("|---|---|---|")
        for order in (2, 3):
            for nfe in (10, 15):
                lib = read_csv(f"{out}/lib_dpmpp{order}_nfe{nfe}.csv")
                variants = [("2M", False)] if order == 2 else [("3M (released code)", False), ("3M-taylor", True)]
                for name, taylor in variants:
                    x = dpmpp(model, prior.copy(), nfe, order, t_end, taylor)
                    print(f"| {name} | {nfe} | {np.abs(x - lib).max():.3g} |")
    else:
        _, _, mixture, n, nfe, order, t_end, out = sys.argv[:8]
        taylor = len(sys.argv) > 8 and sys.argv[8] == "taylor"
        model = MixtureScore(mixture)
        rng = np.random.default_rng(12345)
        x = rng.standard_normal((int(n), model.mu.shape[1]))
        # NFE counts the final Tweedie denoising at t_end, as ito's --nfe with --denoise-final
        x = dpmpp(model, x, int(nfe) - 1, int(order), float(t_end), taylor)
        x = model.x0(x, float(t_end))
        write_csv(out, x)


if __name__ == "__main__":
    main()
