#pragma once
// The scalar OU test problem of the solve() tests.
#include <ito/sde/problem.hpp>

namespace ito::test {

/// dX = kappa (theta - X) dt + sigma dW (seed 004 appendix): E X_t = theta + (x0 - theta) e^{-kappa t},
/// Var X_t = sigma^2 (1 - e^{-2 kappa t}) / (2 kappa).
template <class S = double>
auto ou(S kappa = 2, S theta = 0.5, S sigma = 0.8, S x0 = 1.5, S t1 = 1) {
  using ito::sde::ensemble;
  using ito::sde::matrix_t;
  return ito::sde::make_additive_problem<S>(
      [kappa, theta](const ensemble<S>& x, S, ensemble<S>& f) { f = (kappa * (theta - x.array())).matrix(); },
      [sigma](S, matrix_t<S>& g) { g(0, 0) = sigma; }, ensemble<S>::Constant(1, 1, x0), S(0), t1, 1);
}

}  // namespace ito::test
