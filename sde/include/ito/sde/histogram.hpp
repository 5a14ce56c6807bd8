#pragma once
/// \file histogram.hpp
/// \brief A fixed-bin histogram with exact (integer) merging.
///
/// `bins` equal bins on [lo, hi) plus underflow (x < lo), overflow (x >= hi)
/// and NaN counts, all std::int64_t. Because the counts are integers, merge()
/// is exact, associative and commutative: histograms filled by any number of
/// threads or processes, merged in any order, equal the histogram of all the
/// samples filled by one process (ito::mpi::reduce sums them over ranks).
///
/// Bin edges: edge(0) = lo, edge(bins) = hi and, in between,
///   edge(i) = min(hi, lo + i * w),  w = (hi - lo) / bins,
/// computed in double; they are non-decreasing in i, and bin i holds exactly
/// the x with edge(i) <= x < edge(i + 1) (the bin found by (x - lo) / w is
/// corrected against these edges, so membership agrees with edge() to the
/// last bit). For lo = 0, hi = 1 and a power-of-two `bins` the edges are
/// exactly i / bins.

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

class histogram {
 public:
  /// An empty histogram with no bins (a placeholder; add() on it throws).
  histogram() = default;

  /// `bins` equal bins on [lo, hi): lo and hi finite, lo < hi, bins >= 1.
  histogram(double lo, double hi, index_t bins) : lo_(lo), hi_(hi), bins_(bins) {
    detail::require_finite("lo", lo);
    detail::require_finite("hi", hi);
    detail::require(hi > lo, "hi", hi, "> lo = " + detail::to_text(lo));
    detail::require(std::isfinite(hi - lo), "hi - lo", hi - lo, "finite");
    detail::require(bins >= 1 && bins <= (index_t(1) << 40), "bins", bins, "in [1, 2^40]");
    width_ = (hi - lo) / double(bins);
    c_.assign(std::size_t(bins) + 3, 0);
  }

  index_t bins() const { return bins_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  /// Nominal bin width (hi - lo) / bins.
  double width() const { return width_; }

  /// Edge i in [0, bins]: lo, ..., hi (see the file comment).
  double edge(index_t i) const {
    detail::require(i >= 0 && i <= bins_, "edge index", i, "in [0, bins = " + std::to_string(bins_) + "]");
    return edge_unchecked(i);
  }
  /// Midpoint of bin i in [0, bins).
  double center(index_t i) const {
    detail::require(i >= 0 && i < bins_, "bin", i, "in [0, bins = " + std::to_string(bins_) + ")");
    return 0.5 * (edge_unchecked(i) + edge_unchecked(i + 1));
  }

  /// The bin of x: -1 for x < lo, bins for x >= hi, -2 for NaN.
  index_t bin_of(double x) const {
    if (std::isnan(x)) return -2;
    if (x < lo_) return -1;
    if (x >= hi_) return bins_;
    const double r = (x - lo_) / width_;
    index_t k = r < double(bins_) ? index_t(r) : bins_ - 1;  // r >= 0 here
    if (k > bins_ - 1) k = bins_ - 1;
    while (k > 0 && x < edge_unchecked(k)) --k;              // rounding at the edges
    while (k < bins_ - 1 && x >= edge_unchecked(k + 1)) ++k;
    return k;
  }

  /// Count one sample.
  void add(double x) {
    detail::require(bins_ > 0, "histogram bins", bins_, ">= 1 (construct with lo, hi, bins before add)");
    ++c_[slot(bin_of(x))];
  }
  /// Count every coefficient of a row, column, matrix or ensemble.
  template <class Derived>
  void add(const Eigen::DenseBase<Derived>& xs) {
    detail::require(bins_ > 0, "histogram bins", bins_, ">= 1 (construct with lo, hi, bins before add)");
    const auto& d = xs.derived();
    for (index_t j = 0; j < d.cols(); ++j)
      for (index_t i = 0; i < d.rows(); ++i) ++c_[slot(bin_of(double(d(i, j))))];
  }

  /// Add another histogram's counts (exact). Both must have the same lo, hi and bins.
  void merge(const histogram& o) {
    if (!same_binning(o)) binning_mismatch(o);
    for (std::size_t i = 0; i < c_.size(); ++i) c_[i] += o.c_[i];
  }
  /// Throws the mismatch (kept out of line: the message is only built on failure,
  /// which also keeps GCC 12's -Wrestrict false positive on inlined string
  /// concatenation away from merge()).
  [[noreturn, gnu::noinline, gnu::cold]] void binning_mismatch(const histogram& o) const {
    std::string got = "[";
    got.append(detail::to_text(o.lo_)).append(", ").append(detail::to_text(o.hi_)).append(") x ");
    got.append(std::to_string(o.bins_));
    std::string want = "the same as [";
    want.append(detail::to_text(lo_)).append(", ").append(detail::to_text(hi_)).append(") x ");
    want.append(std::to_string(bins_));
    detail::require(false, "histogram binning", got, want);
    throw ito::invalid_argument("histogram binning: " + got + ": expected " + want);  // not reached
  }
  bool same_binning(const histogram& o) const { return lo_ == o.lo_ && hi_ == o.hi_ && bins_ == o.bins_; }

  /// Count in bin i in [0, bins).
  std::int64_t count(index_t i) const {
    detail::require(i >= 0 && i < bins_, "bin", i, "in [0, bins = " + std::to_string(bins_) + ")");
    return c_[std::size_t(i) + 1];
  }
  std::int64_t underflow() const { return bins_ > 0 ? c_.front() : 0; }
  std::int64_t overflow() const { return bins_ > 0 ? c_[std::size_t(bins_) + 1] : 0; }
  std::int64_t nan_count() const { return bins_ > 0 ? c_.back() : 0; }
  /// Every sample counted: bins + underflow + overflow + NaN.
  std::int64_t total() const {
    std::int64_t t = 0;
    for (auto v : c_) t += v;
    return t;
  }
  /// Number of non-NaN samples below edge(i), i in [0, bins]: underflow + bins 0..i-1.
  /// cumulative(bins) + overflow + NaN = total.
  std::int64_t cumulative(index_t i) const {
    detail::require(i >= 0 && i <= bins_, "edge index", i, "in [0, bins = " + std::to_string(bins_) + "]");
    std::int64_t t = 0;
    for (index_t k = 0; k <= i; ++k) t += c_[std::size_t(k)];
    return t;
  }

  /// All counts in one array, [underflow, bin 0, ..., bin bins-1, overflow, NaN]
  /// (bins + 3 entries): for exact reductions (sums) across processes.
  const std::vector<std::int64_t>& raw() const { return c_; }
  std::vector<std::int64_t>& raw() { return c_; }

  friend bool operator==(const histogram& a, const histogram& b) { return a.same_binning(b) && a.c_ == b.c_; }
  friend bool operator!=(const histogram& a, const histogram& b) { return !(a == b); }

 private:
  double edge_unchecked(index_t i) const {
    if (i <= 0) return lo_;
    if (i >= bins_) return hi_;
    const double e = lo_ + double(i) * width_;
    return e < hi_ ? e : hi_;
  }
  std::size_t slot(index_t b) const { return b == -2 ? c_.size() - 1 : std::size_t(b + 1); }

  double lo_ = 0, hi_ = 0, width_ = 0;
  index_t bins_ = 0;
  std::vector<std::int64_t> c_;  // [underflow, bins..., overflow, NaN]
};

}  // namespace ito::sde
