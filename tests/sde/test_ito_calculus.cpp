// Itô's formula, the generator (Dynkin's identity on OU and GBM), Itô and
// Stratonovich integrals, the Itô isometry and quadratic variation.
#include <doctest/doctest.h>

#include <cmath>
#include <ito/sde/brownian.hpp>
#include <ito/sde/ito_calculus.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/ou_exact.hpp>

using namespace ito::sde;

namespace {
/// Brownian paths W (K+1) x N on [0, T] (row k = time k T / K).
Eigen::MatrixXd brownian_paths(Eigen::Index K, Eigen::Index N, double T, std::uint64_t seed) {
  brownian_block<double> bm(seed, 0, 1, N);
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(K + 1, N);
  ensemble<double> dW;
  for (Eigen::Index k = 0; k < K; ++k) {
    bm.increment(T / double(K), dW);
    W.row(k + 1) = W.row(k) + dW.row(0);
  }
  return W;
}
welford stats_of(const Eigen::RowVectorXd& v) {
  welford w;
  w.add_all(v);
  return w;
}
/// Per path: f(X_T) - f(X_0) - int_0^T (L f)(X_t) dt (trapezoid); its mean is 0 by Dynkin's formula.
template <class F, class Mu, class Sigma>
Eigen::RowVectorXd dynkin_residual(const Eigen::MatrixXd& X, double T, const F& f, const Mu& mu, const Sigma& sig) {
  const Eigen::Index K = X.rows() - 1;
  const double h = T / double(K);
  Eigen::RowVectorXd r(X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double integral = 0;
    for (Eigen::Index k = 0; k <= K; ++k) {
      const double x = X(k, j), t = double(k) * h;
      const double Lf = ito_formula(f, mu, sig, x, t).drift;  // f_t + L f (f_t = 0 here)
      integral += (k == 0 || k == K ? 0.5 : 1.0) * Lf * h;
    }
    r(j) = f(X(K, j), T) - f(X(0, j), 0.0) - integral;
  }
  return r;
}
}  // namespace

TEST_CASE("Itô's formula with given and with numerical derivatives") {
  // f = x^2: dY = (2 x mu + sigma^2) dt + 2 x sigma dW
  const derivatives d{4.0, 4.0, 2.0, 0.0};  // at x = 2
  const auto dy = ito_formula(d, 0.5, 0.3);
  CHECK(dy.drift == doctest::Approx(2 * 2 * 0.5 + 0.09));
  CHECK(dy.diffusion == doctest::Approx(2 * 2 * 0.3));
  CHECK(generator(d, 0.5, 0.3) == doctest::Approx(2.09));
  // f = sin(x) e^{-t}: numerical derivatives within 1e-7
  const auto f = [](double x, double t) { return std::sin(x) * std::exp(-t); };
  const auto nd = central_differences(f, 0.7, 0.4);
  CHECK(nd.dx == doctest::Approx(std::cos(0.7) * std::exp(-0.4)).epsilon(1e-8));
  CHECK(nd.dxx == doctest::Approx(-std::sin(0.7) * std::exp(-0.4)).epsilon(1e-6));
  CHECK(nd.dt == doctest::Approx(-std::sin(0.7) * std::exp(-0.4)).epsilon(1e-8));
  const auto numeric = ito_formula(f, [](double x, double) { return -x; }, [](double, double) { return 0.5; }, 0.7, 0.4);
  const double exact = -std::sin(0.7) * std::exp(-0.4) - 0.7 * std::cos(0.7) * std::exp(-0.4) -
                       0.125 * std::sin(0.7) * std::exp(-0.4);
  CHECK(numeric.drift == doctest::Approx(exact).epsilon(1e-6));
  CHECK(numeric.diffusion == doctest::Approx(0.5 * std::cos(0.7) * std::exp(-0.4)).epsilon(1e-8));
}

TEST_CASE("Dynkin on OU: E f(X_T) - f(x0) = int E[L f] dt for f = x^4") {
  const scalar_ou ou(1.2, 0.3, 0.8);
  const double x0 = 1.0, T = 1.0;
  const Eigen::Index K = 100, N = 20000;
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, x0), 0.0, T);
  solve_options<double> opt;
  opt.steps = K;
  opt.paths = N;
  opt.seed = 8;
  opt.threads = 2;
  for (Eigen::Index k = 1; k < K; ++k) opt.save_times.push_back(double(k) * T / double(K));
  opt.keep_paths = true;
  const auto sol = solve(p, ou_exact{}, opt);
  Eigen::MatrixXd X(K + 1, N);
  X.row(0).setConstant(x0);
  for (Eigen::Index k = 1; k < K; ++k) X.row(k) = sol.snapshots[std::size_t(k - 1)].row(0);
  X.row(K) = sol.terminal.row(0);
  const auto f = [](double x, double) { return x * x * x * x; };
  const auto r = dynkin_residual(X, T, f, [&](double x, double) { return ou.kappa * (ou.theta - x); },
                                 [&](double, double) { return ou.sigma; });
  const auto w = stats_of(r);
  CHECK(mean_test(w, 0.0).pass);
  // and E X_T^4 against the Gaussian closed form m^4 + 6 m^2 v + 3 v^2
  const double m = ou.mean(T, x0), v = ou.variance(T);
  const auto wf = stats_of(X.row(K).array().pow(4).matrix());
  CHECK(mean_test(wf, m * m * m * m + 6 * m * m * v + 3 * v * v).pass);
}

TEST_CASE("Dynkin on GBM: dX = a X dt + b X dW, f = x^2 with numerical derivatives") {
  const double a = 0.3, b = 0.5, x0 = 1.0, T = 1.0;
  const Eigen::Index K = 200, N = 20000;
  const Eigen::MatrixXd W = brownian_paths(K, N, T, 12);
  Eigen::MatrixXd X(K + 1, N);
  for (Eigen::Index k = 0; k <= K; ++k)
    X.row(k) = (x0 * ((a - b * b / 2) * double(k) * T / double(K) + b * W.row(k).array()).exp()).matrix();
  const auto f = [](double x, double) { return x * x; };
  const auto r = dynkin_residual(X, T, f, [a](double x, double) { return a * x; },
                                 [b](double x, double) { return b * x; });
  CHECK(mean_test(stats_of(r), 0.0).pass);
  CHECK(mean_test(stats_of(X.row(K).array().square().matrix()), x0 * x0 * std::exp((2 * a + b * b) * T)).pass);
}

TEST_CASE("Itô isometry: E (int W dW)^2 = int E W^2 dt; Itô vs Stratonovich differ by T/2") {
  const double T = 2.0;
  const Eigen::Index K = 400, N = 20000;
  const Eigen::MatrixXd W = brownian_paths(K, N, T, 3);
  const Eigen::RowVectorXd I = ito_integral(W, W), S = stratonovich_integral(W, W);
  const Eigen::RowVectorXd QV = quadratic_variation(W);
  // pathwise identities: S - I = QV/2, I = (W_T^2 - QV)/2, S = W_T^2 / 2
  CHECK(((S - I) - 0.5 * QV).cwiseAbs().maxCoeff() < 1e-10);
  CHECK((I - 0.5 * (W.row(K).array().square().matrix() - QV)).cwiseAbs().maxCoeff() < 1e-10);
  CHECK((S - 0.5 * W.row(K).array().square().matrix()).cwiseAbs().maxCoeff() < 1e-10);
  // isometry on the grid: E (sum W_k dW_k)^2 = sum E W_k^2 h = T^2/2 (1 - 1/K)
  CHECK(mean_test(stats_of(I), 0.0).pass);
  CHECK(mean_test(stats_of(I.array().square().matrix()), T * T / 2 * (1 - 1.0 / double(K))).pass);
  CHECK(mean_test(stats_of(S - I), T / 2).pass);
  // a non-anticipating integrand h = cos(W): E (int h dW)^2 = int E cos^2 W dt = int (1 + e^{-2t})/2 dt
  const Eigen::MatrixXd H = W.array().cos().matrix();
  const Eigen::RowVectorXd J = ito_integral(H, W);
  double rhs = 0;
  for (Eigen::Index k = 0; k < K; ++k) rhs += 0.5 * (1 + std::exp(-2 * double(k) * T / double(K))) * T / double(K);
  CHECK(mean_test(stats_of(J.array().square().matrix()), rhs).pass);
}

TEST_CASE("quadratic variation of W on [0, T] tends to T") {
  const double T = 1.5;
  double prev_sd = 1e9;
  for (Eigen::Index K : {10, 100, 1000}) {
    const Eigen::MatrixXd W = brownian_paths(K, 2000, T, 40 + std::uint64_t(K));
    const auto w = stats_of(quadratic_variation(W));
    // E QV = T, sd = T sqrt(2/K)
    CHECK(mean_test(w, T).pass);
    CHECK(std::sqrt(w.variance()) == doctest::Approx(T * std::sqrt(2.0 / double(K))).epsilon(0.1));
    CHECK(std::sqrt(w.variance()) < prev_sd);
    prev_sd = std::sqrt(w.variance());
  }
}
