// Linear-SDE moment equations (Boost.Odeint) against the OU closed forms.
#include <doctest/doctest.h>

#include <ito/sde/moments.hpp>
#include <ito/sde/ou.hpp>

using namespace ito::sde;

TEST_CASE("moment ODEs reproduce scalar OU mean and variance with random X0") {
  const scalar_ou ou(1.3, 0.4, 0.9);
  const double m0 = 2.0, v0 = 0.5;
  const auto r = linear_sde_moments(Eigen::MatrixXd::Constant(1, 1, -ou.kappa),
                                    Eigen::VectorXd::Constant(1, ou.kappa * ou.theta),
                                    Eigen::MatrixXd::Constant(1, 1, ou.sigma), Eigen::VectorXd::Constant(1, m0),
                                    Eigen::MatrixXd::Constant(1, 1, v0), 0.0, {0.0, 0.3, 1.0, 4.0});
  REQUIRE(r.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const double t = std::vector<double>{0.0, 0.3, 1.0, 4.0}[i];
    CHECK(r[i].mean(0) == doctest::Approx(ou.mean(t, m0)).epsilon(1e-10));
    CHECK(r[i].cov(0, 0) == doctest::Approx(ou.variance(t, v0)).epsilon(1e-10));
  }
}

TEST_CASE("moment ODEs reproduce multivariate OU (Van Loan) and tend to the Lyapunov solution") {
  Eigen::MatrixXd Th(3, 3), B(3, 2);
  Th << 1.0, 0.5, 0.0, -0.3, 2.0, 0.1, 0.2, 0.0, 0.7;
  B << 1.0, 0.0, 0.3, 0.5, 0.0, 0.8;
  const multivariate_ou ou(Th, Eigen::Vector3d(1.0, -1.0, 0.5), B);
  const Eigen::Vector3d m0(0.0, 2.0, -1.0);
  Eigen::Matrix3d P0 = 0.1 * Eigen::Matrix3d::Identity();
  P0(0, 1) = P0(1, 0) = 0.05;
  const auto r = ou_moments_ode(ou, m0, P0, 0.0, {0.5, 2.0, 40.0});
  CHECK((r[0].mean - ou.mean(0.5, m0)).norm() < 1e-10);
  CHECK((r[0].cov - ou.covariance(0.5, P0)).norm() < 1e-10);
  CHECK((r[1].cov - ou.covariance(2.0, P0)).norm() < 1e-10);
  CHECK((r[2].cov - ou.stationary_covariance()).norm() < 1e-9);
  CHECK((r[2].mean - ou.mu).norm() < 1e-9);
}

TEST_CASE("time-dependent coefficients: VP SDE moments match seed 000's closed form") {
  const linear_beta_schedule vp{0.1, 20.0, 1.0};
  const auto tv = make_time_varying_ou(vp, 0.0, 1.0);
  const auto r = linear_sde_moments([&](double t) { return Eigen::MatrixXd::Constant(1, 1, -vp.beta(t) / 2); },
                                    [](double) { return Eigen::VectorXd::Zero(1); },
                                    [&](double t) { return Eigen::MatrixXd::Constant(1, 1, vp.g(t)); },
                                    Eigen::VectorXd::Constant(1, 3.0), Eigen::MatrixXd::Zero(1, 1), 0.0,
                                    {0.25, 1.0});
  CHECK(r[0].mean(0) == doctest::Approx(tv.mean(0.25, 3.0)).epsilon(1e-10));
  CHECK(r[0].cov(0, 0) == doctest::Approx(tv.variance(0.25)).epsilon(1e-10));
  CHECK(r[1].mean(0) == doctest::Approx(tv.mean(1.0, 3.0)).epsilon(1e-9));
  CHECK(r[1].cov(0, 0) == doctest::Approx(tv.variance(1.0)).epsilon(1e-10));
}

TEST_CASE("moment ODE arguments are checked") {
  CHECK_THROWS_AS(linear_sde_moments(Eigen::MatrixXd::Zero(2, 2), Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Zero(2, 1),
                                     Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Zero(1, 1), 0.0, {1.0}),
                  ito::invalid_argument);
  CHECK_THROWS_AS(linear_sde_moments(Eigen::MatrixXd::Zero(1, 1), Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Zero(1, 1),
                                     Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Zero(1, 1), 1.0, {0.5}),
                  ito::invalid_argument);
}
