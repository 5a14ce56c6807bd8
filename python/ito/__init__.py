"""ito: stochastic differential equations and diffusion models, from numpy.

Ensembles are numpy arrays of shape (n, d) (one path per row), shared with the C++
library without copies. See help(ito.simulate), help(ito.solve), help(ito.sample).
"""
from ._ito import *  # noqa: F401,F403
from ._ito import NumericalError, FormatError  # noqa: F401
