#pragma once
/// \file samplers/dpmpp.hpp
/// \brief DPM-Solver++ multistep, orders 1-3, data prediction (Lu, Zhou, Bao,
/// Chen, Li & Zhu 2022b, "DPM-Solver++: Fast Solver for Guided Sampling of
/// Diffusion Probabilistic Models", arXiv:2211.01095; Algorithm 2 = 2M), and the
/// SDE variant's step (sec. 5 / appendix: SDE-DPM-Solver++(2M)) used by dpmpp_sde.hpp.
/// One score evaluation per step; order k has global error O(h^k).
///
/// With y = x - b, the data-prediction exact solution (eq. 8)
///   y_t = (s_t/s_0) y_0 + s_t int_{lambda_0}^{lambda_t} e^{lambda} x0_hat(lambda) d lambda
/// is approximated by a Taylor expansion of x0_hat in lambda about lambda_0, the
/// derivatives taken from the previous predictions m0 (at t_0), m1, m2 (h = lambda_t - lambda_0,
/// h0 = lambda_0 - lambda_1, h1 = lambda_1 - lambda_2, r0 = h0/h, r1 = h1/h):
///   phi1 = e^{-h} - 1,  phi2 = phi1/h + 1,  phi3 = phi2/h - 1/2   (so that
///   s_t int e^{lambda} (lambda - lambda_0)^k / k! = a_t {-phi1, h phi2, -h^2 phi3}[k]),
///  - order 1 (eq. 9, = DDIM): y_t = (s_t/s_0) y_0 - a_t phi1 m0;
///  - order 2 (Algorithm 2, 2M): D1 = (m0 - m1)/r0,  y_t = ... - a_t phi1 m0 - a_t phi1 D1 / 2;
///  - order 3 (3M): D1_0 = (m0 - m1)/r0, D1_1 = (m1 - m2)/r1,
///      D1 = D1_0 + r0/(r0 + r1) (D1_0 - D1_1)   (~ h x0'(lambda_0)),
///      D2 = 2 (D1_0 - D1_1)/(r0 + r1)           (~ h^2 x0''(lambda_0)),
///      y_t = (s_t/s_0) y_0 - a_t phi1 m0 + a_t phi2 D1 - a_t phi3 D2.
///    (The factor 2 in D2 makes the x0'' term exact to leading order: since
///    D1_0 - D1_1 ~ h^2 x0'' (r0 + r1)/2 and s_t int e^{lambda} (lambda - lambda_0)^2/2 =
///    -a_t h^2 phi3. This is dpmpp3_coefficients::taylor, the default: global order 3,
///    checked by the fitted order in tests/diffusion/test_fast_samplers.cpp.)
///    dpmpp3_coefficients::released uses D2 = (D1_0 - D1_1)/(r0 + r1), as the authors'
///    released code does (LuChengTHU/dpm-solver, dpm_solver_pytorch.py,
///    DPM_Solver.multistep_dpm_solver_third_update: "D2 = (1. / (r0 + r1)) * (D1_0 - D1_1)";
///    the same in k-diffusion's and diffusers' 3M): the x0'' term is halved, so the step
///    is consistent with local error O(h^3) (global order 2), a damped third-order
///    correction that can do better with very few, large steps on stiff scores.
/// Warm-up: step i (1-based) uses order min(order, i); with lower_order_final the last
/// steps use min(order, K - i + 1) (the official implementation does so for K < 10).

#include <cmath>

#include "model.hpp"

namespace ito::diffusion {

/// The D2 coefficient of DPM-Solver++ 3M (see the file comment): taylor (factor 2, order 3)
/// or released (factor 1, the authors' released code).
enum class dpmpp3_coefficients { taylor, released };

/// The previous data predictions of a multistep sampler (newest first) and their log-SNRs.
template <class S>
struct prediction_history {
  ensemble<S> m[3];
  double lambda[3] = {0, 0, 0};
  int size = 0;
  /// Push a new prediction (moves the older ones back).
  ensemble<S>& push(double lam) {
    std::swap(m[2], m[1]);
    std::swap(m[1], m[0]);
    lambda[2] = lambda[1];
    lambda[1] = lambda[0];
    lambda[0] = lam;
    size = std::min(size + 1, 3);
    return m[0];
  }
};

namespace detail {
/// D1 (~ h x0') and D2 (~ h^2 x0'') of the multistep formulas for order `order`
/// (2: D1 only; 3: both), from the history, for the step of size h.
template <class S>
void dpmpp_differences(const prediction_history<S>& H, double h, int order, ensemble<S>& D1, ensemble<S>& D2,
                       double d2_factor = 2) {
  const double r0 = (H.lambda[0] - H.lambda[1]) / h;
  if (order == 2) {
    D1.array() = (H.m[0].array() - H.m[1].array()) / S(r0);
    return;
  }
  const double r1 = (H.lambda[1] - H.lambda[2]) / h;
  D2.array() = (H.m[1].array() - H.m[2].array()) / S(r1);            // D1_1
  D1.array() = (H.m[0].array() - H.m[1].array()) / S(r0);            // D1_0
  D2.array() = D1.array() - D2.array();                              // D1_0 - D1_1
  D1.array() += S(r0 / (r0 + r1)) * D2.array();
  D2.array() *= S(d2_factor / (r0 + r1));
}
}  // namespace detail

/// One DPM-Solver++ multistep step of order `order` (<= H.size) from m0 (the time of
/// H.m[0], whose coefficients are ms) to mt, in place on x. No score evaluation (the
/// caller evaluates x0_hat at the new point and pushes it). `coeffs` chooses the 3M D2 coefficient.
template <class S>
void dpmpp_step(const prediction_history<S>& H, const marginal_coeffs& ms, const marginal_coeffs& mt, int order,
                ensemble<S>& x, ensemble<S>& D1, ensemble<S>& D2,
                dpmpp3_coefficients coeffs = dpmpp3_coefficients::taylor) {
  ito::detail::require(order >= 1 && order <= 3 && order <= H.size, "dpmpp order", order,
                       "1, 2 or 3 and at most the number of previous predictions");
  const double h = mt.lambda - ms.lambda;
  const double phi1 = std::expm1(-h), phi2 = phi1 / h + 1, phi3 = phi2 / h - 0.5;
  const S cy = S(mt.s / ms.s), c0 = S(-mt.a * phi1);
  if (order == 1) {
    x.array() = cy * (x.array() - S(ms.b)) + c0 * H.m[0].array() + S(mt.b);
  } else if (order == 2) {
    detail::dpmpp_differences(H, h, 2, D1, D2);
    x.array() = cy * (x.array() - S(ms.b)) + c0 * H.m[0].array() + S(0.5) * c0 * D1.array() + S(mt.b);
  } else {
    detail::dpmpp_differences(H, h, 3, D1, D2, coeffs == dpmpp3_coefficients::taylor ? 2.0 : 1.0);
    x.array() = cy * (x.array() - S(ms.b)) + c0 * H.m[0].array() + S(mt.a * phi2) * D1.array() -
                S(mt.a * phi3) * D2.array() + S(mt.b);
  }
}

}  // namespace ito::diffusion
