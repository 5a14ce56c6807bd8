#pragma once
/// \file samplers/dpmpp_sde.hpp
/// \brief SDE-DPM-Solver++(2M) (Lu et al. 2022b, arXiv:2211.01095, sec. 5 and
/// appendix: the data-prediction solver of the diffusion SDE, multistep, with the
/// midpoint second-order term). One score evaluation per step; strong order 1,
/// weak order up to 2 on smooth problems.
///
/// With y = x - b, h = lambda_t - lambda_0, m0, m1 the last two data predictions,
/// r0 = (lambda_0 - lambda_1)/h, D1 = (m0 - m1)/r0 and z ~ N(0, I):
///   y_t = (s_t/s_0) e^{-h} y_0 + a_t (1 - e^{-2h}) m0 [+ a_t (1 - e^{-2h}) D1 / 2]
///         + s_t sqrt(1 - e^{-2h}) z,
/// the bracket at order 2. For a point mass (m0 = x0) the step is the exact
/// transition of the reverse SDE: mean a_t x0 and variance s_t^2 are preserved.

#include <cmath>

#include "dpmpp.hpp"

namespace ito::diffusion {

/// One SDE-DPM-Solver++ step of order 1 or 2 from ms to mt, in place on x (z: fresh normals).
template <class S>
void dpmpp_sde_step(const prediction_history<S>& H, const marginal_coeffs& ms, const marginal_coeffs& mt, int order,
                    const ensemble<S>& z, ensemble<S>& x) {
  ito::detail::require(order >= 1 && order <= 2 && order <= H.size, "dpmpp-sde order", order,
                       "1 or 2 and at most the number of previous predictions");
  const double h = mt.lambda - ms.lambda;
  const double e2 = -std::expm1(-2 * h);  // 1 - e^{-2h}
  const S cy = S(mt.s / ms.s * std::exp(-h)), c0 = S(mt.a * e2), cz = S(mt.s * std::sqrt(e2)), cb = S(mt.b) - cy * S(ms.b);
  if (order == 1) {
    x.array() = cy * x.array() + c0 * H.m[0].array() + cz * z.array() + cb;
  } else {  // one pass: c0 (m0 + D1 / 2) with D1 = (m0 - m1) / r0
    const double r0 = (H.lambda[0] - H.lambda[1]) / h;
    const S c1 = S(0.5 / r0) * c0;
    x.array() = cy * x.array() + (c0 + c1) * H.m[0].array() - c1 * H.m[1].array() + cz * z.array() + cb;
  }
}

}  // namespace ito::diffusion
