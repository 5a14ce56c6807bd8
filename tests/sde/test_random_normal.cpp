// Counter-based normals (ito/sde/random/normal.hpp): identity, vector == scalar
// bit for bit, and the statistical checks of quality.hpp on a few million draws
// per dtype (the 10^8 runs are bench/normal_quality.cpp). Thresholds are 5
// standard errors (or p-values above 1e-6); the seed is fixed.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ito/sde/random/normal.hpp>
#include <ito/sde/random/quality.hpp>
#include <vector>
#include "support/quick_mode.hpp"

namespace sde = ito::sde;

namespace {

template <class S>
bool same_bits(S a, S b) {
  return std::memcmp(&a, &b, sizeof(S)) == 0;
}
}  // namespace

TEST_CASE("Random123's Philox4x32-10 known answer (Random123 kat_vectors)") {
  // philox4x32_10 with counter 0 and key 0: 6627e8d5 e169c58d bc57ac4c 9b00dbd8
  const auto r = r123::Philox4x32()(r123::Philox4x32::ctr_type{{0, 0, 0, 0}}, r123::Philox4x32::key_type{{0, 0}});
  CHECK(r[0] == 0x6627e8d5u);
  CHECK(r[1] == 0xe169c58du);
  CHECK(r[2] == 0xbc57ac4cu);
  CHECK(r[3] == 0x9b00dbd8u);
}

TEST_CASE_TEMPLATE("the block fill equals the scalar reference bit for bit", S, double, float) {
  const sde::counter_key key(2024, sde::stream_id::brownian);
  // paths not a multiple of the vector width, an offset path0 and position k0
  const std::int64_t paths = 45, rows = 24, ld = 47;  // 16-lane groups, one 8-lane group, a scalar tail
  const std::uint64_t path0 = (std::uint64_t(1) << 32) - 5, k0 = 8 * sde::normals_per_counter<S>;
  std::vector<S> out(std::size_t(rows * ld), S(0));
  sde::fill_counter_normals<S>(key, path0, paths, k0, rows, out.data(), ld);
  std::int64_t mismatches = 0;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < paths; ++j)
      mismatches += !same_bits(out[std::size_t(r * ld + j)], sde::counter_normal<S>(key, path0 + std::uint64_t(j), k0 + std::uint64_t(r)));
  CHECK(mismatches == 0);
  // a scaled fill is the product, rounded once
  std::vector<S> scaled(out.size(), S(0));
  sde::fill_counter_normals<S>(key, path0, paths, k0, rows, scaled.data(), ld, S(0.3));
  std::int64_t bad = 0;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < paths; ++j)
      bad += !same_bits(scaled[std::size_t(r * ld + j)], S(out[std::size_t(r * ld + j)] * S(0.3)));
  CHECK(bad == 0);
}

TEST_CASE_TEMPLATE("a path's numbers do not depend on the block it is drawn in", S, double, float) {
  const sde::counter_key key(7, sde::stream_id::brownian);
  const std::int64_t rows = 8;
  std::vector<S> wide(std::size_t(rows * 100)), narrow(std::size_t(rows * 3));
  sde::fill_counter_normals<S>(key, 0, 100, 0, rows, wide.data(), 100);
  sde::fill_counter_normals<S>(key, 50, 3, 0, rows, narrow.data(), 3);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < 3; ++j) CHECK(same_bits(wide[std::size_t(r * 100 + 50 + j)], narrow[std::size_t(r * 3 + j)]));
  // different streams, seeds and paths differ
  CHECK(sde::counter_normal<S>(7, sde::stream_id::brownian, 3, 5) != sde::counter_normal<S>(7, sde::stream_id::brownian_tree, 3, 5));
  CHECK(sde::counter_normal<S>(7, sde::stream_id::brownian, 3, 5) != sde::counter_normal<S>(8, sde::stream_id::brownian, 3, 5));
  CHECK(sde::counter_normal<S>(7, sde::stream_id::brownian, 3, 5) != sde::counter_normal<S>(7, sde::stream_id::brownian, 4, 5));
}

TEST_CASE("the p-value formulas") {
  // Kolmogorov: P(K > 1.358) = 0.05; Anderson-Darling: P(A^2 > 2.492) = 0.05, P(A^2 > 3.857) = 0.01
  CHECK(sde::kolmogorov_sf(1.358) == doctest::Approx(0.05).epsilon(0.01));
  CHECK(sde::anderson_darling_sf(2.492) == doctest::Approx(0.05).epsilon(0.02));
  CHECK(sde::anderson_darling_sf(3.857) == doctest::Approx(0.01).epsilon(0.03));
}

TEST_CASE_TEMPLATE("moments, KS, AD, tails, autocorrelation and cross-path correlation", S, double, float) {
  // 64 neighbouring paths (across several vector groups) x 2^15 positions (2^21 normals; quick: 2^18)
  const std::int64_t paths = 64, per_path = ito::test::quick() ? 4096 : 32768;
  const auto q = sde::check_normal_quality<S>(20261130, sde::stream_id::brownian, 1000, paths, per_path);
  INFO("n = " << q.n);
  for (int k = 1; k <= 8; ++k) {
    INFO("moment " << k << ": " << q.moment[std::size_t(k)] << " vs " << q.moment_exact[std::size_t(k)] << ", z = " << q.moment_z(k));
    CHECK(std::abs(q.moment_z(k)) < 5);
  }
  INFO("KS D = " << q.ks_d << " p = " << q.ks_p << "; AD A2 = " << q.ad_a2 << " p = " << q.ad_p);
  CHECK(q.ks_p > 1e-6);
  CHECK(q.ad_p > 1e-6);
  for (int t = 0; t < 3; ++t) {
    INFO("tail " << q.tail_sigma[std::size_t(t)] << ": " << q.tail_count[std::size_t(t)] << " vs " << q.tail_expected[std::size_t(t)]);
    CHECK(std::abs(q.tail_count[std::size_t(t)] - q.tail_expected[std::size_t(t)]) < 5 * std::sqrt(q.tail_expected[std::size_t(t)]) + 3);
  }
  CHECK(q.max_autocorr_z() < 5);
  INFO("cross chi2 " << q.cross_chi2 << " dof " << q.cross_dof);
  CHECK(std::abs(q.cross_z()) < 5);
  CHECK(q.cross_max_z < 6);  // max of 2016 |N(0,1)|: P(> 6) < 4e-6
}

TEST_CASE("the double transform reaches 8.57 sigma, the float one 6.66 sigma") {
  // the smallest radius uniforms: the largest |z| the transform can return
  CHECK(std::sqrt(-2 * std::log(0x1p-53)) == doctest::Approx(8.57).epsilon(1e-3));
  CHECK(std::sqrt(-2 * std::log(0x1p-32)) == doctest::Approx(6.66).epsilon(1e-3));
  CHECK(sde::random_detail::radius_uniform(0u, 0u) == 0x1p-53);
  CHECK(sde::random_detail::radius_uniform(0xFFFFFFFFu, 0xFFFFFFFFu) == 1 - 0x1p-53);
  CHECK(sde::random_detail::radius_uniform(0u) == 0x1p-32f);
  CHECK(sde::random_detail::radius_uniform(0xFFFFFFFFu) < 1.0f);
}

TEST_CASE("index and unit maps of 64 random bits (training's picks and times)") {
  // floor(x n / 2^64): the high word of the 128-bit product
  CHECK(sde::philox_index(0, 10) == 0);
  CHECK(sde::philox_index(std::uint64_t(1) << 63, 10) == 5);
  CHECK(sde::philox_index(~std::uint64_t(0), 10) == 9);
  CHECK(sde::philox_index(~std::uint64_t(0), ~std::uint64_t(0)) == ~std::uint64_t(0) - 1);
  CHECK(sde::philox_index(0x123456789ABCDEF0ull, 0xFEDCBA9876543210ull) == 0x121FA00AD77D7422ull);
  // (floor(x / 2^11) + 1/2) 2^-53: the midpoints of the 53-bit grid, never 0 or 1
  CHECK(sde::philox_unit(0) == 0x1p-54);
  CHECK(sde::philox_unit(~std::uint64_t(0)) == 1 - 0x1p-54);
  CHECK(sde::philox_unit(std::uint64_t(1) << 63) == 0.5 + 0x1p-54);
}
