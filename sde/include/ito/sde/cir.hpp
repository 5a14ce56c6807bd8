#pragma once
/// \file cir.hpp
/// \brief The Cox–Ingersoll–Ross process: closed forms, exact transition, and
/// an SDE problem with full truncation for Euler–Maruyama and Milstein.
///
///   dX = kappa (theta - X) dt + sigma sqrt(X) dW,   kappa, theta, sigma > 0, X_0 >= 0
///
/// (Cox, Ingersoll & Ross 1985, Econometrica 53(2), eq. 17; Glasserman 2003,
/// "Monte Carlo Methods in Financial Engineering", sec. 3.4). The transition
/// from X_s = x over h = t - s is a scaled noncentral chi-square
/// (Glasserman 2003, eq. 3.68):
///   X_t = c chi'^2_nu(lambda),  c = sigma^2 (1 - e^{-kappa h}) / (4 kappa),
///   nu = 4 kappa theta / sigma^2,  lambda = x e^{-kappa h} / c,
/// so (Glasserman 2003, eqs. 3.69–3.70; CIR 1985, eq. 19)
///   E[X_t | x]   = theta + (x - theta) e^{-kappa h},
///   Var[X_t | x] = x sigma^2/kappa (e^{-kappa h} - e^{-2 kappa h}) + theta sigma^2/(2 kappa) (1 - e^{-kappa h})^2,
///   Cov(X_s, X_t) = e^{-kappa (t - s)} Var X_s   (s <= t; the conditional mean is affine in X_s).
/// The CDF is Boost.Math's non_central_chi_squared at x / c.
///
/// Positivity. X stays >= 0 (and > 0 when 2 kappa theta >= sigma^2, Feller's
/// condition), but an Euler–Maruyama or Milstein step can leave [0, inf). The
/// problem of make_cir_problem uses *full truncation* (Lord, Koekkoek & van
/// Dijk 2010, Quantitative Finance 10(2), "A comparison of biased simulation
/// schemes for stochastic volatility models", eq. 6–7): the drift and the
/// diffusion see x+ = max(x, 0),
///   f(x) = kappa (theta - x+),  g(x) = sigma sqrt(x+),
/// so a negative state is pulled back by the drift and feels no noise. The
/// state itself may be slightly negative; it converges to the CIR law as
/// dt -> 0 (ibid., sec. 3). The problem has scalar noise (d = m = 1), so its
/// Milstein derivative is (g.grad)g = g g' = sigma^2 / 2 for x > 0 and 0 for
/// x <= 0, which is finite at x = 0 (dg/dx alone is not).
/// For exact sampling use the cir_exact stepper (steppers/cir_exact.hpp).

#include <algorithm>
#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <type_traits>

#include "error.hpp"
#include "problem.hpp"
#include "types.hpp"

namespace ito::sde {

/// dX = kappa (theta - X) dt + sigma sqrt(X) dW (Cox, Ingersoll & Ross 1985).
struct cir_process {
  double kappa = 1, theta = 1, sigma = 1;

  cir_process() = default;
  cir_process(double k, double th, double s) : kappa(k), theta(th), sigma(s) { validate(); }

  void validate() const {
    detail::require_positive("kappa", kappa);
    detail::require_positive("theta", theta);
    detail::require_positive("sigma", sigma);
  }
  /// Degrees of freedom nu = 4 kappa theta / sigma^2 (Feller's condition 2 kappa theta >= sigma^2 is nu >= 2).
  double degrees_of_freedom() const { return 4 * kappa * theta / (sigma * sigma); }
  /// The scale c(h) = sigma^2 (1 - e^{-kappa h}) / (4 kappa) of the transition over h > 0.
  double scale(double h) const { return sigma * sigma * -std::expm1(-kappa * h) / (4 * kappa); }
  /// Noncentrality lambda = x e^{-kappa h} / c(h).
  double noncentrality(double x, double h) const { return std::max(0.0, x) * std::exp(-kappa * h) / scale(h); }

  /// E[X_t | X_s = x] = theta + (x - theta) e^{-kappa (t - s)}.
  double transition_mean(double x, double s, double t) const { return theta + (x - theta) * std::exp(-kappa * (t - s)); }
  /// Var[X_t | X_s = x] (Glasserman 2003, eq. 3.70).
  double transition_variance(double x, double s, double t) const {
    detail::require(t >= s, "t", t, ">= s = " + detail::to_text(s));
    const double e = std::exp(-kappa * (t - s)), one_minus = -std::expm1(-kappa * (t - s));
    return x * sigma * sigma / kappa * e * one_minus + theta * sigma * sigma / (2 * kappa) * one_minus * one_minus;
  }
  /// E X_t from X_{t0} = x0.
  double mean(double t, double x0, double t0 = 0) const { return transition_mean(x0, t0, t); }
  /// Var X_t from X_{t0} = x0.
  double variance(double t, double x0, double t0 = 0) const { return transition_variance(x0, t0, t); }
  /// Cov(X_s, X_t) from X_{t0} = x0: e^{-kappa |t - s|} Var X_{min(s,t)}.
  double covariance(double s, double t, double x0, double t0 = 0) const {
    const double lo = std::min(s, t), hi = std::max(s, t);
    return std::exp(-kappa * (hi - lo)) * variance(lo, x0, t0);
  }
  /// P(X_t <= x | X_s = x_s): the noncentral chi-square CDF at x / c (Glasserman 2003, eq. 3.68).
  double transition_cdf(double x, double xs, double s, double t) const {
    if (!(x > 0)) return 0.0;
    if (t == s) return x >= xs ? 1.0 : 0.0;
    const double c = scale(t - s);
    const boost::math::non_central_chi_squared_distribution<double> law(degrees_of_freedom(), noncentrality(xs, t - s));
    return boost::math::cdf(law, x / c);
  }
  /// P(X_t <= x) from X_{t0} = x0.
  double cdf(double t, double x, double x0, double t0 = 0) const { return transition_cdf(x, x0, t0, t); }

  /// The exact transition as a function of one standard normal xi:
  /// X_t = c F^{-1}_{nu,lambda}(Phi(xi)), with F the noncentral chi-square CDF
  /// (inverse-transform sampling, Glasserman 2003, sec. 2.2.1 and 3.4.1). For
  /// xi > 0 the upper tail Phi(-xi) is inverted through the complement, so no
  /// accuracy is lost near u = 1. A pure function of (x, h, xi).
  double transition_quantile(double x, double h, double xi) const {
    const double c = scale(h);
    const boost::math::non_central_chi_squared_distribution<double> law(degrees_of_freedom(), noncentrality(x, h));
    const boost::math::normal_distribution<double> std_normal;
    if (xi > 0) return c * boost::math::quantile(boost::math::complement(law, boost::math::cdf(std_normal, -xi)));
    return c * boost::math::quantile(law, boost::math::cdf(std_normal, xi));
  }
};

/// Full-truncation drift kappa (theta - x+) (Lord et al. 2010).
struct cir_drift {
  cir_process model;
  template <class S>
  void operator()(const ensemble<S>& x, S, ensemble<S>& out) const {
    out.array() = S(model.kappa) * (S(model.theta) - x.array().max(S(0)));
  }
};
/// Full-truncation diffusion sigma sqrt(x+) (scalar noise).
struct cir_diffusion {
  cir_process model;
  template <class S>
  void operator()(const ensemble<S>& x, S, ensemble<S>& out) const {
    out.array() = S(model.sigma) * x.array().max(S(0)).sqrt();
  }
};
/// Milstein derivative (g.grad)g = g g' = sigma^2/2 for x > 0, 0 for x <= 0.
struct cir_derivative {
  cir_process model;
  template <class S>
  void operator()(const ensemble<S>& x, S, ensemble<S>& out) const {
    const S half_s2 = S(0.5 * model.sigma * model.sigma);
    out.array() = (x.array() > S(0)).select(ensemble<S>::Constant(x.rows(), x.cols(), half_s2), S(0));
  }
};

template <class S>
using cir_problem = problem<S, noise_kind::scalar, cir_drift, cir_diffusion, cir_derivative>;

/// The CIR problem on [t0, t1] from x0 >= 0 (1 x 1 or 1 x N), full truncation for EM/Milstein.
template <class S = double>
cir_problem<S> make_cir_problem(const cir_process& m, const std::type_identity_t<ensemble<S>>& x0,
                                std::type_identity_t<S> t0, std::type_identity_t<S> t1) {
  m.validate();
  detail::require(x0.rows() == 1, "x0 rows", x0.rows(), "1 (the CIR process is scalar)");
  detail::require(x0.minCoeff() >= S(0), "x0", x0.minCoeff(), "a state >= 0");
  return make_scalar_noise_problem<S>(cir_drift{m}, cir_diffusion{m}, x0, t0, t1, cir_derivative{m});
}

}  // namespace ito::sde
