#pragma once
/// \file sosri.hpp
/// \brief SOSRI: the stability-optimized SRI method of Rackauckas & Nie (2018),
/// strong order 3/2, weak order 2, scalar and diagonal Itô noise, with an
/// embedded error estimate for adaptive steps.
///
/// C. Rackauckas and Q. Nie, "Stability-optimized high order methods and
/// stiffness detection for pathwise stiff stochastic differential equations",
/// IEEE HPEC 2020 / arXiv:1804.04344, the SOSRI tableau (its stability region
/// extends much further along the negative real axis than SRIW1's, for
/// moderately stiff drifts). Coefficients as in SciML's StochasticDiffEq.jl
/// (SOSRIConstantCache); c0 = A0 e and c1 = A1 e (row sums). Cost per step:
/// 4 drift and 4 diffusion evaluations. The scheme is in rossler_sri.hpp.

#include "rossler_sri.hpp"

namespace ito::sde {

struct sosri : sri_method<sosri> {
  static constexpr const char* name = "sosri";

  static constexpr sri_tableau<4> tableau() {
    sri_tableau<4> t{};
    t.A0[1] = {-0.04199224421316468, 0, 0, 0};
    t.A0[2] = {2.842612915017106, -2.0527723684000727, 0, 0};
    t.A0[3] = {4.338237071435815, -2.8895936137439793, 2.3017575594644466, 0};
    t.A1[1] = {0.26204282091330466, 0, 0, 0};
    t.A1[2] = {0.20903646383505375, -0.1502377115150361, 0, 0};
    t.A1[3] = {0.05836595312746999, 0.6149440396332373, 0.08535117634046772, 0};
    t.B0[1] = {-0.21641093549612528, 0, 0, 0};
    t.B0[2] = {1.5336352863679572, 0.26066223492647056, 0, 0};
    t.B0[3] = {-1.0536037558179159, 1.7015284721089472, -0.20725685784180017, 0};
    t.B1[1] = {-0.5119011827621657, 0, 0, 0};
    t.B1[2] = {2.67767339866713, -4.9395031322250995, 0, 0};
    t.B1[3] = {0.15580956238299215, 3.2361551006624674, -1.4223118283355949, 0};
    t.alpha = {1.140099274172029, -0.6401334255743456, 0.4736296532772559, 0.026404498125060714};
    t.beta1 = {-1.8453464565104432, 2.688764531100726, -0.2523866501071323, 0.40896857551684956};
    t.beta2 = {0.4969658141589478, -0.5771202869753592, -0.12919702470322217, 0.2093514975196336};
    t.beta3 = {2.8453464565104425, -2.688764531100725, 0.2523866501071322, -0.40896857551684945};
    t.beta4 = {0.11522663875443433, -0.57877086147738, 0.2857851028163886, 0.17775911990655704};
    for (int i = 0; i < 4; ++i) {
      t.c0[std::size_t(i)] = 0;
      t.c1[std::size_t(i)] = 0;
      for (int j = 0; j < i; ++j) {
        t.c0[std::size_t(i)] += t.A0[std::size_t(i)][std::size_t(j)];
        t.c1[std::size_t(i)] += t.A1[std::size_t(i)][std::size_t(j)];
      }
    }
    return t;
  }
};

}  // namespace ito::sde
