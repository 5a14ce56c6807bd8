#pragma once
/// \file cir_exact.hpp
/// \brief Exact sampling of Cox–Ingersoll–Ross transitions: exact in law on
/// any grid (no discretisation error), by inverse transform of the path's own
/// Brownian normal (Glasserman 2003, sec. 3.4.1; the law in cir.hpp):
///
///   X_{t+h} = c(h) F^{-1}_{nu, lambda(X_t)}(Phi(xi)),   xi = dW / sqrt(h) ~ N(0, 1),
///
/// with F the noncentral chi-square CDF (Boost.Math). The draw is a pure
/// function of (X_t, h, dW), so a path stays a function of (seed, path)
/// whatever the threads, processes or block size. Strong order: none (exact
/// in law, not pathwise on the given W); weak order: infinite. Costs one
/// noncentral chi-square quantile per path and step (~30 microseconds), so use
/// a grid holding just the times you need. Works on problems built by
/// make_cir_problem only (refused at compile time otherwise).

#include <cmath>
#include <limits>
#include <type_traits>

#include "../cir.hpp"
#include "stepper.hpp"

namespace ito::sde {

struct cir_exact {
  static constexpr double strong_order = 0.0;  ///< exact in law, not pathwise on the given W
  static constexpr double weak_order = std::numeric_limits<double>::infinity();  ///< no weak error
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "cir_exact";
  template <class P>
  static constexpr bool accepts = std::is_same_v<typename P::drift_type, cir_drift>;

  template <class P>
  static void check(const P&) {
    static_assert(std::is_same_v<typename P::drift_type, cir_drift>,
                  "cir_exact: needs a CIR problem built by make_cir_problem (cir.hpp)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>&) const {
    const double h = double(dt), sq = std::sqrt(h);
    const cir_process& m = p.drift.model;
    for (index_t j = 0; j < x.cols(); ++j)
      for (index_t i = 0; i < x.rows(); ++i) x(i, j) = S(m.transition_quantile(double(x(i, j)), h, double(dW(i, j)) / sq));
  }
};

}  // namespace ito::sde
