// Scalar and time-varying OU: closed forms against independent numbers, exact
// sampling against the closed forms (5 sigma), and Euler–Maruyama's variance bias.
#include <doctest/doctest.h>

#include <cmath>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/ou_exact.hpp>
#include <ito/sde/steppers/sra1.hpp>

using namespace ito::sde;

TEST_CASE("scalar OU closed forms match hand-evaluated seed formulas") {
  const scalar_ou ou(2.0, 1.0, 0.5);
  // theta + (x - theta) e^{-kappa (t-s)}, x = 3, s = 0.5, t = 1.25 (values from Python's math module)
  CHECK(ou.transition_mean(3.0, 0.5, 1.25) == doctest::Approx(1.4462603202968596).epsilon(1e-15));
  CHECK(ou.transition_variance(0.5, 1.25) == doctest::Approx(0.0593883082270085).epsilon(1e-14));
  // seed 004: Cov(X_t, X_t') = sigma^2/(2 kappa)(e^{-kappa|t-t'|} - e^{-kappa(t+t')})
  CHECK(ou.covariance(0.7, 1.9) == doctest::Approx(0.0053250868042907335).epsilon(1e-14));
  CHECK(ou.covariance(1.9, 0.7) == doctest::Approx(0.0053250868042907335).epsilon(1e-14));
  // random X0 ~ N(m0, v0): Cov = e^{-kappa(t+u)} v0 + the deterministic part
  const double v0 = 0.3;
  CHECK(ou.covariance(0.7, 1.9, v0) ==
        doctest::Approx(std::exp(-2.0 * 2.6) * v0 + 0.0053250868042907335).epsilon(1e-14));
  CHECK(ou.autocorrelation(1.0, 1.0) == doctest::Approx(1.0));
  CHECK(ou.stationary_autocorrelation(-0.4) == doctest::Approx(std::exp(-0.8)));
}

TEST_CASE("scalar OU limits: kappa -> 0 is Brownian motion, t -> infinity is stationary") {
  const double sigma = 1.3;
  CHECK(scalar_ou(0.0, 0.0, sigma).transition_variance(0, 2.0) == sigma * sigma * 2.0);
  // kappa h = 1e-13: relative deviation from sigma^2 h is kappa h ~ 1e-13, no cancellation
  CHECK(scalar_ou(1e-13, 0.0, sigma).transition_variance(0, 1.0) ==
        doctest::Approx(sigma * sigma).epsilon(1e-12));
  // small kappa: series sigma^2 h (1 - kappa h + 2/3 (kappa h)^2)
  const double k = 1e-5, h = 0.5;
  CHECK(scalar_ou(k, 0, sigma).transition_variance(0, h) ==
        doctest::Approx(sigma * sigma * h * (1 - k * h + 2.0 / 3 * k * h * k * h)).epsilon(1e-15));
  CHECK(scalar_ou(0.0, 2.0, sigma).mean(3.0, 5.0) == 5.0);
  const scalar_ou ou(0.8, -1.0, 0.6);
  CHECK(ou.variance(80.0, 0.7) == doctest::Approx(ou.stationary_variance()).epsilon(1e-14));
  CHECK(ou.mean(80.0, 4.0) == doctest::Approx(ou.stationary_mean()).epsilon(1e-14));
  CHECK(ou.stationary_variance() == doctest::Approx(0.36 / 1.6));
  CHECK_THROWS_AS(scalar_ou(0.0, 0, 1).stationary_variance(), ito::invalid_argument);
  CHECK_THROWS_AS(scalar_ou(-1.0, 0, 1), ito::invalid_argument);
}

TEST_CASE("time-varying OU: constant g is constant OU; linear beta closed form equals quadrature") {
  const double c = 1.5, s = 0.8, mu = 0.4;
  const auto tv = make_time_varying_ou(constant_schedule{c}, mu, s);
  const scalar_ou ou(c * c / (2 * s * s), mu, c);
  CHECK(tv.transition_mean(2.0, 0.3, 1.1) == doctest::Approx(ou.transition_mean(2.0, 0.3, 1.1)).epsilon(1e-14));
  CHECK(tv.transition_variance(0.3, 1.1) == doctest::Approx(ou.transition_variance(0.3, 1.1)).epsilon(1e-14));
  CHECK(tv.covariance(0.3, 1.1, 0.2) == doctest::Approx(ou.covariance(0.3, 1.1, 0.2)).epsilon(1e-14));
  CHECK(tv.stationary_variance() == doctest::Approx(ou.stationary_variance()));

  const linear_beta_schedule vp{0.1, 20.0, 1.0};
  const auto quad = make_function_schedule([vp](double t) { return vp.g(t); });
  CHECK(quad.integral_g2(0.2, 0.9) == doctest::Approx(vp.integral_g2(0.2, 0.9)).epsilon(1e-13));
  // VP (sigma = 1, mu = 0): mean coefficient exp(-1/2 int beta), variance 1 - exp(-int beta)
  const double B = 0.1 * 0.7 + 19.9 * (0.81 - 0.04) / 2;
  const auto vpou = make_time_varying_ou(vp, 0.0, 1.0);
  CHECK(vpou.transition_mean(1.0, 0.2, 0.9) == doctest::Approx(std::exp(-B / 2)).epsilon(1e-14));
  CHECK(vpou.transition_variance(0.2, 0.9) == doctest::Approx(-std::expm1(-B)).epsilon(1e-14));
  const auto vpq = make_time_varying_ou(quad, 0.0, 1.0);
  CHECK(vpq.transition_variance(0.2, 0.9) == doctest::Approx(vpou.transition_variance(0.2, 0.9)).epsilon(1e-12));
}

TEST_CASE("EM variance bias: closed form = recursion = scheme_moments(euler_maruyama)") {
  const scalar_ou ou(1.0, 0.5, 0.7);
  const double dt = 0.1, v0 = 0.2, m0 = 2.0;
  const long n = 10;
  double v = v0, m = m0;
  for (long i = 0; i < n; ++i) {
    v = (1 - ou.kappa * dt) * (1 - ou.kappa * dt) * v + ou.sigma * ou.sigma * dt;
    m = m + ou.kappa * (ou.theta - m) * dt;
  }
  CHECK(ou.em_variance(dt, n, v0) == doctest::Approx(v).epsilon(1e-14));
  CHECK(ou.em_mean(dt, n, m0) == doctest::Approx(m).epsilon(1e-14));
  // the form (1 - (1 - k dt)^{2n}) sigma^2 dt / (1 - (1 - k dt)^2)
  const double a = 0.9 * 0.9;
  CHECK(ou.em_variance(dt, n) == doctest::Approx((1 - std::pow(a, 10)) * 0.49 * dt / (1 - a)).epsilon(1e-14));
  // kappa = 0: n sigma^2 dt; kappa dt = 1 and 2 (a = 0, a = 1)
  CHECK(scalar_ou(0.0, 0, 2.0).em_variance(0.01, 50) == doctest::Approx(50 * 4 * 0.01).epsilon(1e-14));
  CHECK(scalar_ou(10.0, 0, 1.0).em_variance(0.1, 7, 3.0) == doctest::Approx(0.1));
  CHECK(scalar_ou(20.0, 0, 1.0).em_variance(0.1, 7, 3.0) == doctest::Approx(3.0 + 0.7));

  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, m0), 0.0, 1.0);
  const auto g = time_grid<double>::uniform(0.0, 1.0, n);
  const auto em = scheme_moments(p, euler_maruyama{}, g, Eigen::VectorXd::Constant(1, m0),
                                 Eigen::MatrixXd::Constant(1, 1, v0));
  CHECK(em.back().cov(0, 0) == doctest::Approx(ou.em_variance(dt, n, v0)).epsilon(1e-13));
  CHECK(em.back().mean(0) == doctest::Approx(ou.em_mean(dt, n, m0)).epsilon(1e-13));
  // ou_exact's scheme law is the closed form on any grid
  const auto ex = scheme_moments(p, ou_exact{}, time_grid<double>::explicit_grid({0.0, 0.13, 0.5, 1.0}),
                                 Eigen::VectorXd::Constant(1, m0), Eigen::MatrixXd::Constant(1, 1, v0), {2});
  CHECK(ex[0].cov(0, 0) == doctest::Approx(ou.variance(0.5, v0)).epsilon(1e-13));
  CHECK(ex[1].cov(0, 0) == doctest::Approx(ou.variance(1.0, v0)).epsilon(1e-13));
  CHECK(ex[1].mean(0) == doctest::Approx(ou.mean(1.0, m0)).epsilon(1e-13));
}

namespace {
welford column_stats(const ensemble<double>& x, ito::sde::index_t row = 0) {
  welford w;
  w.add_all(x.row(row));
  return w;
}
}  // namespace

TEST_CASE("ou_exact sampling passes mean, variance, covariance and KS tests on coarse and uneven grids") {
  const scalar_ou ou(1.5, -0.5, 0.8);
  const double x0 = 2.0;
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, x0), 0.0, 2.0);
  solve_options<double> opt;
  opt.grid = {0.0, 0.05, 0.7, 2.0};
  opt.save_times = {0.7};
  opt.keep_paths = true;
  opt.paths = 200000;
  opt.seed = 11;
  opt.threads = 2;
  const auto sol = solve(p, ou_exact{}, opt);
  const auto w1 = column_stats(sol.snapshots[0]), w2 = column_stats(sol.terminal);
  CHECK(mean_test(w1, ou.mean(0.7, x0)).pass);
  CHECK(variance_test(w1, ou.variance(0.7)).pass);
  CHECK(mean_test(w2, ou.mean(2.0, x0)).pass);
  CHECK(variance_test(w2, ou.variance(2.0)).pass);
  CHECK(covariance_test(sol.snapshots[0].row(0), sol.terminal.row(0), ou.covariance(0.7, 2.0)).pass);
  const auto ks = ks_test_normal(sol.terminal.row(0), ou.mean(2.0, x0), std::sqrt(ou.variance(2.0)));
  CHECK(ks.pass);
  CHECK(ks.p_value > 1e-4);
  // power: the law at t = 0.7 is far from the law at t = 2 and the test sees it
  CHECK_FALSE(ks_test_normal(sol.snapshots[0].row(0), ou.mean(2.0, x0), std::sqrt(ou.variance(2.0))).pass);
}

TEST_CASE("Euler–Maruyama on a coarse grid: variance matches its biased closed form, not the exact one") {
  const scalar_ou ou(1.0, 0.0, 1.0);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 1.0), 0.0, 1.0);
  solve_options<double> opt;
  opt.steps = 10;
  opt.paths = 200000;
  opt.seed = 5;
  opt.threads = 2;
  const auto sol = solve(p, euler_maruyama{}, opt);
  const auto w = column_stats(sol.terminal);
  const auto biased = variance_test(w, ou.em_variance(0.1, 10));
  CHECK(biased.pass);
  CHECK(mean_test(w, ou.em_mean(0.1, 10, 1.0)).pass);
  const auto exact = variance_test(w, ou.variance(1.0));
  CHECK_FALSE(exact.pass);
  CHECK(exact.z > 20);  // EM overestimates: 0.4623 vs 0.4323, ~1.5e-3 standard error
}

TEST_CASE("time-varying OU (VP schedule) sampled exactly in three steps") {
  const auto vp = make_time_varying_ou(linear_beta_schedule{0.1, 20.0, 1.0}, 0.0, 1.0);
  const double x0 = 3.0;
  const auto p = make_ou_problem(vp, ensemble<double>::Constant(1, 1, x0), 0.0, 1.0);
  solve_options<double> opt;
  opt.grid = {0.0, 0.1, 0.35, 1.0};
  opt.save_times = {0.1};
  opt.keep_paths = true;
  opt.paths = 100000;
  opt.seed = 3;
  opt.threads = 2;
  const auto sol = solve(p, ou_exact{}, opt);
  const auto w0 = column_stats(sol.snapshots[0]), w = column_stats(sol.terminal);
  CHECK(mean_test(w0, vp.mean(0.1, x0)).pass);
  CHECK(variance_test(w0, vp.variance(0.1)).pass);
  CHECK(mean_test(w, vp.mean(1.0, x0)).pass);
  CHECK(variance_test(w, vp.variance(1.0)).pass);
  CHECK(ks_test_normal(sol.terminal.row(0), vp.mean(1.0, x0), std::sqrt(vp.variance(1.0))).pass);
  // SRA1 on the same problem with 200 steps agrees within the statistics too
  opt.grid.clear();
  opt.steps = 200;
  opt.save_times.clear();
  const auto s2 = solve(p, sra1{}, opt);
  const auto ws = column_stats(s2.terminal);
  CHECK(mean_test(ws, vp.mean(1.0, x0)).pass);
  CHECK(variance_test(ws, vp.variance(1.0)).pass);
}
