// Gaussian mixture: density, score, diffusion under a forward SDE, sampling, JSON.
#include <doctest/doctest.h>

#include <Eigen/LU>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <ito/diffusion/gmm.hpp>
#include <numbers>
#include <string>
#include "support/temp_files.hpp"

using namespace ito::diffusion;
using vec = gaussian_mixture::vec;
using mat = gaussian_mixture::mat;

namespace {

gaussian_mixture example_mixture() {
  mat C0(2, 2), C1(2, 2), C2(2, 2);
  C0 << 0.25, 0.1, 0.1, 0.2;
  C1 << 0.3, -0.12, -0.12, 0.15;
  C2 << 0.1, 0.0, 0.0, 0.3;
  return gaussian_mixture({0.3, 0.45, 0.25}, {vec::Map(std::vector<double>{-1.5, 0.0}.data(), 2),
                                              vec::Map(std::vector<double>{1.5, 0.5}.data(), 2),
                                              vec::Map(std::vector<double>{0.0, 1.8}.data(), 2)},
                          {C0, C1, C2});
}

// Closed-form 2-D Gaussian density, written independently of the class.
double gauss2(double x, double y, double mx, double my, const mat& C) {
  const double det = C(0, 0) * C(1, 1) - C(0, 1) * C(1, 0);
  const double dx = x - mx, dy = y - my;
  const double q = (C(1, 1) * dx * dx - 2 * C(0, 1) * dx * dy + C(0, 0) * dy * dy) / det;
  return std::exp(-0.5 * q) / (2 * std::numbers::pi * std::sqrt(det));
}


}  // namespace

TEST_CASE("gmm: density integrates to 1 on a grid and matches the closed form") {
  const auto g = example_mixture();
  const double h = 0.02, lo = -7, hi = 7;  // the mixture has mass < 1e-12 outside
  const Eigen::Index n = static_cast<Eigen::Index>((hi - lo) / h);
  ensemble<double> X(2, n * n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) X.col(i * n + j) << lo + (i + 0.5) * h, lo + (j + 0.5) * h;
  const vec p = g.density(X);
  CHECK(p.sum() * h * h == doctest::Approx(1.0).epsilon(1e-6));
  // pointwise against the hand-written formula
  for (Eigen::Index c : {Eigen::Index(0), n * n / 2 + 17, Eigen::Index(123456)}) {
    double ref = 0;
    for (Eigen::Index k = 0; k < 3; ++k)
      ref += g.weights()[k] * gauss2(X(0, c), X(1, c), g.means()[k](0), g.means()[k](1), g.covariances()[k]);
    CHECK(p(c) == doctest::Approx(ref).epsilon(1e-12));
  }
}

TEST_CASE("gmm: score equals the gradient of the log-density (central differences)") {
  const auto g = example_mixture();
  ensemble<double> X(2, 5);
  X << -1.5, 0.3, 2.0, -4.0, 12.0,  //
      0.1, 1.0, -0.7, 3.0, -9.0;    // the last points are far in the tails
  const ensemble<double> S = g.score(X);
  const double h = 1e-5;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    for (Eigen::Index i = 0; i < 2; ++i) {
      vec xp = X.col(j), xm = X.col(j);
      xp(i) += h;
      xm(i) -= h;
      const double fd = (g.log_density(xp) - g.log_density(xm)) / (2 * h);
      CHECK(S(i, j) == doctest::Approx(fd).epsilon(1e-6).scale(1.0));
    }
  }
  CHECK(std::isfinite(g.log_density(vec(X.col(4)))));
  const ensemble<double> r = g.responsibilities(X);
  for (Eigen::Index j = 0; j < X.cols(); ++j) CHECK(r.col(j).sum() == doctest::Approx(1.0).epsilon(1e-14));
}

TEST_CASE("gmm: score divergence equals the trace of the score's Jacobian (central differences)") {
  const auto g = example_mixture();
  ensemble<double> X(2, 4);
  X << -1.5, 0.3, 2.0, -4.0,  //
      0.1, 1.0, -0.7, 3.0;
  ensemble<double> S;
  Eigen::Matrix<double, 1, Eigen::Dynamic> div;
  g.score_divergence(X, S, div);
  CHECK((S - g.score(X)).cwiseAbs().maxCoeff() == 0.0);
  const double h = 1e-5;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double fd = 0;
    for (Eigen::Index i = 0; i < 2; ++i) {
      ensemble<double> xp = X.col(j), xm = X.col(j);
      xp(i) += h;
      xm(i) -= h;
      fd += (g.score(xp)(i) - g.score(xm)(i)) / (2 * h);
    }
    CHECK(div(j) == doctest::Approx(fd).epsilon(1e-6).scale(1.0));
  }
}

struct fake_sde {  // q(x_t | x_0) = N(a x0 + b, s^2 I) with a = e^{-t}, b = 0.5 t, s = t
  double mean_coeff(double t) const { return std::exp(-t); }
  double mean_offset(double t) const { return 0.5 * t; }
  double std(double t) const { return t; }
};

TEST_CASE("gmm: the diffused single Gaussian is N(a mu + b, a^2 Sigma + s^2 I)") {
  mat C(2, 2);
  C << 0.5, 0.2, 0.2, 0.4;
  vec mu(2);
  mu << 1.0, -2.0;
  const gaussian_mixture g({1.0}, {mu}, {C});
  const double a = 0.6, b = 0.3, s = 0.8;
  const auto gt = diffuse(g, a, b, s);
  mat Ct = a * a * C;
  Ct.diagonal().array() += s * s;
  ensemble<double> X(2, 3);
  X << 0.0, 1.0, -1.0, 0.5, -1.5, 2.0;
  const vec p = gt.density(X);
  for (Eigen::Index j = 0; j < 3; ++j)
    CHECK(p(j) == doctest::Approx(gauss2(X(0, j), X(1, j), a * 1.0 + b, a * -2.0 + b, Ct)).epsilon(1e-12));
  // score of a Gaussian: -Ct^{-1}(x - m)
  vec m(2);
  m << a * 1.0 + b, a * -2.0 + b;
  const ensemble<double> S = gt.score(X);
  const ensemble<double> ref = -Ct.inverse() * (X.colwise() - m);
  CHECK((S - ref).cwiseAbs().maxCoeff() < 1e-12);

  // the oracle functor equals diffuse() at every t, for double and float batches
  gmm_score<fake_sde> oracle(g, fake_sde{});
  for (double t : {0.01, 0.5, 2.0}) {
    ensemble<double> out(2, 3);
    oracle(X, t, out);
    const ensemble<double> direct = diffuse(g, std::exp(-t), 0.5 * t, t).score(X);
    CHECK((out - direct).cwiseAbs().maxCoeff() < 1e-14);
  }
  ensemble<float> Xf = X.cast<float>(), outf;
  oracle(Xf, 0.5f, outf);
  CHECK(outf.rows() == 2);
  CHECK(outf.cols() == 3);
  CHECK(oracle.evaluations() == 4);
  Eigen::RowVectorXd div;
  oracle.divergence(X, 0.5, div);
  Eigen::Matrix<double, 1, Eigen::Dynamic> direct_div;
  ensemble<double> tmp;
  diffuse(g, std::exp(-0.5), 0.25, 0.5).score_divergence(X, tmp, direct_div);
  CHECK((div - direct_div).cwiseAbs().maxCoeff() < 1e-14);
  // single Gaussian: div = -tr(Ct^{-1}) everywhere
  CHECK(direct_div(0) == doctest::Approx(-diffuse(g, std::exp(-0.5), 0.25, 0.5).covariances()[0].inverse().trace()));
}

TEST_CASE("gmm: sample moments match the mixture mean and covariance (5 sigma)") {
  const auto g = example_mixture();
  const Eigen::Index n = 200000;
  const ensemble<double> X = g.sample(n, 42);
  CHECK(X == g.sample(n, 42));  // same seed, same samples
  CHECK(X.col(0) != g.sample(1, 43).col(0));
  const vec m = g.mean();
  const mat C = g.covariance();
  const vec xm = X.rowwise().mean();
  const ensemble<double> D = X.colwise() - m;
  for (Eigen::Index i = 0; i < 2; ++i) {
    CHECK(std::abs(xm(i) - m(i)) < 5 * std::sqrt(C(i, i) / n));
    // variance: se = sqrt((E(x-m)^4 - C_ii^2) / n) with the fourth moment estimated from the sample
    const double var = D.row(i).squaredNorm() / n;
    const double m4 = D.row(i).array().pow(4).mean();
    CHECK(std::abs(var - C(i, i)) < 5 * std::sqrt((m4 - var * var) / n));
  }
  const double cov01 = (D.row(0).array() * D.row(1).array()).mean();
  const double v01 = (D.row(0).array() * D.row(1).array() - cov01).square().mean();
  CHECK(std::abs(cov01 - C(0, 1)) < 5 * std::sqrt(v01 / n));
}

TEST_CASE("gmm: invalid mixtures are rejected with clear messages") {
  mat I = mat::Identity(2, 2);
  vec z = vec::Zero(2);
  CHECK_THROWS_WITH_AS(gaussian_mixture({0.5, 0.4}, {z, z}, {I, I}), doctest::Contains("sum of gmm weights"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(gaussian_mixture({1.5, -0.5}, {z, z}, {I, I}), doctest::Contains("gmm weights[1]"),
                       ito::invalid_argument);
  mat A = I;
  A(0, 1) = 0.5;
  CHECK_THROWS_WITH_AS(gaussian_mixture({1.0}, {z}, {A}), doctest::Contains("symmetric"), ito::invalid_argument);
  mat B(2, 2);
  B << 1, 2, 2, 1;
  CHECK_THROWS_WITH_AS(gaussian_mixture({1.0}, {z}, {B}), doctest::Contains("positive definite"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(gaussian_mixture({0.5, 0.5}, {z, vec::Zero(3)}, {I, I}), doctest::Contains("gmm means[1]"),
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(gaussian_mixture({1.0}, {z}, {mat::Identity(3, 3)}), doctest::Contains("covariances[0] shape"),
                       ito::invalid_argument);
  CHECK_THROWS_AS(gaussian_mixture({}, {}, {}), ito::invalid_argument);
  const gaussian_mixture g({1.0}, {z}, {I});
  CHECK_THROWS_WITH_AS(g.log_density(ensemble<double>(ensemble<double>::Zero(3, 2))), doctest::Contains("rows"),
                       ito::invalid_argument);
}

TEST_CASE("gmm: JSON round trip and bad-JSON errors name file and key") {
  const auto g = example_mixture();
  const std::string path = ito::test::temp_path("gmm_roundtrip.json");
  save_gmm(path, g);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const auto h = load_gmm(path);
  REQUIRE(h.components() == 3);
  for (Eigen::Index k = 0; k < 3; ++k) {
    CHECK(h.weights()[k] == g.weights()[k]);  // exact: JSON doubles round-trip
    CHECK(h.means()[k] == g.means()[k]);
    CHECK(h.covariances()[k] == g.covariances()[k]);
  }
  std::filesystem::remove(path);

  const std::string bad = ito::test::temp_path("gmm_bad.json");
  auto error_of = [&](const std::string& text) -> std::string {
    ito::test::write_text(bad, text);
    try {
      (void)load_gmm(bad);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string ok_cov = R"("covariances": [[[1, 0], [0, 1]]])";
  CHECK(error_of(R"({"weights": [1], "means": [[0, 0]]})").find("key \"covariances\": missing") != std::string::npos);
  CHECK(error_of(R"({"weights": [1], "means": [[0, "x"]], )" + ok_cov + "}").find("means[0][1]") != std::string::npos);
  CHECK(error_of(R"({"weights": [1], "means": [[0, 0]], "covariances": [[[1, 0], [0]]]})")
            .find("covariances[0][1]") != std::string::npos);
  CHECK(error_of(R"({"weights": [0.7], "means": [[0, 0]], )" + ok_cov + "}").find("sum of gmm weights") !=
        std::string::npos);
  CHECK(error_of("{\"weights\": [1,").find("invalid JSON") != std::string::npos);
  CHECK(error_of("[1, 2]").find("top level") != std::string::npos);
  CHECK(error_of(R"({"weights": [1], "means": [[0, 0]], )" + ok_cov + "}") == "no error");
  CHECK(error_of("{\"weights\": [1,").find(bad) == 0);  // every message starts with the file
  CHECK_THROWS_AS(load_gmm(bad), ito::format_error);
  std::filesystem::remove(bad);
  CHECK_THROWS_WITH_AS(load_gmm(ito::test::temp_path("gmm_does_not_exist.json")), doctest::Contains("cannot open"), ito::io_error);
}
