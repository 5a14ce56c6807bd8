#pragma once
/// \file samplers/edm.hpp
/// \brief Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of
/// Diffusion-Based Generative Models" (EDM), NeurIPS: Heun's 2nd-order method
/// (Algorithm 1) and Euler (1st order) on the sigma-parametrized probability-flow
/// ODE dx/dsigma = (x - D(x; sigma))/sigma (eq. 1 with s(t) = 1, sigma(t) = t), with
/// the stochastic churn of Algorithm 2 (S_churn, S_tmin, S_tmax, S_noise).
///
/// Any forward SDE of the library is put in this form by the scaling of sec. 2
/// (eq. 4): x = a(t) x_hat + b(t), sigma = s(t)/a(t) = exp(-lambda), and
/// D(x_hat; sigma) = x0_hat(a x_hat + b, t(sigma)) (Tweedie). One step from sigma_i
/// to sigma_{i+1} (Algorithm 2):
///   gamma = min(S_churn/K, sqrt 2 - 1) if S_tmin <= sigma_i <= S_tmax, else 0;
///   sigma_hat = sigma_i (1 + gamma) (capped at sigma(T));
///   x_hat += sqrt(sigma_hat^2 - sigma_i^2) S_noise z;
///   d = (x_hat - D(x_hat; sigma_hat))/sigma_hat;  x' = x_hat + (sigma_{i+1} - sigma_hat) d;
///   Heun (if sigma_{i+1} > 0): d' = (x' - D(x'; sigma_{i+1}))/sigma_{i+1},
///     x' = x_hat + (sigma_{i+1} - sigma_hat)(d + d')/2.
/// Heun costs 2 evaluations per step, Euler 1; the step to sigma = 0 is Euler (= Tweedie's
/// denoiser at sigma_K). With S_churn = 0 the sampler is deterministic.

#include <algorithm>
#include <cmath>
#include <limits>

#include "model.hpp"

namespace ito::diffusion {

/// EDM's stochastic churn (Algorithm 2). Defaults: no churn (the deterministic sampler).
struct edm_churn {
  double churn = 0;                                          ///< S_churn
  double t_min = 0;                                          ///< S_tmin (in sigma)
  double t_max = std::numeric_limits<double>::infinity();    ///< S_tmax (in sigma)
  double noise = 1;                                          ///< S_noise
  void validate() const {
    ito::detail::require(std::isfinite(churn) && churn >= 0, "churn", churn, ">= 0");
    ito::detail::require(t_min >= 0 && !std::isnan(t_min), "s_tmin", t_min, ">= 0");
    ito::detail::require(t_max >= t_min, "s_tmax", t_max, ">= s_tmin");
    ito::detail::require(std::isfinite(noise) && noise >= 0, "s_noise", noise, ">= 0");
  }
};

/// One EDM step of order 1 (Euler) or 2 (Heun) from time ti to t1 (t1 = 0: sigma = 0),
/// in place on x. `steps` is K of gamma = S_churn/K. sigma_cap = sigma(T).
template <class Model, class S>
void edm_step(Model& model, double ti, double t1, int order, const edm_churn& ch, index_t steps, double sigma_cap,
              ensemble<S>& x, ensemble<S>& xh, ensemble<S>& den, ensemble<S>& z) {
  ito::detail::require(order == 1 || order == 2, "edm order", order, "1 (Euler) or 2 (Heun)");
  const marginal_coeffs mi = model.at(ti);
  const double sig_i = mi.sigma();
  const double sig_1 = t1 > 0 ? model.at(t1).sigma() : 0.0;
  double gamma = 0;
  if (ch.churn > 0 && sig_i >= ch.t_min && sig_i <= ch.t_max)
    gamma = std::min(ch.churn / double(steps), std::sqrt(2.0) - 1);
  const double sig_hat = std::min(sig_i * (1 + gamma), sigma_cap);
  const marginal_coeffs mh = sig_hat > sig_i ? model.at(time_of_sigma(model.sde, sig_hat)) : mi;
  xh.array() = (x.array() - S(mi.b)) / S(mi.a);  // x_hat at sigma_i
  if (sig_hat > sig_i) {
    model.normals(z);
    xh.array() += S(std::sqrt(sig_hat * sig_hat - sig_i * sig_i) * ch.noise) * z.array();
  }
  // d = (x_hat - D)/sigma_hat, D from the unscaled x = a x_hat + b
  x.array() = S(mh.a) * xh.array() + S(mh.b);
  model.x0(x, mh, den);
  den.array() = (xh.array() - den.array()) / S(sig_hat);  // d
  const double dsig = sig_1 - sig_hat;
  ensemble<S>& d = den;
  if (order == 1 || sig_1 == 0) {
    xh.array() += S(dsig) * d.array();
  } else {
    const marginal_coeffs m1 = model.at(t1);
    // x' (Euler) in unscaled coordinates for the second evaluation
    x.array() = S(m1.a) * (xh.array() + S(dsig) * d.array()) + S(m1.b);
    model.x0(x, m1, z);  // z reused as scratch: D(x'; sigma_1)
    // d' = (x'_hat - D')/sigma_1 ; x_hat + dsig (d + d')/2
    z.array() = ((xh.array() + S(dsig) * d.array()) - z.array()) / S(sig_1);
    xh.array() += S(0.5 * dsig) * (d.array() + z.array());
  }
  const marginal_coeffs mo = t1 > 0 ? model.at(t1) : marginal_at(model.sde, 0.0);
  x.array() = S(mo.a) * xh.array() + S(mo.b);
}

}  // namespace ito::diffusion
