// Multivariate OU: Van Loan vs quadrature and Lyapunov, semidefinite sampling,
// exact sampling through solve() against the closed forms (5 sigma).
#include <doctest/doctest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/ou_exact.hpp>

using namespace ito::sde;

namespace {
multivariate_ou example() {
  Eigen::MatrixXd Th(3, 3), B(3, 2);
  Th << 1.0, 0.5, 0.0, -0.3, 2.0, 0.1, 0.2, 0.0, 0.7;
  B << 1.0, 0.0, 0.3, 0.5, 0.0, 0.8;
  return multivariate_ou(Th, Eigen::Vector3d(1.0, -1.0, 0.5), B);
}
}  // namespace

TEST_CASE("Van Loan covariance equals quadrature of e^{-Theta u} B B^T e^{-Theta^T u}") {
  const auto ou = example();
  const double h = 0.8;
  const Eigen::MatrixXd Q = ou.transition_covariance(h);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 3; ++j) {
      const double q = boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
          [&](double u) {
            const Eigen::MatrixXd E = ou.propagator(u);
            return (E * ou.B * ou.B.transpose() * E.transpose())(i, j);
          },
          0.0, h, 10, 1e-13);
      CHECK(Q(i, j) == doctest::Approx(q).epsilon(1e-11));
    }
  CHECK((Q - Q.transpose()).norm() == 0.0);
}

TEST_CASE("Lyapunov stationary covariance: residual ~ 0 and equal to Van Loan at large t") {
  const auto ou = example();
  REQUIRE(ou.is_stable());
  const Eigen::MatrixXd S = ou.stationary_covariance();
  CHECK((ou.Theta * S + S * ou.Theta.transpose() - ou.B * ou.B.transpose()).norm() < 1e-13);
  CHECK((ou.transition_covariance(60.0) - S).norm() < 1e-12);
  CHECK((ou.covariance(60.0, Eigen::Matrix3d::Identity()) - S).norm() < 1e-12);
  CHECK((ou.mean(60.0, Eigen::Vector3d(5, 5, 5)) - ou.mu).norm() < 1e-12);
  Eigen::MatrixXd bad = ou.Theta;
  bad(0, 0) = -1.0;
  CHECK_THROWS_AS(multivariate_ou(bad, ou.mu, ou.B).stationary_covariance(), ito::invalid_argument);
  CHECK_THROWS_AS(multivariate_ou(ou.Theta, Eigen::Vector2d(0, 0), ou.B), ito::invalid_argument);
}

TEST_CASE("diagonal Theta reduces to independent scalar OUs; cross-time covariance") {
  Eigen::MatrixXd Th = Eigen::Vector2d(0.5, 2.0).asDiagonal();
  Eigen::MatrixXd B = Eigen::Vector2d(0.3, 1.1).asDiagonal();
  const multivariate_ou ou(Th, Eigen::Vector2d(1.0, -2.0), B);
  const scalar_ou a(0.5, 1.0, 0.3), b(2.0, -2.0, 1.1);
  const Eigen::MatrixXd P0 = Eigen::Vector2d(0.2, 0.1).asDiagonal();
  const Eigen::MatrixXd C = ou.covariance(0.9, P0);
  CHECK(C(0, 0) == doctest::Approx(a.variance(0.9, 0.2)).epsilon(1e-12));
  CHECK(C(1, 1) == doctest::Approx(b.variance(0.9, 0.1)).epsilon(1e-12));
  CHECK(std::abs(C(0, 1)) < 1e-15);
  const Eigen::MatrixXd X = ou.cross_covariance(0.4, 1.3, P0);
  CHECK(X(0, 0) == doctest::Approx(a.covariance(0.4, 1.3, 0.2)).epsilon(1e-12));
  CHECK(X(1, 1) == doctest::Approx(b.covariance(0.4, 1.3, 0.1)).epsilon(1e-12));
  // kappa -> 0 corner: Theta = 0 gives B B^T h without trouble
  const multivariate_ou bm(Eigen::MatrixXd::Zero(2, 2), Eigen::Vector2d::Zero(), B);
  CHECK((bm.transition_covariance(0.7) - 0.7 * B * B.transpose()).norm() < 1e-14);
}

TEST_CASE("rank-deficient noise (m = 1 < d): semidefinite transition covariance is sampled exactly") {
  const multivariate_ou ou(Eigen::MatrixXd::Identity(2, 2), Eigen::Vector2d::Zero(), Eigen::Vector2d(1.0, 1.0));
  const Eigen::MatrixXd Q = ou.transition_covariance(0.5);
  CHECK(std::abs(Q.determinant()) < 1e-15);  // singular: Cholesky (LLT) would fail
  ensemble<double> x0(2, 1);
  x0 << 1.0, -1.0;
  const auto p = make_ou_problem(ou, x0, 0.0, 1.0);
  solve_options<double> opt;
  opt.steps = 3;
  opt.paths = 20000;
  opt.seed = 2;
  opt.threads = 2;
  const auto sol = solve(p, ou_exact{}, opt);
  // X1 - X2 = (x1 - x2) e^{-t}: deterministic
  const Eigen::RowVectorXd diff = sol.terminal.row(0) - sol.terminal.row(1);
  CHECK((diff.array() - 2.0 * std::exp(-1.0)).abs().maxCoeff() < 1e-12);
  welford w;
  w.add_all(sol.terminal.row(0));
  CHECK(variance_test(w, ou.covariance(1.0, Eigen::Matrix2d::Zero())(0, 0)).pass);
}

TEST_CASE("exact multivariate sampling: means, covariance matrices, cross-time covariance, KS marginals") {
  const auto ou = example();
  ensemble<double> x0(3, 1);
  x0 << 0.0, 2.0, -1.0;
  const auto p = make_ou_problem(ou, x0, 0.0, 1.5);
  solve_options<double> opt;
  opt.grid = {0.0, 0.4, 1.5};
  opt.save_times = {0.4};
  opt.keep_paths = true;
  opt.paths = 200000;
  opt.seed = 17;
  opt.threads = 2;
  const auto sol = solve(p, ou_exact{}, opt);
  const Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(3, 3);
  const Eigen::VectorXd m = ou.mean(1.5, x0.col(0));
  const Eigen::MatrixXd C = ou.covariance(1.5, Z);
  for (Eigen::Index i = 0; i < 3; ++i) {
    welford w;
    w.add_all(sol.terminal.row(i));
    CHECK(mean_test(w, m(i)).pass);
    CHECK(ks_test_normal(sol.terminal.row(i), m(i), std::sqrt(C(i, i))).pass);
  }
  const auto cm = covariance_matrix_test(sol.terminal, C);
  CHECK(cm.pass);
  CHECK(covariance_matrix_test(sol.snapshots[0], ou.covariance(0.4, Z)).pass);
  const Eigen::MatrixXd X = ou.cross_covariance(0.4, 1.5, Z);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 3; ++j)
      CHECK(covariance_test(sol.snapshots[0].row(i), sol.terminal.row(j), X(i, j)).pass);
  // the solver's running moments agree with the closed form too
  CHECK((sol.terminal_moments().mean - m).norm() < 0.01);
}

TEST_CASE("scheme_moments: ou_exact reproduces the closed forms, Euler–Maruyama does not") {
  const auto ou = example();
  const Eigen::Vector3d x0(0.0, 2.0, -1.0);
  const auto p = make_ou_problem(ou, ensemble<double>(x0), 0.0, 1.5);
  const auto g = time_grid<double>::uniform(0.0, 1.5, 5);
  const Eigen::MatrixXd P0 = 0.1 * Eigen::MatrixXd::Identity(3, 3);
  const auto ex = scheme_moments(p, ou_exact{}, g, x0, P0);
  CHECK((ex.back().mean - ou.mean(1.5, x0)).norm() < 1e-12);
  CHECK((ex.back().cov - ou.covariance(1.5, P0)).norm() < 1e-12);
  const auto em = scheme_moments(p, euler_maruyama{}, g, x0, P0);
  CHECK((em.back().cov - ou.covariance(1.5, P0)).norm() > 1e-2);
}
