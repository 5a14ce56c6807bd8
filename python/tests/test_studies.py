"""ito.validate, CIR, the weak-order methods, ito.weak_convergence, ito.mlmc and adaptive stepping
(solve, simulate, sample): statistical checks with fixed seeds and tolerances from standard errors,
and the bad-input cases of each."""
import json
import math
import os
import subprocess

import numpy as np
import pytest

import ito


def z_of(estimate, exact, stderr):
    return abs(estimate - exact) / stderr


# ---- validate ----

@pytest.mark.parametrize("problem,kwargs", [
    ("ou", dict(paths=20000)),
    ("tv-ou", dict(paths=20000)),
    ("cir", dict(paths=5000)),
    ("gbm", dict(paths=20000, steps=200)),
])
def test_validate_builtin_problems_pass(problem, kwargs):
    r = ito.validate(problem, seed=3, **kwargs)
    assert r["passed"], r["text"]
    names = [row["name"] for row in r["rows"]]
    assert any("mean" in n for n in names) and any("var" in n for n in names)
    for row in r["rows"]:
        assert row["pass"] is True
        if math.isfinite(row["z"]):
            assert abs(row["z"]) <= r["max_z"]
    assert r["paths"] == kwargs["paths"] and r["problem"] == problem


def test_validate_closed_form_and_scheme_column():
    # EM on the OU: the rows' closed forms are the OU's, the scheme column EM's own exact moments.
    r = ito.validate("ou", method="em", paths=20000, steps=10, kappa=2.0, theta=0.5, sigma=0.8, x0=1.5, seed=2)
    ou = ito.OU(kappa=2.0, theta=0.5, sigma=0.8)
    mean_rows = [row for row in r["rows"] if row["name"].startswith("mean")]
    last = mean_rows[-1]
    assert last["closed_form"] == pytest.approx(ou.mean(1.0, 1.5), rel=1e-12)
    assert last["scheme"] == pytest.approx(ou.em_mean(0.1, 10, 1.5), rel=1e-12)
    assert r["method"] == "euler_maruyama"


def test_validate_detects_a_wrong_law():
    # max_z tiny: every moment check must fail on a finite sample (the test can fail).
    r = ito.validate("ou", paths=5000, max_z=1e-9, seed=1)
    assert not r["passed"]


@pytest.mark.parametrize("kwargs,needle", [
    (dict(problem="nosuch"), "problem"),
    (dict(method="sosra"), "method"),
    (dict(problem="gbm", method="exact"), "method"),
    (dict(problem="cir", method="heun"), "method"),
    (dict(paths=2), "paths"),
    (dict(steps=0), "steps"),
    (dict(mode="fast"), "mode"),
    (dict(max_z=-1), "max_z"),
    (dict(bogus=1.0), "bogus"),
    (dict(problem="cir", kappa=-1.0), "kappa"),
    (dict(t1=0.0), "t1"),
])
def test_validate_bad_arguments(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        ito.validate(**kwargs)


# ---- CIR ----

def cir_moments(kappa, theta, sigma, x0, t):
    e = math.exp(-kappa * t)
    mean = theta + (x0 - theta) * e
    var = x0 * sigma ** 2 / kappa * (e - e * e) + theta * sigma ** 2 / (2 * kappa) * (1 - e) ** 2
    return mean, var


@pytest.mark.parametrize("method,steps", [("exact", 2), ("em", 200)])
def test_simulate_cir_moments(method, steps):
    k, th, s, x0 = 2.0, 1.0, 1.0, 0.5
    r = ito.simulate("cir", method=method, paths=20000, steps=steps, seed=4, kappa=k, theta=th, sigma=s, x0=x0)
    mean, var = cir_moments(k, th, s, x0, 1.0)
    x = r.terminal[:, 0]
    assert z_of(x.mean(), mean, x.std() / math.sqrt(len(x))) < 4.5
    # the variance's standard error from the sample's fourth moment
    se_var = math.sqrt(((x - x.mean()) ** 4).mean() - x.var() ** 2) / math.sqrt(len(x))
    assert z_of(x.var(ddof=1), var, se_var) < 4.5 + (0 if method == "exact" else 1)
    if method == "exact":
        assert x.min() >= 0  # the noncentral chi-square transition stays >= 0


def test_simulate_cir_errors():
    with pytest.raises(ValueError, match="kappa"):
        ito.simulate("cir", kappa=0.0)
    with pytest.raises(ValueError, match="x0"):
        ito.simulate("cir", x0=-1.0)
    with pytest.raises(ValueError, match="method"):
        ito.simulate("gbm", method="exact")


# ---- weak-order methods ----

@pytest.mark.parametrize("method", ["dri1", "weak2"])
def test_weak_methods_gbm_mean_and_second_moment(method):
    a, b, x0 = 0.5, 0.4, 1.0
    r = ito.simulate("gbm", method=method, paths=40000, steps=16, seed=5, alpha=a, beta=b, x0=x0)
    x = r.terminal[:, 0]
    assert z_of(x.mean(), x0 * math.exp(a), x.std() / math.sqrt(len(x))) < 4.5
    m2 = x0 ** 2 * math.exp(2 * a + b * b)
    assert z_of((x * x).mean(), m2, (x * x).std() / math.sqrt(len(x))) < 4.5


def test_weak_methods_in_solve():
    r = ito.solve(drift=lambda x, t: -x, diffusion=lambda x, t: 0.5 * x, noise="diagonal", x0=1.0, paths=20000,
                  steps=10, seed=6, method="dri1", keep_paths=False)
    assert r.summary["method"] == "dri1"
    assert z_of(r.mean[-1, 0], math.exp(-1.0), r.mean_stderr[-1, 0]) < 4.5


def test_weak_convergence_orders():
    em = ito.weak_convergence("gbm", method="em", paths=20000, levels=4, coarsest_steps=2, seed=7, alpha=1.0,
                              beta=0.5, x0=0.5)
    d1 = ito.weak_convergence("gbm", method="dri1", paths=20000, levels=4, coarsest_steps=2, seed=7, alpha=1.0,
                              beta=0.5, x0=0.5)
    assert em["control_variate"] and len(em["levels"]) == 4
    assert em["functionals"][em["primary"]] == "x^2"
    # fitted orders in a band of their standard errors around the methods' weak orders 1 and 2
    assert abs(em["weak_order"] - 1.0) < 3 * em["weak_order_se"] + 0.3
    assert abs(d1["weak_order"] - 2.0) < 3 * d1["weak_order_se"] + 0.4
    assert d1["weak_order"] > em["weak_order"]


def test_weak_convergence_errors():
    with pytest.raises(ValueError, match="problem"):
        ito.weak_convergence("double_well")
    with pytest.raises(ValueError, match="levels"):
        ito.weak_convergence("gbm", levels=1)
    with pytest.raises(ValueError, match="primary"):
        ito.weak_convergence("gbm", primary=7)


# ---- MLMC ----

def test_mlmc_gbm_mean_within_rmse():
    a, b, x0 = 0.05, 0.2, 1.0
    r = ito.mlmc("gbm", method="milstein", payoff="mean", rmse=0.005, seed=8, alpha=a, beta=b, x0=x0)
    assert r["converged"]
    assert abs(r["estimate"] - x0 * math.exp(a)) < 3 * 0.005  # RMSE <= eps: a 3-sigma band
    assert r["stderr"] <= 0.005
    assert len(r["levels"]) >= 3 and r["cost"] > 0 and r["plain_mc_cost"] > 0
    assert sum(level["samples"] for level in r["levels"]) > 0


def test_mlmc_level_table_variance_decays():
    r = ito.mlmc("gbm", method="milstein", payoff="call", levels=5, samples=4000, seed=9, alpha=0.05, beta=0.2,
                 x0=1.0)
    v = [level["variance"] for level in r["levels"]]
    assert len(v) == 5 and all(level["samples"] == 4000 for level in r["levels"])
    assert v[4] < v[1] / 4  # Milstein: Var Y_l ~ h_l^2 (beta ~ 2), so far below over 3 levels
    assert r["beta"] > 1.0


@pytest.mark.parametrize("kwargs,needle", [
    (dict(payoff="digital"), "payoff"),
    (dict(method="heun"), "method"),
    (dict(problem="cir", method="milstein"), "method"),
    (dict(rmse=0.0), "rmse"),
    (dict(levels=3), "samples"),
    (dict(refinement=1), "refinement"),
    (dict(problem="nosuch"), "problem"),
])
def test_mlmc_bad_arguments(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        ito.mlmc(**kwargs)


# ---- adaptive stepping ----

@pytest.mark.parametrize("method", ["sosra", "sra1"])
def test_solve_adaptive_ou_per_path_times(method):
    kappa, theta, sigma, x0 = 2.0, 0.5, 0.8, 1.5
    shapes = set()

    def drift(x, t):
        shapes.add(np.shape(t))
        return kappa * (theta - x)

    r = ito.solve(drift=drift, diffusion=sigma, noise="additive", x0=x0, paths=4000, seed=10, adaptive=True,
                  method=method, rtol=1e-3, atol=1e-3)
    assert isinstance(r, ito.AdaptiveSolution)
    assert shapes == {(4000, 1)} or all(s[1] == 1 for s in shapes)
    ou = ito.OU(kappa=kappa, theta=theta, sigma=sigma)
    assert z_of(r.mean[-1, 0], ou.mean(1.0, x0), r.mean_stderr[-1, 0]) < 4.5
    st = r.adaptive
    assert st["accepted_mean"] >= 1 and st["dt_max_used"] > 0


def test_simulate_adaptive_tolerance_controls_steps():
    loose = ito.simulate("gbm", adaptive=True, method="sriw1", paths=2000, seed=11, rtol=1e-1, atol=1e-2)
    tight = ito.simulate("gbm", adaptive=True, method="sriw1", paths=2000, seed=11, rtol=1e-3, atol=1e-4)
    assert tight.adaptive["accepted_mean"] > loose.adaptive["accepted_mean"]
    a, x0 = 1.01, 0.5
    x = tight.terminal[:, 0]
    assert z_of(x.mean(), x0 * math.exp(a), x.std() / math.sqrt(len(x))) < 4.5
    # bit-identical for any block size
    other = ito.simulate("gbm", adaptive=True, method="sriw1", paths=2000, seed=11, rtol=1e-3, atol=1e-4,
                         block_size=77)
    assert np.array_equal(other.terminal, tight.terminal)


@pytest.mark.parametrize("kwargs,needle", [
    (dict(method="heun"), "method"),
    (dict(method="sosra", problem="gbm"), "method"),
    (dict(rtol=0.0), "rtol"),
    (dict(atol=-1.0), "atol"),
    (dict(dtype="float32"), "dtype"),
])
def test_adaptive_bad_arguments(kwargs, needle):
    kw = dict(problem="ou", adaptive=True, paths=10)
    kw.update(kwargs)
    with pytest.raises(ValueError, match=needle):
        ito.simulate(**kw)


@pytest.mark.parametrize("sampler", ["adaptive", "adaptive-dpmpp-sde"])
def test_sample_adaptive_gmm(sampler):
    g = ito.GMM([0.5, 0.5], [[-2.0, 0.0], [2.0, 0.0]], [np.eye(2) * 0.25, np.eye(2) * 0.25])
    r = ito.sample(ito.VPSDE(), g, n=2000, sampler=sampler, seed=12)
    x = r.samples
    assert x.shape == (2000, 2) and r.nfe > 2
    # the mixture's mean (0, 0) and its variance per axis (4.25, 0.25), within sampling noise and
    # the sampler's tolerance
    assert np.all(np.abs(x.mean(axis=0)) < 5 * np.sqrt(np.array([4.25, 0.25]) / 2000) + 0.05)
    assert abs(x[:, 0].var() - 4.25) < 0.5
    loose = ito.sample(ito.VPSDE(), g, n=500, sampler=sampler, seed=12, rtol=0.1, atol=0.1)
    tight = ito.sample(ito.VPSDE(), g, n=500, sampler=sampler, seed=12, rtol=1e-3, atol=1e-3)
    assert tight.nfe > loose.nfe
    with pytest.raises(ValueError, match="steps"):
        ito.sample(ito.VPSDE(), g, n=10, sampler=sampler, steps=20)
    with pytest.raises(ValueError, match="rtol"):
        ito.sample(ito.VPSDE(), g, n=10, sampler=sampler, rtol=0.0)


# ---- models with a data normalisation (model.hpp) ----

def test_model_normalization_in_data_units(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.normal([100.0, -50.0], [2.0, 0.5], size=(2000, 2))
    m = ito.train(data, steps=300, batch=256, width=32, depth=2, normalize=True, seed=1, threads=1)
    s = m.sample(n=1000, steps=100, seed=2)
    # samples in data units: near the data's mean, not near the model's N(0, I) units
    assert np.all(np.abs(s.samples.mean(axis=0) - [100.0, -50.0]) < [2.0, 0.5])
    path = tmp_path / "m.ckpt"
    m.save(str(path))
    back = ito.load(str(path))
    assert repr(back.sde) == repr(m.sde)
    x = data[:50]
    assert np.allclose(back.score(x, 0.5), m.score(x, 0.5))
    nll = m.nll(data[:100])
    # a density in data units: the log-Jacobian sum log scale_i is included (scale ~ (2, 0.5))
    assert np.isfinite(nll["mean_nll"]) and nll["logp"].shape == (100,)


# ---- work-precision (library: ito/diffusion/work_precision.hpp, work_precision_study) ----


def test_work_precision_gbm_matches_the_program():
    r = ito.work_precision("gbm", paths=256, steps=[8, 16, 32], rtols=[1e-1, 1e-2], threads=1)
    assert r["reference"] == "exact" and r["paths"] == 256
    em = [w for w in r["rows"] if w["method"] == "euler_maruyama" and not w["adaptive"]]
    assert [w["nfe"] for w in em] == [8.0, 16.0, 32.0]  # one drift evaluation per step, counted exactly
    # EM's strong error falls like dt^(1/2): a factor 2 from dt = 1/8 to 1/32 (1.5 allows the noise of
    # 256 paths; the errors are on the same paths)
    assert em[0]["strong_error"] > 1.5 * em[2]["strong_error"]
    adaptive = [w for w in r["rows"] if w["adaptive"]]
    assert {w["rtol"] for w in adaptive} == {1e-1, 1e-2}
    exe = os.path.join(os.environ.get("ITO_BINARY_DIR", "build"), "cli", "ito")
    if not os.path.exists(exe):
        pytest.skip("the ito program is not built")
    out = subprocess.run([exe, "work-precision", "--problem", "gbm", "--paths", "256", "--steps", "8,16,32",
                          "--rtols", "0.1,0.01", "--threads", "1", "--json"], check=True, capture_output=True, text=True)
    cli = json.loads(out.stdout)
    assert len(cli["rows"]) == len(r["rows"])
    for a, b in zip(cli["rows"], r["rows"]):
        assert a["method"] == b["method"] and a["adaptive"] == b["adaptive"]
        assert a["nfe"] == b["nfe"] and a["strong_error"] == b["strong_error"]  # the same library call


def test_work_precision_bad_input():
    with pytest.raises(ValueError, match="problem"):
        ito.work_precision("lorenz", paths=10)
    with pytest.raises(ValueError, match="mixture"):
        ito.work_precision("vp-reverse", paths=10)
    with pytest.raises(ValueError, match="paths"):
        ito.work_precision("gbm", paths=0)
    with pytest.raises(ValueError, match="grow_max"):
        ito.work_precision("gbm", paths=10, grow_max=0.5)
    with pytest.raises(ValueError, match="atol_ratio"):
        ito.work_precision("gbm", paths=10, atol_ratio=-1.0)
    with pytest.raises(ValueError, match="mu = 0"):
        ito.work_precision("vdp", paths=10, mu=0.0)
    with pytest.raises(ValueError, match="mu = nan"):
        ito.work_precision("vdp", paths=10, mu=float("nan"))
    with pytest.raises(ValueError, match="mu = -2"):
        ito.work_precision("vdp", paths=10, mu=-2.0)
    with pytest.raises(ValueError, match="t1 = inf"):
        ito.work_precision("vdp", paths=10, t1=float("inf"))
    with pytest.raises(ValueError, match="sigma = -1"):
        ito.work_precision("vdp", paths=10, sigma=-1.0)
    with pytest.raises(ValueError, match="mu = 20.*vdp"):  # the van der Pol parameters belong to "vdp" only
        ito.work_precision("gbm", paths=10, mu=20.0)


def test_work_precision_vdp_parameters():
    # default problem: mu 20, t1 20; the ladder scales with mu and t1 (coarsest fixed step t1/n0 with
    # n0 the smallest power of two with t1/n0 <= 0.2/mu; steps n0/2 .. 8 n0; reference 64 n0)
    d = ito.work_precision("vdp", paths=2, rtols=[1e-2], threads=1)
    assert {w["dt"] for w in d["rows"] if not w["adaptive"] and w["method"] == "sosri"} <= \
        {20 / 1024, 20 / 2048, 20 / 4096, 20 / 8192, 20 / 16384}
    assert d["reference_dt"] == 20 / 131072
    # mu 5 on [0, 10]: n0 = 256
    d5 = ito.work_precision("vdp", mu=5.0, t1=10.0, paths=2, rtols=[1e-2], threads=1)
    assert {w["dt"] for w in d5["rows"] if not w["adaptive"] and w["method"] == "sosri"} == \
        {10 / 128, 10 / 256, 10 / 512, 10 / 1024, 10 / 2048}
    assert d5["reference_dt"] == 10 / 16384
    # mu changes the problem: on [0, 4] the paths stay on the first branch, which at mu 20 is stiff
    # (Jacobian eigenvalue ~ -mu (x^2 - 1) ~ -60): adaptive SRIW1 takes its steps by stability there, more
    # than twice as many as at mu 2 at rtol 1e-2 (113 against 26 per path), while SOSRI, whose stability
    # region reaches further along the negative axis, needs far fewer (35)
    kw = dict(t1=4.0, paths=32, steps=[1024, 2048], rtols=[1e-2, 1e-3], reference_steps=8192, threads=1)
    r20, r2 = ito.work_precision("vdp", mu=20.0, **kw), ito.work_precision("vdp", mu=2.0, **kw)
    assert r20["vdp"] == {"mu": 20.0, "sigma": 0.1, "t1": 4.0}
    ad = {}
    for name, r in (("mu20", r20), ("mu2", r2)):
        for m in ("sriw1", "sosri"):
            fx = [w for w in r["rows"] if w["method"] == m and not w["adaptive"]]
            assert [w["dt"] for w in fx] == [4 / 1024, 4 / 2048]
            ad[name, m] = [w for w in r["rows"] if w["method"] == m and w["adaptive"]]
            assert [w["rtol"] for w in ad[name, m]] == [1e-2, 1e-3]
    assert ad["mu20", "sriw1"][0]["steps"] > 2 * ad["mu2", "sriw1"][0]["steps"], ad
    assert ad["mu20", "sosri"][0]["steps"] < 0.5 * ad["mu20", "sriw1"][0]["steps"], ad
    # the program passes --mu/--t1 to the same library call
    exe = os.path.join(os.environ.get("ITO_BINARY_DIR", "build"), "cli", "ito")
    if not os.path.exists(exe):
        pytest.skip("the ito program is not built")
    out = subprocess.run([exe, "work-precision", "--problem", "vdp", "--mu", "20", "--t1", "4", "--paths", "32",
                          "--steps", "1024,2048", "--rtols", "0.01,0.001", "--reference-steps", "8192",
                          "--threads", "1", "--json"], check=True, capture_output=True, text=True)
    cli = json.loads(out.stdout)
    assert [(a["method"], a["nfe"], a["strong_error"]) for a in cli["rows"]] == \
        [(b["method"], b["nfe"], b["strong_error"]) for b in r20["rows"]]
