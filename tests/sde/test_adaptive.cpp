// Adaptive stepping (adaptive.hpp): accuracy follows the tolerance on the
// exact solution of the same Brownian path (the tree), save times are hit
// exactly, rejected steps happen and re-query the same path, results are
// bit-identical for any thread count and block size, bad options are refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <ito/sde.hpp>
#include <ito/sde/adaptive.hpp>
#include <ito/sde/steppers/sosra.hpp>
#include <ito/sde/steppers/sra1.hpp>
#include <ito/sde/steppers/sosri.hpp>
#include <ito/sde/steppers/sriw1.hpp>

using namespace ito::sde;

namespace {
/// W(t) of every path of [first, first + n) from the same tree solve_adaptive uses.
ensemble<double> tree_w(std::uint64_t seed, double t0, double t1, index_t m, index_t n, double t) {
  brownian_tree<double> tree(seed, t0, t1, (t1 - t0) * std::ldexp(1.0, -32), m, 0, n);
  ensemble<double> w;
  tree.value(t, w);
  return w;
}

/// RMS over paths of |X(t1) - exact|.
template <class K>
double strong_error(const K& k, const ensemble<double>& xT, std::uint64_t seed) {
  const index_t n = xT.cols();
  const ensemble<double> W = tree_w(seed, double(k.problem.t0), double(k.problem.t1), k.problem.noise_dim, n,
                                    double(k.problem.t1));
  ensemble<double> x0 = k.problem.x0.col(0).replicate(1, n), ex;
  k.exact(x0, k.problem.t1, W, ex);
  return std::sqrt((xT - ex).array().square().mean());
}

solve_options<double> sopts(index_t paths, std::uint64_t seed = 5) {
  solve_options<double> o;
  o.paths = paths;
  o.seed = seed;
  o.threads = 2;
  o.block_size = 128;
  return o;
}
}  // namespace

TEST_CASE("adaptive SRIW1 and SOSRI on GBM: the strong error follows the tolerance") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  for (double rtol : {1e-2, 1e-3, 1e-4}) {
    adaptive_options ao;
    ao.rtol = rtol;
    ao.atol = rtol;
    auto r1 = solve_adaptive(k.problem, adaptive_rossler<sriw1>{}, sopts(2000), ao);
    auto r2 = solve_adaptive(k.problem, adaptive_rossler<sosri>{}, sopts(2000), ao);
    const double e1 = strong_error(k, r1.terminal, 5), e2 = strong_error(k, r2.terminal, 5);
    MESSAGE("rtol " << rtol << ": sriw1 error " << e1 << " with " << r1.steps.accepted_mean << " accepted, "
                    << r1.steps.rejected_mean << " rejected steps per path; sosri error " << e2 << " ("
                    << r2.steps.accepted_mean << " / " << r2.steps.rejected_mean << ")");
    CHECK(e1 < 20 * rtol);
    CHECK(e2 < 20 * rtol);
    CHECK(r1.steps.rejected_mean > 0);  // the controller does reject
    CHECK(r1.steps.accepted_max < 100000);
  }
}

TEST_CASE("adaptive SOSRA on the time-dependent additive problem (per-path times, grouped evaluation)") {
  auto k = additive_problem<double>();
  adaptive_options ao;
  ao.rtol = 1e-4;
  ao.atol = 1e-4;
  auto r = solve_adaptive(k.problem, adaptive_rossler<sosra>{}, sopts(512), ao);
  const double e = strong_error(k, r.terminal, 5);
  MESSAGE("sosra additive: error " << e << ", " << r.steps.accepted_mean << " steps per path");
  CHECK(e < 1e-3);
}

TEST_CASE("SRA1's tableau is its hand-written step, and adaptive SRA1 follows the tolerance") {
  auto k = additive_problem<double>();
  // one step of the generic SRA step with sra1::tableau() against sra1::step on the same increments
  const index_t n = 64;
  ensemble<double> x0 = ensemble<double>::Random(1, n), dW = 0.3 * ensemble<double>::Random(1, n),
                   dZ = 0.05 * ensemble<double>::Random(1, n);
  ensemble<double> a = x0, b = x0;
  stepper_workspace<double> w;
  sra1{}.step(k.problem, a, 0.3, 0.1, dW, dZ, w);
  detail::sra_step(sra1::tableau(), k.problem, b, 0.3, 0.1, dW, dZ, w.stages);
  CHECK((a - b).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((a - x0).cwiseAbs().maxCoeff() > 1e-3);
  double prev = 1e9;
  for (double tol : {1e-2, 1e-3, 1e-4}) {
    adaptive_options ao;
    ao.rtol = tol;
    ao.atol = tol;
    auto r = solve(k.problem, adaptive(sra1{}, ao), sopts(512));
    const double e = strong_error(k, r.terminal, 5);
    MESSAGE("sra1 additive rtol " << tol << ": error " << e << ", " << r.steps.accepted_mean << " steps, "
                                  << r.steps.drift_evals_mean << " drift evaluations per path");
    CHECK(e < prev / 3);  // error order 3/2: a tenth of the tolerance gives about a tenth of the error
    CHECK(e < 10 * tol);
    // two evaluations per accepted attempt, one per rejected one (f at the step's start is kept)
    CHECK(r.steps.drift_evals_mean == doctest::Approx(2 * r.steps.accepted_mean + r.steps.rejected_mean));
    prev = e;
  }
}

TEST_CASE("adaptive Euler-Maruyama (Heun pair) on GBM: error falls with the tolerance") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  double prev = 1e9;
  for (double tol : {1e-1, 1e-2, 1e-3}) {
    adaptive_options ao;
    ao.rtol = tol;
    ao.atol = tol;
    auto r = solve_adaptive(k.problem, adaptive_euler_maruyama{}, sopts(2000), ao);
    const double e = strong_error(k, r.terminal, 5);
    MESSAGE("EM rtol " << tol << ": error " << e << ", " << r.steps.accepted_mean << " accepted, "
                       << r.steps.drift_evals_mean << " drift evaluations per path");
    CHECK(e < prev);
    prev = e;
  }
}

TEST_CASE("save times are hit exactly and the snapshot is the solution there") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  auto o = sopts(256);
  o.save_times = {0.25, 0.5};
  o.keep_paths = true;
  adaptive_options ao;
  ao.rtol = ao.atol = 1e-5;
  auto r = solve_adaptive(k.problem, adaptive_rossler<sriw1>{}, o, ao);
  REQUIRE(r.times.size() == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    const ensemble<double> W = tree_w(5, 0, 1, 1, 256, r.times[s]);
    ensemble<double> x0 = k.problem.x0.col(0).replicate(1, 256), ex;
    k.exact(x0, r.times[s], W, ex);
    const double err = (r.snapshots[s] - ex).cwiseAbs().maxCoeff();
    MESSAGE("t = " << r.times[s] << ": max error " << err);
    CHECK(err < 1e-2);
    CHECK(r.moments[s].count == 256);
  }
}

TEST_CASE("adaptive results are bit-identical for any thread count and block size") {
  auto k = sinh_problem<double>();
  adaptive_options ao;
  ao.rtol = ao.atol = 1e-3;
  auto o = sopts(600);
  o.threads = 1;
  o.block_size = 600;
  auto a = solve_adaptive(k.problem, adaptive_rossler<sriw1>{}, o, ao);
  o.threads = 2;
  o.block_size = 64;
  auto b = solve_adaptive(k.problem, adaptive_rossler<sriw1>{}, o, ao);
  o.block_size = 256;
  auto c = solve_adaptive(k.problem, adaptive_euler_maruyama{}, o, ao);
  o.threads = 1;
  o.block_size = 37;
  auto d = solve_adaptive(k.problem, adaptive_euler_maruyama{}, o, ao);
  CHECK((a.terminal.array() == b.terminal.array()).all());
  CHECK((c.terminal.array() == d.terminal.array()).all());
  CHECK(a.steps.accepted_mean == b.steps.accepted_mean);
}

TEST_CASE("solve(problem, adaptive(method, control), options) is the same front door") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  adaptive_options ao;
  ao.rtol = ao.atol = 1e-3;
  auto a = solve(k.problem, adaptive(sriw1{}, ao), sopts(300));
  auto b = solve_adaptive(k.problem, adaptive_rossler<sriw1>{}, sopts(300), ao);
  CHECK((a.terminal.array() == b.terminal.array()).all());
  CHECK(a.steps.accepted_mean == b.steps.accepted_mean);
  auto e = solve(k.problem, adaptive(euler_maruyama{}, ao), sopts(300));
  CHECK(e.terminal.allFinite());
  CHECK(e.steps.accepted_mean > 10);
}

TEST_CASE("the PI factor skips pow only where the clamp decides: the same clamped factor") {
  adaptive_options ao;
  for (const double q : {0.5, 1.0, 1.5}) {
    const detail::pi_controller pi(ao, q);
    for (double e = 1e-10; e <= 1e10; e *= 1.37)
      for (double ep = 1e-10; ep <= 1e10; ep *= 2.9) {
        const double exact = ao.safety * std::pow(e, -ao.beta1 / q) * std::pow(ep, ao.beta2 / q);
        const double f = pi.factor(e, ep);
        CAPTURE(e);
        CAPTURE(ep);
        CHECK(std::clamp(f, ao.shrink_min, ao.grow_max) == std::clamp(exact, ao.shrink_min, ao.grow_max));
        CHECK(std::clamp(std::min(f, 1.0), ao.shrink_min, ao.grow_max) ==
              std::clamp(std::min(exact, 1.0), ao.shrink_min, ao.grow_max));
      }
  }
}

TEST_CASE("adaptive options are checked, naming the option") {
  auto k = gbm_problem<double>();
  adaptive_options ao;
  ao.rtol = 0;
  CHECK_THROWS_WITH_AS(solve_adaptive(k.problem, adaptive_euler_maruyama{}, sopts(4), ao),
                       doctest::Contains("rtol"), ito::invalid_argument);
  ao = adaptive_options{};
  ao.shrink_min = 1.5;
  CHECK_THROWS_WITH_AS(solve_adaptive(k.problem, adaptive_euler_maruyama{}, sopts(4), ao),
                       doctest::Contains("shrink_min"), ito::invalid_argument);
  ao = adaptive_options{};
  ao.max_steps = 3;
  ao.rtol = ao.atol = 1e-8;
  CHECK_THROWS_WITH_AS(solve_adaptive(k.problem, adaptive_euler_maruyama{}, sopts(4), ao),
                       doctest::Contains("max_steps"), ito::numerical_error);
}
