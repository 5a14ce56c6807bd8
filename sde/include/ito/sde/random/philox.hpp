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

}  // namespace ito::sde
