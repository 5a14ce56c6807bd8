// solve(): determinism across threads, moments against the OU closed form,
// time grids, save times, the NaN policy and the argument checks.
#include <doctest/doctest.h>

#include <cmath>
#include <ito/sde.hpp>

namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;

namespace {
// dX = kappa (theta - X) dt + sigma dW (seed 004 appendix): E X_t = theta + (x0 - theta) e^{-kappa t},
// Var X_t = sigma^2 (1 - e^{-2 kappa t}) / (2 kappa).
template <class S = double>
auto ou(S kappa = 2, S theta = 0.5, S sigma = 0.8, S x0 = 1.5, S t1 = 1) {
  return sde::make_additive_problem<S>(
      [kappa, theta](const ensemble<S>& x, S, ensemble<S>& f) { f = (kappa * (theta - x.array())).matrix(); },
      [sigma](S, matrix_t<S>& g) { g(0, 0) = sigma; }, ensemble<S>::Constant(1, 1, x0), S(0), t1, 1);
}
}  // namespace

TEST_CASE("1 and 2 threads give bit-identical terminal states, snapshots and moments") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 50;
  o.paths = 3000;  // 6 blocks of 512, the last one partial
  o.seed = 42;
  o.save_times = {0.5};
  o.keep_paths = true;
  o.threads = 1;
  auto a = sde::solve(p, sde::euler_maruyama{}, o);
  o.threads = 2;
  auto b = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(a.summary.threads == 1);
  CHECK(b.summary.threads == 2);
  CHECK(a.terminal == b.terminal);
  CHECK(a.snapshots[0] == b.snapshots[0]);
  CHECK(a.terminal_moments().mean(0) == b.terminal_moments().mean(0));
  CHECK(a.terminal_moments().m2(0, 0) == b.terminal_moments().m2(0, 0));
  o.seed = 43;
  auto c = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(c.terminal != a.terminal);
}

TEST_CASE("a block range reproduces the same columns as the whole run (the basis of MPI splitting)") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 20;
  o.paths = 2000;
  o.seed = 5;
  auto whole = sde::solve(p, sde::euler_maruyama{}, o);
  o.block_begin = 1;
  o.block_end = 3;
  auto part = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(part.terminal.cols() == 1024);
  CHECK(part.terminal == whole.terminal.middleCols(512, 1024));
  CHECK(part.block_moments.size() == 2);
}

TEST_CASE("EM on OU with a fine grid matches the exact mean and variance within 5 standard errors") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 1000;
  o.paths = 100000;
  o.seed = 1;
  o.save_times = {0.25};
  o.keep_paths = false;
  auto s = sde::solve(p, sde::euler_maruyama{}, o);
  for (std::size_t i = 0; i < s.times.size(); ++i) {
    const double t = s.times[i];
    const double mean = 0.5 + 1.0 * std::exp(-2 * t), var = 0.64 * (1 - std::exp(-4 * t)) / 4;
    const auto& m = s.moments[i];
    CHECK(m.count == 100000);
    CHECK(std::abs(m.mean(0) - mean) < 5 * std::sqrt(var / 1e5));
    // Var of the sample variance ~ 2 var^2 / n for a Gaussian; EM's O(dt) bias at dt = 1e-3 is ~1e-3 var
    CHECK(std::abs(m.variance()(0) - var) < 5 * var * std::sqrt(2.0 / 1e5) + 2e-3 * var);
  }
}

TEST_CASE("float ensembles work and agree with double to float precision") {
  auto pf = ou<float>();
  sde::solve_options<float> o;
  o.steps = 100;
  o.paths = 20000;
  auto s = sde::solve(pf, sde::sra1{}, o);
  const double mean = 0.5 + std::exp(-2.0);
  CHECK(std::abs(s.terminal_moments().mean(0) - mean) < 5 * std::sqrt(0.16 * (1 - std::exp(-4.0)) / 2e4));
}

TEST_CASE("an explicit grid and dt both end exactly at t1") {
  auto p = ou();
  sde::solve_options<> o;
  o.paths = 10;
  o.grid = {0.0, 0.1, 0.3, 0.35, 1.0};
  auto a = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(a.summary.steps == 4);
  CHECK(a.times.empty());  // times == save_times; the state at t1 is `terminal`
  sde::solve_options<> o2;
  o2.paths = 10;
  o2.dt = 0.3;  // steps 0.3, 0.3, 0.3, 0.1
  auto b = sde::solve(p, sde::euler_maruyama{}, o2);
  CHECK(b.summary.steps == 4);
  auto g = sde::time_grid<double>::uniform(0.0, 1.0, 3);
  CHECK(g.t(3) == 1.0);
  CHECK(g.t(1) == 1.0 / 3.0);
}

TEST_CASE("bad arguments are refused with messages naming them") {
  auto p = ou();
  sde::solve_options<> o;
  o.paths = 10;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("steps = 0 and dt = 0"),
                       ito::invalid_argument);
  o.dt = -0.1;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("dt = -0.1"),
                       ito::invalid_argument);
  o.dt = std::nan("");
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("dt = nan"),
                       ito::invalid_argument);
  o.dt = 0;
  o.grid = {0.0, 0.5, 0.4, 1.0};
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("strictly increasing"),
                       ito::invalid_argument);
  o.grid.clear();
  o.steps = 10;
  o.save_times = {0.33};
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("save_times[0] = 0.33"),
                       ito::invalid_argument);
  o.save_times.clear();
  o.paths = -3;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("paths = -3"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(sde::time_grid<double>::uniform(1.0, 1.0, 10), doctest::Contains("t1 = 1"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(
      sde::make_additive_problem<double>([](const ensemble<>&, double, ensemble<>&) {},
                                         [](double, matrix_t<>&) {}, ensemble<>::Zero(1, 1), 1.0, 0.5, 1),
      doctest::Contains("t1 = 0.5"), ito::invalid_argument);
  // x0 of the wrong shape for the number of paths
  auto q = sde::make_additive_problem<double>([](const ensemble<>& x, double, ensemble<>& f) { f = -x; },
                                              [](double, matrix_t<>& g) { g(0, 0) = 1; },
                                              ensemble<>::Zero(1, 7), 0.0, 1.0, 1);
  sde::solve_options<> o3;
  o3.steps = 5;
  o3.paths = 8;
  CHECK_THROWS_WITH_AS(sde::solve(q, sde::euler_maruyama{}, o3), doctest::Contains("x0 columns = 7"),
                       ito::invalid_argument);
}

TEST_CASE("a drift returning the wrong shape is reported") {
  auto p = sde::make_additive_problem<double>(
      [](const ensemble<>& x, double, ensemble<>& f) { f = ensemble<>::Zero(x.rows() + 1, x.cols()); },
      [](double, matrix_t<>& g) { g(0, 0) = 1; }, ensemble<>::Zero(1, 1), 0.0, 1.0, 1);
  sde::solve_options<> o;
  o.steps = 5;
  o.paths = 4;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o),
                       doctest::Contains("drift returned a 2 x 4 matrix: expected 1 x 4"), ito::invalid_argument);
}

TEST_CASE("blow-up of dX = X^3 dt + dW is reported with step, time and path") {
  auto p = sde::make_additive_problem<double>(
      [](const ensemble<>& x, double, ensemble<>& f) { f = x.array().cube().matrix(); },
      [](double, matrix_t<>& g) { g(0, 0) = 1; }, ensemble<>::Constant(1, 1, 2.0), 0.0, 10.0, 1);
  sde::solve_options<> o;
  o.dt = 0.5;
  o.paths = 1000;
  o.threads = 2;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("non-finite state after step"),
                       ito::numerical_error);
  o.on_nan = sde::nan_policy::stop;
  auto s = sde::solve(p, sde::euler_maruyama{}, o);
  REQUIRE(s.summary.blow_up.has_value());
  CHECK(s.summary.blow_up->step >= 1);
  CHECK(s.summary.blow_up->path >= 0);
  CHECK(s.summary.blow_up->time == doctest::Approx(0.5 * double(s.summary.blow_up->step)));
  o.threads = 1;
  auto s1 = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(s1.summary.blow_up->path == s.summary.blow_up->path);
  CHECK(s1.summary.blow_up->step == s.summary.blow_up->step);
}

TEST_CASE("scalar and general noise integrate the same SDE alike") {
  // d = 2, both components driven by one W: dX = -X dt + (1, 2)^T dW as scalar noise
  // and as general noise with a 2 x 1 matrix give identical paths.
  ensemble<> x0 = ensemble<>::Ones(2, 1);
  auto drift = [](const ensemble<>& x, double, ensemble<>& f) { f = -x; };
  auto ps = sde::make_scalar_noise_problem<double>(
      drift, [](const ensemble<>& x, double, ensemble<>& g) {
        g.row(0).setConstant(1);
        g.row(1).setConstant(2);
        (void)x;
      },
      x0, 0.0, 1.0);
  auto pg = sde::make_general_problem<double>(
      drift, [](const ensemble<>& x, double, ensemble<>& g) {
        g.row(0).setConstant(1);
        g.row(1).setConstant(2);
        (void)x;
      },
      x0, 0.0, 1.0, 1);
  sde::solve_options<> o;
  o.steps = 20;
  o.paths = 100;
  auto a = sde::solve(ps, sde::euler_maruyama{}, o);
  auto b = sde::solve(pg, sde::euler_maruyama{}, o);
  CHECK((a.terminal - b.terminal).cwiseAbs().maxCoeff() < 1e-14);
  // the two components share one W: X_2 - 2 X_1 is deterministic, (X_2 - 2 X_1)(t) = -e^{-t}
  const Eigen::RowVectorXd r = a.terminal.row(1) - 2 * a.terminal.row(0);
  CHECK(r.maxCoeff() - r.minCoeff() < 1e-12);
  CHECK(r(0) == doctest::Approx(-std::pow(1 - 0.05, 20)));
}

TEST_CASE("Itô <-> Stratonovich drift conversion: Stratonovich GBM via Heun = Itô GBM via Milstein") {
  auto strat = sde::gbm_stratonovich_problem<double>(1.0, 0.5, 1.0);
  auto ito_version = sde::convert_calculus(strat.problem);  // f = alpha x + 1/2 beta^2 x
  CHECK(ito_version.interpretation == sde::calculus::ito);
  sde::convergence_options o;
  o.paths = 2000;
  o.levels = 5;
  o.coarsest_steps = 8;
  // a wrong conversion leaves an O(1) bias and the fitted order collapses towards 0
  auto r = sde::convergence_study(ito_version, sde::milstein{}, strat.exact, o);
  CHECK(std::abs(r.strong_order - 1.0) < 0.15);
}
