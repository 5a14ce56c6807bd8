// Work-precision study (work_precision.hpp): rows for every method, fixed-step
// drift evaluations counted exactly, errors falling with dt and rtol on the same
// Brownian paths, the fine reference converged; adaptive Milstein tracks fixed-step
// Milstein's accuracy and is bit-identical over threads.
#include <doctest/doctest.h>

#include <cmath>
#include <ito/sde.hpp>
#include <ito/sde/work_precision.hpp>
#include <limits>
#include <map>

using namespace ito::sde;

namespace {
work_precision_options small_study() {
  work_precision_options o;
  o.paths = 200;
  o.threads = 2;
  o.steps = {8, 32, 128};
  o.rtols = {1e-1, 1e-2, 1e-3};
  o.reference_steps = 1 << 10;
  return o;
}

/// rows of one method and mode, in ladder order
std::vector<work_precision_row> of(const work_precision_result& r, const std::string& m, bool adaptive) {
  std::vector<work_precision_row> out;
  for (const auto& w : r.rows)
    if (w.method == m && w.adaptive == adaptive) out.push_back(w);
  return out;
}
}  // namespace

TEST_CASE("work precision on GBM (exact reference): rows, exact fixed-step counts, errors fall") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  const auto o = small_study();
  const auto r = work_precision(k.problem, work_precision_exact(k.problem, k.exact, o), o);
  // fixed: em, milstein, sriw1, sosri; adaptive: em, milstein, sriw1, sosri
  CHECK(r.rows.size() == 4 * o.steps.size() + 4 * o.rtols.size());
  const std::map<std::string, int> per_step{{"euler_maruyama", 1}, {"milstein", 1}, {"sriw1", 2}, {"sosri", 4}};
  for (const auto& [m, evals] : per_step) {
    const auto fx = of(r, m, false);
    REQUIRE(fx.size() == o.steps.size());
    for (std::size_t i = 0; i < fx.size(); ++i) {
      CHECK(fx[i].nfe == double(o.steps[i] * evals));
      CHECK(fx[i].dt == doctest::Approx(1.0 / double(o.steps[i])));
      CHECK(fx[i].stderr_ > 0);
      CHECK(fx[i].stderr_ < fx[i].strong_error);
    }
    // error falls by more than its noise between dt = 1/8 and 1/128 (same paths)
    CHECK(fx.back().strong_error + 3 * fx.back().stderr_ < fx.front().strong_error);
    const auto ad = of(r, m, true);
    REQUIRE(ad.size() == o.rtols.size());
    CHECK(ad.back().strong_error < ad.front().strong_error);
    CHECK(ad.back().nfe > ad.front().nfe);
  }
  // the order-3/2 methods beat Euler-Maruyama at the finest step by far
  CHECK(of(r, "sriw1", false).back().strong_error < 0.1 * of(r, "euler_maruyama", false).back().strong_error);
  // fitted order of fixed SRIW1 over dt = 1/8 .. 1/128 near 3/2
  const auto s = of(r, "sriw1", false);
  const double order = std::log(s.front().strong_error / s.back().strong_error) / std::log(16.0);
  MESSAGE("sriw1 order over dt 1/8..1/128: " << order);
  CHECK(order > 1.2);
  CHECK(order < 1.8);
}

TEST_CASE("work precision on the double well: the fine reference is converged, SRA1 order 3/2") {
  auto p = double_well_problem<double>(0.5, 0.5, 1.0);
  p.autonomous = true;
  auto o = small_study();
  o.rtols = {1e-2, 1e-3};
  const auto [ref, change] = work_precision_reference(p, o);
  const auto r = work_precision(p, ref, o);
  const auto s = of(r, "sra1", false);
  REQUIRE(s.size() == 3);
  CHECK(s[0].nfe == 16);  // SRA1: 2 drift evaluations per step
  MESSAGE("reference change " << change << ", sra1 error at dt 1/128 " << s.back().strong_error);
  CHECK(change < 0.25 * s.back().strong_error);  // the reference's own error is about change / (2^1.5 - 1)
  const double order = std::log(s.front().strong_error / s.back().strong_error) / std::log(16.0);
  CHECK(order > 1.2);
  CHECK(of(r, "sosra", true).size() == 2);
  CHECK(of(r, "euler_maruyama", true).size() == 2);
}

TEST_CASE("adaptive Milstein: error tracks fixed-step Milstein at equal steps, bit-identical over threads") {
  auto k = gbm_problem<double>();
  k.problem.autonomous = true;
  auto o = small_study();
  o.paths = 400;
  const auto ex = work_precision_exact(k.problem, k.exact, o);
  solve_options<double> so;
  so.paths = o.paths;
  so.seed = o.seed;
  so.block_size = 64;
  adaptive_options ao;
  ao.rtol = ao.atol = 1e-3;
  so.threads = 1;
  const auto a1 = solve(k.problem, adaptive(milstein{}, ao), so);
  so.threads = 2;
  so.block_size = 37;
  const auto a2 = solve(k.problem, adaptive(milstein{}, ao), so);
  CHECK((a1.terminal.array() == a2.terminal.array()).all());
  // fixed-step Milstein with about as many steps as the adaptive run took
  index_t steps = 1;
  while (double(steps) < a1.steps.accepted_mean) steps *= 2;
  so.steps = steps;
  const auto fx = solve<decltype(k.problem), milstein, tree_brownian<double>>(k.problem, milstein{}, so);
  const auto ea = detail::path_distance(a1.terminal, ex), ef = detail::path_distance(fx.terminal, ex);
  MESSAGE("adaptive milstein: error " << ea.first << " +- " << ea.second << " with " << a1.steps.accepted_mean
                                      << " accepted steps; fixed milstein " << steps << " steps: " << ef.first
                                      << " +- " << ef.second);
  CHECK(ea.first < 2.0 * ef.first);
  // strong order 1: the error falls about tenfold from rtol 1e-2 to 1e-4 with ~tenfold more steps
  double prev_err = 1e9, prev_steps = 0;
  for (double rtol : {1e-2, 1e-3, 1e-4}) {
    ao.rtol = ao.atol = rtol;
    const auto a = solve(k.problem, adaptive(milstein{}, ao), so);
    const double e = detail::path_distance(a.terminal, ex).first;
    CHECK(e < prev_err);
    CHECK(a.steps.accepted_mean > prev_steps);
    prev_err = e;
    prev_steps = a.steps.accepted_mean;
  }
}

TEST_CASE("van der Pol parameters: checked, and they are the problem's") {
  van_der_pol_parameters v;
  CHECK(v.mu == 20);  // the study's default: relaxation oscillations, t1 past the first jump (t ~ 16.9)
  CHECK(v.t1 == 20);
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(), inf}) {
    v.mu = bad;
    CHECK_THROWS_WITH_AS(van_der_pol_problem<double>(v), doctest::Contains("mu = "), ito::invalid_argument);
  }
  v = {};
  v.sigma = -0.1;
  CHECK_THROWS_WITH_AS(van_der_pol_problem<double>(v), doctest::Contains("sigma = "), ito::invalid_argument);
  v = {};
  v.t1 = 0;
  CHECK_THROWS_WITH_AS(van_der_pol_problem<double>(v), doctest::Contains("t1 = "), ito::invalid_argument);
  v = {};
  v.mu = 7;
  v.sigma = 0.3;
  v.t1 = 4;
  const auto p = van_der_pol_problem<double>(v);
  CHECK(p.t1 == 4);
  ensemble<double> x(2, 1), f, g;
  x << 2, 1;
  p.drift(x, 0.0, f);
  CHECK(f(0, 0) == 1);
  CHECK(f(1, 0) == doctest::Approx(7 * (1 - 4) * 1 - 2));  // mu (1 - x^2) y - x
  p.diffusion(x, 0.0, g);
  CHECK(g(0, 0) == doctest::Approx(0.6));
  CHECK(g(1, 0) == doctest::Approx(0.3));
}
