#pragma once
/// \file state.hpp
/// \brief The mergeable streaming states of a validation run and the KS tests
/// evaluated from them.
///
///  - welford (stats.hpp): mean, variance, third and fourth central moments of
///    one component at one time (Welford 1962; Pébay 2008 merge);
///  - comoments: central co-moments of a pair (x, y) up to total order 4, for
///    the covariance of two components at one time or of one component at two
///    times;
///  - validation_state: all of them for one chunk of paths; merge() folds two
///    consecutive chunks, pack()/unpack() turn a state into doubles (for MPI);
///  - exact_ks / binned_ks: the one-sample Kolmogorov–Smirnov test from the
///    sorted u = F(x), or from a histogram of u with the bracket of the exact D.
/// Folding the same states in the same order gives the same bits, so a run is
/// bit-identical for any number of threads and processes.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../histogram.hpp"
#include "../stats.hpp"
#include "../types.hpp"

namespace ito::sde {

/// Central co-moments of a pair (x, y) up to total order 4, mergeable:
///   m_pq = sum (x - mx)^p (y - my)^q  for (p, q) in {20, 02, 11, 21, 12, 22}.
/// The covariance check needs sum u and sum u^2 of u = (x - mx)(y - my) about
/// the *global* means: sum u = m11, sum u^2 = m22. Merging (cf. Pébay 2008 for
/// one variable) re-centres each part's moments at the merged mean and adds:
/// for a part with deviations a = x - mx, c = y - my (sum a = sum c = 0) and
/// the shift (alpha, beta) = (merged mean - part mean) with sign flipped,
///   sum (a - alpha)^2 (c - beta)^2 = m22 - 2 beta m21 - 2 alpha m12 + beta^2 m20
///                                   + alpha^2 m02 + 4 alpha beta m11 + n alpha^2 beta^2,
///   sum (a - alpha)^2 (c - beta)  = m21 - beta m20 - 2 alpha m11 - n alpha^2 beta,
///   sum (a - alpha) (c - beta)^2  = m12 - alpha m02 - 2 beta m11 - n alpha beta^2,
///   sum (a - alpha)^2 = m20 + n alpha^2,  sum (c - beta)^2 = m02 + n beta^2,
///   sum (a - alpha)(c - beta) = m11 + n alpha beta
/// (expand the products; the odd single sums vanish). With delta = mean_B -
/// mean_A and n = nA + nB: part A shifts by alpha = nB delta_x / n, part B by
/// alpha = -nA delta_x / n (likewise beta with y).
struct comoments {
  static constexpr std::size_t width = 9;  ///< doubles in pack()
  double n = 0, mx = 0, my = 0, m20 = 0, m02 = 0, m11 = 0, m21 = 0, m12 = 0, m22 = 0;

  /// Two passes over the pairs (x_i, y_i) of two equally long rows or vectors.
  template <class DX, class DY>
  static comoments of(const Eigen::DenseBase<DX>& x, const Eigen::DenseBase<DY>& y) {
    comoments c;
    const index_t n = x.size();
    detail::require(y.size() == n, "comoments sizes", y.size(), "equal (" + std::to_string(n) + ")");
    if (n == 0) return c;
    c.n = double(n);
    for (index_t i = 0; i < n; ++i) c.mx += double(x.derived()(i)), c.my += double(y.derived()(i));
    c.mx /= c.n;
    c.my /= c.n;
    for (index_t i = 0; i < n; ++i) {
      const double a = double(x.derived()(i)) - c.mx, b = double(y.derived()(i)) - c.my, aa = a * a, bb = b * b;
      c.m20 += aa, c.m02 += bb, c.m11 += a * b, c.m21 += aa * b, c.m12 += a * bb, c.m22 += aa * bb;
    }
    return c;
  }
  /// The moments about (mx + alpha, my + beta) instead of (mx, my) (formulas above).
  void recentre(double alpha, double beta) {
    const double a2 = alpha * alpha, b2 = beta * beta;
    const double n22 =
        m22 - 2 * beta * m21 - 2 * alpha * m12 + b2 * m20 + a2 * m02 + 4 * alpha * beta * m11 + n * a2 * b2;
    const double n21 = m21 - beta * m20 - 2 * alpha * m11 - n * a2 * beta;
    const double n12 = m12 - alpha * m02 - 2 * beta * m11 - n * alpha * b2;
    m20 += n * a2;
    m02 += n * b2;
    m11 += n * alpha * beta;
    m21 = n21, m12 = n12, m22 = n22;
  }
  /// Fold in the pairs of `o` (this part first).
  void merge(const comoments& o) {
    if (o.n == 0) return;
    if (n == 0) {
      *this = o;
      return;
    }
    const double na = n, nb = o.n, nn = na + nb, dx = o.mx - mx, dy = o.my - my;
    comoments b = o;
    recentre(nb * dx / nn, nb * dy / nn);
    b.recentre(-na * dx / nn, -na * dy / nn);
    m20 += b.m20, m02 += b.m02, m11 += b.m11, m21 += b.m21, m12 += b.m12, m22 += b.m22;
    mx += dx * nb / nn;
    my += dy * nb / nn;
    n = nn;
  }
  void pack(std::vector<double>& out) const { out.insert(out.end(), {n, mx, my, m20, m02, m11, m21, m12, m22}); }
  static comoments unpack(const double* p) {
    comoments c;
    c.n = p[0], c.mx = p[1], c.my = p[2], c.m20 = p[3], c.m02 = p[4], c.m11 = p[5], c.m21 = p[6], c.m12 = p[7],
    c.m22 = p[8];
    return c;
  }
  /// The covariance check of covariance_test (stats.hpp) from the moments:
  /// estimate m11 / (n - 1); stderr sd(u) / sqrt(n) with sum (u - ubar)^2 = m22 - m11^2 / n.
  test_result test(double expected, double max_z, std::string name) const {
    detail::require(n > 2, "sample size", n, ">= 3");
    const double var_u = std::max(0.0, m22 - m11 * m11 / n) / (n - 1);
    return detail::z_check(std::move(name), expected, m11 / (n - 1), std::sqrt(var_u / n), max_z);
  }
};

/// The streaming state of a validation run over some paths, for check times
/// t_0 < ... < t_{T-1} and d components:
///   w[i d + k]              Welford state of component k at time t_i;
///   same[i P + p]           co-moments of components (a, b), a <= b, at t_i (d > 1 only; P = d(d+1)/2, row-major);
///   cross[a d + b]          co-moments of (X^a(t_0), X^b(t_{T-1})) (T >= 2).
/// Merging two states of consecutive path ranges is exact up to the rounding
/// of the merge formulas; the same fold order gives the same bits.
struct validation_state {
  index_t dim = 0;
  std::size_t times = 0;
  std::vector<welford> w;
  std::vector<comoments> same, cross;

  validation_state() = default;
  validation_state(index_t d, std::size_t nt)
      : dim(d), times(nt), w(nt * std::size_t(d)), same(d > 1 ? nt * std::size_t(d * (d + 1) / 2) : 0),
        cross(nt >= 2 ? std::size_t(d * d) : 0) {}

  /// Fold in the state of the paths that follow this one's.
  void merge(const validation_state& o) {
    detail::require(o.dim == dim && o.times == times, "validation_state shape", o.dim,
                    "the same dimension " + std::to_string(dim) + " and number of times");
    for (std::size_t i = 0; i < w.size(); ++i) w[i].merge(o.w[i]);
    for (std::size_t i = 0; i < same.size(); ++i) same[i].merge(o.same[i]);
    for (std::size_t i = 0; i < cross.size(); ++i) cross[i].merge(o.cross[i]);
  }
  /// Doubles in pack().
  std::size_t packed_size() const { return 5 * w.size() + comoments::width * (same.size() + cross.size()); }
  /// Append the state as doubles (counts exact below 2^53).
  void pack(std::vector<double>& out) const {
    for (const auto& x : w) out.insert(out.end(), {double(x.n), x.mean, x.m2, x.m3, x.m4});
    for (const auto& c : same) c.pack(out);
    for (const auto& c : cross) c.pack(out);
  }
  /// Read a state of this shape back from pack()'s doubles.
  void unpack(const double* p) {
    for (auto& x : w) {
      x.n = static_cast<long long>(p[0]);
      x.mean = p[1], x.m2 = p[2], x.m3 = p[3], x.m4 = p[4];
      p += 5;
    }
    for (auto& c : same) c = comoments::unpack(p), p += comoments::width;
    for (auto& c : cross) c = comoments::unpack(p), p += comoments::width;
  }
  friend bool operator==(const validation_state& a, const validation_state& b) {
    std::vector<double> x, y;
    a.pack(x);
    b.pack(y);
    return a.dim == b.dim && a.times == b.times && x == y;
  }
};

/// The bracket of a binned KS statistic: the exact D lies in [estimate, estimate_upper],
/// its p-value in [p_value_lower, p_value].
struct ks_bracket {
  index_t bins = 0;
  double estimate_upper = 0;
  double p_value_lower = 0;
};

namespace detail {
inline test_result ks_result(std::string name, double D, double n, double level) {
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
}  // namespace detail

/// Exact one-sample KS from u_i = F(x_i) (F the hypothesised continuous CDF):
/// D = max_i max(u_(i) - i/n, (i+1)/n - u_(i)) over the sorted u; p from
/// Stephens' (1970) formula as in ks_test_normal (stats.hpp). Sorts u.
inline test_result exact_ks(std::vector<double>& u, double level, std::string name) {
  detail::require(!u.empty(), "KS sample size", u.size(), "> 0");
  std::sort(u.begin(), u.end());
  const double n = double(u.size());
  double D = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    detail::require(!std::isnan(u[i]), "KS sample u = F(x)", u[i], "a number in [0, 1] (the CDF returned NaN)");
    D = std::max({D, u[i] - double(i) / n, double(i + 1) / n - u[i]});
  }
  return detail::ks_result(std::move(name), D, n, level);
}

/// Binned one-sample KS from the histogram of u = F(x) (F the hypothesised
/// continuous CDF) on [0, 1) with edges e_0 = 0 < ... < e_B = 1 (u = 1 falls in
/// the overflow). With C_k = #{u < e_k} (histogram::cumulative) and the
/// empirical CDF F_n:
///   D_B = max_k |C_k / n - e_k|  <=  D = sup_t |F_n(t) - t|  <=  D_B + h,
/// h = max_k (e_{k+1} - e_k) (= 1/B for B a power of two). Lower bound: C_k / n
/// = F_n(e_k-) is a limit of F_n(t) as t -> e_k from below. Upper bound: for t in
/// [e_k, e_{k+1}), F_n is non-decreasing, so F_n(t) - t <= C_{k+1}/n - e_{k+1} + h
/// and t - F_n(t) <= e_{k+1} - C_k/n <= e_k - C_k/n + h; outside [0, 1)
/// F_n = F. Under the hypothesis D_B <= D, so p(D_B) (Stephens' formula)
/// overstates p by at most p(D_B) - p(D_B + h): passing on p(D_B) >= level is
/// a valid, slightly conservative level test; the exact test's p lies in
/// [p(D_B + h), p(D_B)].
inline test_result binned_ks(const histogram& h, double level, std::string name, ks_bracket* bracket = nullptr) {
  const std::int64_t n = h.total() - h.nan_count();
  detail::require(n > 0, "KS sample size", n, "> 0");
  detail::require(h.nan_count() == 0, "KS NaN samples", h.nan_count(), "0 (the CDF returned NaN)");
  const double nd = double(n);
  double D = 0, width = 0;
  std::int64_t below = h.underflow();  // C_0 = #{u < 0} = 0 for a CDF
  for (index_t k = 0; k <= h.bins(); ++k) {
    const double e = h.edge(k);
    D = std::max(D, std::abs(double(below) / nd - e));
    if (k < h.bins()) {
      below += h.count(k);
      width = std::max(width, h.edge(k + 1) - e);
    }
  }
  test_result r = detail::ks_result(std::move(name), D, nd, level);
  if (bracket) {
    const double sn = std::sqrt(nd);
    bracket->bins = h.bins();
    bracket->estimate_upper = D + width;
    bracket->p_value_lower = kolmogorov_survival((sn + 0.12 + 0.11 / sn) * (D + width));
  }
  return r;
}

}  // namespace ito::sde
