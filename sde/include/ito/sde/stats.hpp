#pragma once
/// \file stats.hpp
/// \brief Statistics for validating simulations against closed forms.
///
/// Every test returns a `test_result`: the statistic, its z-score (when it has
/// one), a two-sided p-value and pass/fail at a stated level. The default
/// level is 5 sigma (two-sided p = 5.73e-7): a correct simulation fails a
/// single check with probability below one in a million, while a real error of
/// a few standard errors still shows.
///  - welford: streaming mean, variance, third and fourth central moments
///    (Welford 1962; mergeable with Pébay 2008's update), standard errors;
///  - mean_test: z = (mean - mu) / (s / sqrt n);
///  - variance_test: z = (s^2 - v) / sqrt((m4 - s^4) / n) (asymptotic, uses the fourth moment);
///  - covariance_test: per entry, z = (C_ij - Sigma_ij) / se_ij, se from Var[(x_i - m_i)(x_j - m_j)];
///  - ks_test_normal: one-sample Kolmogorov–Smirnov against N(mu, sd^2), p-value from
///    the Kolmogorov distribution with Stephens' (1970) finite-n correction.

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

/// Two-sided p-value of a standard normal z.
inline double two_sided_p(double z) {
  return std::erfc(std::abs(z) / std::sqrt(2.0));
}

/// Default tolerance of the checks in z units (5 sigma) and the equivalent p-value level.
inline constexpr double default_max_z = 5.0;
inline double level_of(double max_z) { return two_sided_p(max_z); }

/// Outcome of one statistical check.
struct test_result {
  std::string name;
  double expected = 0;   ///< the closed form (KS: 0)
  double estimate = 0;   ///< the Monte Carlo estimate (KS: the statistic D)
  double stderr_ = 0;    ///< standard error of the estimate (KS: NaN)
  double z = std::numeric_limits<double>::quiet_NaN();  ///< (estimate - expected)/stderr (KS: NaN)
  double p_value = 1;    ///< two-sided p-value
  double level = 0;      ///< pass when p_value >= level
  bool pass = true;
};

/// Streaming mean, variance, third and fourth central moments (Welford; Pébay 2008 merge).
struct welford {
  long long n = 0;
  double mean = 0, m2 = 0, m3 = 0, m4 = 0;  ///< sums of powers of deviations

  void add(double x) {
    const double n1 = double(n);
    ++n;
    const double nn = double(n), delta = x - mean, dn = delta / nn, dn2 = dn * dn, t1 = delta * dn * n1;
    mean += dn;
    m4 += t1 * dn2 * (nn * nn - 3 * nn + 3) + 6 * dn2 * m2 - 4 * dn * m3;
    m3 += t1 * dn * (nn - 2) - 3 * dn * m2;
    m2 += t1;
  }
  template <class Derived>
  void add_all(const Eigen::DenseBase<Derived>& xs) {
    const auto flat = xs.derived().reshaped();
    for (index_t i = 0; i < flat.size(); ++i) add(double(flat(i)));
  }
  /// Combine with another accumulator (Pébay 2008, eqs. 2.1–2.3).
  void merge(const welford& o) {
    if (o.n == 0) return;
    if (n == 0) {
      *this = o;
      return;
    }
    const double na = double(n), nb = double(o.n), nn = na + nb, d = o.mean - mean, d2 = d * d;
    const double M4 = m4 + o.m4 + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (nn * nn * nn) +
                      6 * d2 * (na * na * o.m2 + nb * nb * m2) / (nn * nn) + 4 * d * (na * o.m3 - nb * m3) / nn;
    const double M3 = m3 + o.m3 + d2 * d * na * nb * (na - nb) / (nn * nn) + 3 * d * (na * o.m2 - nb * m2) / nn;
    m2 += o.m2 + d2 * na * nb / nn;
    m3 = M3;
    m4 = M4;
    mean += d * nb / nn;
    n += o.n;
  }
  /// Unbiased variance s^2.
  double variance() const { return n > 1 ? m2 / double(n - 1) : 0.0; }
  /// Standard error of the mean s / sqrt(n).
  double mean_stderr() const { return std::sqrt(variance() / double(n)); }
  /// Fourth central moment (biased, m4 / n).
  double fourth_moment() const { return n > 0 ? m4 / double(n) : 0.0; }
  /// Asymptotic standard error of s^2: sqrt((mu4 - s^4) / n).
  double variance_stderr() const {
    const double v = variance();
    return std::sqrt(std::max(0.0, fourth_moment() - v * v) / double(n));
  }
};

namespace detail {
inline test_result z_check(std::string name, double expected, double estimate, double se, double max_z) {
  test_result r;
  r.name = std::move(name);
  r.expected = expected;
  r.estimate = estimate;
  r.stderr_ = se;
  r.level = level_of(max_z);
  const double diff = estimate - expected;
  r.z = se > 0 ? diff / se : (diff == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), diff));
  r.p_value = two_sided_p(r.z);
  r.pass = std::isfinite(estimate) && std::abs(r.z) <= max_z;
  return r;
}
}  // namespace detail

/// z-test of a mean: z = (mean - expected) / stderr; pass when |z| <= max_z.
inline test_result mean_test(const welford& w, double expected, double max_z = default_max_z,
                             std::string name = "mean") {
  detail::require(w.n > 1, "sample size", w.n, ">= 2");
  return detail::z_check(std::move(name), expected, w.mean, w.mean_stderr(), max_z);
}

/// Test of a variance with the asymptotic normal law of s^2:
/// z = (s^2 - expected) / sqrt((mu4 - s^4) / n); pass when |z| <= max_z.
inline test_result variance_test(const welford& w, double expected, double max_z = default_max_z,
                                 std::string name = "variance") {
  detail::require(w.n > 1, "sample size", w.n, ">= 2");
  return detail::z_check(std::move(name), expected, w.variance(), w.variance_stderr(), max_z);
}

/// Test of the covariance of two equally long samples x, y against `expected`:
/// estimate (1/(n-1)) sum (x - mx)(y - my), standard error sd(u)/sqrt(n) with
/// u = (x - mx)(y - my); pass when |z| <= max_z.
template <class DX, class DY>
test_result covariance_test(const Eigen::DenseBase<DX>& x, const Eigen::DenseBase<DY>& y, double expected,
                            double max_z = default_max_z, std::string name = "covariance") {
  detail::require(x.size() == y.size(), "sample sizes", y.size(), "equal (" + std::to_string(x.size()) + ")");
  detail::require(x.size() > 2, "sample size", x.size(), ">= 3");
  const Eigen::ArrayXd xa = x.derived().template cast<double>().reshaped().array();
  const Eigen::ArrayXd ya = y.derived().template cast<double>().reshaped().array();
  const double n = double(xa.size());
  const Eigen::ArrayXd u = (xa - xa.mean()) * (ya - ya.mean());
  welford wu;
  wu.add_all(u.matrix());
  const double cov = u.sum() / (n - 1);
  return detail::z_check(std::move(name), expected, cov, wu.mean_stderr(), max_z);
}

/// Covariance-matrix check: samples d x N (one per column) against Sigma (d x d).
/// One covariance_test per entry of the upper triangle; `worst` is the largest |z|.
struct covariance_matrix_result {
  std::vector<test_result> entries;  ///< (i, j), i <= j, row-major
  Eigen::MatrixXd estimate, z;
  double worst = 0;
  bool pass = true;
};
template <class Derived>
covariance_matrix_result covariance_matrix_test(const Eigen::MatrixBase<Derived>& samples,
                                                const Eigen::MatrixXd& expected, double max_z = default_max_z) {
  const index_t d = samples.rows();
  detail::require(expected.rows() == d && expected.cols() == d, "expected covariance rows", expected.rows(),
                  "a d x d matrix, d = " + std::to_string(d));
  covariance_matrix_result r;
  r.estimate = Eigen::MatrixXd::Zero(d, d);
  r.z = Eigen::MatrixXd::Zero(d, d);
  for (index_t i = 0; i < d; ++i)
    for (index_t j = i; j < d; ++j) {
      auto t = covariance_test(samples.row(i), samples.row(j), expected(i, j), max_z,
                               "cov(" + std::to_string(i) + "," + std::to_string(j) + ")");
      r.estimate(i, j) = r.estimate(j, i) = t.estimate;
      r.z(i, j) = r.z(j, i) = t.z;
      r.worst = std::max(r.worst, std::abs(t.z));
      r.pass = r.pass && t.pass;
      r.entries.push_back(std::move(t));
    }
  return r;
}

/// Survival function of the Kolmogorov distribution, P(K > x) =
/// 2 sum_{k>=1} (-1)^{k-1} e^{-2 k^2 x^2}; for small x the dual (Jacobi theta) series
/// 1 - sqrt(2 pi)/x sum_{k>=1} e^{-(2k-1)^2 pi^2 / (8 x^2)} is used.
inline double kolmogorov_survival(double x) {
  if (!(x > 0)) return 1.0;
  const double pi = 3.14159265358979323846;
  if (x < 1.0) {
    double s = 0;
    for (int k = 1; k <= 20; ++k) {
      const double e = double(2 * k - 1);
      s += std::exp(-e * e * pi * pi / (8 * x * x));
    }
    return std::clamp(1.0 - std::sqrt(2 * pi) / x * s, 0.0, 1.0);
  }
  double s = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    s += (k % 2 ? 1.0 : -1.0) * term;
    if (term < 1e-300) break;
  }
  return std::clamp(2 * s, 0.0, 1.0);
}

/// One-sample Kolmogorov–Smirnov test of `samples` against N(mean, sd^2).
/// D = sup |F_n - F|; p = Q_K((sqrt n + 0.12 + 0.11/sqrt n) D) (Stephens 1970);
/// pass when p >= level (default: the 5-sigma level 5.73e-7).
template <class Derived>
test_result ks_test_normal(const Eigen::DenseBase<Derived>& samples, double mean, double sd,
                           double level = level_of(default_max_z), std::string name = "KS") {
  detail::require_positive("sd", sd);
  detail::require(samples.size() > 0, "sample size", samples.size(), "> 0");
  std::vector<double> x(std::size_t(samples.size()));
  for (index_t i = 0; i < samples.size(); ++i) x[std::size_t(i)] = double(samples.derived().reshaped()(i));
  std::sort(x.begin(), x.end());
  const boost::math::normal_distribution<double> N(mean, sd);
  const double n = double(x.size());
  double D = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double F = boost::math::cdf(N, x[i]);
    D = std::max({D, F - double(i) / n, double(i + 1) / n - F});
  }
  const double sn = std::sqrt(n);
  test_result r;
  r.name = std::move(name);
  r.expected = 0;
  r.estimate = D;
  r.stderr_ = std::numeric_limits<double>::quiet_NaN();
  r.p_value = kolmogorov_survival((sn + 0.12 + 0.11 / sn) * D);
  r.level = level;
  r.pass = r.p_value >= level;
  return r;
}

}  // namespace ito::sde
