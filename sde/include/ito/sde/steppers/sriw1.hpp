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

struct sriw1 : sri_method<sriw1> {
  static constexpr const char* name = "sriw1";

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
};

}  // namespace ito::sde
