#pragma once
/// \file brownian.hpp
/// \brief Seeded Brownian increments in blocks of paths, refinement, bridge.
///
/// Paths are cut into fixed-size blocks. Block b draws from its own engine
/// seeded from (seed, b), so a path depends only on (seed, block size, its
/// index), never on which thread or process computes it: results are
/// bit-identical for any thread count (DESIGN "Reproducible parallelism").
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

#include "error.hpp"
#include "random/philox.hpp"
#include "types.hpp"

namespace ito::sde {

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
