#include <doctest/doctest.h>

#include <cmath>
#include <ito/diffusion/ddpm.hpp>
#include <ito/diffusion/parametrization.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;
using idx = ito::diffusion::index_t;

TEST_CASE("linear DDPM schedule: Ho et al. constants, alpha_bar_1000 ~ 4.04e-5") {
  const auto s = ddpm_schedule::linear();
  REQUIRE(s.steps() == 1000);
  CHECK(s.beta(1) == doctest::Approx(1e-4));
  CHECK(s.beta(1000) == doctest::Approx(0.02));
  CHECK(s.alpha_bar(0) == 1.0);
  CHECK(s.alpha_bar(1000) == doctest::Approx(4.04e-5).epsilon(0.005));
  double prod = 1;
  for (idx t = 1; t <= 1000; ++t) prod *= 1 - (1e-4 + (0.02 - 1e-4) * double(t - 1) / 999.0);
  CHECK(s.alpha_bar(1000) == doctest::Approx(prod).epsilon(1e-12));
  // improved-diffusion scaling for other step counts
  CHECK(ddpm_schedule::linear(500).beta(500) == doctest::Approx(0.04));
  CHECK_THROWS_AS(s.beta(0), ito::invalid_argument);
  CHECK_THROWS_AS(s.alpha_bar(1001), ito::invalid_argument);
}

TEST_CASE("cosine DDPM schedule: alpha_bar follows f(t)/f(0), beta clipped at 0.999") {
  const auto s = ddpm_schedule::cosine();
  auto f = [](double u) { return std::pow(std::cos((u + 0.008) / 1.008 * M_PI / 2), 2); };
  for (idx t : {1, 100, 500, 900}) CHECK(s.alpha_bar(t) == doctest::Approx(f(t / 1000.0) / f(0)).epsilon(1e-10));
  CHECK(s.beta(1000) == 0.999);
  for (idx t = 1; t <= 1000; ++t) REQUIRE(s.beta(t) <= 0.999);
}

TEST_CASE("the continuous forward process of a DDPM schedule has q(x_i | x_0) at t = i/T") {
  const auto s = ddpm_schedule::linear();
  const auto f = s.forward();
  for (idx i : {0, 1, 10, 500, 1000}) {
    CHECK(f.mean_coeff(s.time(i)) == doctest::Approx(s.q_mean_coeff(i)).epsilon(1e-12));
    CHECK(f.std(s.time(i)) == doctest::Approx(s.q_std(i)).epsilon(1e-12));
  }
  // beta(t) dt over a step integrates to -log(1 - beta_i)
  CHECK(f.beta(0.5) / 1000.0 == doctest::Approx(-std::log1p(-s.beta(500))).epsilon(1e-12));
}

TEST_CASE("posterior q(x_{t-1} | x_t, x_0) against direct Bayes") {
  // q(x_{t-1}|x_0) = N(sqrt(ab_{t-1}) x0, 1 - ab_{t-1}); q(x_t | x_{t-1}) = N(sqrt(alpha_t) x_{t-1}, beta_t).
  // Posterior precision = 1/(1-ab_{t-1}) + alpha_t/beta_t; mean = var (sqrt(ab_{t-1}) x0/(1-ab_{t-1}) + sqrt(alpha_t) x_t / beta_t).
  for (const auto& s : {ddpm_schedule::linear(), ddpm_schedule::cosine()}) {
    for (idx t : {2, 10, 300, 999}) {
      const double ab1 = s.alpha_bar(t - 1), al = s.alpha(t), be = s.beta(t);
      const double var = 1.0 / (1.0 / (1 - ab1) + al / be);
      const double x0 = 0.7, xt = -1.3;
      const double mean = var * (std::sqrt(ab1) * x0 / (1 - ab1) + std::sqrt(al) * xt / be);
      CHECK(s.posterior_variance(t) == doctest::Approx(var).epsilon(1e-10));
      ensemble<double> X0(1, 1), Xt(1, 1);
      X0 << x0;
      Xt << xt;
      CHECK(s.posterior_mean(X0, Xt, t)(0, 0) == doctest::Approx(mean).epsilon(1e-10));
    }
  }
}

TEST_CASE("DDPM ELBO with the exact eps-predictor bounds the true NLL") {
  // Data N(m, C) in 2-D: the exact eps-model is -std * score of the marginal (Tweedie).
  const auto sch = ddpm_schedule::linear(1000);
  const auto f = sch.forward();
  Eigen::VectorXd m(2);
  m << 0.5, -1.0;
  Eigen::MatrixXd C(2, 2);
  C << 1.0, 0.3, 0.3, 0.5;
  ito::test::gaussian_oracle<decltype(f)> oracle(f, m, C);
  boost::random::mt19937_64 eng(5);
  const Eigen::MatrixXd X = oracle.sample(2000, eng);
  auto eps = predictor_from_score(f, oracle, prediction::eps);
  const auto elbo = ddpm_elbo_terms(sch, X, eps, eng, 2);
  const auto elbo_small = ddpm_elbo_terms(sch, X, eps, eng, 2, reverse_variance::small);
  const double nll = -oracle.logpdf(X, 0.0).mean();
  // closed form L_T
  const double abT = sch.alpha_bar(sch.steps());
  CHECK(elbo.LT == doctest::Approx(0.5 * (abT * X.squaredNorm() / 2000 + 2 * (-abT - std::log1p(-abT)))));
  CHECK(elbo.Lt.size() == 999);
  MESSAGE("L0 = " << elbo.L0 << ", LT = " << elbo.LT << ", -ELBO = " << elbo.total() << ", NLL = " << nll);
  MESSAGE("-ELBO with beta_tilde variances = " << elbo_small.total());
  // With beta_t variances and the exact denoiser the bound is tight: the gap is within the
  // Monte Carlo error of the x_t draws (measured -ELBO - NLL = -0.008 at this seed).
  CHECK(std::abs(elbo.total() - nll) < 0.05);
  CHECK(elbo_small.total() > nll + 0.5);  // beta_tilde variances give a loose bound
  CHECK(elbo_small.total() > elbo.total() + 0.5);
}
