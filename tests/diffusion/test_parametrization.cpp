#include <doctest/doctest.h>

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/parametrization.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;

TEST_CASE_TEMPLATE("round trips between eps, x0, score and v", F, vp_sde, subvp_sde, ve_sde,
                   ou_sde<constant_beta>) {
  const F f{};
  boost::random::mt19937_64 eng(1);
  const ensemble<double> x0 = f.template prior_sample<double>(3, 50, eng);
  const ensemble<double> e = vp_sde{}.prior_sample<double>(3, 50, eng);
  const double t = 0.4;
  const double a = f.mean_coeff(t), b = f.mean_offset(t), s = f.std(t);
  const ensemble<double> X = ((a * x0.array() + b) + s * e.array()).matrix();
  // forward: from (x0, eps) known, every target is consistent
  ensemble<double> out;
  convert_prediction(f, prediction::eps, prediction::x0, X, t, e, out);
  CHECK((out - x0).cwiseAbs().maxCoeff() < 1e-9 * (1 + x0.cwiseAbs().maxCoeff()));
  convert_prediction(f, prediction::eps, prediction::score, X, t, e, out);
  CHECK((out + e / s).cwiseAbs().maxCoeff() < 1e-12 * (1 + 1 / s));
  convert_prediction(f, prediction::eps, prediction::v, X, t, e, out);
  CHECK((out - (a * e - s * x0)).cwiseAbs().maxCoeff() < 1e-9 * (1 + x0.cwiseAbs().maxCoeff()));
  // every pair round-trips
  for (auto p : {prediction::eps, prediction::x0, prediction::score, prediction::v})
    for (auto q : {prediction::eps, prediction::x0, prediction::score, prediction::v}) {
      ensemble<double> P, Q, R;
      convert_prediction(f, prediction::eps, p, X, t, e, P);
      convert_prediction(f, p, q, X, t, P, Q);
      convert_prediction(f, q, p, X, t, Q, R);
      CHECK((R - P).cwiseAbs().maxCoeff() < 1e-8 * (1 + P.cwiseAbs().maxCoeff()));
    }
}

TEST_CASE("Tweedie: the denoiser from the exact score is E[x0 | x_t]") {
  // Data N(m, c I) in 1-D, VP: E[x0 | x_t] = m + c a (x_t - a m) / (a^2 c + s^2).
  const vp_sde f;
  Eigen::VectorXd m(1);
  m << 2.0;
  Eigen::MatrixXd C(1, 1);
  C << 0.25;
  ito::test::gaussian_oracle<vp_sde> oracle(f, m, C);
  const double t = 0.3, a = f.mean_coeff(t), s = f.std(t);
  ensemble<double> X(1, 3);
  X << -1.0, 0.0, 1.5;
  ensemble<double> sc, x0;
  oracle(X, t, sc);
  tweedie_denoise(f, X, t, sc, x0);
  for (int j = 0; j < 3; ++j)
    CHECK(x0(0, j) == doctest::Approx(2.0 + 0.25 * a * (X(0, j) - a * 2.0) / (a * a * 0.25 + s * s)));
  // adapters: an eps-model from the score, turned back into a score
  auto eps = predictor_from_score(f, oracle, prediction::eps);
  auto back = score_from(f, eps, prediction::eps);
  ensemble<double> sc2;
  back(X, t, sc2);
  CHECK((sc2 - sc).cwiseAbs().maxCoeff() < 1e-12);
  auto v = predictor_from_score(f, oracle, prediction::v);
  auto back_v = score_from(f, v, prediction::v);
  back_v(X, t, sc2);
  CHECK((sc2 - sc).cwiseAbs().maxCoeff() < 1e-10);
}

TEST_CASE("parse and print prediction kinds") {
  CHECK(parse_prediction("v") == prediction::v);
  CHECK(std::string(to_string(prediction::x0)) == "x0");
  CHECK_THROWS_WITH_AS(parse_prediction("noise"), doctest::Contains("eps, x0, score or v"), ito::invalid_argument);
  const vp_sde f;
  ensemble<double> X = ensemble<double>::Ones(2, 2), P = ensemble<double>::Ones(2, 3), out;
  CHECK_THROWS_AS(convert_prediction(f, prediction::eps, prediction::x0, X, 0.5, P, out), ito::invalid_argument);
  CHECK_THROWS_AS(convert_prediction(f, prediction::eps, prediction::x0, X, 0.0, X, out), ito::invalid_argument);
}
