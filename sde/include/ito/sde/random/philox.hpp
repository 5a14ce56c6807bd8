#pragma once
/// \file philox.hpp
/// \brief The identity of every counter-based random number in ito:
/// Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers:
/// as easy as 1, 2, 3", SC'11) from Random123, keyed by (seed, stream) and
/// counted by (path, position).
///
///   key     = { lo32(h), hi32(h) },  h = splitmix64(splitmix64(seed) + stream)
///   counter = { lo32(position), hi32(position), lo32(path), hi32(path) }
///   words   = Philox4x32-10(counter, key)          (four 32-bit words)
///
/// A path's numbers are therefore a pure function of (seed, stream, path,
/// position): they do not depend on the thread, the process, the block size or
/// the order in which they are asked for. Different streams (the Brownian
/// increments, the space-time area, the Brownian tree, weak noise, training
/// noise, ...) are independent families for the same seed; `stream_id` lists
/// the ones ito uses, so two features never share a stream by accident.

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace ito::sde {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// The streams of one seed. Append new ones at the end: the numbers of an
/// existing stream must never change.
enum class stream_id : std::uint64_t {
  brownian = 0,        ///< fixed-grid Brownian increments dW
  space_time_area = 1, ///< the independent normal behind I_(1,0)
  brownian_tree = 2,   ///< the bridge normals of the virtual Brownian tree
  weak_noise = 3,      ///< discrete (two- and three-point) weak-scheme variables
  training = 4,        ///< noise of score-network training (t, eps, minibatches)
  sampler = 5,         ///< prior draws and noise of diffusion samplers
  data = 6,            ///< synthetic data sets
  training_draws = 7,  ///< training's data split, minibatch picks and diffusion times t
  user = 1024          ///< first stream free for user code
};

/// The Philox key of (seed, stream).
inline r123::Philox4x32::key_type philox_key(std::uint64_t seed, std::uint64_t stream) {
  const std::uint64_t h = splitmix64(splitmix64(seed) + stream);
  return r123::Philox4x32::key_type{{std::uint32_t(h), std::uint32_t(h >> 32)}};
}
inline r123::Philox4x32::key_type philox_key(std::uint64_t seed, stream_id stream) {
  return philox_key(seed, static_cast<std::uint64_t>(stream));
}

/// The Philox counter of (path, position).
inline r123::Philox4x32::ctr_type philox_counter(std::uint64_t path, std::uint64_t position) {
  return r123::Philox4x32::ctr_type{
      {std::uint32_t(position), std::uint32_t(position >> 32), std::uint32_t(path), std::uint32_t(path >> 32)}};
}

/// The four 32-bit words at (path, position) of stream (seed, stream).
inline std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, stream_id stream, std::uint64_t path,
                                                 std::uint64_t position) {
  const auto r = r123::Philox4x32()(philox_counter(path, position), philox_key(seed, stream));
  return {r[0], r[1], r[2], r[3]};
}

/// The 64-bit integer (hi:lo) of two Philox words.
constexpr std::uint64_t philox_u64(std::uint32_t lo, std::uint32_t hi) { return (std::uint64_t(hi) << 32) | lo; }

/// A uniform in (0, 1) from 64 random bits: (floor(x / 2^11) + 1/2) 2^-53, one of
/// the 2^53 midpoints of the 53-bit grid (never 0 or 1).
constexpr double philox_unit(std::uint64_t x) { return (double(x >> 11) + 0.5) * 0x1p-53; }

/// An index in [0, n) from 64 random bits: floor(x n / 2^64) (Lemire 2019,
/// "Fast random integer generation in an interval", ACM TOMACS 29(1), without
/// the rejection step): each index has probability within n / 2^64 of 1/n
/// (below 5e-10 relative for n < 2^32).
constexpr std::uint64_t philox_index(std::uint64_t x, std::uint64_t n) {
  // the high word of the 128-bit product x n, from 32-bit halves
  const std::uint64_t xl = x & 0xFFFFFFFFu, xh = x >> 32, nl = n & 0xFFFFFFFFu, nh = n >> 32;
  const std::uint64_t ll = xl * nl, hl = xh * nl, lh = xl * nh, hh = xh * nh;
  const std::uint64_t cross = (ll >> 32) + (hl & 0xFFFFFFFFu) + lh;
  return hh + (hl >> 32) + (cross >> 32);
}

}  // namespace ito::sde
