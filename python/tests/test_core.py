"""ito.simulate, ito.solve, ito.OU: arrays (zero-copy, dtype, shape), statistics against
closed forms with tolerances from standard errors, callbacks and the GIL."""
import threading
import time
import traceback

import numpy as np
import pytest

import ito

Z = 5.0  # tolerance in standard errors (fixed seeds: a failure is a real discrepancy)


def test_terminal_is_a_zero_copy_view():
    r = ito.simulate("gbm", paths=1000, steps=10, seed=3)
    a, b = r.terminal, r.terminal
    assert a.shape == (1000, 1) and a.dtype == np.float64 and a.flags.c_contiguous
    assert np.shares_memory(a, b)
    assert a.base is not None  # owned by the result, not copied
    a[0, 0] = 123.0
    assert r.terminal[0, 0] == 123.0  # writes through: the same memory


def test_views_keep_the_result_alive():
    t = ito.simulate("ou", paths=500, steps=4, seed=1).terminal  # result object dropped
    import gc
    gc.collect()
    assert t.shape == (500, 1) and np.isfinite(t).all()


def test_snapshots_shape_and_sharing():
    r = ito.simulate("ou", paths=256, steps=10, save_times=[0.2, 0.5], seed=2)
    assert list(r.times) == pytest.approx([0.2, 0.5, 1.0])
    assert len(r.snapshots) == 2 and r.snapshots[0].shape == (256, 1)
    assert np.shares_memory(r.snapshots[1], r.snapshots[1])
    assert r.mean.shape == (3, 1) and r.var.shape == (3, 1)
    # moments are those of the snapshots
    assert r.mean[0, 0] == pytest.approx(r.snapshots[0].mean(), rel=1e-12)
    assert r.var[1, 0] == pytest.approx(r.snapshots[1].var(ddof=1), rel=1e-10)
    assert r.summary["paths"] == 256 and r.summary["steps"] == 10


def test_float32():
    r32 = ito.simulate("ou", paths=2000, steps=50, seed=5, dtype="float32")
    r64 = ito.simulate("ou", paths=2000, steps=50, seed=5)
    assert r32.terminal.dtype == np.float32 and r32.terminal.shape == (2000, 1)
    # float and double draw from different positions of the counter-based stream, so they are
    # compared in law: both terminal means within 5 standard errors of E X_1 = 0.5 + e^{-2}
    exact = 0.5 + np.exp(-2.0)
    se = np.sqrt(0.16 * (1 - np.exp(-4.0)) / 2000)
    assert abs(float(r32.terminal.mean()) - exact) < 5 * se + 2e-3  # 2e-3: EM's O(dt) bias at dt = 1/50
    assert abs(float(r64.terminal.mean()) - exact) < 5 * se + 2e-3
    s = ito.solve(drift=lambda x, t: -x, diffusion=0.5, noise="additive", x0=[1.0, 2.0], paths=64, steps=8,
                  dtype="float32")
    assert s.terminal.dtype == np.float32 and s.terminal.shape == (64, 2)


def test_ou_em_matches_its_exact_discrete_law():
    """EM on OU has an exact law: mean theta + (1 - k dt)^n (x0 - theta), variance em_variance."""
    kappa, theta, sigma, x0, n, steps = 2.0, 0.5, 0.8, 1.5, 200_000, 20
    r = ito.simulate("ou", method="em", paths=n, steps=steps, seed=11, kappa=kappa, theta=theta, sigma=sigma, x0=x0)
    ou = ito.OU(kappa=kappa, theta=theta, sigma=sigma)
    dt = 1.0 / steps
    m, v = ou.em_mean(dt, steps, x0), ou.em_variance(dt, steps)
    assert abs(r.mean[-1, 0] - m) < Z * np.sqrt(v / n)
    assert abs(r.var[-1, 0] - v) < Z * v * np.sqrt(2.0 / (n - 1))
    assert r.mean_stderr[-1, 0] == pytest.approx(np.sqrt(r.var[-1, 0] / n))


def test_ou_exact_method_matches_closed_form():
    n = 100_000
    r = ito.simulate("ou", method="exact", paths=n, steps=5, seed=4)
    ou = ito.OU()  # the simulate defaults
    m, v = ou.mean(1.0, 1.5), ou.variance(1.0)
    assert abs(r.mean[-1, 0] - m) < Z * np.sqrt(v / n)
    assert abs(r.var[-1, 0] - v) < Z * v * np.sqrt(2.0 / (n - 1))


def test_gbm_mean():
    n = 200_000
    r = ito.simulate("gbm", method="milstein", paths=n, steps=200, seed=8, alpha=0.3, beta=0.4, x0=1.0)
    x = r.terminal[:, 0]
    # E X = e^{0.3}; Milstein's weak error O(dt) = O(5e-3 * 0.3 * ...) is far below the 5-sigma band
    se = x.std(ddof=1) / np.sqrt(n)
    assert abs(x.mean() - np.exp(0.3)) < Z * se + 0.3 * 0.3 * np.exp(0.3) / 200


def test_same_seed_same_numbers_any_threads():
    a = ito.simulate("sinh", paths=3000, steps=20, seed=9, threads=1).terminal
    b = ito.simulate("sinh", paths=3000, steps=20, seed=9, threads=2).terminal
    assert np.array_equal(a, b)


def test_solve_matches_builtin_ou_bit_for_bit():
    """The same OU through numpy callables and through the built-in problem: same stream, same numbers."""
    kappa, theta, sigma = 2.0, 0.5, 0.8
    r1 = ito.simulate("ou", paths=2048, steps=16, seed=21, block_size=512)
    r2 = ito.solve(drift=lambda x, t: kappa * (theta - x), diffusion=sigma, noise="additive", x0=1.5, paths=2048,
                   steps=16, seed=21, block_size=512)
    np.testing.assert_allclose(r2.terminal, r1.terminal, rtol=1e-14, atol=1e-14)


def test_solve_diagonal_gbm_with_milstein_matches_builtin():
    a, b = 1.01, 0.87
    r1 = ito.simulate("gbm", method="milstein", paths=1024, steps=32, seed=2, block_size=512)
    r2 = ito.solve(drift=lambda x, t: a * x, diffusion=lambda x, t: b * x, diffusion_derivative=lambda x, t: b * b * x,
                   noise="diagonal", method="milstein", x0=0.5, paths=1024, steps=32, seed=2, block_size=512)
    np.testing.assert_allclose(r2.terminal, r1.terminal, rtol=1e-12)


def test_solve_general_noise_2d():
    """dX = B dW with a constant 2 x 3 matrix given through the general-noise callable:
    Cov X_1 = B B^T t."""
    B = np.array([[1.0, 0.5, 0.0], [0.0, 0.3, 2.0]])
    n = 100_000
    r = ito.solve(drift=lambda x, t: np.zeros_like(x), diffusion=lambda x, t: np.broadcast_to(B, (x.shape[0], 2, 3)),
                  noise="general", noise_dim=3, x0=[0.0, 0.0], paths=n, steps=4, seed=3)
    C = np.cov(r.terminal.T)
    S = B @ B.T
    for i in range(2):
        for j in range(2):
            se = np.sqrt((S[i, i] * S[j, j] + S[i, j] ** 2) / (n - 1))
            assert abs(C[i, j] - S[i, j]) < Z * se


def test_solve_calls_once_per_step_per_block():
    calls = []

    def f(x, t):
        calls.append(x.shape)
        return -x

    ito.solve(drift=f, diffusion=1.0, noise="additive", x0=0.0, paths=1000, steps=7)
    assert calls == [(1000, 1)] * 7
    calls.clear()
    ito.solve(drift=f, diffusion=1.0, noise="additive", x0=0.0, paths=1000, steps=7, block_size=500)
    assert len(calls) == 14 and calls[0] == (500, 1)


def test_callback_view_is_read_only():
    def f(x, t):
        x[0, 0] = 1.0
        return x

    with pytest.raises(ValueError, match="read-only"):
        ito.solve(drift=f, diffusion=1.0, noise="additive", x0=0.0, paths=4, steps=2)


def test_exception_in_callable_propagates_with_traceback():
    class Boom(RuntimeError):
        pass

    def drift(x, t):
        if t > 0.3:
            raise Boom("drift exploded at t=%g" % t)
        return -x

    with pytest.raises(Boom, match="drift exploded") as info:
        ito.solve(drift=drift, diffusion=1.0, noise="additive", x0=0.0, paths=10, steps=10)
    tb = "".join(traceback.format_tb(info.value.__traceback__))
    assert "in drift" in tb


def test_gil_released_during_simulate():
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    th = threading.Thread(target=spin)
    th.start()
    time.sleep(0.01)
    before = len(ticks)
    ito.simulate("gbm", paths=200_000, steps=200, threads=1, seed=1)
    during = len(ticks) - before
    stop.set()
    th.join()
    assert during > 5  # the other thread ran while C++ integrated


def test_numerical_error():
    with pytest.raises(ito.NumericalError, match="step"):
        ito.simulate("ou", kappa=1e6, steps=100, paths=8, method="em")
    with pytest.raises(ito.NumericalError), np.errstate(over="ignore"):
        ito.solve(drift=lambda x, t: x * 1e200, diffusion=1.0, noise="additive", x0=1.0, paths=4, steps=10)
    r = ito.simulate("ou", kappa=1e6, steps=100, paths=8, method="em", on_nan="stop")
    assert "blow_up" in r.summary


def test_ou_closed_forms():
    ou = ito.OU(kappa=1.5, theta=-0.2, sigma=0.7)
    t = 0.8
    assert ou.mean(t, 1.0) == pytest.approx(-0.2 + 1.2 * np.exp(-1.5 * t))
    assert ou.variance(t) == pytest.approx(0.49 * (1 - np.exp(-3 * t)) / 3)
    assert ou.stationary_variance() == pytest.approx(0.49 / 3)
    assert ou.covariance(0.5, 0.8) == pytest.approx(np.exp(-1.5 * 0.3) * ou.variance(0.5))
    with pytest.raises(ValueError, match="kappa"):
        ito.OU(kappa=-1)


def test_convergence_orders():
    r = ito.convergence("gbm", method="em", paths=4000, levels=4, seed=1)
    assert len(r["levels"]) == 4
    assert 0.3 < r["strong_order"] < 0.75  # EM: 1/2
    r = ito.convergence("gbm", method="milstein", paths=4000, levels=4, seed=1)
    assert 0.8 < r["strong_order"] < 1.25  # Milstein: 1


def test_help_has_docstrings():
    for f in (ito.simulate, ito.solve, ito.sample, ito.train, ito.load, ito.convergence, ito.datasets.make,
              ito.metrics.compare):
        assert f.__doc__ and len(f.__doc__) > 80, f
    assert "kappa" in ito.simulate.__doc__


def test_solve_callables_from_worker_threads_same_numbers():
    """Blocks on two threads call the Python drift one at a time (GIL); the result does not depend on it."""
    kw = dict(drift=lambda x, t: np.sin(x) - x, diffusion=lambda x, t: 0.3 * np.cos(x), noise="diagonal", x0=0.2,
              paths=4000, steps=20, seed=5, block_size=256)
    a = ito.solve(threads=1, **kw).terminal
    b = ito.solve(threads=2, **kw).terminal
    assert np.array_equal(a, b)
