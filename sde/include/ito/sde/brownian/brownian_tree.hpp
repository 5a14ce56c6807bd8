#pragma once
/// \file brownian_tree.hpp
/// \brief The virtual Brownian tree: W(t), W(t) - W(s) and the space-time
/// Lévy area I_(1,0) of every path of a block at any times in [t0, t1], with
/// O(depth) memory per path and the same path whatever the order of the queries.
///
/// Construction (Gaines & Lyons 1997, "Variable step size control in the
/// numerical solution of stochastic differential equations", SIAM J. Appl.
/// Math. 57(5); the pair bridge of (W, int W) as in Foster, Lyons & Oberhauser
/// 2020, "An optimal polynomial approximation of Brownian motion", SIAM J.
/// Numer. Anal. 58(3), and diffrax's VirtualBrownianTree). For a path and a noise
/// component, every dyadic interval [a, b] of [t0, t1], h = b - a, carries
///   dW = W_b - W_a  ~ N(0, h)   and   H = (1/h) int_a^b (W_u - W_a - (u-a)/h dW) du  ~ N(0, h/12),
/// independent. The root draws (dW, H) over [t0, t1] from two normals. A split
/// at c = (a+b)/2 draws two more normals xi1, xi2 and sets
///   D   = 3 H + (sqrt(h)/2) xi1                  (= dW_1 - dW_2 given H)
///   S   = 2 H - D/2,   T = sqrt(h/12) xi2        (= H_1 + H_2, H_1 - H_2)
///   dW_1 = (dW + D)/2,  dW_2 = (dW - D)/2,  H_1 = (S + T)/2,  H_2 = (S - T)/2,
/// the exact conditional law of the halves given (dW, H) (from
/// H = (H_1 + H_2)/2 + (dW_1 - dW_2)/4 and dW = dW_1 + dW_2). The tree keeps,
/// per interval, W_a and Y_a = int_{t0}^a W, so W and Y = int W are exact at
/// every dyadic point down to the leaves.
///
/// Tolerance: the tree descends to depth n = ceil(log2((t1 - t0)/tol)); inside
/// a leaf [a, b] (length <= tol), W and Y are the conditional means given the
/// leaf's (dW, H): with s = (t - a)/h,
///   W(t) = W_a + s dW + 6 s (1 - s) H,   Y(t) = Y_a + h (s W_a + s^2/2 dW + (3 s^2 - 2 s^3) H),
/// a deterministic function of t (the variance it leaves out is below tol/4).
/// Queries at dyadic points of depth <= n are exact draws. The space-time area
///   I_(1,0)(s, t) = int_s^t (W_u - W_s) du = Y(t) - Y(s) - (t - s) W(s)
/// is therefore consistent with W on every interval (SRA1, SRI).
///
/// Identity: the two normals of the split of node (level l, index i) are the
/// double normals 2q, 2q + 1 (q = (2^l + i) m + component; the root uses node 0)
/// of the path's stream (seed, stream_id::brownian_tree) (normal.hpp). A path's
/// W is a pure function of (seed, t0, t1, depth, global path index): the same
/// for any block size, thread count, process count or query order. The tree
/// computes in double for float and double users alike (a float query returns
/// the double path rounded once).
///
/// The fixed grid: querying t_k = t0 + k dt does NOT reproduce the
/// fixed-step source's increments (brownian_source.hpp): that source draws
/// each dW_k directly from stream `brownian`, while the tree builds W by
/// bisection from stream `brownian_tree`; the two agree in law, not in bits.
///
/// Cost: the tree caches the root-to-leaf chain of the last query (per level:
/// W_a, Y_a, dW, H per path and component) and, for queries at one time for
/// every path, the right sibling of every left child it computed (a split
/// yields both halves from the same two normals). Queries at increasing times
/// (a time loop) therefore compute each interval of the tree once: one split,
/// i.e. one Philox call and two normals per path, per new leaf. A query in a
/// far-away leaf recomputes up to n splits. Per-path queries (adaptive
/// stepping) keep one chain per path, and per path and level the right
/// sibling of the last left child split, so per-path steps over a common grid
/// of nodes also cost one split per step; a per-path query at a node of the tree
/// (t0 + k (t1 - t0) 2^-L, e.g. a step that is a power-of-two fraction of
/// t1 - t0) stops at the node's level L, with the same bits as the leaf
/// formula (value_per_path_double). A query at a general time descends to the
/// leaf, about n - log2((t1 - t0)/|t - t_previous|) splits, each a Philox call
/// and two normals for one path: the cost of a tree of resolution 2^-n.
///
/// The end t1: W(t1) = dW and Y(t1) = (t1 - t0)(dW/2 + H) of the root, for every
/// query at t1 (no descent to the last leaf), so W(t1) and Y(t1) are the same
/// numbers at every depth.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../error.hpp"
#include "../random/normal.hpp"
#include "../types.hpp"

namespace ito::sde {

/// The virtual Brownian tree of a block of `paths` paths (global indices
/// path0, path0 + 1, ...) driven by `noise_dim` Wiener processes on [t0, t1].
template <class S = double>
class brownian_tree {
 public:
  /// Leaves of length at most `tol` (depth ceil(log2((t1 - t0)/tol)), at most 50).
  brownian_tree(std::uint64_t seed, S t0, S t1, S tol, index_t noise_dim, std::uint64_t path0, index_t paths)
      : key_(seed, stream_id::brownian_tree), t0_(double(t0)), t1_(double(t1)), m_(noise_dim), b_(paths),
        path0_(path0) {
    detail::require_finite("t0", t0);
    detail::require_finite("t1", t1);
    detail::require(t1 > t0, "t1", t1, "t1 > t0 = " + detail::to_text(t0));
    detail::require_positive("tol", tol);
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(paths > 0, "paths", paths, "> 0");
    const double ratio = (t1_ - t0_) / double(tol);
    n_ = ratio <= 1 ? 0 : int(std::ceil(std::log2(ratio)));
    detail::require(n_ <= 50, "tol", tol, "(t1 - t0)/tol <= 2^50");
    const std::size_t level = std::size_t(m_ * b_);
    // Each quantity of each interval buffer starts a cache line further (mod 4 KB) than
    // the one before: with m B a multiple of 512 they would all be 4 KB apart, in one
    // set of the L1 cache (and loads would wait on stores 4 KB away).
    stride_ = padded(level);
    store_.assign(2 * std::size_t(n_ + 1) * 4 * stride_, 0.0);
    chain_.resize(std::size_t(n_ + 1));
    sibling_.resize(std::size_t(n_ + 1));
    for (std::size_t l = 0; l <= std::size_t(n_); ++l) {
      chain_[l] = 2 * l * 4 * stride_;
      sibling_[l] = (2 * l + 1) * 4 * stride_;
    }
    zld_ = index_t(padded(std::size_t(b_)));
    sibling_of_.assign(std::size_t(n_ + 1), -1);
    sibling_of_path_.assign(std::size_t(n_ + 1) * std::size_t(b_), -1);
    // Per-level constants, computed once (not per split or query): 2^n leaves of length
    // leaf_h_; a level-l split halves a parent of length (t1 - t0) / 2^(l-1).
    leaves_ = std::ldexp(1.0, n_);
    leaf_h_ = (t1_ - t0_) / leaves_;
    parent_h_.assign(std::size_t(n_ + 1), 0.0);
    parent_rh_.assign(std::size_t(n_ + 1), 0.0);
    parent_r12_.assign(std::size_t(n_ + 1), 0.0);
    for (int l = 1; l <= n_; ++l) {
      const double h = (t1_ - t0_) / std::ldexp(1.0, l - 1);
      parent_h_[std::size_t(l)] = h;
      parent_rh_[std::size_t(l)] = std::sqrt(h) / 2;
      parent_r12_[std::size_t(l)] = std::sqrt(h / 12);
    }
    leaf_.assign(std::size_t(b_), -1);
    depth_.assign(std::size_t(b_), -1);
    query_leaf_.assign(std::size_t(b_), 0);
    query_pos_.assign(std::size_t(b_), 0.0);
    query_last_.assign(std::size_t(b_), n_);
    query_first_.assign(std::size_t(b_), 0);
    query_end_.assign(std::size_t(b_), 0);
    start_time_.assign(std::size_t(b_), 0.0);
    end_time_.assign(std::size_t(b_), 0.0);
    query_skip_.assign(std::size_t(b_), 0);
    node_values_exact_ = t1_ - t0_ < std::ldexp(1.0, 400);
    z_.resize(2 * std::size_t(m_) * std::size_t(zld_));
  }

  int depth() const { return n_; }
  /// The largest dyadic point of level l (spacing (t1 - t0)/2^l, l clipped to the depth) at or
  /// before t, as the double whose query stops at that level's node: a query there costs at
  /// most l splits below the root and is exact, where a time inside a leaf descends all
  /// depth() levels. (Returns t itself if the node's time rounds above t, or if the tree's
  /// nodes are not exact, t1 - t0 >= 2^400; any time is a valid query, only slower.) For
  /// adaptive steps (adaptive.hpp), which end their steps there.
  double grid_below(double t, int l) const {
    if (!(t > t0_ && t < t1_) || !node_values_exact_) return t;
    l = std::clamp(l, 0, n_);
    const auto [leaf, at] = locate(t);
    const int shift = n_ - l;
    const std::int64_t k = (leaf >> shift) << shift;  // the first leaf of the level-l interval holding t
    if (k == leaf && at == 0) return t;               // t is on the grid already
    const double c = node_time(k);                    // (locate places it on node k)
    return c <= t ? c : t;
  }
  S leaf_length() const { return S(leaf_h_); }
  S t0() const { return S(t0_); }
  S t1() const { return S(t1_); }
  index_t noise_dim() const { return m_; }
  index_t paths() const { return b_; }
  std::uint64_t first_path() const { return path0_; }

  /// W(t) - W(t0) (m x B) and, if y is given, Y(t) = int_{t0}^t W (m x B), every path at time t.
  template <class Wout, class Yout>
  void value(S t, Wout& w, Yout* y) {
    check_time("t", t);
    const auto [leaf, s] = locate(double(t));
    descend_all(leaf);
    w.resize(m_, b_);
    if (y) y->resize(m_, b_);
    if (at_end(double(t))) {
      for (index_t i = 0; i < m_; ++i)
        for (index_t j = 0; j < b_; ++j) {
          const auto [we, ye] = end_value(std::size_t(i * b_ + j));
          w(i, j) = S(we);
          if (y) (*y)(i, j) = S(ye);
        }
      return;
    }
    const double h = leaf_h_;
    const double cw = 6 * s * (1 - s), cy = 3 * s * s - 2 * s * s * s;
    const double *wa = wa_at(n_), *ya = ya_at(n_), *dw = dw_at(n_), *hh = hh_at(n_);
    for (index_t i = 0; i < m_; ++i)
      for (index_t j = 0; j < b_; ++j) {
        const std::size_t o = std::size_t(i * b_ + j);
        w(i, j) = S(wa[o] + s * dw[o] + cw * hh[o]);
        if (y) (*y)(i, j) = S(ya[o] + h * (s * wa[o] + s * s / 2 * dw[o] + cy * hh[o]));
      }
  }
  void value(S t, ensemble<S>& w) { value(t, w, static_cast<ensemble<S>*>(nullptr)); }
  void value(S t, ensemble<S>& w, ensemble<S>& y) { value(t, w, &y); }

  /// dW = W(t) - W(s), s <= t, every path (m x B).
  void increment(S s, S t, ensemble<S>& dW) {
    detail::require(s <= t, "s", s, "<= t = " + detail::to_text(t));
    value(s, ws_);
    value(t, dW);
    dW -= ws_;
  }
  /// dW = W(t) - W(s) and dZ = I_(1,0)(s, t) = int_s^t (W_u - W_s) du, every path.
  void increment(S s, S t, ensemble<S>& dW, ensemble<S>& dZ) {
    detail::require(s <= t, "s", s, "<= t = " + detail::to_text(t));
    value_in_double(s, wsd_, ysd_);
    value_in_double(t, wtd_, ytd_);
    dW = (wtd_ - wsd_).template cast<S>();
    dZ = (ytd_ - ysd_ - (double(t) - double(s)) * wsd_).template cast<S>();
  }

  /// Per-path times: column j at time t[j] (t has paths() entries). For
  /// adaptive stepping, where each path keeps its own clock. Path j's values
  /// are the same as value(t[j], ...) would give it.
  void value(const S* t, ensemble<S>& w, ensemble<S>* y = nullptr) {
    value_per_path_double(t, wv_, y ? &yv_ : nullptr);
    w = wv_.template cast<S>();
    if (y) *y = yv_.template cast<S>();
  }
  /// Per-path increments: column j over [s[j], t[j]] (dZ optional).
  ///
  /// W and Y at s[j] are taken from the previous per-path increment when s[j]
  /// was one of its ends (an adaptive step starts where the previous one ended
  /// if that was accepted, where it started if rejected), so a step costs one
  /// query; W and Y are functions of the time alone, so the numbers are those
  /// a query would give.
  void increment(const S* s, const S* t, ensemble<S>& dW, ensemble<S>* dZ = nullptr) {
    bool ordered = true;  // (one pass without an early exit: it vectorizes; the message only on failure)
    for (index_t j = 0; j < b_; ++j) ordered &= s[j] <= t[j];
    if (!ordered)
      for (index_t j = 0; j < b_; ++j)
        detail::require(s[j] <= t[j], "s[" + std::to_string(j) + "]", s[j], "<= t[j] = " + detail::to_text(t[j]));
    const bool with_y = dZ != nullptr;
    const bool reuse = ends_known_ && (ends_have_y_ || !with_y);
    // the common case first: every path starts where its previous increment ended
    bool all_from_end = reuse;
    if (reuse)
      for (index_t j = 0; j < b_; ++j) all_from_end &= same_time(double(s[j]), end_time_[std::size_t(j)]);
    index_t from_end = 0, queried = 0;
    if (all_from_end) {
      from_end = b_;
    } else {
      for (index_t j = 0; j < b_; ++j) {
        const auto u = std::size_t(j);
        const double sj = double(s[j]);
        const bool at_end = reuse && same_time(sj, end_time_[u]);
        query_skip_[u] = at_end || (reuse && same_time(sj, start_time_[u]));  // at the start: the columns hold it
        from_end += at_end;
        queried += !query_skip_[u];
      }
    }
    ends_known_ = false;  // until both ends are in place (a query below may throw on a bad time)
    if (from_end == b_) {  // every path moves on (a common accepted step): the end values become the start
      ws_pp_.swap(wt_);
      if (with_y) ys_pp_.swap(yt_);
    } else if (from_end > 0) {
      for (index_t j = 0; j < b_; ++j) {
        if (!query_skip_[std::size_t(j)] || !same_time(double(s[j]), end_time_[std::size_t(j)])) continue;
        ws_pp_.col(j) = wt_.col(j);
        if (with_y) ys_pp_.col(j) = yt_.col(j);
      }
    }
    if (queried > 0) value_per_path_double(s, ws_pp_, with_y ? &ys_pp_ : nullptr, queried < b_ ? &query_skip_ : nullptr);
    value_per_path_double(t, wt_, with_y ? &yt_ : nullptr);
    std::copy_n(s, b_, start_time_.begin());
    std::copy_n(t, b_, end_time_.begin());
    ends_known_ = true;
    ends_have_y_ = with_y;
    dW = (wt_ - ws_pp_).template cast<S>();
    if (dZ) {  // I_(1,0)(s_j, t_j) = Y(t_j) - Y(s_j) - (t_j - s_j) W(s_j)
      span_.resize(m_, b_);
      for (index_t j = 0; j < b_; ++j) span_(0, j) = double(t[j]) - double(s[j]);
      for (index_t i = 1; i < m_; ++i) span_.row(i) = span_.row(0);
      *dZ = (yt_.array() - ys_pp_.array() - span_.array() * ws_pp_.array()).matrix().template cast<S>();
    }
  }

 private:
  static bool same_time(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
  void check_time(const std::string& name, S t) const {
    if (double(t) >= t0_ && double(t) <= t1_) return;  // (the message is built only on failure)
    detail::require(false, name, t, "in [t0, t1] = [" + detail::to_text(t0_) + ", " + detail::to_text(t1_) + "]");
  }
  void check_time(const char* name, S t) const {
    if (double(t) >= t0_ && double(t) <= t1_) return;
    check_time(std::string(name), t);
  }
  void check_time(index_t j, S t) const {
    if (double(t) >= t0_ && double(t) <= t1_) return;
    check_time("t[" + std::to_string(j) + "]", t);
  }
  /// The leaf holding t and the position s in [0, 1] inside it. A leaf's start time as
  /// node_time computes it is that leaf at s = 0, whatever the rounding of (t - t0)/(t1 - t0)
  /// (for t1 - t0 with a long mantissa, or t0 != 0, the quotient need not come out an integer).
  std::pair<std::int64_t, double> locate(double t) const {
    const double x = (t - t0_) / (t1_ - t0_) * leaves_;
    const std::int64_t last = (std::int64_t(1) << n_) - 1;
    std::int64_t leaf = std::min<std::int64_t>(last, std::max<std::int64_t>(0, std::int64_t(std::floor(x))));
    const double s = std::min(1.0, std::max(0.0, x - double(leaf)));
    if (s != 0 && node_values_exact_) {
      if (leaf < last && t == node_time(leaf + 1)) return {leaf + 1, 0.0};
      if (t == node_time(leaf)) return {leaf, 0.0};
    }
    return {leaf, s};
  }
  /// The start time of leaf k: t0 + (t1 - t0) k / 2^depth, rounded once.
  double node_time(std::int64_t k) const { return t0_ + (t1_ - t0_) * (double(k) / leaves_); }
  /// t is the end t1 of the root interval: W and Y there are the root's own
  /// (end_value), with no descent.
  bool at_end(double t) const { return t == t1_ && node_values_exact_; }
  /// W(t1) and Y(t1) of entry o (component, path) from the root [t0, t1]:
  ///   W(t1) = W_a + dW,   Y(t1) = Y_a + (t1 - t0) (W_a + dW/2 + H)
  /// (int_a^b W = h (W_a + dW/2 + H) by the definition of H): the exact values
  /// at the root's right end, for every query at t1 (block or per path).
  std::pair<double, double> end_value(std::size_t o) {
    const double wa = wa_at(0)[o], ya = ya_at(0)[o], dw = dw_at(0)[o], hh = hh_at(0)[o];
    return {wa + dw, ya + (t1_ - t0_) * (wa + dw / 2 + hh)};
  }
  /// The first level whose interval differs between the chains of leaves a and b (a < 0: 0).
  int first_new_level(std::int64_t cached, std::int64_t leaf) const {
    if (cached < 0) return 0;
    if (cached == leaf) return n_ + 1;
    return n_ - int(std::bit_width(std::uint64_t(cached ^ leaf))) + 1;
  }
  /// n rounded up to a 64-byte line of doubles, plus one line.
  static std::size_t padded(std::size_t n) { return (n + 7) / 8 * 8 + 8; }
  /// Level l's interval in the cached chain: W_a, Y_a, dW, H, each m x B ([component][path]).
  double* wa_at(int l) { return store_.data() + chain_[std::size_t(l)]; }
  double* ya_at(int l) { return wa_at(l) + stride_; }
  double* dw_at(int l) { return wa_at(l) + 2 * stride_; }
  double* hh_at(int l) { return wa_at(l) + 3 * stride_; }
  /// Root (dW, H) at level 0 for columns [j0, j1) (normals in z_ rows 2i, 2i+1).
  void set_root(index_t j0, index_t j1, index_t ld) {
    const double T = t1_ - t0_, sw = std::sqrt(T), sh = std::sqrt(T / 12);
    double *wa = wa_at(0), *ya = ya_at(0), *dw = dw_at(0), *hh = hh_at(0);
    for (index_t i = 0; i < m_; ++i)
      for (index_t j = j0; j < j1; ++j) {
        const std::size_t o = std::size_t(i * b_ + j);
        const index_t c = j - j0;
        wa[o] = 0;
        ya[o] = 0;
        dw[o] = sw * z_[std::size_t(2 * i * ld + c)];
        hh[o] = sh * z_[std::size_t((2 * i + 1) * ld + c)];
      }
  }
  /// One split for n paths (the formulas of the file comment). In: the
  /// parent's W_a, Y_a, dW, H and the scaled normals x1 = (sqrt(h)/2) xi1,
  /// x2 = sqrt(h/12) xi2. Out: the left half (if Left) and the right half (if Right):
  ///   D = 3 H + x1,  S = 2 H - D/2,  T = x2,  dW_1 = (dW + D)/2,  H_1 = (S + T)/2,
  ///   left:  W_a,          Y_a,                                dW_1,          H_1
  ///   right: W_a + dW_1,   Y_a + (h/2) (W_a + H_1 + dW_1/2),   (dW - D)/2,    (S - T)/2
  /// (int_a^c W = (h/2) (W_a + dW_1/2 + H_1) by the definition of H_1). Every
  /// array is its own (restrict), so the loop vectorizes without alias checks.
  template <bool Left, bool Right>
  static void bisect(index_t n, double h2, const double* __restrict x1, const double* __restrict x2,
                     const double* __restrict pwa, const double* __restrict pya, const double* __restrict pdw,
                     const double* __restrict phh, double* __restrict lwa, double* __restrict lya,
                     double* __restrict ldw, double* __restrict lhh, double* __restrict rwa, double* __restrict rya,
                     double* __restrict rdw, double* __restrict rhh) {
    for (index_t c = 0; c < n; ++c) {
      const double H = phh[c], dW = pdw[c];
      const double D = 3 * H + x1[c];
      const double Ssum = 2 * H - D / 2, Tdif = x2[c];
      const double dW1 = (dW + D) / 2, H1 = (Ssum + Tdif) / 2;
      if constexpr (Left) {
        lwa[c] = pwa[c];
        lya[c] = pya[c];
        ldw[c] = dW1;
        lhh[c] = H1;
      }
      if constexpr (Right) {
        rwa[c] = pwa[c] + dW1;
        rya[c] = pya[c] + h2 * (pwa[c] + H1 + dW1 / 2);
        rdw[c] = (dW - D) / 2;
        rhh[c] = (Ssum - Tdif) / 2;
      }
    }
  }
  /// Level l (>= 1) from level l-1 for columns [j0, j1): child `right` of the
  /// parent interval, normals in z_ (scaled in place). With keep_sibling (a
  /// left child), the right child goes to sibling_[l] (the same numbers a later
  /// split for the right child would compute).
  ///
  /// The bits: (sqrt(h)/2) xi1 and sqrt(h/12) xi2 are products rounded on
  /// their own, made in a pass of their own so that the compiler cannot
  /// contract them into bisect's sums (GCC contracts a * b + c into an FMA by
  /// default, -ffp-contract=fast, when both are in one basic block); bisect's
  /// own products 3 H and (h/2)(...) are contracted on FMA targets, as they
  /// always were: the numbers of the former scalar split, bit for bit (checked
  /// at -O2 and -O3, with and without FMA, and with contraction off).
  void split(int l, bool right, index_t j0, index_t j1, index_t ld, bool keep_sibling = false) {
    const double h2 = parent_h_[std::size_t(l)] / 2;  // half the parent's length (exact)
    const double rh = parent_rh_[std::size_t(l)], r12 = parent_r12_[std::size_t(l)];
    const index_t n = j1 - j0;
    double *pw = wa_at(l - 1), *cw = wa_at(l), *sw = store_.data() + sibling_[std::size_t(l)];
    const std::size_t q = stride_;  // from one quantity (W_a, Y_a, dW, H) of a buffer to the next
    for (index_t i = 0; i < m_; ++i) {
      double* x1 = z_.data() + 2 * i * ld;
      double* x2 = x1 + ld;
      for (index_t c = 0; c < n; ++c) x1[c] *= rh;
      for (index_t c = 0; c < n; ++c) x2[c] *= r12;
      const std::size_t o = std::size_t(i * b_ + j0);
      double *p = pw + o, *c = cw + o, *r = sw + o;
      if (right)
        bisect<false, true>(n, h2, x1, x2, p, p + q, p + 2 * q, p + 3 * q, nullptr, nullptr, nullptr, nullptr, c,
                            c + q, c + 2 * q, c + 3 * q);
      else if (keep_sibling)
        bisect<true, true>(n, h2, x1, x2, p, p + q, p + 2 * q, p + 3 * q, c, c + q, c + 2 * q, c + 3 * q, r,
                           r + q, r + 2 * q, r + 3 * q);
      else
        bisect<true, false>(n, h2, x1, x2, p, p + q, p + 2 * q, p + 3 * q, c, c + q, c + 2 * q, c + 3 * q,
                            nullptr, nullptr, nullptr, nullptr);
    }
  }
  /// The normals of node `id` for columns [j0, j1) into z_ (2m rows, leading dimension ld).
  void node_normals(std::uint64_t id, index_t j0, index_t j1, index_t ld) {
    fill_counter_normals<double>(key_, path0_ + std::uint64_t(j0), j1 - j0, 2 * id * std::uint64_t(m_), 2 * m_,
                                 z_.data(), ld);
  }
  /// Bring every path's chain to `leaf` (all paths share the query time).
  /// In a time loop each level's left child is split with its right sibling
  /// kept (sibling_), which the chain then takes by a swap of buffers.
  void descend_all(std::int64_t leaf) {
    path_siblings_valid_ = false;  // the shared descent below reuses the sibling buffers
    if (shared_leaf_ == -2) {  // chains differ after per-path queries: realign
      std::fill(query_leaf_.begin(), query_leaf_.end(), leaf);
      std::fill(query_last_.begin(), query_last_.end(), n_);
      descend_paths();
      std::fill(sibling_of_.begin(), sibling_of_.end(), -1);
      shared_leaf_ = leaf;
      uniform_chains_ = true;  // (the kept per-path siblings are dropped: path_siblings_valid_)
      return;
    }
    const int l0 = first_new_level(shared_leaf_, leaf);
    if (l0 == 0) {
      node_normals(0, 0, b_, zld_);
      set_root(0, b_, zld_);
    }
    for (int l = std::max(1, l0); l <= n_; ++l) {
      const std::int64_t parent = leaf >> (n_ - l + 1);
      const bool right = (leaf >> (n_ - l)) & 1;
      std::int64_t& sib = sibling_of_[std::size_t(l)];
      if (right && sib == parent) {  // computed with its left sibling: swap it in (the left child goes out)
        std::swap(chain_[std::size_t(l)], sibling_[std::size_t(l)]);
        sib = -1;
        continue;
      }
      node_normals((std::uint64_t(1) << (l - 1)) + std::uint64_t(parent), 0, b_, zld_);
      split(l, right, 0, b_, zld_, !right);
      sib = right ? -1 : parent;
    }
    shared_leaf_ = leaf;  // (leaf_ and depth_ are filled from it when per-path queries need them)
    uniform_chains_ = true;
  }
  /// Level l of the chain, columns [j0, j1) = the right siblings kept by the
  /// split of their left children (descend_paths): the numbers a split would give.
  void take_sibling(int l, index_t j0, index_t j1) {
    double *c = wa_at(l), *r = store_.data() + sibling_[std::size_t(l)];
    for (std::size_t k = 0; k < 4; ++k)
      for (index_t i = 0; i < m_; ++i) {
        const std::size_t o = k * stride_ + std::size_t(i * b_);
        std::copy(r + o + std::size_t(j0), r + o + std::size_t(j1), c + o + std::size_t(j0));
      }
  }
  /// Bring every path j's chain to query_leaf_[j] down to level
  /// query_last_[j] (<= n_): levels 0..query_last_[j] then hold the intervals
  /// containing that leaf. Only the levels where a path's cached chain (current
  /// down to depth_[j]) differs are recomputed, level by level; at each level
  /// the consecutive paths that need the same node share one call for the
  /// normals, vectorized over them (paths whose times share the node, e.g. on a
  /// common step). Each path gets the same numbers as alone: a node's normals
  /// depend only on (seed, node, path).
  void descend_paths() {
    int lo = n_ + 1, hi = -1;
    for (index_t j = 0; j < b_; ++j) {
      const auto u = std::size_t(j);
      query_first_[u] = std::min(first_new_level(leaf_[u], query_leaf_[u]), depth_[u] + 1);
      if (query_first_[u] <= query_last_[u]) {
        lo = std::min(lo, query_first_[u]);
        hi = std::max(hi, query_last_[u]);
      }
    }
    const auto needs = [&](index_t j, int l) {
      return query_first_[std::size_t(j)] <= l && l <= query_last_[std::size_t(j)];
    };
    if (!path_siblings_valid_) {  // descend_all reused the sibling buffers
      std::fill(sibling_of_path_.begin(), sibling_of_path_.end(), -1);
      path_siblings_valid_ = true;
    }
    for (int l = lo; l <= hi; ++l) {
      std::int64_t* sib = sibling_of_path_.data() + std::size_t(l) * std::size_t(b_);
      for (index_t j0 = 0; j0 < b_;) {
        if (!needs(j0, l)) {
          ++j0;
          continue;
        }
        const std::int64_t node = query_leaf_[std::size_t(j0)] >> (n_ - l);  // index of the level-l interval
        // a right child whose left sibling this path split last: take the kept values
        const bool kept = l > 0 && (node & 1) && sib[j0] == (node >> 1);
        index_t j1 = j0 + 1;
        while (j1 < b_ && needs(j1, l) && (query_leaf_[std::size_t(j1)] >> (n_ - l)) == node &&
               (l > 0 && (node & 1) && sib[j1] == (node >> 1)) == kept)
          ++j1;
        if (l == 0) {
          node_normals(0, j0, j1, j1 - j0);
          set_root(j0, j1, j1 - j0);
        } else if (kept) {
          take_sibling(l, j0, j1);
          std::fill(sib + j0, sib + j1, -1);
        } else {
          node_normals((std::uint64_t(1) << (l - 1)) + std::uint64_t(node >> 1), j0, j1, j1 - j0);
          const bool left = !(node & 1);
          split(l, !left, j0, j1, j1 - j0, left);
          std::fill(sib + j0, sib + j1, left ? node >> 1 : -1);
        }
        j0 = j1;
      }
    }
    for (index_t j = 0; j < b_; ++j) {
      const auto u = std::size_t(j);
      leaf_[u] = query_leaf_[u];
      depth_[u] = std::max(query_last_[u], query_first_[u] - 1);
    }
  }
  /// After per-path queries the chains differ: no shared leaf, no valid sibling.
  void forget_shared_chain() {
    shared_leaf_ = -2;
    std::fill(sibling_of_.begin(), sibling_of_.end(), -1);
  }
 public:
  /// W(t) and Y(t) in double, the tree's own precision (for sources and steppers
  /// that difference values: no rounding to S before the subtraction).
  void value_in_double(S t, ensemble<double>& w, ensemble<double>& y) { value_in_double(t, w, &y); }
  /// The same, Y only if y != nullptr.
  void value_in_double(S t, ensemble<double>& w, ensemble<double>* y) {
    check_time("t", t);
    const auto [leaf, s] = locate(double(t));
    descend_all(leaf);
    w.resize(m_, b_);
    if (y) y->resize(m_, b_);
    if (at_end(double(t))) {
      for (index_t i = 0; i < m_; ++i)
        for (index_t j = 0; j < b_; ++j) {
          const auto [we, ye] = end_value(std::size_t(i * b_ + j));
          w(i, j) = we;
          if (y) (*y)(i, j) = ye;
        }
      return;
    }
    if (!y) {
      const double cw = 6 * s * (1 - s);
      const double *wa = wa_at(n_), *dw = dw_at(n_), *hh = hh_at(n_);
      double* o = w.data();
      if (m_ == 1) {
        for (index_t j = 0; j < b_; ++j) o[j] = wa[j] + s * dw[j] + cw * hh[j];
      } else {
        for (index_t i = 0; i < m_; ++i)
          for (index_t j = 0; j < b_; ++j) w(i, j) = wa[i * b_ + j] + s * dw[i * b_ + j] + cw * hh[i * b_ + j];
      }
      return;
    }
    leaf_values(s, w, y);
  }

 private:
  /// w (and y) = the leaf formula of the file comment at position s of the
  /// chain's leaf, every path (the buffers hold component i of path j at i B + j).
  void leaf_values(double s, ensemble<double>& w, ensemble<double>* y) {
    const double h = leaf_h_;
    const double cw = 6 * s * (1 - s), cy = 3 * s * s - 2 * s * s * s;
    const double *wa = wa_at(n_), *ya = ya_at(n_), *dw = dw_at(n_), *hh = hh_at(n_);
    for (index_t i = 0; i < m_; ++i)
      for (index_t j = 0; j < b_; ++j) {
        const std::size_t o = std::size_t(i * b_ + j);
        w(i, j) = wa[o] + s * dw[o] + cw * hh[o];
        if (y) (*y)(i, j) = ya[o] + h * (s * wa[o] + s * s / 2 * dw[o] + cy * hh[o]);
      }
  }
  /// Column j of w (and y) = W(t[j]) (and Y(t[j])) of path j.
  ///
  /// A time on a node of the tree needs no descent below the node: if locate
  /// gives t the position s = 0 in its leaf, the leaf's chain below level
  /// L = n - (trailing zero bits of the leaf index) consists of left children,
  /// which copy their parent's W_a and Y_a, and the leaf formula reduces to
  ///   W(t) = W_a + 0 dW + 0 H,   Y(t) = Y_a + h (0 W_a + 0 dW + 0 H)
  /// with the level-L values. The normals are bounded (|z| <= sqrt(2 ln 2^53)
  /// < 9, normal.hpp), so every value of the tree is finite when t1 - t0 < 2^400;
  /// then the zero terms are +-0 and the sums are W_a and Y_a exactly, except
  /// for W_a = -0 or Y_a = -0 (-0 + +0 = +0): such a path descends to the leaf
  /// as before. Same bits, L levels instead of n.
  /// Paths with (*skip)[j] != 0 are left as they are (their columns untouched).
  void value_per_path_double(const S* t, ensemble<double>& w, ensemble<double>* y,
                             const std::vector<char>* skip = nullptr) {
    w.resize(m_, b_);
    if (y) y->resize(m_, b_);
    if (!skip && uniform_chains_) {
      bool common = true;  // every path at the same time (a common step)
      for (index_t j = 1; j < b_ && common; ++j) common = same_time(double(t[j]), double(t[0]));
      if (common && value_common_double(double(t[0]), w, y)) return;
    }
    if (shared_leaf_ >= 0) {  // every chain is the shared one (descend_all leaves leaf_ and depth_ to here)
      std::fill(leaf_.begin(), leaf_.end(), shared_leaf_);
      std::fill(depth_.begin(), depth_.end(), n_);
    }
    const auto skipped = [skip](std::size_t u) { return skip && (*skip)[u]; };
    for (index_t j = 0; j < b_; ++j) {
      const auto u = std::size_t(j);
      if (skipped(u)) {  // no levels to compute: the chain stays as it is
        query_leaf_[u] = leaf_[u];
        query_last_[u] = -1;
        continue;
      }
      query_end_[u] = 0;
      if (j > 0 && !skipped(u - 1) && same_time(double(t[j]), double(t[j - 1])) &&
          !query_end_[u - 1]) {  // (a common step)
        query_leaf_[u] = query_leaf_[u - 1];
        query_pos_[u] = query_pos_[u - 1];
        query_last_[u] = query_last_[u - 1];
        continue;
      }
      check_time(j, t[j]);
      if (at_end(double(t[j]))) {  // the root's values: its chain stays as it is (or gets the root)
        query_end_[u] = 1;
        query_leaf_[u] = leaf_[u] >= 0 ? leaf_[u] : 0;
        query_last_[u] = 0;
        continue;
      }
      const auto [leaf, s] = locate(double(t[j]));
      query_leaf_[u] = leaf;
      query_pos_[u] = s;
      query_last_[u] = s == 0 && node_values_exact_ && leaf != 0 ? n_ - std::countr_zero(std::uint64_t(leaf))
                       : s == 0 && node_values_exact_           ? 0
                                                                : n_;
    }
    descend_paths();
    // W_a = -0 or Y_a = -0 at the node: those paths go on to the leaf
    bool deeper = false;
    for (index_t j = 0; j < b_; ++j) {
      const auto u = std::size_t(j);
      if (query_last_[u] == n_ || skipped(u) || query_end_[u]) continue;
      for (index_t i = 0; i < m_; ++i) {
        const std::size_t o = std::size_t(i * b_ + j);
        const double wa = wa_at(query_last_[u])[o], ya = ya_at(query_last_[u])[o];
        if ((wa == 0 && std::signbit(wa)) || (y && ya == 0 && std::signbit(ya))) {
          query_last_[u] = n_;
          deeper = true;
          break;
        }
      }
    }
    if (deeper) descend_paths();
    const double h = leaf_h_;
    const double *wa = wa_at(n_), *ya = ya_at(n_), *dw = dw_at(n_), *hh = hh_at(n_);
    for (index_t j = 0; j < b_; ++j) {
      const auto u = std::size_t(j);
      if (skipped(u)) continue;
      if (query_end_[u]) {
        for (index_t i = 0; i < m_; ++i) {
          const auto [we, ye] = end_value(std::size_t(i * b_ + j));
          w(i, j) = we;
          if (y) (*y)(i, j) = ye;
        }
        continue;
      }
      const int L = query_last_[u];
      if (L < n_) {
        for (index_t i = 0; i < m_; ++i) {
          const std::size_t o = std::size_t(i * b_ + j);
          w(i, j) = wa_at(L)[o];
          if (y) (*y)(i, j) = ya_at(L)[o];
        }
        continue;
      }
      const double s = query_pos_[u];
      const double cw = 6 * s * (1 - s), cy = 3 * s * s - 2 * s * s * s;
      for (index_t i = 0; i < m_; ++i) {
        const std::size_t o = std::size_t(i * b_ + j);
        w(i, j) = wa[o] + s * dw[o] + cw * hh[o];
        if (y) (*y)(i, j) = ya[o] + h * (s * wa[o] + s * s / 2 * dw[o] + cy * hh[o]);
      }
    }
    forget_shared_chain();
    uniform_chains_ = false;
  }

  /// value_per_path_double when every path queries the same time t and every
  /// path's chain (leaf, depth, kept siblings) is the same: the same levels,
  /// splits and formulas as the per-path code, decided once for the block
  /// instead of per path (the same bits). Returns false, with the chains
  /// brought to the node's level, if a node value is -0 (the per-path code
  /// then takes those paths to the leaf).
  bool value_common_double(double t, ensemble<double>& w, ensemble<double>* y) {
    check_time("t", S(t));
    const std::int64_t cached = shared_leaf_ >= 0 ? shared_leaf_ : leaf_[0];
    const int depth = shared_leaf_ >= 0 ? n_ : depth_[0];
    std::int64_t leaf = cached >= 0 ? cached : 0;
    double pos = 0;
    int last = 0;
    const bool end = at_end(t);
    if (!end) {
      const auto [lf, sp] = locate(t);
      leaf = lf;
      pos = sp;
      last = sp == 0 && node_values_exact_ && lf != 0 ? n_ - std::countr_zero(std::uint64_t(lf))
             : sp == 0 && node_values_exact_         ? 0
                                                     : n_;
    }
    const int first = std::min(first_new_level(cached, leaf), depth + 1);
    if (!path_siblings_valid_) {
      std::fill(sibling_of_path_.begin(), sibling_of_path_.end(), -1);
      path_siblings_valid_ = true;
    }
    for (int l = first; l <= last; ++l) {
      std::int64_t* sib = sibling_of_path_.data() + std::size_t(l) * std::size_t(b_);
      const std::int64_t node = leaf >> (n_ - l);
      if (l == 0) {
        node_normals(0, 0, b_, b_);
        set_root(0, b_, b_);
      } else if ((node & 1) && sib[0] == (node >> 1)) {
        take_sibling(l, 0, b_);
        std::fill(sib, sib + b_, -1);
      } else {
        node_normals((std::uint64_t(1) << (l - 1)) + std::uint64_t(node >> 1), 0, b_, b_);
        const bool left = !(node & 1);
        split(l, !left, 0, b_, b_, left);
        std::fill(sib, sib + b_, left ? node >> 1 : -1);
      }
    }
    std::fill(leaf_.begin(), leaf_.end(), leaf);
    std::fill(depth_.begin(), depth_.end(), std::max(last, first - 1));
    forget_shared_chain();
    // the buffers hold component i of path j at i B + j; w and y are m x B, column-major
    if (end) {
      for (index_t i = 0; i < m_; ++i)
        for (index_t j = 0; j < b_; ++j) {
          const auto [we, ye] = end_value(std::size_t(i * b_ + j));
          w(i, j) = we;
          if (y) (*y)(i, j) = ye;
        }
      return true;
    }
    const std::size_t mb = std::size_t(m_ * b_);
    if (last < n_) {
      const double *wa = wa_at(last), *ya = ya_at(last);
      const auto negative_zero = [](double v) { return std::bit_cast<std::uint64_t>(v) == (std::uint64_t(1) << 63); };
      bool nz = false;
      for (std::size_t o = 0; o < mb; ++o) nz |= negative_zero(wa[o]) || (y && negative_zero(ya[o]));
      if (nz) return false;
      for (index_t i = 0; i < m_; ++i)
        for (index_t j = 0; j < b_; ++j) {
          w(i, j) = wa[i * b_ + j];
          if (y) (*y)(i, j) = ya[i * b_ + j];
        }
      return true;
    }
    leaf_values(pos, w, y);
    return true;
  }

  counter_key key_;
  double t0_, t1_;
  index_t m_, b_;
  std::uint64_t path0_;
  int n_ = 0;
  double leaves_ = 1, leaf_h_ = 0;                            // 2^n_, (t1 - t0) / 2^n_
  std::vector<double> parent_h_, parent_rh_, parent_r12_;  // per level l: h, sqrt(h)/2, sqrt(h/12)
  /// The interval buffers: 2 (n + 1) of W_a, Y_a, dW, H (each m x B, [component][path]),
  /// the quantities stride_ = padded(m B) apart.
  std::vector<double, Eigen::aligned_allocator<double>> store_;
  std::size_t stride_ = 0;
  std::vector<std::size_t> chain_;    ///< per level: the cached chain's interval (its buffer's offset in store_)
  std::vector<std::size_t> sibling_;  ///< per level: the right sibling of chain_[l] (if sibling_of_[l] >= 0)
  std::vector<std::int64_t> sibling_of_;     ///< per level: the parent whose right child sibling_ holds, or -1
  /// per-path descents (descend_paths), per level and path: the parent whose right
  /// child that path's columns of sibling_ hold, or -1; valid if path_siblings_valid_
  std::vector<std::int64_t> sibling_of_path_;
  bool path_siblings_valid_ = false;
  std::vector<double> z_;                  ///< normals of one node (2m rows; descend_all: leading dimension zld_)
  index_t zld_ = 0;                        ///< padded(B)
  std::vector<std::int64_t> leaf_;         ///< per path: the leaf its cached chain ends in (-1: none)
  std::vector<int> depth_;                 ///< per path: the deepest level of that chain that is current
  // the per-path query being served (value_per_path_double, descend_paths), per path:
  std::vector<std::int64_t> query_leaf_;   ///< the leaf holding the query time
  std::vector<double> query_pos_;          ///< the position s in [0, 1] inside that leaf
  std::vector<int> query_last_;            ///< the deepest level needed (n_, or the node level on a node)
  std::vector<int> query_first_;           ///< the first level not current in the cached chain
  std::vector<char> query_end_;            ///< the query is at t1 (the root's values, end_value)
  bool node_values_exact_ = false;         ///< t1 - t0 < 2^400: per-path queries on a node stop there
  std::int64_t shared_leaf_ = -1;          ///< the leaf of every chain, -1 none yet, -2 chains differ
  bool uniform_chains_ = true;             ///< every path's leaf_, depth_ and kept siblings are the same
  ensemble<S> ws_;
  ensemble<double> wsd_, ysd_, wtd_, ytd_;
  ensemble<double> wv_, yv_;  ///< per-path value()
  // per-path increment(): W, Y at the start and end times of the last call, per path
  ensemble<double> ws_pp_, ys_pp_, wt_, yt_, span_;
  std::vector<double> start_time_, end_time_;
  bool ends_known_ = false, ends_have_y_ = false;
  std::vector<char> query_skip_;  ///< per path: W(s), Y(s) already at hand
};

}  // namespace ito::sde
