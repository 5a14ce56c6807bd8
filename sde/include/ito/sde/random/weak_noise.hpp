#pragma once
/// \file weak_noise.hpp
/// \brief Discrete random variables of the weak order 2 schemes, drawn from the
/// counter-based weak-noise stream (philox.hpp, stream_id::weak_noise).
///
/// A weak scheme only needs the first moments of its increments to match those
/// of the Brownian ones (Kloeden & Platen 1992, sec. 14.2 and 15.1; Rößler
/// 2009, sec. 2), so it can replace dW by
///   three-point  dŴ:  P(dŴ = ±sqrt(3h)) = 1/6,  P(dŴ = 0) = 2/3
///                     (E dŴ = E dŴ^3 = E dŴ^5 = 0, E dŴ^2 = h, E dŴ^4 = 3h^2),
///   two-point    V:   P(V = ±sqrt(h)) = 1/2,
/// which cost one 32-bit word each and no normal. Per path and step the block
/// draws m three-point variables (m = number of Wiener processes) and
/// q = m(m-1)/2 two-point ones (the iterated-integral surrogates of general noise).
///
/// Every value is a pure function of (seed, path, step, index): variable v of
/// step k of path p is word (v mod 4) of
///   philox_words(seed, stream_id::weak_noise, p, k * ceil((m+q)/4) + v/4),
/// so it does not depend on the thread, the block size or the order of
/// queries. Three-point values are exact: a word u is split into 6 equal parts
/// of 715827882 values (u < 6 * 715827882 = 2^32 - 4); the 4 words above are
/// rejected (probability 2^-30) and replaced by word 0 of the spill positions
/// 2^63 + ((k (m+q) + v) << 5) + attempt, attempt = 1, 2, ...

#include <cstddef>
#include <cmath>
#include <cstdint>

#include "../error.hpp"
#include "../types.hpp"
#include "philox.hpp"

namespace ito::sde {

/// True for a method that integrates with weak_noise_block variables instead
/// of Brownian increments (it declares `static constexpr bool uses_weak_noise = true`).
template <class Method>
inline constexpr bool uses_weak_noise_v = [] {
  if constexpr (requires { Method::uses_weak_noise; }) return bool(Method::uses_weak_noise);
  else return false;
}();

namespace detail {
inline constexpr std::uint32_t three_point_part = 715827882u;  // floor(2^32 / 6)
inline constexpr std::uint32_t three_point_limit = 6u * three_point_part;  // 2^32 - 4

/// -1, 0 or +1 with probabilities 1/6, 2/3, 1/6 from an accepted word (u < three_point_limit).
constexpr int three_point_sign(std::uint32_t u) {
  const std::uint32_t part = u / three_point_part;  // 0..5, each exactly 1/6
  return part == 0 ? -1 : part == 5 ? 1 : 0;
}
}  // namespace detail

/// The word behind weak variable `v` (of `per_step` per step) at step `step` of `path`,
/// after rejection of the 4 words >= 2^32 - 4 when `three_point` (see the file comment).
inline std::uint32_t weak_noise_word(std::uint64_t seed, std::uint64_t path, std::uint64_t step, std::uint64_t v,
                                     std::uint64_t per_step, bool three_point) {
  const std::uint64_t calls = (per_step + 3) / 4;
  std::uint32_t u = philox_words(seed, stream_id::weak_noise, path, step * calls + v / 4)[std::size_t(v % 4)];
  if (!three_point) return u;
  for (std::uint64_t attempt = 1; u >= detail::three_point_limit && attempt < 32; ++attempt) {
    const std::uint64_t spill = (std::uint64_t(1) << 63) | ((step * per_step + v) << 5) | attempt;
    u = philox_words(seed, stream_id::weak_noise, path, spill)[0];
  }
  return u < detail::three_point_limit ? u : 2 * detail::three_point_part;  // (never: 2^-960) -> 0
}

/// The three-point variable in {-1, 0, 1} (times sqrt(3h) gives dŴ) of index j < m.
inline int three_point(std::uint64_t seed, std::uint64_t path, std::uint64_t step, index_t j, index_t m) {
  const std::uint64_t per_step = std::uint64_t(m + m * (m - 1) / 2);
  return detail::three_point_sign(weak_noise_word(seed, path, step, std::uint64_t(j), per_step, true));
}

/// The two-point variable in {-1, 1} (times sqrt(h) gives V) of pair index i < m(m-1)/2.
inline int two_point(std::uint64_t seed, std::uint64_t path, std::uint64_t step, index_t i, index_t m) {
  const std::uint64_t per_step = std::uint64_t(m + m * (m - 1) / 2);
  return (weak_noise_word(seed, path, step, std::uint64_t(m + i), per_step, false) >> 31) ? 1 : -1;
}

/// Weak-scheme noise for a block of B consecutive paths starting at global
/// path `first_path`: the drop-in counterpart of brownian_block for methods
/// with `uses_weak_noise` (integrate.hpp). Each call to increment() advances
/// the step counter by one.
template <class S = double>
class weak_noise_block {
 public:
  weak_noise_block(std::uint64_t seed, std::uint64_t first_path, index_t noise_dim, index_t paths)
      : seed_(seed), first_(first_path), m_(noise_dim), q_(noise_dim * (noise_dim - 1) / 2), b_(paths) {
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(paths > 0, "paths", paths, "> 0");
  }

  index_t noise_dim() const { return m_; }
  index_t pairs() const { return q_; }
  index_t paths() const { return b_; }
  std::uint64_t step() const { return step_; }

  /// dŴ (m x B, three-point, variance h) over the next step of length h.
  void increment(S h, ensemble<S>& dW) {
    fill(h, dW, nullptr);
    ++step_;
  }
  /// dŴ and the two-point variables V (q x B, values ±sqrt(h)) over the next step.
  void increment(S h, ensemble<S>& dW, ensemble<S>& V) {
    fill(h, dW, &V);
    ++step_;
  }

 private:
  void fill(S h, ensemble<S>& dW, ensemble<S>* V) const {
    dW.resize(m_, b_);
    if (V) V->resize(q_, b_);
    const S s3 = std::sqrt(S(3) * h), s1 = std::sqrt(h);
    const std::uint64_t per_step = std::uint64_t(m_ + q_), calls = (per_step + 3) / 4;
    for (index_t j = 0; j < b_; ++j) {
      const std::uint64_t path = first_ + std::uint64_t(j);
      for (std::uint64_t c = 0; c < calls; ++c) {
        const auto w = philox_words(seed_, stream_id::weak_noise, path, step_ * calls + c);
        for (std::uint64_t r = 0; r < 4; ++r) {
          const std::uint64_t v = 4 * c + r;
          if (v < std::uint64_t(m_)) {
            std::uint32_t u = w[std::size_t(r)];
            if (u >= detail::three_point_limit) u = weak_noise_word(seed_, path, step_, v, per_step, true);
            dW(index_t(v), j) = S(detail::three_point_sign(u)) * s3;
          } else if (V && v < per_step) {
            (*V)(index_t(v) - m_, j) = (w[std::size_t(r)] >> 31) ? s1 : -s1;
          }
        }
      }
    }
  }

  std::uint64_t seed_, first_;
  index_t m_, q_, b_;
  std::uint64_t step_ = 0;
};

}  // namespace ito::sde
