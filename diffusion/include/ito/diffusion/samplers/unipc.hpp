#pragma once
/// \file samplers/unipc.hpp
/// \brief UniPC (Zhao, Bai, Rao, Zhou & Lu 2023, "UniPC: A Unified
/// Predictor-Corrector Framework for Fast Sampling of Diffusion Models", NeurIPS),
/// data prediction, B(h) = e^{-h} - 1 ("bh2"), predictor UniP-p (Algorithm 2) and
/// corrector UniC-p (Algorithm 1): order p + 1 with one score evaluation per step
/// (the corrector reuses the evaluation at the predicted point as the next step's
/// prediction, so UniC costs nothing extra).
///
/// With y = x - b, h = lambda_t - lambda_0, m0 the prediction at t_0, m_i (i = 1..p-1)
/// older ones, r_i = (lambda_i - lambda_0)/h, D_i = (m_i - m0)/r_i, r_p = 1, and
/// hh = -h (data prediction):
///   phi_1 = e^{hh} - 1,  phi_{k+1} = phi_k/hh - 1/k!  (phi_k here = h phi-function
///   combinations of eq. 9/10), b_k = phi_{k+1} k! / B(h),  R_{k,i} = r_i^{k-1},
///   y_t^pred = (s_t/s_0) y_0 - a_t phi_1 m0 - a_t B(h) sum_{i<p} rho^p_i D_i,
///     rho^p solves R[:p-1,:p-1] rho = b[:p-1] (rho^p = 1/2 for p = 2),
///   y_t^corr = (s_t/s_0) y_0 - a_t phi_1 m0 - a_t B(h) (sum_{i<p} rho^c_i D_i + rho^c_p (m_t - m0)),
///     m_t = x0_hat(x_t^pred, t), rho^c solves R rho = b (rho^c = 1/2 for p = 1)
/// (eq. 8 and Theorem 3.1 of the paper). The last step has no corrector.
/// The variant bh1 takes B(h) = hh = -h instead (the paper's B_1(h), sec. 3.3 and
/// appendix; `variant='bh1'` of the authors' code wl-zhao/UniPC, uni_pc.py), which
/// the authors recommend for unconditional sampling with very few steps.

#include <Eigen/Dense>
#include <cmath>

#include "dpmpp.hpp"

namespace ito::diffusion {

/// B(h) of UniPC: bh1 (B(h) = -h) or bh2 (B(h) = e^{-h} - 1, the default).
enum class unipc_variant { bh2, bh1 };

/// The UniPC coefficients of one step: predictor rho_p (p - 1 values), corrector
/// rho_c (p values), phi_1 and B(h).
struct unipc_coeffs {
  Eigen::VectorXd rho_p, rho_c;
  double phi1 = 0, B = 0;
};

/// Coefficients for order p with r_i = (lambda_i - lambda_0)/h (i = 1..p-1).
inline unipc_coeffs unipc_coefficients(int p, double h, const double* r, unipc_variant v = unipc_variant::bh2) {
  ito::detail::require(p >= 1 && p <= 3, "unipc order", p, "1, 2 or 3");
  unipc_coeffs c;
  const double hh = -h;
  c.phi1 = std::expm1(hh);
  c.B = v == unipc_variant::bh2 ? std::expm1(hh) : hh;
  Eigen::VectorXd rks(p), b(p);
  for (int i = 0; i + 1 < p; ++i) rks(i) = r[i];
  rks(p - 1) = 1.0;
  Eigen::MatrixXd R(p, p);
  double phik = c.phi1 / hh - 1, fact = 1;
  for (int k = 1; k <= p; ++k) {
    R.row(k - 1) = rks.array().pow(double(k - 1)).matrix().transpose();
    b(k - 1) = phik * fact / c.B;
    fact *= double(k + 1);
    phik = phik / hh - 1 / fact;
  }
  if (p >= 2) {
    c.rho_p = p == 2 ? Eigen::VectorXd::Constant(1, 0.5)
                     : Eigen::VectorXd(R.topLeftCorner(p - 1, p - 1).partialPivLu().solve(b.head(p - 1)));
  }
  c.rho_c = p == 1 ? Eigen::VectorXd::Constant(1, 0.5) : Eigen::VectorXd(R.partialPivLu().solve(b));
  return c;
}

/// One UniPC step of order p from ms (the time of H.m[0]) to mt. Writes the predictor into x;
/// if `corrector`, evaluates m_t = x0_hat(x^pred, t) (one score evaluation), applies UniC to
/// x and returns true with m_t in `mt_pred` (to be pushed as the next prediction).
template <class Model, class S>
bool unipc_step(Model& model, const prediction_history<S>& H, const marginal_coeffs& ms, const marginal_coeffs& mt,
                int p, bool corrector, ensemble<S>& x, ensemble<S>& base, ensemble<S>& corr, ensemble<S>& mt_pred,
                unipc_variant v = unipc_variant::bh2) {
  ito::detail::require(p >= 1 && p <= 3 && p <= H.size, "unipc order", p,
                       "1, 2 or 3 and at most the number of previous predictions");
  const double h = mt.lambda - ms.lambda;
  double r[2] = {0, 0};
  for (int i = 1; i < p; ++i) r[i - 1] = (H.lambda[i] - H.lambda[0]) / h;
  const unipc_coeffs c = unipc_coefficients(p, h, r, v);
  // base = (s_t/s_0) y_0 - a_t phi_1 m0   (in y)
  base.array() = S(mt.s / ms.s) * (x.array() - S(ms.b)) - S(mt.a * c.phi1) * H.m[0].array();
  const S aB = S(mt.a * c.B);
  x = base;
  for (int i = 1; i < p; ++i) x.array() -= aB * S(c.rho_p(i - 1) / r[i - 1]) * (H.m[i].array() - H.m[0].array());
  x.array() += S(mt.b);
  if (!corrector) return false;
  model.x0(x, mt, mt_pred);
  corr = base;
  for (int i = 1; i < p; ++i) corr.array() -= aB * S(c.rho_c(i - 1) / r[i - 1]) * (H.m[i].array() - H.m[0].array());
  corr.array() -= aB * S(c.rho_c(p - 1)) * (mt_pred.array() - H.m[0].array());
  x.array() = corr.array() + S(mt.b);
  return true;
}

}  // namespace ito::diffusion
