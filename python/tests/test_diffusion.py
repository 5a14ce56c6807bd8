"""Forward SDEs, the Gaussian mixture, ito.sample with exact and Python scores, training,
checkpoints, data sets and metrics."""
import os
import subprocess

import numpy as np
import pytest

import ito

Z = 5.0


def gauss(m, s):
    return ito.GMM([1.0], [[m, -m]], [[[s * s, 0.0], [0.0, s * s]]])


@pytest.mark.parametrize("sde", [ito.VPSDE(), ito.VPCosineSDE(), ito.SubVPSDE(), ito.VESDE(), ito.OUSDE(mu=1.0, sigma=2.0)])
def test_forward_sde_marginals_match_its_moments(sde):
    """marginal_sample(x0, t) has mean a x0 + b and std s (5 standard errors)."""
    n, t = 200_000, 0.4
    x0 = np.full((n, 1), 0.7)
    x = sde.marginal_sample(x0, t, seed=3)
    a, b, s = sde.mean_coeff(t), sde.mean_offset(t), sde.std(t)
    assert abs(x.mean() - (a * 0.7 + b)) < Z * s / np.sqrt(n)
    assert abs(x.var(ddof=1) - s * s) < Z * s * s * np.sqrt(2 / (n - 1))
    p = sde.prior_sample(50_000, 2, seed=1)
    assert p.shape == (50_000, 2)
    assert abs(p.std() - sde.prior_std) < Z * sde.prior_std / np.sqrt(2 * 100_000)
    d = sde.drift(np.ones((3, 2)), 0.5)
    np.testing.assert_allclose(d, sde.drift_coeff(0.5) + sde.drift_offset(0.5))


def test_vp_closed_forms():
    sde = ito.VPSDE()
    t = 0.3
    B = 0.1 * t + 0.5 * (20 - 0.1) * t * t
    assert sde.mean_coeff(t) == pytest.approx(np.exp(-B / 2))
    assert sde.std(t) == pytest.approx(np.sqrt(1 - np.exp(-B)))
    assert sde.diffusion(t) == pytest.approx(np.sqrt(0.1 + t * 19.9))


def test_gmm_density_and_score():
    g = ito.GMM([0.3, 0.7], [[0.0, 0.0], [2.0, 1.0]], [np.eye(2), 0.5 * np.eye(2)])
    x = np.array([[0.1, -0.2], [1.5, 1.0], [3.0, 0.0]])
    # score = gradient of log density (central differences)
    h = 1e-5
    num = np.stack([(g.log_density(x + h * e) - g.log_density(x - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(g.score(x), num, rtol=1e-6, atol=1e-8)
    s = g.sample(100_000, seed=2)
    assert s.shape == (100_000, 2)
    m = 0.3 * np.zeros(2) + 0.7 * np.array([2.0, 1.0])
    assert np.all(np.abs(s.mean(axis=0) - m) < Z * s.std(axis=0) / np.sqrt(len(s)))
    sde = ito.VPSDE()
    pt = g.marginal(sde, 0.5)
    np.testing.assert_allclose(g.score_at(sde, x, 0.5), pt.score(x), rtol=1e-12)


def test_sample_exact_score_matches_the_data_law():
    """Reverse SDE with the exact score of N(m, s^2 I): sample mean and variance within 5 SE
    (plus the discretisation allowance of 1000 steps)."""
    g = gauss(1.0, 0.5)
    n = 20_000
    r = ito.sample(ito.VPSDE(), g, n=n, sampler="em", steps=1000, seed=4)
    x = r.samples
    assert x.shape == (n, 2) and r.nfe == 1000
    assert np.all(np.abs(x.mean(axis=0) - [1.0, -1.0]) < Z * 0.5 / np.sqrt(n) + 0.01)
    assert np.all(np.abs(x.var(axis=0, ddof=1) - 0.25) < Z * 0.25 * np.sqrt(2 / (n - 1)) + 0.01)


def test_python_score_gives_the_same_samples_as_the_library_score():
    g = gauss(0.5, 0.8)
    sde = ito.VPSDE()
    calls = []

    def score(x, t):
        calls.append(x.shape)
        return g.score_at(sde, x, t)

    a = ito.sample(sde, g, n=1024, steps=50, seed=7, threads=1, block_size=512)
    b = ito.sample(sde, score, d=2, n=1024, steps=50, seed=7, threads=1, block_size=512)
    np.testing.assert_allclose(b.samples, a.samples, rtol=1e-12, atol=1e-12)
    assert len(calls) == 100 and calls[0] == (512, 2)
    # default: one block, one call per step
    calls.clear()
    c = ito.sample(sde, score, d=2, n=1024, steps=50, seed=7)
    assert len(calls) == 50 and calls[0] == (1024, 2) and c.score_calls == 50


@pytest.mark.parametrize("sampler,nfe", [("em", 40), ("pc", 40), ("ode", 40), ("ddim", 20), ("sra1", 30)])
def test_nfe_budget(sampler, nfe):
    r = ito.sample(ito.VPSDE(), gauss(0.0, 1.0), n=64, sampler=sampler, nfe=nfe, seed=1)
    assert r.nfe == pytest.approx(nfe)
    assert np.isfinite(r.samples).all()


def test_sample_trajectory_views():
    sde = ito.VESDE()
    r = ito.sample(sde, gauss(0.0, 1.0), n=100, steps=100, save_times=[sde.T - 50 * (sde.T - sde.eps) / 100], seed=1)
    assert len(r.trajectory) == 1 and r.trajectory[0].shape == (100, 2)
    assert np.shares_memory(r.samples, r.samples)


def test_score_callable_errors_propagate():
    def bad(x, t):
        raise KeyError("no score here")

    with pytest.raises(KeyError, match="no score here"):
        ito.sample(ito.VPSDE(), bad, d=2, n=8, steps=5)
    with pytest.raises(ValueError, match="shape"):
        ito.sample(ito.VPSDE(), lambda x, t: np.zeros((3, 3)), d=2, n=8, steps=5)
    with pytest.raises(ValueError, match="d"):
        ito.sample(ito.VPSDE(), lambda x, t: -x, n=8, steps=5)


def test_train_save_load_sample(tmp_path):
    data = ito.datasets.make("8gaussians", 2000, seed=1)
    model = ito.train(data, sde=ito.VPSDE(), steps=150, width=32, depth=2, batch=128, seed=1, threads=1)
    assert model.dim == 2 and model.steps == 150
    s = model.score(data[:10], 0.5)
    assert s.shape == (10, 2) and np.isfinite(s).all()
    path = tmp_path / "m.ckpt"
    model.save(str(path))
    back = ito.load(str(path))
    np.testing.assert_array_equal(back.score(data[:10], 0.5), s)
    a = model.sample(n=200, steps=50, seed=3, threads=1)
    b = ito.sample(back.sde, back, n=200, steps=50, seed=3, threads=1)
    np.testing.assert_array_equal(a.samples, b.samples)
    nll = back.nll(data[:20], threads=1)
    assert nll["logp"].shape == (20,) and np.isfinite(nll["mean_nll"])
    with pytest.raises(ValueError, match="sde"):
        ito.sample(ito.VESDE(), back, n=10, steps=5)


def test_program_reads_a_python_checkpoint(tmp_path):
    exe = os.path.join(os.environ.get("ITO_BINARY_DIR", "build"), "cli", "ito")
    if not os.path.exists(exe):
        pytest.skip("the ito program is not built")
    data = ito.datasets.make("moons", 500, seed=1)
    ito.train(data, steps=20, width=8, depth=1, batch=64, threads=1).save(str(tmp_path / "m.ckpt"))
    out = tmp_path / "s.csv"
    subprocess.run([exe, "sample", "--model", str(tmp_path / "m.ckpt"), "--n", "16", "--steps", "10", "--out", str(out)],
                   check=True, capture_output=True)
    assert len(np.loadtxt(out, delimiter=",", skiprows=1, ndmin=2)) == 16


def test_gmm_nll_matches_log_density():
    # mean 0 and a(T)^2 0.64 + s(T)^2 = 1 - 0.36 a(T)^2: the VP prior is this mixture's p_T up to 2e-5,
    # so the remaining error is the ODE's (rtol = atol = 1e-5)
    g = gauss(0.0, 0.8)
    x = g.sample(50, seed=5)
    r = ito.nll(ito.VPSDE(), g, x)
    np.testing.assert_allclose(r["logp"], g.log_density(x), atol=2e-3)


def test_torch_score_pattern():
    torch = pytest.importorskip("torch")
    g = gauss(0.0, 1.0)
    sde = ito.VPSDE()

    class Net(torch.nn.Module):  # the exact score of N(0, I) under VP is -x / (a^2 + s^2) = -x
        def forward(self, x, t):
            return -x

    r = ito.sample(sde, ito.torch_score(Net()), d=2, n=256, steps=20, seed=1)
    ref = ito.sample(sde, g, n=256, steps=20, seed=1, threads=1, block_size=256)
    np.testing.assert_allclose(r.samples, ref.samples, rtol=1e-10, atol=1e-10)


def test_datasets_and_metrics():
    assert "moons" in ito.datasets.names()
    a = ito.datasets.make("moons", 1000, seed=1)
    b = ito.datasets.make("moons", 1000, seed=1)
    c = ito.datasets.make("moons", 1000, seed=2)
    assert a.shape == (1000, 2) and np.array_equal(a, b) and not np.array_equal(a, c)
    m = ito.metrics.compare(a, c, seed=1)
    far = ito.metrics.compare(a, c + 3.0, seed=1)
    assert 0 <= m["sw1"] < far["sw1"] and m["energy"] < far["energy"]
    assert ito.metrics.wasserstein1([0.0, 1.0], [1.0, 2.0]) == pytest.approx(1.0)


def test_train_progress_callback_and_determinism():
    data = ito.datasets.make("moons", 1000, seed=2)
    seen = []
    kw = dict(steps=40, width=16, depth=1, batch=64, seed=3, threads=1)
    a = ito.train(data, progress=seen.append, every=10, **kw)
    assert [p["step"] for p in seen] == [10, 20, 30, 40] and all(np.isfinite(p["loss"]) for p in seen)
    b = ito.train(data, **kw)
    x = data[:5]
    np.testing.assert_array_equal(a.score(x, 0.3), b.score(x, 0.3))
    with pytest.raises(ZeroDivisionError):
        ito.train(data, progress=lambda p: 1 / 0, every=10, **kw)
