#pragma once
/// \file laws.hpp
/// \brief Built-in laws (law.hpp) with their closed forms:
///  - ou_law(scalar_ou, x0): seed 004, appendix "Analytic Solution to OU-Process":
///    E X_t = theta + (x0 - theta) e^{-kappa t}, Var X_t = sigma^2 (1 - e^{-2 kappa t})/(2 kappa),
///    Cov(X_s, X_t) = sigma^2/(2 kappa)(e^{-kappa|t-s|} - e^{-kappa(t+s)}), Gaussian CDF;
///  - ou_law(time_varying_ou, x0): seed 000, eq. 1 and its transition m_{s,t}, sigma^2_{s,t};
///  - ou_law(multivariate_ou, x0): mean mu + e^{-Theta t}(x0 - mu), covariance by Van Loan's
///    block exponential, Cov(X_s, X_t) = Cov X_s e^{-Theta^T (t - s)}, Gaussian marginals (ou.hpp);
///  - gbm_law(mu, sigma, x0): dX = mu X dt + sigma X dW, X_t = x0 exp((mu - sigma^2/2) t + sigma W_t)
///    (lognormal; Kloeden & Platen 1992, eq. 4.4.7): E X_t = x0 e^{mu t},
///    Var X_t = x0^2 e^{2 mu t}(e^{sigma^2 t} - 1), Cov(X_s, X_t) = x0^2 e^{mu (s + t)}(e^{sigma^2 s} - 1);
///  - cir_law(cir_process, x0): noncentral chi-square (Cox, Ingersoll & Ross 1985;
///    Glasserman 2003, sec. 3.4; see cir.hpp);
///  - em_ou_law(scalar_ou, x0, dt): the exact law of Euler–Maruyama on the scalar OU (seed 004,
///    "Euler–Maruyama discretisation"): X_{n+1} = (1 - kappa dt) X_n + kappa theta dt + sigma dW_n is
///    Gaussian with mean theta + r^n (x0 - theta), variance (1 - r^{2n}) sigma^2 dt / (1 - r^2) and
///    Cov(X_m, X_n) = r^{n - m} Var X_m (r = 1 - kappa dt, m <= n);
///  - scheme_law(problem, method, grid, x0): the exact mean and covariance of any ito stepper on a
///    linear additive problem (scheme_moments, ou_problems.hpp) at the grid times.
/// Times are absolute; x0 is the state at t0.

#include <Eigen/Core>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <memory>
#include <vector>

#include "../cir.hpp"
#include "../error.hpp"
#include "../integrate.hpp"
#include "../ou.hpp"
#include "../ou_problems.hpp"
#include "law.hpp"

namespace ito::sde {

namespace detail {
/// P(N(m, v) <= x); a point mass at m when v = 0.
inline double normal_cdf(double x, double m, double v) {
  if (!(v > 0)) return x >= m ? 1.0 : 0.0;
  return 0.5 * std::erfc(-(x - m) / std::sqrt(2 * v));
}
}  // namespace detail

/// The scalar OU dX = kappa (theta - X) dt + sigma dW from X_{t0} = x0 (seed 004).
inline law ou_law(const scalar_ou& m, double x0, double t0 = 0) {
  m.validate();
  detail::require_finite("x0", x0);
  law l;
  l.mean = [m, x0, t0](double t) { return m.mean(t, x0, t0); };
  l.variance = [m, t0](double t) { return m.variance(t, 0, t0); };
  l.covariance = [m, t0](double s, double t) { return m.covariance(s, t, 0, t0); };
  l.cdf = [m, x0, t0](double t, double x) { return detail::normal_cdf(x, m.mean(t, x0, t0), m.variance(t, 0, t0)); };
  return l;
}

/// Seed 000's time-varying OU dX = g(t)^2/(2 sigma^2)(mu - X) dt + g(t) dB from X_{t0} = x0.
template <class Schedule>
law ou_law(const time_varying_ou<Schedule>& m, double x0, double t0 = 0) {
  detail::require_finite("x0", x0);
  law l;
  l.mean = [m, x0, t0](double t) { return m.mean(t, x0, t0); };
  l.variance = [m, t0](double t) { return m.variance(t, 0, t0); };
  l.covariance = [m, t0](double s, double t) { return m.covariance(s, t, 0, t0); };
  l.cdf = [m, x0, t0](double t, double x) { return detail::normal_cdf(x, m.mean(t, x0, t0), m.variance(t, 0, t0)); };
  return l;
}

/// The multivariate OU dX = Theta (mu - X) dt + B dW from X_{t0} = x0 (ou.hpp).
inline multivariate_law ou_law(const multivariate_ou& m, const Eigen::VectorXd& x0, double t0 = 0) {
  m.validate();
  detail::require(x0.size() == m.dim(), "x0 size", x0.size(), "d = " + std::to_string(m.dim()));
  const Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(m.dim(), m.dim());
  multivariate_law l;
  l.dim = m.dim();
  l.mean = [m, x0, t0](double t) { return m.mean(t, x0, t0); };
  l.covariance = [m, Z, t0](double t) { return m.covariance(t, Z, t0); };
  l.cross_covariance = [m, Z, t0](double s, double t) { return m.cross_covariance(s, t, Z, t0); };
  l.cdf = [m, x0, Z, t0](double t, double x, index_t k) {
    return detail::normal_cdf(x, m.mean(t, x0, t0)(k), m.covariance(t, Z, t0)(k, k));
  };
  return l;
}

/// Geometric Brownian motion dX = mu X dt + sigma X dW from X_{t0} = x0 > 0 (lognormal).
inline law gbm_law(double mu, double sigma, double x0, double t0 = 0) {
  detail::require_finite("mu", mu);
  detail::require(std::isfinite(sigma) && sigma >= 0, "sigma", sigma, "a finite number >= 0");
  detail::require_positive("x0", x0);
  law l;
  l.mean = [=](double t) { return x0 * std::exp(mu * (t - t0)); };
  l.variance = [=](double t) { return x0 * x0 * std::exp(2 * mu * (t - t0)) * std::expm1(sigma * sigma * (t - t0)); };
  l.covariance = [=](double s, double t) {
    const double lo = std::min(s, t) - t0, hi = std::max(s, t) - t0;
    return x0 * x0 * std::exp(mu * (lo + hi)) * std::expm1(sigma * sigma * lo);
  };
  l.cdf = [=](double t, double x) {
    const double h = t - t0;
    if (!(h > 0) || sigma == 0) return x >= x0 * std::exp(mu * h) ? 1.0 : 0.0;
    if (!(x > 0)) return 0.0;
    const boost::math::lognormal_distribution<double> ln(std::log(x0) + (mu - sigma * sigma / 2) * h, sigma * std::sqrt(h));
    return boost::math::cdf(ln, x);
  };
  return l;
}

/// The CIR process from X_{t0} = x0 >= 0 (noncentral chi-square; cir.hpp).
inline law cir_law(const cir_process& m, double x0, double t0 = 0) {
  m.validate();
  detail::require(std::isfinite(x0) && x0 >= 0, "x0", x0, "a finite state >= 0");
  law l;
  l.mean = [m, x0, t0](double t) { return m.mean(t, x0, t0); };
  l.variance = [m, x0, t0](double t) { return m.variance(t, x0, t0); };
  l.covariance = [m, x0, t0](double s, double t) { return m.covariance(s, t, x0, t0); };
  l.cdf = [m, x0, t0](double t, double x) { return m.cdf(t, x, x0, t0); };
  return l;
}

/// The exact law of Euler–Maruyama with step dt on the scalar OU from X_{t0} = x0
/// (a Gaussian; times must be t0 + n dt).
inline law em_ou_law(const scalar_ou& m, double x0, double dt, double t0 = 0) {
  m.validate();
  detail::require_finite("x0", x0);
  detail::require_positive("dt", dt);
  auto steps = [dt, t0](double t) {
    const double n = std::round((t - t0) / dt);
    detail::require(n >= 0 && std::abs(t - t0 - n * dt) <= 1e-9 * std::max(1.0, std::abs(t)), "t", t,
                    "t0 + n dt with n >= 0 (dt = " + detail::to_text(dt) + ")");
    return long(n);
  };
  law l;
  l.mean = [m, x0, dt, steps](double t) { return m.em_mean(dt, steps(t), x0); };
  l.variance = [m, dt, steps](double t) { return m.em_variance(dt, steps(t)); };
  l.covariance = [m, dt, steps](double s, double t) {
    const long a = steps(std::min(s, t)), b = steps(std::max(s, t));
    return std::pow(1 - m.kappa * dt, double(b - a)) * m.em_variance(dt, a);
  };
  l.cdf = [m, x0, dt, steps](double t, double x) {
    const long n = steps(t);
    return detail::normal_cdf(x, m.em_mean(dt, n, x0), m.em_variance(dt, n));
  };
  return l;
}

/// The exact mean and covariance of `method` on the linear additive problem p
/// (e.g. make_ou_problem) on `grid`, from the deterministic state x0 at the
/// grid's start: scheme_moments (ou_problems.hpp) at every grid time. Asked at
/// a time off the grid, the functions throw ito::invalid_argument.
template <class P, class Method>
multivariate_law scheme_law(const P& p, const Method& method, const time_grid<typename P::scalar_type>& grid,
                            const Eigen::VectorXd& x0) {
  std::vector<index_t> all(std::size_t(grid.steps()) + 1);
  for (index_t k = 0; k <= grid.steps(); ++k) all[std::size_t(k)] = k;
  const index_t d = p.dim;
  auto moments = std::make_shared<const std::vector<gaussian_moments>>(
      scheme_moments(p, method, grid, x0, Eigen::MatrixXd::Zero(d, d), all));
  auto at = [grid, moments](double t) -> const gaussian_moments& {
    const index_t k = grid.find(typename P::scalar_type(t));
    detail::require(k >= 0, "t", t, "a time on the scheme's grid");
    return (*moments)[std::size_t(k)];
  };
  multivariate_law l;
  l.dim = d;
  l.mean = [at](double t) { return at(t).mean; };
  l.covariance = [at](double t) { return at(t).cov; };
  return l;
}

}  // namespace ito::sde
