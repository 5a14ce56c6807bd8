#pragma once
/// \file metrics.hpp
/// \brief Distances between two sample sets (d x n and d x m ensembles):
/// sliced Wasserstein-1, RBF MMD with the median heuristic, energy distance,
/// and the data-vs-data floor against a reference set.
///
///  - Sliced W1 (Rabin et al. 2011; Bonneel et al. 2015): the mean over P
///    directions theta (uniform on the sphere, fixed seed) of the exact 1-D
///    W1 between the projections <x, theta>, W1 = int_0^1 |F^{-1}(u) - G^{-1}(u)| du,
///    computed by sorting and merging the two quantile functions (so n != m
///    is exact). O(P (n + m) log(n + m)); uses every point.
///  - MMD^2 (Gretton et al. 2012, eq. 3, unbiased U-statistic) with the
///    Gaussian kernel k(x, y) = exp(-|x - y|^2 / (2 h^2)), h = the median of
///    the pairwise distances in the pooled sample (median heuristic). It can be
///    slightly negative when the sets agree. O((n + m)^2 d).
///  - Energy distance (Szekely & Rizzo 2013), V-statistic
///    2 E|X - Y| - E|X - X'| - E|Y - Y'| >= 0 (0 for identical sets). O((n + m)^2 d).
///
/// Subsampling: MMD and energy use at most `max_points` (default 5000) points
/// of each set, a seeded random subset without replacement when a set is
/// larger; the median for h uses at most 1000 pooled points. Sliced W1 always
/// uses all points. All results are deterministic for fixed options.
///
/// The floor: samples from the true distribution are not at distance 0 from
/// a finite data set. compare(a, b, ref) also returns the metrics of ref
/// against b (ref an independent draw of the same size as a from the data
/// distribution), the value a perfect sampler would get on average.

#include <Eigen/Core>
#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include <ito/sde/brownian.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using ito::sde::ensemble;
using ito::sde::index_t;

/// Options of the sample metrics (documented defaults).
struct metric_options {
  index_t projections = 500;      ///< directions for sliced W1
  std::uint64_t seed = 0;       ///< seed of the directions and subsampling
  index_t max_points = 5000;      ///< per-set cap for the O(n^2) metrics (MMD, energy)
  index_t median_points = 1000;   ///< pooled points used for the median heuristic
  double bandwidth = 0;         ///< RBF bandwidth h; 0 = median heuristic

  void check() const {
    ito::detail::require(projections >= 1, "projections", projections, ">= 1");
    ito::detail::require(max_points >= 2, "max_points", max_points, ">= 2");
    ito::detail::require(median_points >= 2, "median_points", median_points, ">= 2");
    ito::detail::require(std::isfinite(bandwidth) && bandwidth >= 0, "bandwidth", bandwidth,
                         "0 (median heuristic) or a finite number > 0");
  }
};

/// The three distances between two sample sets.
struct sample_metrics {
  double sw1 = 0;     ///< sliced Wasserstein-1
  double mmd = 0;     ///< unbiased MMD^2, RBF kernel
  double energy = 0;  ///< energy distance (V-statistic)
  double bandwidth = 0;  ///< the h used for MMD
};

/// compare(a, b[, ref]): a vs b and, given ref, the floor ref vs b.
struct comparison {
  sample_metrics value;
  std::optional<sample_metrics> floor;
};

namespace detail {

inline void check_pair(const ensemble<double>& A, const ensemble<double>& B) {
  ito::detail::require(A.rows() >= 1 && A.rows() == B.rows(), "sample dimensions",
                       std::to_string(A.rows()) + " and " + std::to_string(B.rows()), "equal and >= 1");
  ito::detail::require(A.cols() >= 2, "first sample set size", A.cols(), ">= 2 samples");
  ito::detail::require(B.cols() >= 2, "second sample set size", B.cols(), ">= 2 samples");
  ito::detail::require(A.allFinite() && B.allFinite(), "samples", "non-finite value", "finite values only");
}

/// A seeded random subset of at most k columns (all columns, in order, if cols <= k).
inline ensemble<double> subsample(const ensemble<double>& X, index_t k, std::uint64_t seed) {
  if (X.cols() <= k) return X;
  std::vector<index_t> idx(static_cast<std::size_t>(X.cols()));
  for (index_t i = 0; i < X.cols(); ++i) idx[static_cast<std::size_t>(i)] = i;
  boost::random::mt19937_64 engine(ito::sde::splitmix64(seed));
  for (index_t i = 0; i < k; ++i) {  // partial Fisher-Yates
    boost::random::uniform_int_distribution<index_t> pick(i, X.cols() - 1);
    std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(pick(engine))]);
  }
  ensemble<double> Y(X.rows(), k);
  for (index_t i = 0; i < k; ++i) Y.col(i) = X.col(idx[static_cast<std::size_t>(i)]);
  return Y;
}

/// Sum over all pairs (i, j) of f(|A_i - B_j|^2).
template <class F>
double pair_sum(const ensemble<double>& A, const ensemble<double>& B, F f) {
  double total = 0;
  for (index_t j = 0; j < B.cols(); ++j) {
    double col = 0;
    for (index_t i = 0; i < A.cols(); ++i) col += f((A.col(i) - B.col(j)).squaredNorm());
    total += col;
  }
  return total;
}

}  // namespace detail

/// \brief Exact W1 between the empirical distributions of two 1-D samples
/// (sorted in place): int_0^1 |F^{-1}(u) - G^{-1}(u)| du by merging the
/// quantile steps at u = i/n and j/m. O(n + m) after sorting.
inline double wasserstein1_sorted(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size(), m = b.size();
  ito::detail::require(n > 0 && m > 0, "wasserstein1 sample sizes", std::to_string(n) + ", " + std::to_string(m),
                       "both > 0");
  double w = 0, u_prev = 0;
  std::size_t i = 0, j = 0;
  while (i < n && j < m) {
    // next breakpoint: min((i+1)/n, (j+1)/m), compared exactly in integers
    const unsigned long long ui = (i + 1) * m, uj = (j + 1) * n;
    const double u = ui <= uj ? double(i + 1) / double(n) : double(j + 1) / double(m);
    w += std::abs(a[i] - b[j]) * (u - u_prev);
    u_prev = u;
    if (ui <= uj) ++i;
    if (uj <= ui) ++j;
  }
  return w;
}

/// Exact 1-D W1 of two unsorted samples.
inline double wasserstein1(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return wasserstein1_sorted(a, b);
}

/// P directions uniform on the unit sphere in R^d (d x P), seeded.
inline ensemble<double> random_directions(index_t d, index_t P, std::uint64_t seed) {
  boost::random::mt19937_64 engine(ito::sde::splitmix64(seed));
  boost::random::normal_distribution<double> normal;
  ensemble<double> D(d, P);
  for (index_t p = 0; p < P; ++p) {
    double nrm = 0;
    do {
      for (index_t i = 0; i < d; ++i) D(i, p) = normal(engine);
      nrm = D.col(p).norm();
    } while (nrm == 0);
    D.col(p) /= nrm;
  }
  return D;
}

/// \brief Sliced W1 along the given unit directions (d x P): mean over p of
/// W1(<A, theta_p>, <B, theta_p>).
inline double sliced_wasserstein1(const ensemble<double>& A, const ensemble<double>& B,
                                  const ensemble<double>& directions) {
  detail::check_pair(A, B);
  ito::detail::require(directions.rows() == A.rows() && directions.cols() >= 1, "directions shape",
                       std::to_string(directions.rows()) + "x" + std::to_string(directions.cols()),
                       "d x P with d = " + std::to_string(A.rows()) + ", P >= 1");
  std::vector<double> a(static_cast<std::size_t>(A.cols())), b(static_cast<std::size_t>(B.cols()));
  double total = 0;
  for (index_t p = 0; p < directions.cols(); ++p) {
    Eigen::Map<Eigen::RowVectorXd>(a.data(), A.cols()).noalias() = directions.col(p).transpose() * A;
    Eigen::Map<Eigen::RowVectorXd>(b.data(), B.cols()).noalias() = directions.col(p).transpose() * B;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    total += wasserstein1_sorted(a, b);
  }
  return total / static_cast<double>(directions.cols());
}

/// Sliced W1 with `opt.projections` random directions drawn with `opt.seed`.
inline double sliced_wasserstein1(const ensemble<double>& A, const ensemble<double>& B,
                                  const metric_options& opt = {}) {
  opt.check();
  detail::check_pair(A, B);
  return sliced_wasserstein1(A, B, random_directions(A.rows(), opt.projections, opt.seed));
}

/// Median of the pairwise distances of the pooled sample (at most
/// `opt.median_points` points, seeded subset); the RBF bandwidth h.
inline double median_bandwidth(const ensemble<double>& A, const ensemble<double>& B, const metric_options& opt = {}) {
  ensemble<double> P(A.rows(), A.cols() + B.cols());
  P << A, B;
  P = detail::subsample(P, opt.median_points, opt.seed + 2);
  std::vector<double> dist;
  dist.reserve(static_cast<std::size_t>(P.cols() * (P.cols() - 1) / 2));
  for (index_t j = 0; j < P.cols(); ++j)
    for (index_t i = 0; i < j; ++i) dist.push_back((P.col(i) - P.col(j)).norm());
  auto mid = dist.begin() + static_cast<std::ptrdiff_t>(dist.size() / 2);
  std::nth_element(dist.begin(), mid, dist.end());
  return *mid > 0 ? *mid : 1.0;  // all points equal: any h gives MMD = 0
}

/// \brief Unbiased MMD^2 with the RBF kernel of bandwidth h (0 = median heuristic).
inline double mmd_rbf(const ensemble<double>& A0, const ensemble<double>& B0, const metric_options& opt = {},
                      double* used_bandwidth = nullptr) {
  opt.check();
  detail::check_pair(A0, B0);
  const ensemble<double> A = detail::subsample(A0, opt.max_points, opt.seed);
  const ensemble<double> B = detail::subsample(B0, opt.max_points, opt.seed + 1);
  const double h = opt.bandwidth > 0 ? opt.bandwidth : median_bandwidth(A, B, opt);
  if (used_bandwidth) *used_bandwidth = h;
  const double c = -0.5 / (h * h);
  auto k = [c](double r2) { return std::exp(c * r2); };
  const double n = static_cast<double>(A.cols()), m = static_cast<double>(B.cols());
  const double kaa = (detail::pair_sum(A, A, k) - n) / (n * (n - 1));  // drop the i = j terms (k = 1)
  const double kbb = (detail::pair_sum(B, B, k) - m) / (m * (m - 1));
  const double kab = detail::pair_sum(A, B, k) / (n * m);
  return kaa + kbb - 2 * kab;
}

/// \brief Energy distance 2 E|X - Y| - E|X - X'| - E|Y - Y'| (V-statistic, >= 0).
inline double energy_distance(const ensemble<double>& A0, const ensemble<double>& B0, const metric_options& opt = {}) {
  opt.check();
  detail::check_pair(A0, B0);
  const ensemble<double> A = detail::subsample(A0, opt.max_points, opt.seed);
  const ensemble<double> B = detail::subsample(B0, opt.max_points, opt.seed + 1);
  auto r = [](double r2) { return std::sqrt(r2); };
  const double n = static_cast<double>(A.cols()), m = static_cast<double>(B.cols());
  const double e = 2 * detail::pair_sum(A, B, r) / (n * m) - detail::pair_sum(A, A, r) / (n * n) -
                   detail::pair_sum(B, B, r) / (m * m);
  return std::max(e, 0.0);  // >= 0 in exact arithmetic; clip rounding
}

/// All three metrics of A against B.
inline sample_metrics compare(const ensemble<double>& A, const ensemble<double>& B, const metric_options& opt = {}) {
  sample_metrics s;
  s.sw1 = sliced_wasserstein1(A, B, opt);
  s.mmd = mmd_rbf(A, B, opt, &s.bandwidth);
  s.energy = energy_distance(A, B, opt);
  return s;
}

/// \brief A against B, and the floor: ref against B (same options, so the
/// same directions). ref should be an independent sample of the data
/// distribution, ideally of the same size as A.
inline comparison compare(const ensemble<double>& A, const ensemble<double>& B, const ensemble<double>& ref,
                          const metric_options& opt = {}) {
  return comparison{compare(A, B, opt), compare(ref, B, opt)};
}

}  // namespace ito::diffusion
