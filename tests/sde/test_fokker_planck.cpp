// Fokker–Planck finite volumes: mass conservation, OU Gaussian density with an
// L1 error that shrinks with the grid, and a simulated double-well histogram.
#include <doctest/doctest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <ito/sde/fokker_planck.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/problem.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

using namespace ito::sde;

namespace {
double ou_l1(Eigen::Index cells) {
  const scalar_ou ou(1.0, 0.5, 0.8);
  fokker_planck_1d fp([&](double x, double) { return ou.kappa * (ou.theta - x); },
                      [&](double, double) { return ou.sigma; }, -4.0, 5.0, cells);
  const double m0 = 2.0, v0 = 0.05;
  fp.set_gaussian(m0, v0);
  fp.advance(0.8, 0.5 * fp.dx());
  CHECK(std::abs(fp.mass() - 1.0) < 1e-10);
  const boost::math::normal_distribution<double> N(ou.mean(0.8, m0), std::sqrt(ou.variance(0.8, v0)));
  return fp.l1_error([&](double x) { return boost::math::pdf(N, x); });
}
}  // namespace

TEST_CASE("FP on OU: density matches the Gaussian transition law, L1 error shrinks with the grid") {
  const double e1 = ou_l1(60), e2 = ou_l1(120), e3 = ou_l1(240);
  MESSAGE("L1 errors: " << e1 << " " << e2 << " " << e3);
  CHECK(e3 < 5e-3);
  CHECK(e2 < 0.7 * e1);
  CHECK(e3 < 0.7 * e2);
}

TEST_CASE("FP mass is preserved to 1e-10 with a state-dependent diffusion and time-dependent drift") {
  fokker_planck_1d fp([](double x, double t) { return -x * x * x + std::sin(3 * t); },
                      [](double x, double) { return 0.5 + 0.3 * std::tanh(x); }, -3.0, 3.0, 300);
  fp.set_gaussian(0.5, 0.1);
  for (int i = 0; i < 10; ++i) {
    fp.advance(0.2 * (i + 1), 0.01);
    CHECK(std::abs(fp.mass() - 1.0) < 1e-10);
    CHECK(fp.density().minCoeff() >= -1e-15);  // Crank–Nicolson: nonnegative up to round-off
  }
}

TEST_CASE("FP relaxes to the stationary OU law N(theta, sigma^2/(2 kappa))") {
  const scalar_ou ou(2.0, -0.5, 1.0);
  fokker_planck_1d fp([&](double x, double) { return ou.kappa * (ou.theta - x); },
                      [&](double, double) { return ou.sigma; }, -4.0, 3.0, 400);
  fp.set_gaussian(1.5, 0.01);
  fp.advance(8.0, 0.01, 1.0);
  const boost::math::normal_distribution<double> N(ou.stationary_mean(), std::sqrt(ou.stationary_variance()));
  CHECK(fp.l1_error([&](double x) { return boost::math::pdf(N, x); }) < 2e-3);
}

TEST_CASE("FP against a simulated histogram of the double-well SDE dX = (X - X^3) dt + 0.7 dW") {
  const double T = 1.5, s = 0.7;
  fokker_planck_1d fp([](double x, double) { return x - x * x * x; }, [s](double, double) { return s; }, -3.0,
                      3.0, 600);
  const double m0 = 0.2, v0 = 0.04;
  fp.set_gaussian(m0, v0);
  fp.advance(T, 0.002);
  // simulate N paths with EM (fine steps) from X0 ~ N(m0, v0)
  const Eigen::Index N = 100000;
  ensemble<double> x0(1, N);
  {
    boost::random::mt19937_64 eng(99);
    boost::random::normal_distribution<double> nd(m0, std::sqrt(v0));
    for (Eigen::Index j = 0; j < N; ++j) x0(0, j) = nd(eng);
  }
  auto p = make_additive_problem<double>(
      [](const ensemble<double>& x, double, ensemble<double>& out) { out = x - x.cwiseProduct(x).cwiseProduct(x); },
      [s](double, matrix_t<double>& G) { G(0, 0) = s; }, x0, 0.0, T, 1);
  solve_options<double> opt;
  opt.steps = 1000;
  opt.paths = N;
  opt.seed = 4;
  opt.threads = 2;
  const auto sol = solve(p, euler_maruyama{}, opt);
  // compare bin probabilities on 24 bins of [-3, 3]; each bin's MC frequency has sd sqrt(q(1-q)/N)
  const int bins = 24;
  Eigen::VectorXd count = Eigen::VectorXd::Zero(bins);
  for (Eigen::Index j = 0; j < N; ++j) {
    const int b = int(std::floor((sol.terminal(0, j) + 3.0) / 6.0 * bins));
    if (b >= 0 && b < bins) count(b) += 1;
  }
  const Eigen::VectorXd& pd = fp.density();
  const Eigen::Index per = fp.cells() / bins;
  double worst = 0, l1 = 0, l1_noise = 0;  // l1_noise: E sum |f - q| from sampling alone
  for (int b = 0; b < bins; ++b) {
    const double q = pd.segment(b * per, per).sum() * fp.dx();
    const double f = count(b) / double(N);
    const double se = std::sqrt(std::max(q * (1 - q), 1e-12) / double(N));
    // tolerance: 5 sigma of sampling noise plus the O(dt, dx) discretisation of both methods
    worst = std::max(worst, std::abs(f - q) / (5 * se + 2e-3 * q + 1e-5));
    l1 += std::abs(f - q);
    l1_noise += std::sqrt(2 * q * (1 - q) / (3.14159265358979 * double(N)));
  }
  MESSAGE("double well: worst |f - q| / tolerance = " << worst << ", L1 = " << l1 << " (sampling alone: " << l1_noise << ")");
  CHECK(worst < 1.0);
  CHECK(l1 < 2 * l1_noise + 2e-3);
  // bimodal: the density at 0 is below the density near the wells +-1
  CHECK(pd(300) < pd(400));
}
