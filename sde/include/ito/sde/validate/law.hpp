#pragma once
/// \file law.hpp
/// \brief What a simulation is validated against: a *law*, i.e. any subset of
/// the closed-form mean, variance, covariance between two times and CDF of
/// the process at given times.
///
/// Each part is a std::function; an empty one is simply not checked. The
/// functions are called from the integrating threads (the CDF once per path
/// at the last check time), so they must be thread-safe (a lambda capturing
/// by value is). Times are absolute (the problem's t0 is where X is x0).
///
///   ito::sde::law l;
///   l.mean = [](double t) { return std::exp(-t); };
///   l.variance = [](double t) { return 0.5 * (1 - std::exp(-2 * t)); };
///
/// `law` is for scalar processes (d = 1); `multivariate_law` for d >= 1
/// (means, covariance matrices, cross-time covariance matrices, marginal
/// CDFs). A `law` converts to a `multivariate_law` of dimension 1.

#include <Eigen/Core>
#include <functional>

#include "../types.hpp"

namespace ito::sde {

/// The law of a scalar process X_t (any subset of the four parts).
struct law {
  std::function<double(double t)> mean;                 ///< E X_t
  std::function<double(double t)> variance;             ///< Var X_t
  std::function<double(double s, double t)> covariance; ///< Cov(X_s, X_t), s <= t
  std::function<double(double t, double x)> cdf;        ///< P(X_t <= x) (continuous in x)
};

/// The law of a d-dimensional process X_t (any subset of the four parts).
struct multivariate_law {
  index_t dim = 0;                                                ///< d
  std::function<Eigen::VectorXd(double t)> mean;                  ///< E X_t (d)
  std::function<Eigen::MatrixXd(double t)> covariance;            ///< Cov X_t (d x d)
  /// Cov(X_s, X_t) for s <= t: entry (a, b) = Cov(X_s^a, X_t^b) (d x d).
  std::function<Eigen::MatrixXd(double s, double t)> cross_covariance;
  std::function<double(double t, double x, index_t k)> cdf;       ///< P(X_t^k <= x), marginal of component k

  multivariate_law() = default;
  /// The scalar law as a law of dimension 1.
  multivariate_law(const law& l) : dim(1) {  // NOLINT: implicit on purpose (validate takes either)
    if (l.mean) mean = [f = l.mean](double t) { return Eigen::VectorXd::Constant(1, f(t)); };
    if (l.variance) covariance = [f = l.variance](double t) { return Eigen::MatrixXd::Constant(1, 1, f(t)); };
    if (l.covariance)
      cross_covariance = [f = l.covariance](double s, double t) { return Eigen::MatrixXd::Constant(1, 1, f(s, t)); };
    if (l.cdf) cdf = [f = l.cdf](double t, double x, index_t) { return f(t, x); };
  }
  /// True when no part is given.
  bool empty() const { return !mean && !covariance && !cross_covariance && !cdf; }
};

}  // namespace ito::sde
