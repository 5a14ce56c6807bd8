// Sample metrics: exact 1-D W1, sliced W1 of shifted Gaussians = 2|m|/pi, MMD and
// energy distance against closed forms, identical sets; the quality judge (floor distribution, z).
#include <doctest/doctest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/quality.hpp>
#include <numbers>

using namespace ito::diffusion;
using Eigen::Index;

namespace {
// n samples of N(m, I_2).
ensemble<double> normal2(Index n, double m0, double m1, std::uint64_t seed) {
  gaussian_mixture::vec m(2);
  m << m0, m1;
  return gaussian_mixture({1.0}, {m}, {gaussian_mixture::mat::Identity(2, 2)}).sample(n, seed);
}
}  // namespace

TEST_CASE("metrics: exact 1-D W1 of unequal sample sizes via quantile functions") {
  // F^{-1}: 0 on (0, 1/2], 1 on (1/2, 1]; G^{-1}: 0, 1/2, 1 on thirds -> W1 = 1/12 + 1/12
  CHECK(wasserstein1({0.0, 1.0}, {0.0, 0.5, 1.0}) == doctest::Approx(1.0 / 6.0).epsilon(1e-15));
  CHECK(wasserstein1({1.0, 0.0}, {1.0, 0.0}) == 0.0);
  CHECK(wasserstein1({0.0, 1.0, 2.0}, {0.25, 1.25, 2.25}) == doctest::Approx(0.25).epsilon(1e-15));
  CHECK(wasserstein1({0.0}, {3.0, 5.0}) == doctest::Approx(4.0).epsilon(1e-15));
}

TEST_CASE("metrics: identical sets give sw1 = 0, energy = 0, MMD^2 in [-2/(n-1), 0]") {
  const auto A = normal2(1000, 0, 0, 1);
  const sample_metrics s = compare(A, A);
  CHECK(s.sw1 == 0.0);
  CHECK(s.energy == 0.0);
  CHECK(s.mmd <= 0.0);
  CHECK(s.mmd >= -2.0 / 999);
  CHECK(s.bandwidth > 0);
}

TEST_CASE("metrics: sliced W1 of N(0,I) vs N(m,I) in 2-D is E|<m,theta>| = 2|m|/pi") {
  const Index n = 10000;
  const auto A = normal2(n, 0, 0, 11), B = normal2(n, 1.2, -1.6, 12);  // |m| = 2
  // Along any direction the exact W1 is |<m, theta>|; the sample adds noise of
  // order 1/sqrt(n) (the difference of two sample means, se sqrt(2/n) = 0.014).
  const ensemble<double> D = random_directions(2, 64, 5);
  gaussian_mixture::vec m(2);
  m << 1.2, -1.6;
  const double given = (m.transpose() * D).cwiseAbs().mean();
  CHECK(std::abs(sliced_wasserstein1(A, B, D) - given) < 0.05);
  // Random directions: the mean of |cos| over P directions has sd |m| sqrt((1/2 - 4/pi^2) / P).
  metric_options opt;
  opt.projections = 1000;
  const double expected = 2 * 2.0 / std::numbers::pi;
  const double mc_sd = 2.0 * std::sqrt((0.5 - 4 / (std::numbers::pi * std::numbers::pi)) / 1000.0);
  CHECK(std::abs(sliced_wasserstein1(A, B, opt) - expected) < 5 * mc_sd + 0.05);
  // unequal sizes
  CHECK(std::abs(sliced_wasserstein1(A.leftCols(3000), B, D) - given) < 0.08);
}

TEST_CASE("metrics: energy distance and MMD^2 of two shifted Gaussians match closed forms") {
  const Index n = 3000;
  const auto A = normal2(n, 0, 0, 21), B = normal2(n, 1.0, 0.0, 22);
  // MMD^2 with h = 1: X - Y ~ N(-m, 2I), E k = (h^2/(h^2+2))^{d/2} exp(-|m|^2 / (2(h^2+2)));
  // within-set pairs have m = 0.  MMD^2 = 2 (1/3) (1 - exp(-1/6)) = 0.10233.
  metric_options opt;
  opt.bandwidth = 1.0;
  const double mmd_exact = 2.0 / 3.0 * (1 - std::exp(-1.0 / 6.0));
  // sd of the estimate measured over 20 seeds at n = 3000: 0.0076 (5 sigma = 0.038)
  CHECK(std::abs(mmd_rbf(A, B, opt) - mmd_exact) < 0.038);
  // Energy: |X - Y| with X - Y ~ N(m, 2 I): E|Z| for Z ~ N(mu, s^2 I_2) is a Rice mean,
  // s sqrt(pi/2) L_{1/2}(-|mu|^2/(2 s^2)); L_{1/2}(x) = e^{x/2}[(1-x) I0(-x/2) - x I1(-x/2)].
  auto rice_mean = [](double mu, double s) {
    const double x = -mu * mu / (2 * s * s);
    const double L = std::exp(x / 2) * ((1 - x) * std::cyl_bessel_i(0.0, -x / 2) - x * std::cyl_bessel_i(1.0, -x / 2));
    return s * std::sqrt(std::numbers::pi / 2) * L;
  };
  const double s = std::sqrt(2.0);
  const double energy_exact = 2 * rice_mean(1.0, s) - 2 * rice_mean(0.0, s);
  // sd measured over 20 seeds at n = 3000: 0.029 (5 sigma = 0.145; V-statistic bias ~ 1e-3)
  CHECK(std::abs(energy_distance(A, B) - energy_exact) < 0.145);
  // the Rice mean itself, against a 2e6-sample Monte Carlo E|N((1,0), I)| = 1.54887 (se 0.0005)
  CHECK(rice_mean(1.0, 1.0) == doctest::Approx(1.54887).epsilon(0.0025 / 1.54887));
}

TEST_CASE("metrics: compare(a, b, ref) scores ref against b with the same directions") {
  const Index n = 2000;
  const auto B = normal2(n, 0, 0, 31), ref = normal2(n, 0, 0, 32);
  const auto good = normal2(n, 0, 0, 33), bad = normal2(n, 0.5, 0, 34);
  const comparison g = compare(good, B, ref), b = compare(bad, B, ref);
  REQUIRE(g.floor.has_value());
  CHECK(b.floor->sw1 == g.floor->sw1);  // same options: same directions, same floor
  CHECK(g.floor->sw1 == sliced_wasserstein1(ref, B));
}

namespace {
/// A 2-D mixture with a thin anisotropic component (std 0.1 across).
gaussian_mixture thin_three_component_mixture() {
  using vec = gaussian_mixture::vec;
  using mat = gaussian_mixture::mat;
  return gaussian_mixture({0.5, 0.3, 0.2}, {vec{{-1.0, 0.0}}, vec{{1.0, 0.5}}, vec{{0.0, -1.0}}},
                          {mat{{0.25, 0.0}, {0.0, 0.01}}, mat{{0.04, 0.0}, {0.0, 0.04}}, mat{{0.01, 0.0}, {0.0, 0.3}}});
}
}  // namespace

TEST_CASE("quality: exact draws sit inside the floor's distribution (|z| < 5 at n = 5000), wrong ones far out") {
  quality_options o;
  o.reference_size = 50000;
  o.floor_draws = 30;
  o.projections = 32;
  o.seed = 3;
  const Index n = 5000;
  const gaussian_mixture g = thin_three_component_mixture();
  const mixture_judge judge(g, n, o);
  REQUIRE(judge.floor().values.size() == 30);
  CHECK(judge.floor().sd > 0);
  // the floor's spread: the mean of R = 30 draws has a relative se of sd/mean/sqrt(30)
  MESSAGE("floor mean " << judge.floor().mean << ", sd " << judge.floor().sd);
  for (std::uint64_t seed : {901u, 902u, 903u}) {
    const quality_report q = judge.assess(g.sample(n, seed));
    INFO("exact draw seed " << seed << ": z " << q.z << ", weights max |z| " << q.weights_max_abs_z);
    CHECK(std::abs(q.z) < 5);
    CHECK(q.weights_max_abs_z < 5);
    CHECK(q.ratio == doctest::Approx(q.sw1 / q.floor_mean));
  }
  // a 10 % too wide sampler (all points scaled about the mean) and a shifted one (by 0.1, the thin std)
  ensemble<double> X = g.sample(n, 904);
  const Eigen::VectorXd m = X.rowwise().mean();
  const ensemble<double> wide = ((X.colwise() - m) * 1.10).colwise() + m;
  CHECK(judge.assess(wide).z > 8);
  ensemble<double> shifted = X;
  shifted.row(1).array() += 0.1;
  CHECK(judge.assess(shifted).z > 8);
  // wrong weights: the first component over-represented by replacing 10 % of the points
  ensemble<double> reweighted = X;
  const ensemble<double> extra = gaussian_mixture({1.0}, {g.means()[0]}, {g.covariances()[0]}).sample(n / 10, 905);
  reweighted.rightCols(n / 10) = extra;
  CHECK(judge.assess(reweighted).weights_max_abs_z > 5);
  CHECK_THROWS_AS(judge.assess(X.leftCols(100)), ito::invalid_argument);
}

TEST_CASE("quality: the paired error of identical sets is 0 and of a shift is the shift") {
  const auto A = normal2(100, 0, 0, 51);
  ensemble<double> B = A;
  CHECK(paired_error(A, B).rms == 0);
  B.row(0).array() += 0.3;
  B.row(1).array() += 0.4;
  CHECK(paired_error(A, B).rms == doctest::Approx(0.5));
  CHECK(paired_error(A, B).max == doctest::Approx(0.5));
  CHECK_THROWS_AS(paired_error(A, B.leftCols(5)), ito::invalid_argument);
}

TEST_CASE("metrics: subsampling above max_points is deterministic and close to the full value") {
  const auto A = normal2(3000, 0, 0, 41), B = normal2(3000, 0.7, 0, 42);
  metric_options full, sub;
  sub.max_points = 1000;
  const double e_full = energy_distance(A, B, full), e_sub = energy_distance(A, B, sub);
  CHECK(e_sub == energy_distance(A, B, sub));
  CHECK(std::abs(e_sub - e_full) < 0.05);
  CHECK_THROWS_AS(compare(A, ensemble<double>(3, 10)), ito::invalid_argument);
  CHECK_THROWS_AS(compare(A.leftCols(1), B), ito::invalid_argument);
}
