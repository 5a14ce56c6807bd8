#pragma once
/// \file ou_exact.hpp
/// \brief Exact sampling of Ornstein–Uhlenbeck transitions: zero discretisation
/// error on any grid (seed 004 appendix; seed 000 for time-varying g(t)).
///
///   X_{t+h} = m(X_t; t, h) + L(t, h) xi,   xi = dW / sqrt(h) ~ N(0, I),
/// with m and L L^T the transition mean and covariance of the model (ou.hpp).
/// Works on problems built by make_ou_problem (scalar, time-varying,
/// multivariate OU); any other problem is refused at compile time. It draws d
/// normals per path and step (noise_dim hook), whatever the number m of Wiener
/// processes in B.

#include <cmath>

#include "../ou_problems.hpp"
#include "stepper.hpp"

namespace ito::sde {

struct ou_exact {
  static constexpr double strong_order = 0.0;  ///< exact in law, not pathwise on the given W
  static constexpr double weak_order = std::numeric_limits<double>::infinity();  ///< no weak error
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "ou_exact";

  template <class P>
  static void check(const P&) {
    static_assert(is_ou_drift<typename P::drift_type>::value,
                  "ou_exact: needs an OU problem built by make_ou_problem (ou_problems.hpp)");
  }
  /// d standard normals per path and step.
  template <class P>
  static index_t noise_dim(const P& p) {
    return p.dim;
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    w.a = dW / std::sqrt(dt);
    p.drift.model.propagate(x, double(t), double(dt), w.a);
  }
};

}  // namespace ito::sde
