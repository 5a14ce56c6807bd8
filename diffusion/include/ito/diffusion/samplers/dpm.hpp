#pragma once
/// \file samplers/dpm.hpp
/// \brief DPM-Solver, singlestep, orders 1-3 (Lu, Zhou, Bao, Chen, Li & Zhu 2022,
/// "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in
/// Around 10 Steps", NeurIPS), noise-prediction form. Order k costs k score
/// evaluations per step; local error O(h^{k+1}) in h = lambda_t - lambda_s
/// (Theorem 3.2), global O(h^k).
///
/// With y = x - b (exponential.hpp), from s to t (h = lambda_t - lambda_s > 0):
///  - order 1 (eq. 3.7; identical to DDIM, Song et al. 2021, eq. 12 with eta = 0):
///      y_t = (a_t/a_s) y_s - s_t (e^h - 1) eps_s;
///  - order 2 (Algorithm 1, DPM-Solver-2, r1 = 1/2): u = the order-1 step to
///      s1 = t_lambda(lambda_s + r1 h), then
///      y_t = (a_t/a_s) y_s - s_t (e^h - 1) eps_s - s_t/(2 r1) (e^h - 1)(eps(u, s1) - eps_s);
///  - order 3 (Algorithm 2, DPM-Solver-3, r1 = 1/3, r2 = 2/3):
///      u1 = order-1 step to s1,  D1 = eps(u1, s1) - eps_s,
///      u2 = (a_s2/a_s) y_s - s_s2 (e^{r2 h} - 1) eps_s - s_s2 r2/r1 ((e^{r2 h} - 1)/(r2 h) - 1) D1,
///      D2 = eps(u2, s2) - eps_s,
///      y_t = (a_t/a_s) y_s - s_t (e^h - 1) eps_s - s_t/r2 ((e^h - 1)/h - 1) D2.
/// The intermediate times come from the inverse log-SNR (time_of_log_snr).

#include <cmath>
#include <utility>

#include "model.hpp"

namespace ito::diffusion {

/// One DPM-Solver step of order `order` (1, 2 or 3) from ms to mt, in place on x.
/// Costs `order` score evaluations. Scratch: e0, e1, u (resized as needed).
template <class Model, class S>
void dpm_solver_step(Model& model, const marginal_coeffs& ms, const marginal_coeffs& mt, int order,
                     ensemble<S>& x, ensemble<S>& e0, ensemble<S>& e1, ensemble<S>& u) {
  ito::detail::require(order >= 1 && order <= 3, "dpm order", order, "1, 2 or 3");
  const double h = mt.lambda - ms.lambda;
  model.eps(x, ms, e0);
  // y_s = x - b_s is formed in the expressions below; the result is y_t + b_t.
  const auto first_order_to = [&](const marginal_coeffs& m, double r) {
    // coefficients of the order-1 step from s to the point at lambda_s + r h
    return std::pair<double, double>{m.a / ms.a, -m.s * std::expm1(r * h)};
  };
  if (order == 1) {
    const auto [cy, ce] = first_order_to(mt, 1.0);
    x.array() = S(cy) * (x.array() - S(ms.b)) + S(ce) * e0.array() + S(mt.b);
    return;
  }
  if (order == 2) {
    const double r1 = 0.5;
    const marginal_coeffs m1 = model.at_log_snr(ms.lambda + r1 * h);
    const auto [c1y, c1e] = first_order_to(m1, r1);
    u.array() = S(c1y) * (x.array() - S(ms.b)) + S(c1e) * e0.array() + S(m1.b);
    model.eps(u, m1, e1);
    const auto [cy, ce] = first_order_to(mt, 1.0);
    const double cd = -mt.s / (2 * r1) * std::expm1(h);
    x.array() = S(cy) * (x.array() - S(ms.b)) + S(ce) * e0.array() + S(cd) * (e1.array() - e0.array()) + S(mt.b);
    return;
  }
  const double r1 = 1.0 / 3.0, r2 = 2.0 / 3.0;
  const marginal_coeffs m1 = model.at_log_snr(ms.lambda + r1 * h);
  const marginal_coeffs m2 = model.at_log_snr(ms.lambda + r2 * h);
  const auto [c1y, c1e] = first_order_to(m1, r1);
  u.array() = S(c1y) * (x.array() - S(ms.b)) + S(c1e) * e0.array() + S(m1.b);
  model.eps(u, m1, e1);
  e1.array() -= e0.array();  // D1
  const auto [c2y, c2e] = first_order_to(m2, r2);
  const double c2d = -m2.s * r2 / r1 * (std::expm1(r2 * h) / (r2 * h) - 1);
  u.array() = S(c2y) * (x.array() - S(ms.b)) + S(c2e) * e0.array() + S(c2d) * e1.array() + S(m2.b);
  model.eps(u, m2, e1);
  e1.array() -= e0.array();  // D2
  const auto [cy, ce] = first_order_to(mt, 1.0);
  const double cd = -mt.s / r2 * (std::expm1(h) / h - 1);
  x.array() = S(cy) * (x.array() - S(ms.b)) + S(ce) * e0.array() + S(cd) * e1.array() + S(mt.b);
}

}  // namespace ito::diffusion
