#pragma once
/// \file datasets.hpp
/// \brief Seeded 2-D toy data sets (8 gaussians, two moons, swiss roll,
/// checkerboard, rings, pinwheel) and a Gaussian mixture from JSON, with a
/// registry by name.
///
/// The definitions follow FFJORD's `toy_data.py` (Grathwohl et al. 2019; the
/// de-facto reference for these sets), then divide by a fixed per-set factor
/// (stated below) so each set has an RMS spread of about 1 per coordinate and
/// fits in roughly [-3, 3]^2 -- the scale the default forward SDEs assume.
/// Two deliberate differences: samples are i.i.d. (angles and ring/moon/class
/// labels are drawn at random instead of `np.linspace`/equal counts, so a
/// metric's data-vs-data floor is a genuine sampling floor), and points come
/// out in random order.
///
/// Each generator returns a 2 x n ensemble (one sample per column) and is a
/// pure function of (n, seed): one Boost mt19937_64 engine seeded with
/// SplitMix64(seed), Boost uniform and ziggurat-normal distributions.

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <ito/diffusion/gmm.hpp>
#include <ito/sde/brownian.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

namespace datasets {

namespace detail {

struct toy_rng {
  boost::random::mt19937_64 engine;
  boost::random::normal_distribution<double> normal_;
  explicit toy_rng(std::uint64_t seed) : engine(ito::sde::splitmix64(seed)) {}
  double uniform() { return boost::random::uniform_01<double>()(engine); }
  double normal() { return normal_(engine); }
  int integer(int lo, int hi) { return boost::random::uniform_int_distribution<int>(lo, hi)(engine); }
};

/// A 2 x n ensemble whose column j is point(rng) for one engine seeded by `seed`.
template <class Point>
ensemble<double> generate(index_t n, std::uint64_t seed, Point point) {
  ito::detail::require(n >= 0, "n", n, "a sample count >= 0");
  toy_rng rng(seed);
  ensemble<double> X(2, n);
  for (index_t j = 0; j < n; ++j) {
    const auto [x, y] = point(rng);
    X(0, j) = x;
    X(1, j) = y;
  }
  return X;
}

}  // namespace detail

constexpr double pi = std::numbers::pi;

/// \brief 8 gaussians: centres 4 (cos k pi/4, sin k pi/4), std 0.5, then / 1.414
/// (toy_data.py), then / 2 here: centres on the circle of radius 2 / 1.414 ~ sqrt(2),
/// component std 0.5 / (2 * 1.414) = 0.177. RMS spread 1.02.
ensemble<double> eight_gaussians(index_t n, std::uint64_t seed);

/// \brief Two moons (sklearn make_moons, noise 0.1, then 2x + (-1, -0.2) as in
/// toy_data.py), then / 1.5 here. Outer moon (cos u, sin u), inner moon
/// (1 - cos u, 1/2 - sin u), u ~ U(0, pi), label ~ Bernoulli(1/2). RMS spread 0.95.
ensemble<double> two_moons(index_t n, std::uint64_t seed);

/// \brief Swiss roll (sklearn make_swiss_roll, noise 1, coordinates (x, z),
/// / 5 as in toy_data.py), then / 1.3 here: t = 1.5 pi (1 + 2u),
/// (t cos t, t sin t) + N(0, I), / 6.5 overall. RMS spread 1.06.
ensemble<double> swiss_roll(index_t n, std::uint64_t seed);

/// \brief Checkerboard (toy_data.py: x1 ~ U(-2, 2), x2 ~ U(0,1) - 2 Bernoulli
/// + (floor(x1) mod 2), times 2), then / 2 here: uniform on the 8 dark squares
/// of a 4 x 4 board on [-2, 2]^2. RMS spread 1.15.
ensemble<double> checkerboard(index_t n, std::uint64_t seed);

/// \brief Rings (toy_data.py: 4 concentric circles of radii 3 (1, 3/4, 1/2, 1/4),
/// noise std 0.08), then / 1.5 here: radii 2, 1.5, 1, 0.5, noise std 0.08/1.5.
/// Ring ~ uniform, angle ~ U(0, 2 pi). RMS spread 0.97.
ensemble<double> rings(index_t n, std::uint64_t seed);

/// Radii of the rings data set (after scaling), innermost first.
inline std::vector<double> rings_radii() { return {0.5, 1.0, 1.5, 2.0}; }

/// \brief Pinwheel (toy_data.py: 5 arms, radial std 0.3, tangential std 0.1,
/// rate 0.25; feature f = (1 + 0.3 z1, 0.1 z2) rotated by angle
/// 2 pi k / 5 + 0.25 exp(f1) as f R, times 2), then / 1.5 here. RMS spread 0.98.
ensemble<double> pinwheel(index_t n, std::uint64_t seed);

}  // namespace datasets

/// Names accepted by make_dataset, in the order they are listed in errors.
const std::vector<std::string>& dataset_names();

/// \brief n samples (2 x n, or d x n for "gmm") of the named data set, seeded.
///
/// Names: 8gaussians, moons, swissroll, checkerboard, rings, pinwheel, and gmm
/// (samples of the mixture in the JSON file `gmm_json`, see load_gmm; the form
/// "gmm:<path>" is accepted too). An unknown name throws ito::invalid_argument
/// listing the valid ones.
ensemble<double> make_dataset(const std::string& name, index_t n, std::uint64_t seed,
                              const std::string& gmm_json = {});

}  // namespace ito::diffusion
