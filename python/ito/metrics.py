"""Sample-quality metrics between two point sets a (n, d) and b (m, d) (the library's
ito::diffusion metrics, as `ito metrics`)."""
from . import _ito


def compare(a, b, *, projections=500, seed=0, max_points=5000, bandwidth=0.0):
    """compare(a, b, *, projections=500, seed=0, max_points=5000, bandwidth=0.0) -> dict:
    {"sw1": sliced Wasserstein-1 over `projections` random directions,
     "mmd": unbiased MMD^2 with an RBF kernel of bandwidth h (0: median heuristic),
     "energy": energy distance (V-statistic), "bandwidth": the h used}.
    The O(n^2) metrics use at most max_points points per set (a seeded subsample)."""
    return _ito._metrics_compare(a, b, projections, seed, max_points, bandwidth)


def sliced_w1(a, b, *, projections=500, seed=0):
    """sliced_w1(a, b, *, projections=500, seed=0) -> float: mean over random unit directions u of
    W1(u.a, u.b), the 1-D Wasserstein-1 distances of the projections."""
    return compare(a, b, projections=projections, seed=seed)["sw1"]


def mmd(a, b, *, bandwidth=0.0, seed=0, max_points=5000):
    """mmd(a, b, *, bandwidth=0.0, seed=0, max_points=5000) -> float: unbiased MMD^2, RBF kernel
    exp(-|x - y|^2 / (2 h^2)), h = bandwidth or the median heuristic (0)."""
    return compare(a, b, bandwidth=bandwidth, seed=seed, max_points=max_points)["mmd"]


def energy(a, b, *, seed=0, max_points=5000):
    """energy(a, b, *, seed=0, max_points=5000) -> float: energy distance
    2 E|X - Y| - E|X - X'| - E|Y - Y'| (V-statistic)."""
    return compare(a, b, seed=seed, max_points=max_points)["energy"]


def wasserstein1(a, b):
    """wasserstein1(a, b) -> float: exact 1-D Wasserstein-1 distance between two samples
    (mean |a_(i) - b_(i)| of the sorted samples; equal sizes, or the quantile coupling)."""
    return _ito._metrics_w1(list(map(float, a)), list(map(float, b)))
