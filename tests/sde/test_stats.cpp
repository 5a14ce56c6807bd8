// Validation statistics: Welford moments, z-tests, the variance test, KS, covariance checks.
#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <ito/sde/stats.hpp>
#include <vector>

using namespace ito::sde;

namespace {
Eigen::VectorXd normals(std::size_t n, double mean, double sd, std::uint64_t seed) {
  boost::random::mt19937_64 eng(seed);
  boost::random::normal_distribution<double> N(mean, sd);
  Eigen::VectorXd x(static_cast<Eigen::Index>(n));
  for (auto& v : x) v = N(eng);
  return x;
}
}  // namespace

TEST_CASE("welford matches two-pass moments and merges exactly") {
  const std::vector<double> xs{1.5, -2.0, 3.25, 0.0, 7.0, -1.0, 2.5};
  welford w;
  for (double x : xs) w.add(x);
  double m = 0;
  for (double x : xs) m += x;
  m /= double(xs.size());
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : xs) {
    m2 += (x - m) * (x - m);
    m3 += std::pow(x - m, 3);
    m4 += std::pow(x - m, 4);
  }
  CHECK(w.mean == doctest::Approx(m).epsilon(1e-15));
  CHECK(w.m2 == doctest::Approx(m2).epsilon(1e-14));
  CHECK(w.m3 == doctest::Approx(m3).epsilon(1e-13));
  CHECK(w.m4 == doctest::Approx(m4).epsilon(1e-13));
  CHECK(w.variance() == doctest::Approx(m2 / 6));
  welford a, b;
  for (std::size_t i = 0; i < 3; ++i) a.add(xs[i]);
  for (std::size_t i = 3; i < xs.size(); ++i) b.add(xs[i]);
  a.merge(b);
  CHECK(a.n == 7);
  CHECK(a.mean == doctest::Approx(m).epsilon(1e-15));
  CHECK(a.m2 == doctest::Approx(m2).epsilon(1e-14));
  CHECK(a.m3 == doctest::Approx(m3).epsilon(1e-13));
  CHECK(a.m4 == doctest::Approx(m4).epsilon(1e-13));
}

TEST_CASE("mean_test computes z = (mean - mu)/(s/sqrt n) and applies the level") {
  welford w;
  for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) w.add(x);
  const auto r = mean_test(w, 2.0);
  CHECK(r.stderr_ == doctest::Approx(std::sqrt(0.5)));
  CHECK(r.z == doctest::Approx(1 / std::sqrt(0.5)));
  CHECK(r.p_value == doctest::Approx(std::erfc(1.0)));
  CHECK(r.pass);
  CHECK_FALSE(mean_test(w, 2.0, 1.0).pass);
  CHECK(level_of(5.0) == doctest::Approx(5.733e-7).epsilon(1e-3));
}

TEST_CASE("variance_test passes the true variance and rejects a 5% error at n = 1e5") {
  const auto x = normals(100000, 1.0, 2.0, 7);
  welford w;
  w.add_all(x);
  const auto ok = variance_test(w, 4.0);
  CHECK(ok.pass);
  // for normal data se(s^2) = sigma^2 sqrt(2/n)
  CHECK(ok.stderr_ == doctest::Approx(4.0 * std::sqrt(2.0 / 1e5)).epsilon(0.03));
  CHECK_FALSE(variance_test(w, 4.2).pass);
  CHECK(mean_test(w, 1.0).pass);
  CHECK_FALSE(mean_test(w, 1.05).pass);
}

TEST_CASE("Kolmogorov distribution: survival function at known points, both series agree") {
  // values of 2 sum (-1)^{k-1} exp(-2 k^2 x^2) computed independently in Python
  CHECK(kolmogorov_survival(1.0) == doctest::Approx(0.26999967167735456).epsilon(1e-12));
  CHECK(kolmogorov_survival(1.36) == doctest::Approx(0.049485876755377876).epsilon(1e-12));
  CHECK(kolmogorov_survival(0.6) == doctest::Approx(0.8642827790506044).epsilon(1e-12));
  CHECK(kolmogorov_survival(2.0) == doctest::Approx(0.0006709252557796953).epsilon(1e-12));
  CHECK(kolmogorov_survival(1.0 - 1e-12) == doctest::Approx(kolmogorov_survival(1.0)).epsilon(1e-10));
  CHECK(kolmogorov_survival(0.0) == 1.0);
}

TEST_CASE("KS test: accepts normal data, rejects a shifted law, p-values roughly uniform") {
  const auto x = normals(100000, 0.0, 1.0, 1);
  const auto ok = ks_test_normal(x, 0.0, 1.0);
  CHECK(ok.pass);
  CHECK(ok.estimate < 0.01);
  const auto bad = ks_test_normal(x, 0.05, 1.0);
  CHECK_FALSE(bad.pass);
  CHECK(bad.estimate == doctest::Approx(0.02).epsilon(0.2));  // D ~ phi(0) * 0.05
  int small = 0;
  for (std::uint64_t s = 0; s < 400; ++s)
    if (ks_test_normal(normals(200, 0.0, 1.0, 100 + s), 0.0, 1.0).p_value < 0.1) ++small;
  // Binomial(400, 0.1): mean 40, sd 6
  CHECK(small >= 10);
  CHECK(small <= 70);
}

TEST_CASE("covariance tests on a correlated bivariate normal") {
  const Eigen::Index n = 200000;
  const auto z1 = normals(std::size_t(n), 0, 1, 21), z2 = normals(std::size_t(n), 0, 1, 22);
  Eigen::MatrixXd X(2, n);
  X.row(0) = 2.0 * z1.transpose();
  X.row(1) = (0.5 * z1 + 1.0 * z2).transpose();  // cov = [[4, 1], [1, 1.25]]
  Eigen::MatrixXd S(2, 2);
  S << 4, 1, 1, 1.25;
  const auto r = covariance_matrix_test(X, S);
  CHECK(r.pass);
  CHECK(r.entries.size() == 3);
  CHECK(r.estimate(0, 1) == doctest::Approx(1.0).epsilon(0.05));
  // se of cov for bivariate normal: sqrt((S00 S11 + S01^2)/n)
  CHECK(r.entries[1].stderr_ == doctest::Approx(std::sqrt((4 * 1.25 + 1) / double(n))).epsilon(0.05));
  S(0, 1) = S(1, 0) = 1.1;
  CHECK_FALSE(covariance_matrix_test(X, S).pass);
}
