#include <doctest/doctest.h>

#include <ito/diffusion/reverse_sde.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/sra1.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;

TEST_CASE("reverse drift is g^2 score - f in reverse time s = T - t") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  reverse_sde rev{f, oracle};
  ensemble<double> Y(2, 3);
  Y << 0.1, 0.2, -0.3, 1.0, -1.0, 0.5;
  ensemble<double> out, sc;
  rev.drift(Y, 0.25, out);
  oracle(Y, 0.75, sc);
  const double g = f.diffusion(0.75);
  CHECK((out - (g * g * sc - f.drift_coeff(0.75) * Y)).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(rev.time(0.25) == 0.75);
}

TEST_CASE_TEMPLATE("reverse SDE with the exact score returns the data law through the core steppers", M,
                   ito::sde::euler_maruyama, ito::sde::sra1) {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  reverse_sde rev{f, oracle};
  boost::random::mt19937_64 eng(3);
  const ito::sde::index_t n = 20000;
  const ensemble<double> xT = f.prior_sample<double>(2, n, eng);
  auto p = rev.problem<double>(xT, 1e-3);
  CHECK(p.t1 == doctest::Approx(1.0 - 1e-3));
  ito::sde::solve_options<double> opt;
  opt.steps = 500;
  opt.seed = 9;
  opt.threads = 1;  // the oracle counts with an atomic, but keep it simple
  opt.keep_paths = false;
  const auto sol = ito::sde::solve(p, M{}, opt);
  const auto& mom = sol.terminal_moments();
  const Eigen::VectorXd m = oracle.mean(1e-3);
  const Eigen::MatrixXd C = oracle.cov(1e-3);
  for (int i = 0; i < 2; ++i) {
    const double se = std::sqrt(C(i, i) / double(n));
    CHECK(std::abs(mom.mean(i) - m(i)) < 5 * se + 0.01);
    CHECK(std::abs(mom.covariance()(i, i) - C(i, i)) < 5 * C(i, i) * std::sqrt(2.0 / double(n)) + 0.01);
  }
  CHECK(std::abs(mom.covariance()(0, 1) - C(0, 1)) < 0.02);
}

TEST_CASE("problem() on a temporary reverse_sde owns it (no dangling), same path as on an lvalue") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  boost::random::mt19937_64 eng(4);
  const ensemble<double> xT = f.prior_sample<double>(2, 64, eng);
  auto from_temporary = reverse_sde{f, oracle}.problem<double>(xT, 1e-3);  // the temporary dies here
  reverse_sde rev{f, oracle};
  auto from_lvalue = rev.problem<double>(xT, 1e-3);
  ito::sde::solve_options<double> opt;
  opt.steps = 50;
  opt.seed = 2;
  opt.threads = 1;
  opt.keep_paths = false;
  const auto a = ito::sde::solve(from_temporary, ito::sde::euler_maruyama{}, opt);
  const auto b = ito::sde::solve(from_lvalue, ito::sde::euler_maruyama{}, opt);
  CHECK(a.terminal == b.terminal);
  CHECK(a.terminal.allFinite());
}
