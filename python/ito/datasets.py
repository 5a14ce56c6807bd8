"""Built-in 2-D data sets (the same generators as `ito data` and `ito train --dataset`)."""
from . import _ito


def names():
    """names() -> list of the data set names: 8gaussians, moons, swissroll, checkerboard, rings,
    pinwheel, gmm (samples of a mixture JSON: make("gmm:path.json", n) or make("gmm", n, gmm=path))."""
    return list(_ito._datasets_names())


def make(name, n, seed=0, *, gmm=""):
    """make(name, n, seed=0, *, gmm="") -> (n, 2) float64 array (d = the mixture's dimension for
    "gmm"), n samples of the named data set, reproducible for a given seed. ValueError for an
    unknown name (the message lists the valid ones) or n < 0."""
    return _ito._datasets_make(name, int(n), int(seed), gmm)
