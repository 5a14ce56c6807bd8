"""The program's bad-input battery (tests/cli/bad_input.sh), in the cases that exist in Python:
every bad call raises a Python exception naming the argument; nothing crashes."""
import numpy as np
import pytest

import ito

GOOD_GMM = '{"weights":[0.4,0.6],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[0.5,0],[0,0.5]]]}'


@pytest.mark.parametrize("kwargs,needle", [
    (dict(bogus=1), "bogus"),
    (dict(kappa="xyz"), "kappa"),
    (dict(kappa=float("nan")), "kappa"),
    (dict(sigma=float("inf")), "sigma"),
    (dict(kappa=1e400), "kappa"),
    (dict(steps=0), "steps"),
    (dict(steps=-5), "steps"),
    (dict(paths=0), "paths"),
    (dict(paths=-3), "paths"),
    (dict(t1=0), "t1"),
    (dict(t1=-1), "t1"),
    (dict(method="nosuch"), "method"),
    (dict(dtype="int8"), "dtype"),
    (dict(save_times=[0.123]), "save_times"),
    (dict(block_size=0), "block_size"),
    (dict(on_nan="maybe"), "on_nan"),
])
def test_simulate_bad_arguments(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        ito.simulate("ou", **kwargs)


def test_simulate_unknown_problem_and_unrepresentable_count():
    with pytest.raises(ValueError, match="problem"):
        ito.simulate("nosuch")
    with pytest.raises((ValueError, TypeError, OverflowError)):  # pybind11 refuses the conversion
        ito.simulate("ou", paths=99999999999999999999999)
    with pytest.raises(ValueError, match="method"):
        ito.simulate("gbm", method="sra1")  # sra1 needs additive noise


def test_solve_bad_arguments():
    f = lambda x, t: -x  # noqa: E731
    with pytest.raises(ValueError, match="drift"):
        ito.solve(drift=3, diffusion=1.0, noise="additive", x0=0.0)
    with pytest.raises(ValueError, match="noise"):
        ito.solve(drift=f, diffusion=1.0, noise="pink", x0=0.0)
    with pytest.raises(ValueError, match="t1"):
        ito.solve(drift=f, diffusion=1.0, noise="additive", x0=0.0, t0=1.0, t1=1.0)
    with pytest.raises(ValueError, match="x0"):
        ito.solve(drift=f, diffusion=1.0, noise="additive", x0=[0.0, np.nan])
    with pytest.raises(ValueError, match="x0"):
        ito.solve(drift=f, diffusion=1.0, noise="additive", x0="abc")
    with pytest.raises(ValueError, match="diffusion"):
        ito.solve(drift=f, diffusion=np.ones((3, 3)), noise="additive", x0=[0.0, 0.0])
    with pytest.raises(ValueError, match="diffusion"):
        ito.solve(drift=f, diffusion=1.0, noise="diagonal", x0=0.0)
    with pytest.raises(ValueError, match="drift"):  # wrong output shape
        ito.solve(drift=lambda x, t: np.zeros((2, 5)), diffusion=1.0, noise="additive", x0=0.0, paths=4)
    with pytest.raises(ValueError, match="drift"):  # not numbers
        ito.solve(drift=lambda x, t: "no", diffusion=1.0, noise="additive", x0=0.0, paths=4)
    with pytest.raises(ValueError, match="method"):
        ito.solve(drift=f, diffusion=lambda x, t: x, noise="diagonal", method="milstein", x0=1.0)
    with pytest.raises(ValueError, match="paths"):
        ito.solve(drift=f, diffusion=1.0, noise="additive", x0=np.zeros((4, 1)), paths=3)


@pytest.mark.parametrize("make,needle", [
    (lambda: ito.VPSDE(eps=1.0), "eps"),
    (lambda: ito.VPSDE(eps=-0.001), "eps"),
    (lambda: ito.VPSDE(eps=1.5), "eps"),
    (lambda: ito.VESDE(sigma_min=5, sigma_max=1), "sigma_max"),
    (lambda: ito.VESDE(sigma_min=2, sigma_max=2), "sigma_max"),
    (lambda: ito.VPSDE(beta_min=5, beta_max=1), "beta_max"),
    (lambda: ito.SubVPSDE(beta_min=3, beta_max=2), "beta_max"),
    (lambda: ito.VPCosineSDE(T=1.0), "T"),
])
def test_forward_sde_bad_parameters(make, needle):
    with pytest.raises(ValueError, match=needle):
        make()


def test_sample_bad_arguments():
    g = ito.GMM([1.0], [[0.0, 0.0]], [np.eye(2)])
    sde = ito.VPSDE()
    with pytest.raises(ValueError, match="steps"):
        ito.sample(sde, g, n=8, steps=0)
    with pytest.raises(ValueError, match="n"):
        ito.sample(sde, g, n=-1, steps=10)
    with pytest.raises(ValueError, match="sampler"):
        ito.sample(sde, g, n=8, sampler="nosuch")
    with pytest.raises(ValueError, match="sde"):
        ito.sample("nosuch", g, n=8)
    with pytest.raises(ValueError, match="nfe"):
        ito.sample(sde, g, n=8, sampler="pc", nfe=7)
    with pytest.raises(ValueError, match="steps and nfe"):
        ito.sample(sde, g, n=8, steps=10, nfe=10)
    with pytest.raises(ValueError, match="score"):
        ito.sample(sde, 42, n=8)


def test_train_bad_arguments():
    data = ito.datasets.make("moons", 64, seed=1)
    for kwargs, needle in [(dict(batch=0), "batch"), (dict(width=0), "width"), (dict(width=-4), "width"),
                           (dict(depth=0), "depth"), (dict(steps=-1), "steps"), (dict(lr=float("nan")), "lr"),
                           (dict(prediction="bogus"), "prediction|param|bogus"), (dict(sde="vp"), "sde")]:
        with pytest.raises(ValueError, match=needle):
            ito.train(data, **dict(dict(steps=2), **kwargs))
    with pytest.raises(ValueError, match="data"):
        ito.train(np.array([[0.0, np.nan], [1.0, 2.0]]), steps=2)
    with pytest.raises(ValueError, match="dataset"):
        ito.datasets.make("nosuch", 10)
    with pytest.raises(ValueError, match="n"):
        ito.datasets.make("moons", -5)


def test_gmm_bad_inputs(tmp_path):
    with pytest.raises(ValueError):  # not positive definite
        ito.GMM([1.0], [[0.0, 0.0]], [[[1, 2], [2, 1]]])
    with pytest.raises(ValueError, match="weights"):
        ito.GMM([0.5, 0.6], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2), np.eye(2)])
    with pytest.raises(ValueError, match="covariances"):
        ito.GMM([1.0], [[0.0, 0.0, 0.0]], [np.eye(2)])
    (tmp_path / "trunc.json").write_text('{"weights": [1], "means": [[0')
    with pytest.raises(ValueError, match="trunc.json"):
        ito.GMM.load(str(tmp_path / "trunc.json"))
    with pytest.raises(OSError, match="missing.json"):
        ito.GMM.load(str(tmp_path / "missing.json"))
    (tmp_path / "g.json").write_text(GOOD_GMM)
    g = ito.GMM.load(str(tmp_path / "g.json"))
    with pytest.raises(ValueError, match="columns|dimension|d ="):
        g.score(np.zeros((4, 3)))


def test_checkpoint_errors(tmp_path):
    data = ito.datasets.make("moons", 256, seed=1)
    good = tmp_path / "good.ckpt"
    ito.train(data, steps=4, width=8, depth=1, batch=32, warmup=1, seed=1, threads=1).save(str(good))
    raw = good.read_bytes()
    (tmp_path / "trunc.ckpt").write_bytes(raw[: len(raw) // 2])
    corrupt = bytearray(raw)
    corrupt[-9] ^= 0xFF
    (tmp_path / "corrupt.ckpt").write_bytes(bytes(corrupt))
    version = bytearray(raw)
    version[8] = 9
    (tmp_path / "version.ckpt").write_bytes(bytes(version))
    (tmp_path / "empty.ckpt").write_bytes(b"")
    (tmp_path / "good.csv").write_text("x1,x2\n0.1,0.2\n")
    (tmp_path / "adir").mkdir()
    for name, needle in [("trunc.ckpt", "truncated"), ("corrupt.ckpt", "corrupted"),
                         ("version.ckpt", "unsupported checkpoint format version 9"), ("empty.ckpt", "empty.ckpt"),
                         ("good.csv", "not an ito checkpoint"), ("missing.ckpt", "missing.ckpt"), ("adir", "adir")]:
        with pytest.raises(OSError, match=needle):
            ito.load(str(tmp_path / name))
    m = ito.load(str(good))
    with pytest.raises(ValueError, match="columns|dimension"):
        m.nll(np.zeros((4, 3)))
    with pytest.raises(OSError, match="nodir"):
        m.save(str(tmp_path / "nodir" / "m.ckpt"))
    with pytest.raises(OSError, match="adir"):
        m.save(str(tmp_path / "adir"))
    assert not list((tmp_path / "adir").iterdir())
