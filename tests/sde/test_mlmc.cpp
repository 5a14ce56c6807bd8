// Multilevel Monte Carlo (mlmc.hpp): coupling rates, Giles' adaptive algorithm,
// determinism over threads and block ranges (what ito::mpi::mlmc relies on), the
// price against Black-Scholes, and validate_mlmc's expectation checks.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <utility>

#include <ito/sde/mlmc.hpp>
#include <ito/sde/mlmc/truncated_milstein.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/validate/laws.hpp>
#include <ito/sde/validate/mlmc.hpp>
#include "support/quick_mode.hpp"

using namespace ito::sde;

namespace {

double black_scholes_call(double s0, double k, double r, double sigma, double t) {
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double d1 = (std::log(s0 / k) + (r + sigma * sigma / 2) * t) / (sigma * std::sqrt(t)), d2 = d1 - sigma * std::sqrt(t);
  return s0 * Phi(d1) - k * std::exp(-r * t) * Phi(d2);
}
}  // namespace

TEST_CASE("level variances decay as h (Euler-Maruyama) and h^2 (Milstein); the levels are consistent") {
  auto k = gbm_problem<double>(0.05, 0.4, 1.0, 1.0);
  mlmc_payoff pay;
  pay.kind = mlmc_payoff_kind::call;
  pay.discount = 0.05;
  mlmc_options o;
  o.refinement = 2;
  o.seed = 4;
  const index_t N = ito::test::quick() ? 4000 : 20000;
  const auto em = mlmc_level_table(k.problem, euler_maruyama{}, pay, 6, N, o);
  const auto mil = mlmc_level_table(k.problem, milstein{}, pay, 6, N, o);
  MESSAGE("EM beta " << em.beta << ", Milstein beta " << mil.beta << ", alphas " << em.alpha << ", " << mil.alpha);
  CHECK(em.beta > 0.7);
  CHECK(em.beta < 1.4);
  CHECK(mil.beta > 1.6);
  CHECK(mil.gamma == doctest::Approx(1.0).epsilon(0.01));  // cost doubles per level
  for (const auto& l : mil.levels) CHECK(l.consistency < 1.0);
  for (const auto& l : em.levels) CHECK(l.consistency < 1.0);
  // the sum of the level means equals the finest level's mean (telescoping), up to noise
  CHECK(std::abs(mil.estimate - mil.levels.back().mean_fine) < 5 * (mil.stderr_ + std::sqrt(mil.levels.back().variance_fine / double(N))));
}

TEST_CASE("adaptive MLMC prices a GBM call within 3 eps of Black-Scholes, beats plain MC, same bits for any threads") {
  const double r = 0.05, sigma = 0.4;
  auto k = gbm_problem<double>(r, sigma, 1.0, 1.0);
  mlmc_payoff pay;
  pay.kind = mlmc_payoff_kind::call;
  pay.strike = 1.0;
  pay.discount = r;
  mlmc_options o;
  o.rmse = ito::test::quick() ? 3e-3 : 1e-3;
  o.refinement = 4;
  o.seed = 2;
  o.threads = 1;
  const auto a = mlmc(k.problem, milstein{}, pay, o);
  o.threads = 2;
  const auto b = mlmc(k.problem, milstein{}, pay, o);
  CHECK(a.estimate == b.estimate);  // bit-identical
  CHECK(a.cost == b.cost);
  const double bs = black_scholes_call(1.0, 1.0, r, sigma, 1.0);
  MESSAGE("MLMC " << a.estimate << " +- " << a.stderr_ << ", Black-Scholes " << bs << ", cost " << a.cost
                  << ", plain MC cost " << a.plain_mc_cost << ", levels " << a.levels.size());
  CHECK(a.converged);
  CHECK(std::abs(a.estimate - bs) < 3 * o.rmse);
  CHECK(a.stderr_ <= o.rmse / std::sqrt(2.0) * 1.01);
  CHECK(a.plain_mc_cost > 5 * a.cost);
  for (const auto& l : a.levels) CHECK(l.consistency < 1.0);
}

TEST_CASE("antithetic coupling: the same expectation, the level variance no larger") {
  // two independent GBMs driven by diagonal noise; payoff on the first component
  auto k = diagonal_gbm_problem<double>(1.0);
  mlmc_payoff pay;
  pay.kind = mlmc_payoff_kind::second_moment;
  mlmc_options o;
  o.seed = 9;
  const index_t N = ito::test::quick() ? 4000 : 20000;
  const auto s = mlmc_level_table(k.problem, euler_maruyama{}, pay, 5, N, o);
  o.coupling = mlmc_coupling::antithetic;
  const auto t = mlmc_level_table(k.problem, euler_maruyama{}, pay, 5, N, o);
  for (std::size_t l = 1; l < s.levels.size(); ++l) {
    const double se = std::sqrt(s.levels[l].variance / double(N)) + std::sqrt(t.levels[l].variance / double(N));
    CHECK(std::abs(s.levels[l].mean - t.levels[l].mean) < 5 * se);
    CHECK(t.levels[l].variance <= s.levels[l].variance * 1.05);
    CHECK(t.levels[l].cost == doctest::Approx(s.levels[l].cost * 5.0 / 3.0));  // fine, twin, coarse
  }
}

TEST_CASE("antithetic truncated Milstein on non-commutative noise: level variance O(h^2) instead of O(h)") {
  // dX1 = 0.6 X2 dW1, dX2 = 0.6 X1 dW2 (+ a linear drift): B1 B2 != B2 B1, so without Levy
  // areas the plain coupling's variance decays like h; Giles & Szpruch's antithetic one like h^2.
  using E = ensemble<double>;
  Eigen::Matrix2d A, B1, B2;
  A << -0.5, 0.3, -0.2, -0.4;
  B1 << 0.0, 0.6, 0.0, 0.0;
  B2 << 0.0, 0.0, 0.6, 0.0;
  auto p = make_general_problem<double>(
      [=](const E& x, double, E& f) { f.noalias() = A * x; },
      [=](const E& x, double, E& g) {
        g.resize(4, x.cols());
        g.topRows(2).noalias() = B1 * x;
        g.bottomRows(2).noalias() = B2 * x;
      },
      E::Constant(2, 1, 1.0), 0.0, 1.0, 2);
  mlmc_payoff pay;
  pay.kind = mlmc_payoff_kind::second_moment;
  mlmc_options o;
  o.seed = 3;
  const index_t N = ito::test::quick() ? 8000 : 20000;
  const auto s = mlmc_level_table(p, truncated_milstein{}, pay, 7, N, o);
  o.coupling = mlmc_coupling::antithetic;
  const auto t = mlmc_level_table(p, truncated_milstein{}, pay, 7, N, o);
  // decay rate over the finest three levels (log2 of the variance ratio per level)
  auto fine_beta = [](const mlmc_result& r) {
    const auto& l = r.levels;
    return std::log2(l[l.size() - 3].variance / l.back().variance) / 2;
  };
  MESSAGE("standard beta " << fine_beta(s) << ", antithetic beta " << fine_beta(t));
  CHECK(fine_beta(s) < 1.5);
  CHECK(fine_beta(t) > 1.7);
  for (std::size_t l = 1; l < t.levels.size(); ++l) {
    CHECK(t.levels[l].consistency < 1.0);
    const double se = std::sqrt(s.levels[l].variance / double(N)) + std::sqrt(t.levels[l].variance / double(N));
    CHECK(std::abs(s.levels[l].mean - t.levels[l].mean) < 5 * se);
  }
}

TEST_CASE("mlmc rejects bad options naming the argument") {
  auto k = gbm_problem<double>();
  mlmc_options o;
  o.rmse = -1;
  CHECK_THROWS_WITH_AS(mlmc(k.problem, euler_maruyama{}, mlmc_payoff{}, o), doctest::Contains("rmse = -1"),
                       ito::invalid_argument);
  o.rmse = 1e-2;
  o.refinement = 1;
  CHECK_THROWS_WITH_AS(mlmc(k.problem, euler_maruyama{}, mlmc_payoff{}, o), doctest::Contains("refinement"),
                       ito::invalid_argument);
}

TEST_CASE("a batch split into block ranges and folded in block order has the batch's sums, bit for bit") {
  // ito::mpi::mlmc gives each rank a contiguous range of a batch's blocks and folds the block sums in order
  auto k = gbm_problem<double>(0.05, 0.4, 1.0, 1.0);
  mlmc_payoff pay;
  pay.kind = mlmc_payoff_kind::call;
  mlmc_options o;
  o.block_size = 64;
  o.seed = 11;
  const index_t N = 1000;  // 16 blocks, the last one partial
  const auto whole = mlmc_sample_level(k.problem, milstein{}, pay, 3, N, 5, o);
  mlmc_sums folded;
  for (auto [b, e] : {std::pair<index_t, index_t>{0, 3}, {3, 3}, {3, 11}, {11, 16}}) {
    o.threads = unsigned(1 + b % 2);
    for (const auto& s : mlmc_sample_blocks(k.problem, milstein{}, pay, 3, N, 5, b, e, o)) folded.add(s);
  }
  CHECK(folded.n == N);
  CHECK(folded.n == whole.n);
  CHECK(folded.y1 == whole.y1);
  CHECK(folded.y2 == whole.y2);
  CHECK(folded.y3 == whole.y3);
  CHECK(folded.y4 == whole.y4);
  CHECK(folded.f1 == whole.f1);
  CHECK(folded.f2 == whole.f2);
  CHECK(folded.cost == whole.cost);
  CHECK_THROWS_WITH_AS(mlmc_sample_blocks(k.problem, milstein{}, pay, 3, N, 5, 0, 17, o),
                       doctest::Contains("block range end = 17"), ito::invalid_argument);
}

TEST_CASE("validate_mlmc: E X_T, E X_T^2 and a call of GBM pass against the lognormal law; a wrong closed form fails") {
  const double mu = 0.05, sigma = 0.4, t1 = 1;
  auto k = gbm_problem<double>(mu, sigma, 1.0, t1);
  const auto checks = mlmc_expectations(gbm_law(mu, sigma, 1.0), t1, mlmc_call_check{"lognormal", 1.0});
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].exact == doctest::Approx(std::exp(mu * t1)));
  CHECK(checks[1].exact == doctest::Approx(std::exp((2 * mu + sigma * sigma) * t1)));
  // undiscounted call on E S_T = e^{mu T}: Black-Scholes with r = mu, times e^{mu T}
  CHECK(checks[2].exact == doctest::Approx(black_scholes_call(1, 1, mu, sigma, t1) * std::exp(mu * t1)));
  mlmc_validate_options o;
  o.rmse = ito::test::quick() ? 1e-2 : 3e-3;  // relative
  o.mlmc.refinement = 4;
  o.mlmc.seed = 7;
  const auto v = validate_mlmc(k.problem, milstein{}, checks, o);
  REQUIRE(v.rows.size() == 3);
  for (const auto& r : v.rows) {
    MESSAGE(r.result.name << ": " << r.result.estimate << " vs " << r.result.expected << ", stderr "
                          << r.sampling_stderr << ", bias " << r.bias_estimate << ", z " << r.result.z);
    CHECK(r.result.pass);
    CHECK(r.converged);
    CHECK(r.rmse == doctest::Approx(o.rmse * r.result.expected));
    CHECK(r.sampling_stderr <= r.rmse / std::sqrt(2.0) * 1.01);
    CHECK(r.result.stderr_ == doctest::Approx(std::hypot(r.sampling_stderr, r.bias_estimate)));
    CHECK(r.result.z == doctest::Approx((r.result.estimate - r.result.expected) / r.result.stderr_));
  }
  CHECK(v.passed());
  // the same estimate as mlmc() itself at that check's eps
  mlmc_options mo = o.mlmc;
  mo.rmse = v.rows[0].rmse;
  CHECK(mlmc(k.problem, milstein{}, checks[0].payoff, mo).estimate == v.rows[0].result.estimate);

  auto wrong = checks;
  // 15 eps off (relative rmse): the combined error scale sqrt(stderr^2 + bias^2) is at most
  // ~eps, so |z| is about 15 or more whatever the run's rmse (quick mode included)
  wrong[1].exact *= 1 + 15 * o.rmse;
  const auto w = validate_mlmc(k.problem, milstein{}, wrong, o);
  MESSAGE("wrong closed form: z " << w.rows[1].result.z);
  CHECK_FALSE(w.passed());
  CHECK_FALSE(w.rows[1].result.pass);
  CHECK(std::abs(w.rows[1].result.z) > 2 * o.max_z);
  CHECK(w.rows[0].result.pass);
}

TEST_CASE("validate_mlmc on OU (normal law, additive noise) passes; bad options are named") {
  const scalar_ou ou(1.0, 0.5, 0.5);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 2.0), 0.0, 1.0);
  const auto checks = mlmc_expectations(ou_law(ou, 2.0), 1.0, mlmc_call_check{"normal", 1.0});
  mlmc_validate_options o;
  o.rmse = 5e-3;
  o.mlmc.seed = 2;
  const auto v = validate_mlmc(p, euler_maruyama{}, checks, o);
  for (const auto& r : v.rows) CHECK_MESSAGE(r.result.pass, r.result.name << " z " << r.result.z);
  o.rmse = 0;
  CHECK_THROWS_WITH_AS(validate_mlmc(p, euler_maruyama{}, checks, o), doctest::Contains("rmse = 0"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(mlmc_expectations(ou_law(ou, 2.0), 1.0, mlmc_call_check{"cauchy", 1.0}),
                       doctest::Contains("call shape = cauchy"), ito::invalid_argument);
  CHECK(normal_call(1.0, 0.0, 0.5) == 0.5);
  CHECK(normal_call(0.0, 1.0, 0.0) == doctest::Approx(1 / std::sqrt(2 * 3.141592653589793)));
}
