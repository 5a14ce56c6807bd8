// solve(): determinism across threads, moments against the OU closed form,
// time grids, save times, the NaN policy and the argument checks.
#include <doctest/doctest.h>

#include <cmath>
#include <type_traits>
#include <ito/sde.hpp>

#include "support/ou_problem.hpp"

namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;
using ito::test::ou;

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
  // The counter-based default source draws float and double normals from different
  // positions of the stream (four per Philox call in float, two in double), so the
  // two runs are compared on the Brownian tree, which computes the path in double
  // for both and hands float the same increments rounded once.
  sde::solve_options<float> of;
  of.steps = 100;
  of.paths = 20000;
  auto pf = ou<float>();
  auto sf = sde::solve<decltype(pf), sde::sra1, sde::tree_brownian<float>>(pf, sde::sra1{}, of);
  sde::solve_options<double> od;
  od.steps = 100;
  od.paths = 20000;
  auto pd = ou<double>();
  auto sd = sde::solve<decltype(pd), sde::sra1, sde::tree_brownian<double>>(pd, sde::sra1{}, od);
  REQUIRE(sf.terminal.cols() == sd.terminal.cols());
  // every path agrees to float rounding (~100 steps of relative error 6e-8 on values of order 1)
  const Eigen::ArrayXd diff = (sf.terminal.cast<double>() - sd.terminal).row(0).transpose().array();
  MESSAGE("largest float - double difference: " << diff.abs().maxCoeff());
  CHECK(diff.abs().maxCoeff() < 1e-5);
  // the default (counter-based) source in float: the mean against the closed form E X_1 = 0.5 + e^{-2}
  auto sc = sde::solve(pf, sde::sra1{}, of);
  const double mean = 0.5 + std::exp(-2.0), se = std::sqrt(0.16 * (1 - std::exp(-4.0)) / 2e4);
  CHECK(std::abs(sc.terminal_moments().mean(0) - mean) < 5 * se);
  CHECK(std::abs(sd.terminal_moments().mean(0) - mean) < 5 * se);
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

TEST_CASE("make_*_problem accept int and mixed time arguments, converted to the scalar type") {
  ensemble<> x0 = ensemble<>::Constant(1, 1, 0.5);
  auto f = [](const ensemble<>& x, double, ensemble<>& out) { out = x; };
  auto g = [](const ensemble<>& x, double, ensemble<>& out) { out = 0.3 * x; };
  auto gg = [](const ensemble<>& x, double, ensemble<>& out) { out = 0.09 * x; };
  auto p = sde::make_diagonal_problem(f, g, x0, 0, 1, gg);
  static_assert(std::is_same_v<decltype(p.t1), double>);
  CHECK(p.t0 == 0.0);
  CHECK(p.t1 == 1.0);
  auto q = sde::make_scalar_noise_problem(f, g, x0, 0.5f, 2);  // float and int with double state
  CHECK(q.t0 == 0.5);
  CHECK(q.t1 == 2.0);
  auto a = sde::make_additive_problem(f, [](double, matrix_t<>& G) { G(0, 0) = 1; }, x0, 0, 3, 1);
  CHECK(a.t1 == 3.0);
  auto gen = sde::make_general_problem(f, g, x0, 1, 2.5, 1);
  CHECK(gen.t0 == 1.0);
  auto o = sde::make_ou_problem(sde::scalar_ou(1, 0, 1), x0, 0, 2);
  CHECK(o.t1 == 2.0);
  ensemble<float> xf = ensemble<float>::Constant(1, 1, 0.5f);
  auto pf = sde::make_additive_problem(
      [](const ensemble<float>& x, float, ensemble<float>& out) { out = -x; },
      [](float, matrix_t<float>& G) { G(0, 0) = 1; }, xf, 0, 0.25, 1);
  static_assert(std::is_same_v<decltype(pf.t1), float>);  // S from x0's scalar
  CHECK(pf.t1 == 0.25f);
  // x0 may be any Eigen expression; the scalar type may be given explicitly
  auto pe = sde::make_additive_problem(
      f, [](double, matrix_t<>& G) { G(0, 0) = 1; }, ensemble<>::Constant(1, 1, 2.0), 0, 1, 1);
  static_assert(std::is_same_v<decltype(pe)::scalar_type, double>);
  CHECK(pe.x0(0, 0) == 2.0);
  auto pd = sde::make_diagonal_problem<double>(f, g, x0, 0, 1);
  CHECK(pd.t1 == 1.0);
}

TEST_CASE("Milstein on CIR, g = s sqrt(x), with the product g g' = s^2/2: finite at x = 0 and exact per step") {
  // dX = a (b - X) dt + s sqrt(X) dW; one Milstein step from x (Kloeden & Platen eq. 10.3.3):
  // x + a (b - x) h + s sqrt(x) dW + 1/2 (s^2/2) (dW^2 - h)
  const double a = 1.5, b = 0.4, s = 0.6;
  ensemble<> x0(1, 3);
  x0 << 0.0, 0.25, 1.0;
  auto p = sde::make_diagonal_problem(
      [a, b](const ensemble<>& x, double, ensemble<>& f) { f = (a * (b - x.array())).matrix(); },
      [s](const ensemble<>& x, double, ensemble<>& g) { g = (s * x.array().max(0.0).sqrt()).matrix(); }, x0, 0,
      1, [s](const ensemble<>& x, double, ensemble<>& gg) { gg.setConstant(x.rows(), x.cols(), s * s / 2); });
  ensemble<> x = x0, dW(1, 3), dZ;
  dW << 0.3, -0.2, 0.1;
  const double h = 0.01;
  sde::stepper_workspace<double> w;
  sde::milstein{}.step(p, x, 0.0, h, dW, dZ, w);
  for (Eigen::Index j = 0; j < 3; ++j) {
    const double x_j = x0(0, j), dw = dW(0, j);
    const double expected = x_j + a * (b - x_j) * h + s * std::sqrt(x_j) * dw + 0.5 * (s * s / 2) * (dw * dw - h);
    CHECK(std::isfinite(x(0, j)));
    CHECK(x(0, j) == doctest::Approx(expected).epsilon(1e-14));
  }
}

TEST_CASE("general_noise_block reads and writes path j's d x m matrix; general = diagonal noise when G is diagonal") {
  // d = m = 2, G(x) = diag(0.3 x_1, 0.5 x_2): as general noise and as diagonal noise
  ensemble<> x0(2, 1);
  x0 << 1.0, 2.0;
  auto f = [](const ensemble<>& x, double, ensemble<>& out) { out = -0.5 * x; };
  auto pg = sde::make_general_problem(
      f,
      [](const ensemble<>& x, double, ensemble<>& out) {
        for (Eigen::Index j = 0; j < x.cols(); ++j) {
          auto G = sde::general_noise_block(out, j, 2, 2);
          G << 0.3 * x(0, j), 0.0, 0.0, 0.5 * x(1, j);  // row-major comma initializer: G = [[a, 0], [0, b]]
        }
      },
      x0, 0, 1, 2);
  auto pd = sde::make_diagonal_problem(
      f, [](const ensemble<>& x, double, ensemble<>& out) { out = (x.array().colwise() * Eigen::Array2d(0.3, 0.5)).matrix(); },
      x0, 0, 1);
  sde::solve_options<> o;
  o.steps = 16;
  o.paths = 50;
  auto a = sde::solve(pg, sde::euler_maruyama{}, o);
  auto b = sde::solve(pd, sde::euler_maruyama{}, o);
  CHECK((a.terminal - b.terminal).cwiseAbs().maxCoeff() < 1e-13);
  CHECK(a.terminal.col(0) != a.terminal.col(1));
  // the map views column j, column-major: out(i + d k, j) = G(i, k)
  ensemble<> out = ensemble<>::Zero(6, 2);
  sde::general_noise_block(out, 1, 3, 2)(2, 1) = 7.0;
  CHECK(out(2 + 3 * 1, 1) == 7.0);
  const ensemble<>& cout_ = out;
  CHECK(sde::general_noise_block(cout_, 1, 3, 2)(2, 1) == 7.0);
  CHECK_THROWS_WITH_AS(sde::general_noise_block(out, 0, 2, 2), doctest::Contains("expected out to be (d*m) x N = 4"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(sde::general_noise_block(out, 2, 3, 2), doctest::Contains("j = 2"), ito::invalid_argument);
}
