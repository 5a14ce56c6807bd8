// Weak order 2 steppers (DRI1, the explicit weak-2 scheme), their discrete
// noise, and the weak convergence study.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

#include <ito/sde/problems.hpp>
#include <ito/sde/random/weak_noise.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/dri1.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/weak2_explicit.hpp>
#include <ito/sde/weak_convergence.hpp>
#include "support/quick_mode.hpp"

using namespace ito::sde;

namespace {
}  // namespace

TEST_CASE("three-point and two-point variables: exact frequencies, pure function of (seed, path, step)") {
  const index_t n = 600000, m = 1;
  double cnt[3] = {0, 0, 0}, plus = 0;
  for (index_t i = 0; i < n; ++i) {
    cnt[three_point(7, std::uint64_t(i), 3, 0, m) + 1] += 1;
  }
  const index_t m2 = 3;  // three Wiener processes -> 3 two-point pairs
  for (index_t i = 0; i < n; ++i) plus += two_point(7, std::uint64_t(i), 5, 2, m2) > 0;
  // binomial standard errors, 5 sigma
  const double p6 = 1.0 / 6, se6 = std::sqrt(p6 * (1 - p6) / double(n)), se2 = std::sqrt(0.25 / double(n));
  CHECK(std::abs(cnt[0] / double(n) - p6) < 5 * se6);
  CHECK(std::abs(cnt[2] / double(n) - p6) < 5 * se6);
  CHECK(std::abs(plus / double(n) - 0.5) < 5 * se2);
  // the rejection threshold splits 2^32 - 4 words into 6 equal parts
  CHECK(ito::sde::detail::three_point_sign(0) == -1);
  CHECK(ito::sde::detail::three_point_sign(715827881u) == -1);
  CHECK(ito::sde::detail::three_point_sign(715827882u) == 0);
  CHECK(ito::sde::detail::three_point_sign(ito::sde::detail::three_point_limit - 1) == 1);

  // the block reproduces the pointwise values for any first path / block size
  weak_noise_block<double> a(11, 100, m2, 8), b(11, 104, m2, 4);
  ensemble<double> dWa, dZa, dWb, dZb;
  for (int k = 0; k < 3; ++k) {
    a.increment(0.25, dWa, dZa);
    b.increment(0.25, dWb, dZb);
    CHECK(dWa.rightCols(4) == dWb);
    CHECK(dZa.rightCols(4) == dZb);
    for (index_t j = 0; j < 8; ++j)
      for (index_t r = 0; r < m2; ++r) {
        CHECK(dWa(r, j) == three_point(11, std::uint64_t(100 + j), std::uint64_t(k), r, m2) * std::sqrt(0.75));
        CHECK(dZa(r, j) == two_point(11, std::uint64_t(100 + j), std::uint64_t(k), r, m2) * 0.5);
      }
  }
}

TEST_CASE_TEMPLATE("weak-2 methods through solve: the mean of a linear SDE, same bits for any thread count", M,
                   dri1, weak2_explicit) {
  // dX = alpha X dt + beta X dW: any consistent weak-2 scheme has E X_{n+1} = E X_n (1 + alpha h + alpha^2 h^2 / 2)
  const double alpha = 0.5, beta = 0.4, x0 = 1.0;
  auto k = gbm_problem<double>(alpha, beta, x0, 1.0);
  solve_options<double> o;
  o.steps = 4;
  o.paths = ito::test::quick() ? 20000 : 200000;
  o.seed = 3;
  o.threads = 1;
  const auto s1 = solve(k.problem, M{}, o);
  o.threads = 2;
  o.block_size = 100;
  const auto s2 = solve(k.problem, M{}, o);
  CHECK(s1.terminal == s2.terminal);  // keyed by global path, not block
  const double h = 0.25, step_mean = std::pow(1 + alpha * h + alpha * alpha * h * h / 2, 4);
  const auto& mom = s1.terminal_moments();
  CHECK(std::abs(mom.mean(0) - x0 * step_mean) < 5 * mom.mean_stderr()(0));
}

TEST_CASE("fitted weak orders: Euler-Maruyama 1, DRI1 and the explicit weak-2 scheme 2") {
  const double alpha = 1.0, beta = 0.5, x0 = 0.5;
  auto k = gbm_problem<double>(alpha, beta, x0, 1.0);
  const auto ref = gbm_weak_reference(alpha, beta, x0, 1.0);
  weak_convergence_options o;
  o.paths = ito::test::quick() ? 20000 : 100000;
  o.levels = 4;
  o.threads = 0;
  o.seed = 5;
  o.coarsest_steps = 8;  // Euler-Maruyama's x^2 error is pre-asymptotic below 8 steps here
  const auto em = weak_convergence_study(k.problem, euler_maruyama{}, ref, o);
  MESSAGE("EM weak order " << em.weak_order << " +- " << em.weak_order_se);
  CHECK(std::abs(em.weak_order - 1.0) < 0.25);
  o.coarsest_steps = 4;
  const auto d = weak_convergence_study(k.problem, dri1{}, ref, o);
  MESSAGE("DRI1 weak order " << d.weak_order << " +- " << d.weak_order_se);
  CHECK(std::abs(d.weak_order - 2.0) < 0.3);
  const auto w = weak_convergence_study(k.problem, weak2_explicit{}, ref, o);
  MESSAGE("weak2 weak order " << w.weak_order << " +- " << w.weak_order_se);
  CHECK(std::abs(w.weak_order - 2.0) < 0.3);
  // the smooth call payoff converges at the same rates
  CHECK(std::abs(w.order[2] - 2.0) < 0.3);
  CHECK(std::abs(d.order[2] - 2.0) < 0.3);
  CHECK(std::abs(em.order[2] - 1.0) < 0.25);
}

TEST_CASE_TEMPLATE("general (non-commutative) noise: weak-2 second moments match the exact ones, Euler-Maruyama's do not",
                   M, dri1, weak2_explicit) {
  // dX = A X dt + B1 X dW1 + B2 X dW2 (d = 2, B1 B2 != B2 B1). E[X X^T] solves the
  // linear ODE P' = A P + P A^T + B1 P B1^T + B2 P B2^T (integrated by RK4, 1e-5 steps).
  using E = ensemble<double>;
  Eigen::Matrix2d A, B1, B2;
  A << -0.5, 0.3, -0.2, -0.4;
  B1 << 0.3, 0.2, 0.0, 0.25;
  B2 << 0.1, 0.0, 0.35, -0.2;
  auto p = make_general_problem<double>(
      [=](const E& x, double, E& f) { f.noalias() = A * x; },
      [=](const E& x, double, E& g) {
        g.resize(4, x.cols());
        g.topRows(2).noalias() = B1 * x;
        g.bottomRows(2).noalias() = B2 * x;
      },
      E::Constant(2, 1, 1.0), 0.0, 1.0, 2);
  Eigen::Matrix2d P = Eigen::Matrix2d::Ones();
  auto F = [&](const Eigen::Matrix2d& Q) -> Eigen::Matrix2d {
    return A * Q + Q * A.transpose() + B1 * Q * B1.transpose() + B2 * Q * B2.transpose();
  };
  const int n = 100000;
  const double dt = 1.0 / n;
  for (int i = 0; i < n; ++i) {
    const Eigen::Matrix2d k1 = F(P), k2 = F(P + dt / 2 * k1), k3 = F(P + dt / 2 * k2), k4 = F(P + dt * k3);
    P += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  solve_options<double> o;
  o.steps = 4;
  o.paths = ito::test::quick() ? 40000 : 200000;
  o.seed = 3;
  auto z_of = [&](const solution<double>& s, int i, int j) {
    const Eigen::ArrayXd q = s.terminal.row(i).array() * s.terminal.row(j).array();
    const double mean = q.mean(), se = std::sqrt((q - mean).square().mean() / double(q.size()));
    return (mean - P(i, j)) / se;
  };
  const auto s = solve(p, M{}, o);
  for (int i = 0; i < 2; ++i)
    for (int j = i; j < 2; ++j) CHECK(std::abs(z_of(s, i, j)) < 5);
  if (!ito::test::quick()) {
    const auto e = solve(p, euler_maruyama{}, o);
    CHECK(std::abs(z_of(e, 0, 0)) > 10);  // the check can fail: first order bias 0.026 at h = 1/4
  }
}
