#pragma once
/// \file ou.hpp
/// \brief Closed forms of Ornstein–Uhlenbeck processes: constant-coefficient
/// scalar OU, the time-varying OU of seed 000, and multivariate OU.
///
/// Each model also knows how to draw its exact transition X_{t+h} | X_t from
/// standard normals (`propagate`), which the `ou_exact` stepper uses, and how
/// to evaluate its drift and (additive) diffusion, which the problem factories
/// of ou_problems.hpp use.
///
/// Scalar OU (seed 004, appendix "Analytic Solution to OU-Process"):
///   dX = kappa (theta - X) dt + sigma dW,
///   X_t = theta + (X_s - theta) e^{-kappa (t-s)} + sigma int_s^t e^{-kappa (t-u)} dW_u,
///   E[X_t | X_s] = theta + (X_s - theta) e^{-kappa (t-s)},
///   Var[X_t | X_s] = sigma^2 (1 - e^{-2 kappa (t-s)}) / (2 kappa),
///   Cov(X_t, X_t') = sigma^2/(2 kappa) (e^{-kappa|t-t'|} - e^{-kappa(t+t')})  (X_0 deterministic).
/// (The seed's last display, X_t = ... sqrt(e^{-k|t-s|} - e^{-k(t+s)}) W_t, is not a
/// correct representation; the transition law above is what is implemented.)
///
/// Time-varying OU (seed 000, eq. 1): dX = g(t)^2/(2 sigma^2) (mu - X) dt + g(t) dB,
/// with G(s,t) = int_s^t g(u)^2 du:
///   m_{s,t} = mu + (x_s - mu) exp(-G/(2 sigma^2)),  sigma^2_{s,t} = sigma^2 (1 - exp(-G/sigma^2)).
///
/// Multivariate OU: dX = Theta (mu - X) dt + B dW (Theta d x d, B d x m):
///   mean mu + e^{-Theta h}(x - mu), covariance by Van Loan's block exponential,
///   stationary covariance S from the Lyapunov equation Theta S + S Theta^T = B B^T.
///
/// All forms are stable for kappa h -> 0 (expm1); kappa = 0 gives Brownian motion
/// (variance sigma^2 h) without a 0/0.

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

namespace detail {

/// (1 - e^{-x}) / x, stable for x -> 0 (limit 1).
inline double one_minus_exp_over(double x) {
  return x == 0.0 ? 1.0 : -std::expm1(-x) / x;
}

/// A factor L with L L^T = C for a symmetric positive semidefinite C
/// (eigen-decomposition, negative round-off eigenvalues clamped to 0).
/// (Compiled: src/ou.cpp.)
Eigen::MatrixXd psd_factor(const Eigen::MatrixXd& C);

/// The integral of f over [s, t] by adaptive Gauss–Kronrod (61 points, Boost.Math,
/// at most 15 bisections) to relative tolerance tol; *err receives the error estimate.
/// (Compiled: src/ou.cpp, so that including this header does not parse Boost.Math's quadrature.)
double gauss_kronrod_61(const std::function<double(double)>& f, double s, double t, double tol, double* err);

}  // namespace detail

// ---------------------------------------------------------------------------
// Scalar constant-coefficient OU
// ---------------------------------------------------------------------------

/// dX = kappa (theta - X) dt + sigma dW (seed 004 appendix). kappa >= 0, sigma >= 0.
/// Applied componentwise when the state has d > 1 rows (independent components).
struct scalar_ou {
  double kappa = 1, theta = 0, sigma = 1;

  scalar_ou() = default;
  scalar_ou(double k, double th, double s) : kappa(k), theta(th), sigma(s) { validate(); }

  void validate() const {
    detail::require(std::isfinite(kappa) && kappa >= 0, "kappa", kappa, "a finite number >= 0");
    detail::require_finite("theta", theta);
    detail::require(std::isfinite(sigma) && sigma >= 0, "sigma", sigma, "a finite number >= 0");
  }

  /// e^{-kappa h}.
  double decay(double h) const { return std::exp(-kappa * h); }

  /// E[X_t | X_s = x] = theta + (x - theta) e^{-kappa (t - s)}.
  double transition_mean(double x, double s, double t) const {
    return theta + (x - theta) * decay(t - s);
  }
  /// Var[X_t | X_s] = sigma^2 (1 - e^{-2 kappa h})/(2 kappa) = sigma^2 h (1 - e^{-2 kappa h})/(2 kappa h);
  /// sigma^2 h when kappa = 0 (Brownian motion).
  double transition_variance(double s, double t) const {
    detail::require(t >= s, "t", t, ">= s = " + detail::to_text(s));
    const double h = t - s;
    return sigma * sigma * h * detail::one_minus_exp_over(2 * kappa * h);
  }
  /// E X_t when X_{t0} has mean m0.
  double mean(double t, double m0, double t0 = 0) const { return transition_mean(m0, t0, t); }
  /// Var X_t when X_{t0} ~ N(m0, v0) (v0 = 0: deterministic start).
  double variance(double t, double v0 = 0, double t0 = 0) const {
    const double a = decay(t - t0);
    return a * a * v0 + transition_variance(t0, t);
  }
  /// Cov(X_t, X_u) for X_{t0} with variance v0: e^{-kappa |u - t|} Var X_{min(t,u)}.
  /// For v0 = 0 this equals sigma^2/(2 kappa) (e^{-kappa|t-u|} - e^{-kappa(t+u-2 t0)}) (seed 004).
  double covariance(double t, double u, double v0 = 0, double t0 = 0) const {
    const double lo = std::min(t, u), hi = std::max(t, u);
    return decay(hi - lo) * variance(lo, v0, t0);
  }
  /// Corr(X_t, X_u) for X_{t0} with variance v0.
  double autocorrelation(double t, double u, double v0 = 0, double t0 = 0) const {
    return covariance(t, u, v0, t0) / std::sqrt(variance(t, v0, t0) * variance(u, v0, t0));
  }
  /// Stationary autocorrelation e^{-kappa |lag|}.
  double stationary_autocorrelation(double lag) const { return decay(std::abs(lag)); }
  /// Stationary law N(theta, sigma^2/(2 kappa)); needs kappa > 0.
  double stationary_mean() const {
    detail::require_positive("kappa", kappa);
    return theta;
  }
  double stationary_variance() const {
    detail::require_positive("kappa", kappa);
    return sigma * sigma / (2 * kappa);
  }

  /// Mean of Euler–Maruyama after n steps of size dt from mean m0:
  /// theta + (1 - kappa dt)^n (m0 - theta) (seed 004, "Euler–Maruyama discretisation", OU example).
  double em_mean(double dt, long n, double m0) const {
    return theta + std::pow(1 - kappa * dt, double(n)) * (m0 - theta);
  }
  /// Variance of Euler–Maruyama after n steps of size dt from variance v0:
  /// a^n v0 + (1 - a^n) sigma^2 dt / (1 - a), a = (1 - kappa dt)^2 (geometric sum; n sigma^2 dt when a = 1),
  /// written with expm1/log1p for small kappa dt.
  double em_variance(double dt, long n, double v0 = 0) const {
    const double r = 1 - kappa * dt, a = r * r, an = std::pow(a, double(n));
    double sum;  // sum_{j<n} a^j
    if (kappa * dt > 0 && kappa * dt < 0.5) {
      const double L = 2 * std::log1p(-kappa * dt);
      sum = std::expm1(double(n) * L) / std::expm1(L);
    } else if (a == 1.0) {
      sum = double(n);
    } else {
      sum = (1 - an) / (1 - a);
    }
    return an * v0 + sum * sigma * sigma * dt;
  }

  // --- model interface (ou_problems.hpp, ou_exact) ---
  template <class S>
  void drift(const ensemble<S>& x, S, ensemble<S>& out) const {
    out.array() = S(kappa) * (S(theta) - x.array());
  }
  template <class S>
  void diffusion_matrix(index_t d, S, matrix_t<S>& G) const {
    G = matrix_t<S>::Identity(d, d) * S(sigma);
  }
  /// x <- exact draw of X_{t+h} | X_t = x, xi standard normals (d x N).
  template <class S>
  void propagate(ensemble<S>& x, double t, double h, const ensemble<S>& xi) const {
    const S a = S(decay(h)), sd = S(std::sqrt(transition_variance(t, t + h)));
    x.array() = S(theta) + a * (x.array() - S(theta)) + sd * xi.array();
  }
};

// ---------------------------------------------------------------------------
// Time-varying OU of seed 000
// ---------------------------------------------------------------------------

/// g(t) = c: G(s, t) = c^2 (t - s).
struct constant_schedule {
  double value = 1;
  double g(double) const { return value; }
  double integral_g2(double s, double t) const { return value * value * (t - s); }
};

/// g(t)^2 = beta(t) = beta_min + (beta_max - beta_min) t / T (the VP schedule, seed 004):
/// G(s, t) = beta_min (t - s) + (beta_max - beta_min)(t^2 - s^2)/(2 T).
struct linear_beta_schedule {
  double beta_min = 0.1, beta_max = 20, T = 1;
  double beta(double t) const { return beta_min + (beta_max - beta_min) * t / T; }
  double g(double t) const { return std::sqrt(std::max(0.0, beta(t))); }
  double integral_g2(double s, double t) const {
    return beta_min * (t - s) + (beta_max - beta_min) * (t * t - s * s) / (2 * T);
  }
};

/// Any g(t) given as a callable; G(s, t) by adaptive Gauss–Kronrod (61 points,
/// Boost.Math) to relative tolerance `tol` (default 1e-12).
template <class F>
struct function_schedule {
  F fn;
  double tol = 1e-12;
  double g(double t) const { return fn(t); }
  double integral_g2(double s, double t) const {
    if (t == s) return 0.0;
    double err = 0;
    const double v = detail::gauss_kronrod_61([this](double u) { double gu = fn(u); return gu * gu; }, s, t, tol, &err);
    if (!(err <= 1e-8 * std::max(1.0, std::abs(v))))
      throw ito::numerical_error("function_schedule: quadrature of g^2 on [" + detail::to_text(s) + ", " +
                                 detail::to_text(t) + "] reached error " + detail::to_text(err));
    return v;
  }
};
template <class F>
function_schedule<F> make_function_schedule(F f, double tol = 1e-12) {
  return {std::move(f), tol};
}

/// dX = g(t)^2/(2 sigma^2) (mu - X) dt + g(t) dB (seed 000, eq. 1), componentwise with mean mu.
template <class Schedule>
struct time_varying_ou {
  Schedule schedule;
  double mu = 0, sigma = 1;  ///< stationary law N(mu, sigma^2)

  double integral_g2(double s, double t) const { return schedule.integral_g2(s, t); }
  /// m_{s,t} = mu + (x_s - mu) exp(-G/(2 sigma^2)).
  double transition_mean(double x, double s, double t) const {
    return mu + (x - mu) * std::exp(-integral_g2(s, t) / (2 * sigma * sigma));
  }
  /// sigma^2_{s,t} = sigma^2 (1 - exp(-G/sigma^2)) = G (1 - e^{-G/sigma^2})/(G/sigma^2).
  double transition_variance(double s, double t) const {
    const double G = integral_g2(s, t);
    return G * detail::one_minus_exp_over(G / (sigma * sigma));
  }
  double mean(double t, double m0, double t0 = 0) const { return transition_mean(m0, t0, t); }
  double variance(double t, double v0 = 0, double t0 = 0) const {
    const double a = std::exp(-integral_g2(t0, t) / (sigma * sigma));
    return a * v0 + transition_variance(t0, t);
  }
  /// Cov(X_t, X_u) = exp(-G(lo, hi)/(2 sigma^2)) Var X_lo.
  double covariance(double t, double u, double v0 = 0, double t0 = 0) const {
    const double lo = std::min(t, u), hi = std::max(t, u);
    return std::exp(-integral_g2(lo, hi) / (2 * sigma * sigma)) * variance(lo, v0, t0);
  }
  double stationary_mean() const { return mu; }
  double stationary_variance() const { return sigma * sigma; }

  template <class S>
  void drift(const ensemble<S>& x, S t, ensemble<S>& out) const {
    const double g = schedule.g(double(t));
    out.array() = S(g * g / (2 * sigma * sigma)) * (S(mu) - x.array());
  }
  template <class S>
  void diffusion_matrix(index_t d, S t, matrix_t<S>& G) const {
    G = matrix_t<S>::Identity(d, d) * S(schedule.g(double(t)));
  }
  template <class S>
  void propagate(ensemble<S>& x, double t, double h, const ensemble<S>& xi) const {
    const double G = integral_g2(t, t + h);
    const S a = S(std::exp(-G / (2 * sigma * sigma)));
    const S sd = S(std::sqrt(G * detail::one_minus_exp_over(G / (sigma * sigma))));
    x.array() = S(mu) + a * (x.array() - S(mu)) + sd * xi.array();
  }
};
template <class Schedule>
time_varying_ou<Schedule> make_time_varying_ou(Schedule s, double mu, double sigma) {
  detail::require_finite("mu", mu);
  detail::require_positive("sigma", sigma);
  return {std::move(s), mu, sigma};
}

// ---------------------------------------------------------------------------
// Multivariate OU
// ---------------------------------------------------------------------------

/// dX = Theta (mu - X) dt + B dW, Theta d x d, mu d, B d x m.
struct multivariate_ou {
  Eigen::MatrixXd Theta;
  Eigen::VectorXd mu;
  Eigen::MatrixXd B;

  multivariate_ou() = default;
  multivariate_ou(Eigen::MatrixXd theta, Eigen::VectorXd m, Eigen::MatrixXd b)
      : Theta(std::move(theta)), mu(std::move(m)), B(std::move(b)) {
    validate();
  }
  index_t dim() const { return Theta.rows(); }
  index_t noise_dim() const { return B.cols(); }

  /// Throws ito::invalid_argument unless Theta is d x d, mu has d entries, B is d x m
  /// (m > 0) and every entry is finite.
  void validate() const;

  /// e^{-Theta h}.
  Eigen::MatrixXd propagator(double h) const;
  /// E[X_{s+h} | X_s = x] = mu + e^{-Theta h}(x - mu).
  Eigen::VectorXd transition_mean(const Eigen::VectorXd& x, double h) const;
  /// Cov[X_{s+h} | X_s] = int_0^h e^{-Theta u} B B^T e^{-Theta^T u} du by Van Loan's method
  /// (C. Van Loan, IEEE TAC 23(3), 1978): with M = [[Theta, BB^T], [0, -Theta^T]] h,
  /// e^M = [[., F12], [0, F22]] and the covariance is F22^T F12.
  /// The block exponential contains e^{Theta h}, which overflows the cancellation
  /// for large ||Theta|| h, so it is evaluated at h / 2^k with ||Theta|| h / 2^k <= 1
  /// and doubled k times: Q(2u) = Q(u) + e^{-Theta u} Q(u) e^{-Theta^T u} (sums of PSD terms).
  Eigen::MatrixXd transition_covariance(double h) const;
  /// E X_t given E X_{t0} = m0.
  Eigen::VectorXd mean(double t, const Eigen::VectorXd& m0, double t0 = 0) const;
  /// Cov X_t given Cov X_{t0} = P0: e^{-Theta h} P0 e^{-Theta^T h} + Q(h).
  Eigen::MatrixXd covariance(double t, const Eigen::MatrixXd& P0, double t0 = 0) const;
  /// Cov(X_t, X_u) for t <= u: Cov X_t e^{-Theta^T (u - t)}.
  Eigen::MatrixXd cross_covariance(double t, double u, const Eigen::MatrixXd& P0, double t0 = 0) const;
  /// True when every eigenvalue of Theta has a positive real part (mean reversion).
  bool is_stable() const;
  /// Stationary covariance S: Theta S + S Theta^T = B B^T, solved as the Kronecker
  /// system (I (x) Theta + Theta (x) I) vec S = vec(B B^T) (fine for small d).
  Eigen::MatrixXd stationary_covariance() const;

  template <class S>
  void drift(const ensemble<S>& x, S, ensemble<S>& out) const {
    out.noalias() = Theta.cast<S>() * ((-x).colwise() + mu.cast<S>());
  }
  template <class S>
  void diffusion_matrix(index_t, S, matrix_t<S>& G) const {
    G = B.cast<S>();
  }
  /// x <- mu + e^{-Theta h}(x - mu) + L xi, L L^T = Q(h) (eigen factor: semidefinite Q is fine).
  template <class S>
  void propagate(ensemble<S>& x, double, double h, const ensemble<S>& xi) const {
    const matrix_t<S> A = propagator(h).cast<S>();
    const matrix_t<S> L = detail::psd_factor(transition_covariance(h)).cast<S>();
    const vector_t<S> m = mu.cast<S>();
    x.colwise() -= m;
    ensemble<S> y(x.rows(), x.cols());
    y.noalias() = A * x;
    y.noalias() += L * xi;
    x = y.colwise() + m;
  }
};

}  // namespace ito::sde
