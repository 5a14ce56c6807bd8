#pragma once
/// \file brownian.hpp
/// \brief Brownian sources for a block of paths (the counter-based default,
/// the Brownian tree, the legacy mt19937_64 + ziggurat stream), refinement, bridge.
///
/// A Brownian source serves one block of B paths whose first global path
/// index it knows; the time loop (integrate.hpp) asks it, step by step, for
///   increment(h, dW)        dW (m x B) over the next step of length h, or
///   increment(h, dW, dZ)    dW and dZ = I_(1,0) over that step
/// (the `brownian_source` concept). Sources:
///  - counter_brownian (default of solve): normal number k m + i of path p is
///    the i-th component of step k, from stream (seed, stream_id::brownian)
///    (random/normal.hpp); dZ's from stream space_time_area. A path depends
///    only on (seed, its global index): bit-identical for any thread count,
///    process count AND block size.
///  - tree_brownian: the increments of the virtual Brownian tree
///    (brownian/brownian_tree.hpp) over the steps; same identity properties.
///  - brownian_block (legacy): block b draws from its own Boost mt19937_64
///    seeded from (seed, b) through the ziggurat, so a path depends on (seed,
///    block size, its index); bit-identical for any thread count only.
///
/// Over a step [t, t+h] a block gets
///   dW = W(t+h) - W(t)                 ~ N(0, h)             (m x B)
///   dZ = I_(1,0) = int_t^{t+h} (W_s - W_t) ds = h/2 dW + sqrt(h^3/12) xi,
/// xi ~ N(0,1) independent of dW (Kloeden & Platen 1992, sec. 10.4). dZ comes
/// from a second engine of the block, so the W path is the same whether or
/// not a method asks for dZ.
///
/// Refinement: increment_accumulator sums fine increments into a coarse one
/// (dW adds; dZ over [a,c] = dZ[a,b] + (c-b) dW[a,b] + dZ[b,c]), so the same
/// path can be replayed at any coarser step (strong convergence).

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>

#include <concepts>
#include <vector>

#include "brownian/brownian_tree.hpp"
#include "error.hpp"
#include "random/normal.hpp"
#include "random/philox.hpp"
#include "types.hpp"

namespace ito::sde {

/// What a Brownian source of one block is built from (solve fills it).
struct brownian_setup {
  std::uint64_t seed = 0;
  index_t block = 0;       ///< block index (the legacy source's stream)
  index_t first_path = 0;  ///< global index of the block's first path
  index_t noise_dim = 1;   ///< m
  index_t paths = 1;       ///< B
  double t0 = 0;           ///< start of the time grid
  double dt = 0;           ///< uniform step (0: non-uniform grid)
  index_t steps = 0;       ///< number of steps of the grid
  double t1 = 1;           ///< end of the grid
  double min_step = 0;     ///< the smallest step of the grid
};

/// A Brownian source for one block: dW (m x B) over the next step of length
/// h, with or without the space-time area dZ = I_(1,0).
template <class B, class S>
concept brownian_source = requires(B b, S h, ensemble<S>& w, ensemble<S>& z) {
  b.increment(h, w);
  b.increment(h, w, z);
};

/// The 64-bit seed of stream `stream` of block `block` for a user seed.
constexpr std::uint64_t block_seed(std::uint64_t seed, std::uint64_t block,
                                   std::uint64_t stream = 0) {
  return splitmix64(splitmix64(splitmix64(seed) ^ block) + stream);
}

namespace detail {
/// out_i = scale * xi_i, xi_i the standard normals fill_normal draws: the
/// same numbers as fill_normal followed by `out *= scale` (one rounding per
/// product), without the second pass over `out`.
template <class S, class Engine>
void fill_scaled_normal(Engine& engine, ensemble<S>& out, S scale) {
  boost::random::normal_distribution<S> normal;
  S* p = out.data();
  const index_t n = out.size();
  for (index_t i = 0; i < n; ++i) p[i] = scale * normal(engine);
}
}  // namespace detail

/// Fill `out` with independent standard normals from `engine` (Boost's
/// ziggurat normal_distribution), column by column.
template <class S, class Engine>
void fill_normal(Engine& engine, ensemble<S>& out) {
  detail::fill_scaled_normal(engine, out, S(1));  // x * 1 == x exactly
}

/// Brownian increments for one block of B paths driven by m Wiener processes.
template <class S = double, class Engine = boost::random::mt19937_64>
class brownian_block {
 public:
  using engine_type = Engine;

  /// solve's construction: the block's own engines.
  explicit brownian_block(const brownian_setup& s)
      : brownian_block(s.seed, std::uint64_t(s.block), s.noise_dim, s.paths) {}

  brownian_block(std::uint64_t seed, std::uint64_t block, index_t noise_dim, index_t paths)
      : w_(block_seed(seed, block, 0)),
        z_(block_seed(seed, block, 1)),
        m_(noise_dim),
        b_(paths) {
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(paths > 0, "paths", paths, "> 0");
  }

  index_t noise_dim() const { return m_; }
  index_t paths() const { return b_; }

  /// Standard normals xi (m x B) from the W stream; dW = sqrt(h) xi.
  void normals(ensemble<S>& xi) {
    xi.resize(m_, b_);
    fill_normal(w_, xi);
  }

  /// dW over a step of length h: m x B, N(0, h).
  void increment(S h, ensemble<S>& dW) {
    dW.resize(m_, b_);
    detail::fill_scaled_normal(w_, dW, S(std::sqrt(h)));  // = normals(dW); dW *= sqrt(h)
  }

  /// dW and dZ = I_(1,0) over a step of length h.
  void increment(S h, ensemble<S>& dW, ensemble<S>& dZ) {
    increment(h, dW);
    dZ.resize(m_, b_);
    fill_normal(z_, dZ);
    const S c = std::sqrt(h * h * h / S(12));
    dZ = (h / S(2)) * dW + c * dZ;
  }

  Engine& engine() { return w_; }

 private:
  Engine w_, z_;
  index_t m_, b_;
};

/// The counter-based Brownian source (solve's default). Step k's increment of
/// component i of path p is sqrt(h) z, z = normal number k m + i of path p
/// in stream (seed, brownian); dZ = h/2 dW + sqrt(h^3/12) xi with xi the same
/// number of stream (seed, space_time_area). The W path is the same whether
/// or not dZ is asked for. Normals are drawn a few steps ahead into a small
/// buffer (rows = normal indices, columns = paths), never per path.
template <class S = double>
class counter_brownian {
 public:
  counter_brownian(std::uint64_t seed, std::uint64_t first_path, index_t noise_dim, index_t paths)
      : wkey_(seed, stream_id::brownian), zkey_(seed, stream_id::space_time_area), path0_(first_path),
        m_(noise_dim), b_(paths) {
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(paths > 0, "paths", paths, "> 0");
    // steps per refill: a multiple of the steps one Philox call covers, about 16 KiB of normals
    const index_t per_call = index_t(normals_per_counter<S>);
    chunk_ = per_call;
    while (chunk_ * m_ * b_ * index_t(sizeof(S)) < 16384 && chunk_ < 64 * per_call) chunk_ += per_call;
    wbuf_.resize(std::size_t(chunk_ * m_ * b_));
  }
  explicit counter_brownian(const brownian_setup& s)
      : counter_brownian(s.seed, std::uint64_t(s.first_path), s.noise_dim, s.paths) {}

  index_t noise_dim() const { return m_; }
  index_t paths() const { return b_; }
  /// The index of the next step.
  std::int64_t step() const { return k_; }

  /// dW over the next step of length h: m x B, N(0, h).
  void increment(S h, ensemble<S>& dW) {
    dW.resize(m_, b_);
    take(wkey_, wbuf_, wfirst_, S(std::sqrt(h)), dW);
    ++k_;
  }
  /// dW and dZ = I_(1,0) over the next step of length h.
  void increment(S h, ensemble<S>& dW, ensemble<S>& dZ) {
    dW.resize(m_, b_);
    dZ.resize(m_, b_);
    take(wkey_, wbuf_, wfirst_, S(std::sqrt(h)), dW);
    if (zbuf_.empty()) zbuf_.resize(wbuf_.size());
    take(zkey_, zbuf_, zfirst_, S(std::sqrt(h * h * h / S(12))), dZ);
    dZ += (h / S(2)) * dW;
    ++k_;
  }

 private:
  /// out(i, j) = scale * normal (k_ m + i) of path path0_ + j of the stream `key`.
  void take(const counter_key& key, std::vector<S>& buf, std::int64_t& first, S scale, ensemble<S>& out) {
    if (first < 0 || k_ < first || k_ >= first + chunk_) {
      first = k_ - k_ % chunk_;
      fill_counter_normals<S>(key, path0_, b_, std::uint64_t(first * m_), chunk_ * m_, buf.data(), b_);
    }
    const S* z = buf.data() + (k_ - first) * m_ * b_;
    S* o = out.data();
    if (m_ == 1) {
      for (index_t j = 0; j < b_; ++j) o[j] = scale * z[j];
    } else {
      for (index_t j = 0; j < b_; ++j)
        for (index_t i = 0; i < m_; ++i) o[j * m_ + i] = scale * z[i * b_ + j];
    }
  }

  counter_key wkey_, zkey_;
  std::uint64_t path0_;
  index_t m_, b_, chunk_ = 2;
  std::int64_t k_ = 0, wfirst_ = -1, zfirst_ = -1;
  std::vector<S> wbuf_, zbuf_;
};

/// The Brownian tree as a step-by-step source: the increments of
/// brownian_tree over consecutive steps from t0. On a uniform grid of N steps
/// of length dt the tree spans [t0, t0 + 2^n dt] with 2^n >= N leaves of
/// length dt, so every grid time is a dyadic point and every increment an
/// exact draw (no interpolation); on another grid, leaves are at most
/// min_step / 64 long. A path's increments depend on (seed, t0, dt, 2^n, its
/// global index): not on block size, threads or processes. They are not the
/// counter_brownian increments (different stream and construction, same law).
template <class S = double>
class tree_brownian {
 public:
  explicit tree_brownian(const brownian_setup& s) : tree_(make_tree(s)), t_(s.t0) {}

  brownian_tree<S>& tree() { return tree_; }

  /// dW over the next step of length h (from the end of the previous step, or t0).
  void increment(S h, ensemble<S>& dW) { increment_between(S(t_), S(t_ + double(h)), dW); }
  void increment(S h, ensemble<S>& dW, ensemble<S>& dZ) { increment_between(S(t_), S(t_ + double(h)), dW, dZ); }
  /// dW = W(t) - W(s) over the step [s, t] (the time loop passes its grid times,
  /// so no clock is accumulated); W(s) is reused from the previous step.
  void increment_between(S s, S t, ensemble<S>& dW) {
    advance(s, t);
    dW = (w1_ - w0_).template cast<S>();
    swap();
  }
  void increment_between(S s, S t, ensemble<S>& dW, ensemble<S>& dZ) {
    advance(s, t);
    dW = (w1_ - w0_).template cast<S>();
    dZ = (y1_ - y0_ - (double(t) - double(s)) * w0_).template cast<S>();
    swap();
  }

 private:
  static brownian_tree<S> make_tree(const brownian_setup& s) {
    if (s.dt > 0 && s.steps > 0) {
      index_t leaves = 1;
      while (leaves < s.steps) leaves *= 2;
      return brownian_tree<S>(s.seed, S(s.t0), S(s.t0 + double(leaves) * s.dt), S(s.dt), s.noise_dim,
                              std::uint64_t(s.first_path), s.paths);
    }
    return brownian_tree<S>(s.seed, S(s.t0), S(s.t1), S(s.min_step / 64), s.noise_dim, std::uint64_t(s.first_path),
                            s.paths);
  }
  void advance(S s, S t) {
    if (!started_ || double(s) != t_) tree_.value_in_double(s, w0_, y0_);
    started_ = true;
    t_ = double(std::min(t, tree_.t1()));
    tree_.value_in_double(S(t_), w1_, y1_);
  }
  void swap() {
    std::swap(w0_, w1_);
    std::swap(y0_, y1_);
  }

  brownian_tree<S> tree_;
  double t_ = 0;  ///< the end of the last step (W(t_) is in w0_ after swap)
  bool started_ = false;
  ensemble<double> w0_, y0_, w1_, y1_;
};

/// Sums fine increments (dW, dZ) into the increment over their union.
template <class S = double>
struct increment_accumulator {
  ensemble<S> dW, dZ;
  S h = 0;

  void reset(index_t m, index_t b, bool with_dz) {
    dW.setZero(m, b);
    if (with_dz) dZ.setZero(m, b);
    else dZ.resize(0, 0);
    h = 0;
  }
  /// Append the increment over the next fine step [c, c + hf].
  void add(const ensemble<S>& dWf, const ensemble<S>& dZf, S hf) {
    if (dZ.size() != 0) dZ += hf * dW + dZf;  // uses dW before it is updated
    dW += dWf;
    h += hf;
  }
};

/// Brownian bridge: W(t) for ta < t < tb given W(ta) = wa, W(tb) = wb and a
/// standard normal xi: mean wa + (t-ta)/(tb-ta) (wb-wa), variance (t-ta)(tb-t)/(tb-ta).
template <class S>
S brownian_bridge(S wa, S wb, S ta, S tb, S t, S xi) {
  detail::require(tb > ta, "tb", tb, "tb > ta");
  detail::require(t >= ta && t <= tb, "t", t, "in [ta, tb]");
  const S h = tb - ta;
  return wa + (t - ta) / h * (wb - wa) + std::sqrt((t - ta) * (tb - t) / h) * xi;
}

}  // namespace ito::sde
