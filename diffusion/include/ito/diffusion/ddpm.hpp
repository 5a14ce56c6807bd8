#pragma once
/// \file ddpm.hpp
/// \brief Discrete DDPM (Ho et al. 2020): beta schedules, alpha_bar, q(x_t | x_0),
/// the posterior q(x_{t-1} | x_t, x_0) (seed 004 "TBW") and the ELBO terms
/// L_0, L_T, L_{t-1} (seed 004 "DDPM-LV") in nats.
///
/// Steps are numbered t = 1..T; alpha_bar_0 = 1. Constants and formulas follow
/// improved-diffusion `gaussian_diffusion.py` (openai/improved-diffusion:
/// get_named_beta_schedule "linear" = linspace(1e-4, 0.02, T) scaled by 1000/T,
/// "cosine" = betas_for_alpha_bar with s = 0.008 and max_beta = 0.999;
/// posterior_mean_coef1/2 and posterior_variance). Linear, T = 1000:
/// alpha_bar_1000 ~ 4.04e-5.
///
/// ddpm_schedule::forward() returns the continuous-time OU/VP process whose
/// marginal at t = i/T is exactly q(x_i | x_0) (piecewise-constant beta), so the
/// continuous samplers, parametrizations and oracle scores apply to the chain.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <ito/sde/error.hpp>

#include "forward_sde.hpp"

namespace ito::diffusion {

/// beta(t) piecewise constant on ((i-1)/T, i/T] with integral B(i/T) = -log alpha_bar_i.
struct piecewise_schedule {
  std::vector<double> cum;  ///< cum[i] = -log alpha_bar_i, i = 0..T (cum[0] = 0)
  double beta(double t) const {
    const double n = double(cum.size() - 1);
    const index_t i = std::clamp<index_t>(index_t(std::ceil(t * n)), 1, index_t(cum.size() - 1));
    return n * (cum[std::size_t(i)] - cum[std::size_t(i - 1)]);
  }
  double integral(double t) const {
    const double n = double(cum.size() - 1);
    const double u = std::clamp(t, 0.0, 1.0) * n;
    const index_t i = std::clamp<index_t>(index_t(std::floor(u)), 0, index_t(cum.size() - 2));
    const double w = u - double(i);
    return (1 - w) * cum[std::size_t(i)] + w * cum[std::size_t(i + 1)];
  }
  void validate() const { detail::require(cum.size() >= 2, "schedule size", cum.size(), ">= 2"); }
};

class ddpm_schedule {
 public:
  /// Ho et al. linear schedule; improved-diffusion scales the ends by 1000/T.
  static ddpm_schedule linear(index_t steps = 1000, double beta_start = 1e-4, double beta_end = 0.02) {
    detail::require(steps >= 1, "steps", steps, ">= 1");
    const double scale = 1000.0 / double(steps);
    std::vector<double> b(static_cast<std::size_t>(steps));
    for (index_t i = 0; i < steps; ++i) {
      const double w = steps == 1 ? 0.0 : double(i) / double(steps - 1);
      b[std::size_t(i)] = scale * (beta_start + w * (beta_end - beta_start));
    }
    return from_betas(std::move(b), "linear");
  }

  /// Nichol & Dhariwal cosine schedule: beta_i = min(1 - f(i/T)/f((i-1)/T), max_beta),
  /// f(u) = cos^2((u + s)/(1 + s) pi/2).
  static ddpm_schedule cosine(index_t steps = 1000, double s = 0.008, double max_beta = 0.999) {
    detail::require(steps >= 1, "steps", steps, ">= 1");
    auto f = [s](double u) {
      const double c = std::cos((u + s) / (1 + s) * std::numbers::pi / 2);
      return c * c;
    };
    std::vector<double> b(static_cast<std::size_t>(steps));
    for (index_t i = 0; i < steps; ++i)
      b[std::size_t(i)] = std::min(1.0 - f(double(i + 1) / double(steps)) / f(double(i) / double(steps)), max_beta);
    return from_betas(std::move(b), "cosine");
  }

  /// Any schedule given by beta_1..beta_T in (0, 1].
  static ddpm_schedule from_betas(std::vector<double> betas, std::string name = "custom") {
    detail::require(!betas.empty(), "betas size", betas.size(), ">= 1");
    ddpm_schedule s;
    s.name_ = std::move(name);
    s.beta_.assign(1, 0.0);
    s.alpha_bar_.assign(1, 1.0);
    s.cum_.assign(1, 0.0);
    for (std::size_t i = 0; i < betas.size(); ++i) {
      const double b = betas[i];
      detail::require(std::isfinite(b) && b > 0 && b <= 1, "beta[" + std::to_string(i + 1) + "]", b, "in (0, 1]");
      s.beta_.push_back(b);
      s.cum_.push_back(s.cum_.back() - std::log1p(-std::min(b, 1.0 - 1e-16)));
      s.alpha_bar_.push_back(s.alpha_bar_.back() * (1.0 - b));
    }
    return s;
  }

  index_t steps() const { return index_t(beta_.size() - 1); }
  const std::string& name() const { return name_; }
  double beta(index_t t) const { return beta_[check(t, 1)]; }
  double alpha(index_t t) const { return 1.0 - beta(t); }
  /// alpha_bar_t = prod_{s <= t} (1 - beta_s), alpha_bar_0 = 1 (seed 004 "NP").
  double alpha_bar(index_t t) const { return alpha_bar_[check(t, 0)]; }
  /// q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I).
  double q_mean_coeff(index_t t) const { return std::sqrt(alpha_bar(t)); }
  double q_std(index_t t) const { return std::sqrt(1.0 - alpha_bar(t)); }
  /// Posterior q(x_{t-1} | x_t, x_0) = N(coef_x0 x_0 + coef_xt x_t, var I), t >= 1 (seed 004 TBW-M):
  /// coef_x0 = beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t),
  /// coef_xt = (1 - alpha_bar_{t-1}) sqrt(alpha_t) / (1 - alpha_bar_t),
  /// var = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) ("beta tilde").
  double posterior_coef_x0(index_t t) const { return beta(t) * std::sqrt(alpha_bar(t - 1)) / (1.0 - alpha_bar(t)); }
  double posterior_coef_xt(index_t t) const {
    return (1.0 - alpha_bar(t - 1)) * std::sqrt(alpha(t)) / (1.0 - alpha_bar(t));
  }
  double posterior_variance(index_t t) const { return beta(t) * (1.0 - alpha_bar(t - 1)) / (1.0 - alpha_bar(t)); }

  template <class S>
  ensemble<S> posterior_mean(const ensemble<S>& x0, const ensemble<S>& xt, index_t t) const {
    detail::require(x0.rows() == xt.rows() && x0.cols() == xt.cols(), "x0 shape", x0.rows(), "the shape of x_t");
    return S(posterior_coef_x0(t)) * x0 + S(posterior_coef_xt(t)) * xt;
  }

  /// Sample x_t ~ q(x_t | x_0) for each column.
  template <class S, class Engine>
  ensemble<S> q_sample(const ensemble<S>& x0, index_t t, Engine& eng) const {
    return forward().template marginal_sample<S>(x0, time(t), eng);
  }

  /// Continuous time of step t: t / T.
  double time(index_t t) const { return double(check(t, 0)) / double(steps()); }

  /// The continuous VP process with marginal q(x_i | x_0) at time i/T (T = 1).
  ou_sde<piecewise_schedule> forward(double eps = 0.0) const {
    return ou_sde<piecewise_schedule>(0.0, 1.0, piecewise_schedule{cum_}, 1.0, eps, "ddpm-" + name_);
  }

  const std::vector<double>& betas() const { return beta_; }            ///< [0] = 0, then beta_1..beta_T
  const std::vector<double>& alpha_bars() const { return alpha_bar_; }  ///< [0] = 1, then alpha_bar_1..T

 private:
  std::size_t check(index_t t, index_t lo) const {
    detail::require(t >= lo && t <= steps(), "t", t, "in [" + std::to_string(lo) + ", " + std::to_string(steps()) + "]");
    return std::size_t(t);
  }
  std::vector<double> beta_, alpha_bar_, cum_;
  std::string name_;
};

/// The variance of the reverse kernel p(x_{t-1} | x_t) (Ho et al. sec. 3.2; improved-diffusion
/// ModelVarType): `small` = posterior variance beta_tilde_t (optimal for a point-mass x_0),
/// `large` = beta_t (optimal for x_0 ~ N(0, I); the better choice for smooth continuous data,
/// whose true reverse step has variance ~ beta_t at small t).
enum class reverse_variance { small, large };

/// ELBO terms of seed 004 (DDPM-LV) in nats per data point (summed over dimensions,
/// averaged over the data set). -ELBO = L_0 + L_T + sum_{t>=2} L_{t-1} >= -log p(x_0).
struct ddpm_elbo {
  double L0 = 0;                  ///< -E_q log p(x_0 | x_1) (Gaussian decoder, variance beta_1)
  double LT = 0;                  ///< KL(q(x_T | x_0) || N(0, I)), closed form
  std::vector<double> Lt;         ///< Lt[t-2] = E_q KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)), t = 2..T
  double total() const {
    double s = L0 + LT;
    for (double v : Lt) s += v;
    return s;
  }
};

/// The DDPM ELBO of data X0 (d x N) under an eps-predictor `eps_model(X, t, out)`
/// evaluated at continuous time t = i/T (wrap a score with parametrization.hpp's
/// predictor_from_score). The reverse kernel is p(x_{t-1}|x_t) = N(mu, sigma_t^2 I),
/// mu = posterior mean with x_0 replaced by x0_hat = (x_t - sqrt(1 - ab_t) eps)/sqrt(ab_t)
/// (seed 004 "Inf"), sigma_t^2 = beta_tilde_t (small) or beta_t (large), t >= 2.
/// L_0 decoder: p(x_0 | x_1) = N(x0_hat(x_1), beta_1 I) — a Gaussian decoder for
/// continuous low-dimensional data (Ho et al. use a discretised one for 8-bit images).
/// Expectations over x_t are Monte Carlo with `mc` draws per point; KLs are closed form.
template <class S, class Eps, class Engine>
ddpm_elbo ddpm_elbo_terms(const ddpm_schedule& sch, const ensemble<S>& X0, Eps&& eps_model, Engine& eng,
                          index_t mc = 1, reverse_variance var_kind = reverse_variance::large) {
  detail::require(X0.cols() > 0 && X0.rows() > 0, "data columns", X0.cols(), "> 0");
  detail::require(mc >= 1, "mc", mc, ">= 1");
  const index_t d = X0.rows(), n = X0.cols(), T = sch.steps();
  const double dd = double(d);
  ddpm_elbo r;
  // L_T: KL(N(a x0, (1-ab) I) || N(0, I)) = 1/2 sum (ab x0^2 + (1-ab) - 1 - log(1-ab))
  const double abT = sch.alpha_bar(T);
  r.LT = 0.5 * (abT * X0.template cast<double>().squaredNorm() / double(n) + dd * (-abT - std::log1p(-abT)));
  const ensemble<S> X0r = X0.replicate(1, mc);
  const double m = double(n * mc);
  ensemble<S> xt, eps(d, n * mc);
  r.Lt.assign(std::size_t(std::max<index_t>(T - 1, 0)), 0.0);
  for (index_t t = 1; t <= T; ++t) {
    xt = sch.q_sample(X0r, t, eng);
    eps_model(xt, S(sch.time(t)), eps);
    const S ab = S(sch.alpha_bar(t));
    const ensemble<S> x0hat = (xt - std::sqrt(S(1) - ab) * eps) / std::sqrt(ab);
    if (t == 1) {
      const double v = sch.beta(1);
      const double sq = (X0r - x0hat).template cast<double>().squaredNorm() / m;
      r.L0 = 0.5 * dd * std::log(2 * std::numbers::pi * v) + 0.5 * sq / v;
    } else {
      // KL(N(mu_q, vq I) || N(mu_p, vp I)) = d/2 (log(vp/vq) + vq/vp - 1) + ||mu_q - mu_p||^2 / (2 vp),
      // mu_q - mu_p = coef_x0 (x0 - x0_hat)
      const double c0 = sch.posterior_coef_x0(t), vq = sch.posterior_variance(t);
      const double vp = var_kind == reverse_variance::small ? vq : sch.beta(t);
      const double sq = (X0r - x0hat).template cast<double>().squaredNorm() / m;
      r.Lt[std::size_t(t - 2)] = 0.5 * dd * (std::log(vp / vq) + vq / vp - 1) + 0.5 * c0 * c0 * sq / vp;
    }
  }
  return r;
}

}  // namespace ito::diffusion
