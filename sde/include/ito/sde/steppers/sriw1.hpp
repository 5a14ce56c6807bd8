#pragma once
/// \file sriw1.hpp
/// \brief SRIW1 (Rößler's SRI1W1): strong order 3/2, weak order 2, for scalar
/// and diagonal Itô noise, with an embedded error estimate for adaptive steps.
///
/// A. Rößler, SIAM J. Numer. Anal. 48(3), 2010, Table 6.1 (SRI1W1); the
/// tableau as in SciML's StochasticDiffEq.jl (constructSRIW1):
///   c0 = (0, 3/4, 0, 0),  c1 = (0, 1/4, 1, 1/4),
///   A0_21 = 3/4,  B0_21 = 3/2,
///   A1_21 = 1/4, A1_31 = 1, A1_43 = 1/4,
///   B1_21 = 1/2, B1_31 = -1, B1_41 = -5, B1_42 = 3, B1_43 = 1/2,
///   alpha = (1/3, 2/3, 0, 0),
///   beta1 = (-1, 4/3, 2/3, 0),  beta2 = (-1, 4/3, -1/3, 0),
///   beta3 = (2, -4/3, -2/3, 0), beta4 = (-2, 5/3, -2/3, 1).
/// Cost per step: 2 drift and 4 diffusion evaluations. Diagonal noise assumes
/// g_i depends on x_i only. The scheme is in rossler_sri.hpp.

#include "rossler_sri.hpp"

namespace ito::sde {

struct sriw1 {
  static constexpr double strong_order = 1.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;
  static constexpr const char* name = "sriw1";
  template <class P>
  static constexpr bool accepts = P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar;

  static constexpr sri_tableau<4> tableau() {
    sri_tableau<4> t{};
    t.c0 = {0, 0.75, 0, 0};
    t.c1 = {0, 0.25, 1, 0.25};
    t.A0[1][0] = 0.75;
    t.B0[1][0] = 1.5;
    t.A1[1][0] = 0.25;
    t.A1[2][0] = 1;
    t.A1[3][2] = 0.25;
    t.B1[1][0] = 0.5;
    t.B1[2][0] = -1;
    t.B1[3][0] = -5;
    t.B1[3][1] = 3;
    t.B1[3][2] = 0.5;
    t.alpha = {1.0 / 3, 2.0 / 3, 0, 0};
    t.beta1 = {-1, 4.0 / 3, 2.0 / 3, 0};
    t.beta2 = {-1, 4.0 / 3, -1.0 / 3, 0};
    t.beta3 = {2, -4.0 / 3, -2.0 / 3, 0};
    t.beta4 = {-2, 5.0 / 3, -2.0 / 3, 1};
    return t;
  }

  template <class P>
  static void check(const P& p) {
    static_assert(accepts<P>, "sriw1: needs scalar or diagonal noise (sra1/sosra for additive noise)");
    if (p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems (it integrates the Itô SDE)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    static constexpr auto tb = tableau();
    detail::sri_step(tb, p, x, t, dt, dW, dZ, w.stages);
  }
  /// The step and its embedded error estimate (rossler_sri.hpp), d x B.
  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w, ensemble<S>& err) const {
    static constexpr auto tb = tableau();
    detail::sri_step(tb, p, x, t, dt, dW, dZ, w.stages, &err);
  }
};

}  // namespace ito::sde
