#pragma once
/// \file quality.hpp
/// \brief Statistical checks of the counter-based normals (normal.hpp): the
/// numbers behind the tests (tests/sde/test_random_normal.cpp), the 10^8 runs
/// (bench/normal_quality.cpp) and the table in docs/random-streams.md.
///
/// One run draws `per_path` normals (positions 0..per_path-1) for each of
/// `paths` neighbouring paths (path0 .. path0+paths-1) and reports
///  - raw moments E z^k, k = 1..8, against (k-1)!! (odd: 0) with standard
///    errors sqrt((E z^{2k} - (E z^k)^2) / n);
///  - Kolmogorov–Smirnov D and Anderson–Darling A^2 of u = Phi(z) against the
///    uniform, from a 2^22-bin histogram of u (the statistics of the sample
///    rounded to 2.4e-7 in u; under the null this is slightly conservative),
///    with p-values from Kolmogorov's series and Marsaglia & Marsaglia (2004,
///    J. Stat. Softw. 9(2), "Evaluating the Anderson-Darling distribution", adinf);
///  - counts of |z| > 4, 5, 6 against n P(|Z| > c) (Poisson standard error);
///  - lag-1..16 autocorrelation within each path (standard error 1/sqrt(pairs));
///  - the correlation matrix of the paths' streams: chi^2 = n_pos sum_{i<j} r_ij^2
///    against its G(G-1)/2 degrees of freedom, and max |r_ij| sqrt(n_pos).

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../error.hpp"
#include "normal.hpp"

namespace ito::sde {

struct normal_quality {
  std::int64_t n = 0, paths = 0, per_path = 0;
  std::array<double, 9> moment{}, moment_exact{}, moment_se{};  ///< index k = 1..8
  double ks_d = 0, ks_p = 0, ad_a2 = 0, ad_p = 0;
  std::array<double, 3> tail_sigma{{4, 5, 6}}, tail_count{}, tail_expected{};
  std::array<double, 17> autocorr{}, autocorr_se{};  ///< lag 1..16
  double cross_chi2 = 0, cross_dof = 0, cross_max_z = 0;

  /// (estimate - exact) / se of moment k
  double moment_z(int k) const { return (moment[std::size_t(k)] - moment_exact[std::size_t(k)]) / moment_se[std::size_t(k)]; }
  /// (count - expected) / sqrt(expected) of tail i
  double tail_z(int i) const {
    return (tail_count[std::size_t(i)] - tail_expected[std::size_t(i)]) / std::sqrt(tail_expected[std::size_t(i)]);
  }
  double cross_z() const { return (cross_chi2 - cross_dof) / std::sqrt(2 * cross_dof); }
  double max_autocorr_z() const {
    double m = 0;
    for (int l = 1; l <= 16; ++l) m = std::max(m, std::abs(autocorr[std::size_t(l)] / autocorr_se[std::size_t(l)]));
    return m;
  }
};

/// P(K > lambda) for Kolmogorov's limiting distribution.
inline double kolmogorov_sf(double lambda) {
  if (lambda < 0.2) return 1.0;
  double s = 0;
  for (int k = 1; k <= 100; ++k) s += (k % 2 ? 2.0 : -2.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(s, 0.0, 1.0);
}

/// P(A^2 > z) for the Anderson–Darling statistic of n -> infinity
/// (Marsaglia & Marsaglia 2004, adinf).
inline double anderson_darling_sf(double z) {
  if (z <= 0) return 1.0;
  double cdf;
  if (z < 2)
    cdf = std::exp(-1.2337141 / z) / std::sqrt(z) *
          (2.00012 + (.247105 - (.0649821 - (.0347962 - (.011672 - .00168691 * z) * z) * z) * z) * z);
  else
    cdf = std::exp(-std::exp(1.0776 - (2.30695 - (.43424 - (.082433 - (.008056 - .0003146 * z) * z) * z) * z) * z));
  return std::clamp(1.0 - cdf, 0.0, 1.0);
}

/// Run the checks on stream (seed, stream) for paths [path0, path0 + paths),
/// positions [0, per_path) (per_path a multiple of 4).
template <class S>
normal_quality check_normal_quality(std::uint64_t seed, stream_id stream, std::uint64_t path0, std::int64_t paths,
                                    std::int64_t per_path) {
  detail::require(paths >= 2, "paths", paths, ">= 2");
  detail::require(per_path >= 64 && per_path % 4 == 0, "per_path", per_path, "a multiple of 4, >= 64");
  const counter_key key(seed, stream);
  constexpr std::int64_t lags = 16, chunk = 256;
  constexpr std::int64_t nbins = std::int64_t(1) << 22;
  const std::int64_t G = paths;
  std::vector<std::uint32_t> bins(std::size_t(nbins), 0);
  std::vector<S> buf(std::size_t((lags + chunk) * G));  // rows: 16 history rows, then the chunk
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(G, G);
  Eigen::MatrixXd zchunk(G, chunk);
  std::array<double, 9> sum{};
  std::array<double, 17> lagsum{};
  std::array<double, 3> tails{};
  const double c[3] = {4, 5, 6};
  for (std::int64_t r0 = 0; r0 < per_path; r0 += chunk) {
    const std::int64_t rows = std::min(chunk, per_path - r0);
    S* cur = buf.data() + lags * G;
    fill_counter_normals<S>(key, path0, G, std::uint64_t(r0), rows, cur, G);
    std::array<double, 9> part{};
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t j = 0; j < G; ++j) {
        const double z = double(cur[r * G + j]);
        zchunk(j, r) = z;
        double p = z;
        for (int k = 1; k <= 8; ++k, p *= z) part[std::size_t(k)] += p;
        const double u = 0.5 * std::erfc(-z / std::sqrt(2.0));
        bins[std::size_t(std::min<double>(double(nbins - 1), std::floor(u * double(nbins))))] += 1;
        for (int t = 0; t < 3; ++t) tails[std::size_t(t)] += std::abs(z) > c[t];
        for (std::int64_t l = 1; l <= lags; ++l)
          if (r0 + r - l >= 0) lagsum[std::size_t(l)] += z * double(cur[(r - l) * G + j]);
      }
    for (int k = 1; k <= 8; ++k) sum[std::size_t(k)] += part[std::size_t(k)];
    if (rows == chunk) gram.noalias() += zchunk * zchunk.transpose();
    else gram.noalias() += zchunk.leftCols(rows) * zchunk.leftCols(rows).transpose();
    // keep the last 16 rows as history (negative row indices of the next chunk)
    std::copy(cur + (rows - lags) * G, cur + rows * G, buf.data());
  }
  normal_quality q;
  q.paths = G;
  q.per_path = per_path;
  q.n = G * per_path;
  const double n = double(q.n);
  auto exact = [](int k) {
    if (k % 2) return 0.0;
    double m = 1;
    for (int i = k - 1; i > 0; i -= 2) m *= i;
    return m;
  };
  for (int k = 1; k <= 8; ++k) {
    q.moment[std::size_t(k)] = sum[std::size_t(k)] / n;
    q.moment_exact[std::size_t(k)] = exact(k);
    q.moment_se[std::size_t(k)] = std::sqrt((exact(2 * k) - exact(k) * exact(k)) / n);
  }
  // KS and AD from the histogram of u
  double cum = 0, d = 0, a2 = 0;
  const double w = 1.0 / double(nbins);
  for (std::int64_t b = 0; b < nbins; ++b) {
    const double lo = double(b) * w, hi = lo + w, mid = lo + w / 2;
    const double f0 = cum / n;
    cum += bins[std::size_t(b)];
    const double f1 = cum / n;
    d = std::max({d, std::abs(f0 - lo), std::abs(f1 - hi)});
    // integral over the bin of (F_n - u)^2 / (u (1 - u)), F_n linear across the bin
    const double fm = (f0 + f1) / 2;
    a2 += (fm - mid) * (fm - mid) / (mid * (1 - mid)) * w;
  }
  q.ks_d = d;
  q.ks_p = kolmogorov_sf((std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d);
  q.ad_a2 = n * a2;
  q.ad_p = anderson_darling_sf(q.ad_a2);
  for (int t = 0; t < 3; ++t) {
    q.tail_count[std::size_t(t)] = tails[std::size_t(t)];
    q.tail_expected[std::size_t(t)] = n * std::erfc(c[t] / std::sqrt(2.0));
  }
  for (std::int64_t l = 1; l <= lags; ++l) {
    const double pairs = double(G * (per_path - l));
    q.autocorr[std::size_t(l)] = lagsum[std::size_t(l)] / pairs;
    q.autocorr_se[std::size_t(l)] = 1 / std::sqrt(pairs);
  }
  const Eigen::VectorXd dg = gram.diagonal();
  double chi2 = 0, zmax = 0;
  for (std::int64_t i = 0; i < G; ++i)
    for (std::int64_t j = i + 1; j < G; ++j) {
      const double r = gram(i, j) / std::sqrt(dg(i) * dg(j));
      chi2 += double(per_path) * r * r;
      zmax = std::max(zmax, std::abs(r) * std::sqrt(double(per_path)));
    }
  q.cross_chi2 = chi2;
  q.cross_dof = double(G) * double(G - 1) / 2;
  q.cross_max_z = zmax;
  return q;
}

}  // namespace ito::sde
