#include <doctest/doctest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/sra1.hpp>

using namespace ito::diffusion;

TEST_CASE("VP constants: continuous alpha_bar(1) = exp(-(beta_min + beta_max)/2)") {
  const vp_sde vp;
  const double ab1 = vp.mean_coeff(1.0) * vp.mean_coeff(1.0);
  CHECK(ab1 == doctest::Approx(std::exp(-10.05)).epsilon(1e-14));
  CHECK(ab1 == doctest::Approx(4.32e-5).epsilon(0.01));
  CHECK(vp.std(1.0) == doctest::Approx(std::sqrt(1 - ab1)).epsilon(1e-14));
  CHECK(vp.diffusion(0.5) == doctest::Approx(std::sqrt(0.1 + 0.5 * 19.9)));
  CHECK(vp.drift_coeff(0.5) == doctest::Approx(-0.5 * (0.1 + 0.5 * 19.9)));
  CHECK(vp.mean_coeff(0.0) == 1.0);
  CHECK(vp.std(0.0) == 0.0);
  CHECK(vp.name() == "vp");
}

TEST_CASE("VE constants: g(1) = sigma_max sqrt(2 ln(sigma_max/sigma_min)) ~ 206.36") {
  const ve_sde ve;
  CHECK(ve.diffusion(1.0) == doctest::Approx(50 * std::sqrt(2 * std::log(5000.0))).epsilon(1e-14));
  CHECK(ve.diffusion(1.0) == doctest::Approx(206.36).epsilon(1e-4));
  // exact std: sigma(t)^2 - sigma_min^2
  CHECK(ve.std(1.0) == doctest::Approx(std::sqrt(2500.0 - 1e-4)).epsilon(1e-14));
  CHECK(ve.std(0.0) == 0.0);
  CHECK(ve.prior_std() == 50.0);
}

TEST_CASE("d/dt of the marginal variance satisfies the moment ODE of every forward SDE") {
  // For dX = c(t) X dt + o(t) dt + g dW: a' = c a, (s^2)' = 2 c s^2 + g^2, b' = c b + o.
  auto check = [](const auto& f) {
    for (double t : {0.05, 0.3, 0.7, 0.95}) {
      const double h = 1e-6;
      const double da = (f.mean_coeff(t + h) - f.mean_coeff(t - h)) / (2 * h);
      const double db = (f.mean_offset(t + h) - f.mean_offset(t - h)) / (2 * h);
      const double dv = (std::pow(f.std(t + h), 2) - std::pow(f.std(t - h), 2)) / (2 * h);
      const double c = f.drift_coeff(t), g = f.diffusion(t);
      CHECK(da == doctest::Approx(c * f.mean_coeff(t)).epsilon(1e-6));
      CHECK(db == doctest::Approx(c * f.mean_offset(t) + f.drift_offset(t)).epsilon(1e-6).scale(1));
      CHECK(dv == doctest::Approx(2 * c * f.std(t) * f.std(t) + g * g).epsilon(1e-6));
    }
  };
  check(vp_sde{});
  check(vp_cosine_sde{});
  check(subvp_sde{});
  check(ve_sde{});
  check(ou_sde<constant_beta>(2.0, 0.5, constant_beta{3.0}, 2.0, 1e-3));
  check(ou_sde<linear_schedule>(-1.0, 3.0, linear_schedule{0.5, 4.0}));
}

TEST_CASE("OU mean and variance integrals match seed 000 by quadrature") {
  const ou_sde<linear_schedule> ou(1.5, 2.0, linear_schedule{0.5, 6.0});
  const double t = 0.8;
  const double G = boost::math::quadrature::gauss_kronrod<double, 15>::integrate(
      [&](double u) { return ou.diffusion(u) * ou.diffusion(u); }, 0.0, t);
  CHECK(ou.mean_coeff(t) == doctest::Approx(std::exp(-G / (2 * 4.0))).epsilon(1e-12));
  CHECK(ou.std(t) * ou.std(t) == doctest::Approx(4.0 * (1 - std::exp(-G / 4.0))).epsilon(1e-12));
  CHECK(ou.mean_offset(t) == doctest::Approx(1.5 * (1 - ou.mean_coeff(t))));
}

TEST_CASE("cosine VP: alpha_bar matches Nichol & Dhariwal and T must be < 1") {
  const vp_cosine_sde c;
  const double s = 0.008;
  auto f = [&](double t) { return std::pow(std::cos((t + s) / (1 + s) * M_PI / 2), 2); };
  for (double t : {0.1, 0.5, 0.9})
    CHECK(c.mean_coeff(t) * c.mean_coeff(t) == doctest::Approx(f(t) / f(0)).epsilon(1e-12));
  CHECK_THROWS_AS(vp_cosine_sde(0.008, 1.0), ito::invalid_argument);
}

TEST_CASE("invalid parameters are refused with the argument's name") {
  CHECK_THROWS_WITH_AS(ve_sde(0.01, 0.001), doctest::Contains("sigma_max"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(vp_sde(0.1, -1.0), doctest::Contains("beta_max"), ito::invalid_argument);
  CHECK_THROWS_AS(ou_sde<constant_beta>(0.0, -1.0, constant_beta{1.0}), ito::invalid_argument);
}

TEST_CASE("prior sampling and prior log-density") {
  boost::random::mt19937_64 eng(7);
  const ve_sde ve;
  const auto X = ve.prior_sample<double>(2, 20000, eng);
  const double var = X.array().square().mean();
  CHECK(std::abs(var - 2500.0) < 5 * 2500.0 * std::sqrt(2.0 / 40000));
  ensemble<double> z = ensemble<double>::Zero(2, 1);
  CHECK(ve.prior_logp(z)(0) == doctest::Approx(-std::log(2 * M_PI * 2500.0)));
  const ou_sde<constant_beta> ou(1.0, 2.0, constant_beta{1.0});
  ensemble<double> x(1, 1);
  x << 3.0;
  CHECK(ou.prior_logp(x)(0) == doctest::Approx(-0.5 * std::log(2 * M_PI * 4.0) - 0.5));
}

TEST_CASE_TEMPLATE("the forward SDE simulated by the core matches its marginal (5 sigma)", F, vp_sde, subvp_sde,
                   ve_sde, vp_cosine_sde) {
  const F f{};
  ensemble<double> x0(2, 1);
  x0 << 1.0, -2.0;
  const double t1 = 0.9 * f.T();
  const auto p = f.template as_problem<double>(x0, 0.0, t1);
  ito::sde::solve_options<double> opt;
  opt.steps = 400;
  opt.paths = 20000;
  opt.seed = 11;
  opt.keep_paths = false;
  const auto sol = ito::sde::solve(p, ito::sde::sra1{}, opt);
  const auto& mom = sol.terminal_moments();
  const double a = f.mean_coeff(t1), b = f.mean_offset(t1), s = f.std(t1);
  const double n = double(opt.paths);
  for (int i = 0; i < 2; ++i) {
    CHECK(std::abs(mom.mean(i) - (a * x0(i) + b)) < 5 * s / std::sqrt(n));
    CHECK(std::abs(mom.variance()(i) - s * s) < 5 * s * s * std::sqrt(2.0 / n) + 1e-3 * s * s);
  }
}

TEST_CASE("OU with nonzero mean through Euler-Maruyama") {
  const ou_sde<constant_beta> ou(2.0, 0.5, constant_beta{2.0}, 2.0);
  ensemble<double> x0(1, 1);
  x0 << -1.0;
  const auto p = ou.as_problem<double>(x0);
  ito::sde::solve_options<double> opt;
  opt.steps = 2000;
  opt.paths = 20000;
  opt.seed = 3;
  opt.keep_paths = false;
  const auto sol = ito::sde::solve(p, ito::sde::euler_maruyama{}, opt);
  const double a = ou.mean_coeff(2.0), s = ou.std(2.0);
  CHECK(std::abs(sol.terminal_moments().mean(0) - (a * -1.0 + ou.mean_offset(2.0))) < 5 * s / std::sqrt(20000.0) + 2e-3);
  CHECK(std::abs(sol.terminal_moments().variance()(0) - s * s) < 5 * s * s * std::sqrt(2.0 / 20000) + 2e-3);
}
