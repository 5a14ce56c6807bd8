"""ito: stochastic differential equations and diffusion models, from numpy.

The C++ library ito bound with pybind11. Ensembles are numpy arrays of shape (n, d), one
path or sample per row (C order, exactly the library's column-major d x n), shared without
copies: the arrays of a result are views whose base is the result.

Core:       simulate, solve, OU, Solution, AdaptiveSolution (adaptive=True)
Studies:    validate, convergence, weak_convergence, mlmc
Diffusion:  VPSDE, VPCosineSDE, SubVPSDE, VESDE, OUSDE, GMM, sample, train, load, Model, nll
Also:       ito.datasets.make(name, n, seed), ito.metrics.compare / sliced_w1 / mmd / energy
Errors:     ValueError (bad argument, the message names it), ito.NumericalError (blow-up),
            OSError (files), ito.FormatError (a corrupt or foreign file; an OSError and ValueError)

Example:
    import ito
    r = ito.simulate("ou", paths=100_000, steps=100, kappa=2.0, sigma=0.8, seed=1)
    r.terminal.shape        # (100000, 1)
    r.mean[-1], ito.OU(kappa=2.0, theta=0.5, sigma=0.8).mean(1.0, 1.5)
"""
from ._ito import *  # noqa: F401,F403
from ._ito import (  # noqa: F401
    AdaptiveSolution, FormatError, GMM, Model, NumericalError, OU, OUSDE, SampleResult, Solution, Solution32,
    SubVPSDE, VESDE, VPCosineSDE, VPSDE, convergence, load, mlmc, nll, sample, simulate, solve, train, validate,
    weak_convergence)
from . import datasets, metrics  # noqa: F401


def torch_score(model, *, device="cpu", dtype=None):
    """torch_score(model, device="cpu", dtype=None) -> callable score(x, t) for ito.sample.

    Wraps a PyTorch module net(x, t) -> score (x: (n, d) tensor, t: (n,) tensor) as the
    numpy batch callable ito.sample calls once per step: x arrives as a read-only float64
    numpy view, is wrapped by torch.from_numpy (no copy on the CPU), evaluated under
    torch.no_grad(), and returned as a numpy array. Needs torch.
    """
    import warnings

    import numpy as np
    import torch

    # x is a read-only view of the sampler's state; the network only reads it, so torch's
    # "non-writable array" warning does not apply.
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")

    def score(x, t):
        xt = torch.from_numpy(np.asarray(x))
        if dtype is not None or device != "cpu":
            xt = xt.to(device=device, dtype=dtype)
        tt = torch.full((xt.shape[0],), float(t), dtype=xt.dtype, device=xt.device)
        with torch.no_grad():
            out = model(xt, tt)
        return out.detach().to("cpu", torch.float64).numpy()

    return score
