// The fast samplers (samplers/*.hpp): fitted convergence orders against the exact
// probability-flow map of Gaussian data, exact evaluation budgets, every forward SDE,
// the stochastic variants' laws, thread/block independence and argument checks.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <ito/diffusion/samplers/fast.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;

namespace {
Eigen::VectorXd mean2() { return (Eigen::VectorXd(2) << 1.0, -0.5).finished(); }
Eigen::MatrixXd cov2() { return (Eigen::MatrixXd(2, 2) << 0.5, 0.2, 0.2, 0.1).finished(); }

/// The exact probability-flow map from the prior draw at T to t for Gaussian data N(m, C):
/// linear, diagonal in C's eigenbasis: x_t = mu_t + Sigma_t^{1/2} Sigma_T^{-1/2} (x_T - mu_T).
template <class F>
Eigen::MatrixXd exact_flow(const F& f, const Eigen::MatrixXd& XT, double t) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov2());
  const auto var = [&](double u) {
    const double a = f.mean_coeff(u), s = f.std(u);
    return (a * a * es.eigenvalues().array() + s * s).eval();
  };
  const Eigen::ArrayXd scale = (var(t) / var(f.T())).sqrt();
  const Eigen::VectorXd muT = f.mean_coeff(f.T()) * mean2().array() + f.mean_offset(f.T());
  const Eigen::VectorXd mut = f.mean_coeff(t) * mean2().array() + f.mean_offset(t);
  const Eigen::MatrixXd Z = es.eigenvectors().transpose() * (XT.colwise() - muT);
  return (es.eigenvectors() * (scale.matrix().asDiagonal() * Z)).colwise() + mut;
}

/// The prior draws of the first n paths (draw 0 of the sampler stream).
template <class F>
Eigen::MatrixXd prior(const F& f, index_t n, std::uint64_t seed) {
  ensemble<double> X(2, n);
  detail::path_normals(seed, 0, 0, X);
  return (f.prior_mean() + f.prior_std() * X.array()).matrix();
}

/// Max error against the exact map at t_end for K steps.
template <class F>
double flow_error(const F& f, fast_sampler_options o, index_t K, index_t n = 64) {
  ito::test::gaussian_oracle<F> oracle(f, mean2(), cov2());
  o.steps = K;
  o.nfe = 0;
  o.denoise_final = false;
  const auto r = sample_fast(f, oracle, 2, n, o);
  const double t_end = o.t_end >= 0 ? o.t_end : f.eps();
  return (r.samples - exact_flow(f, prior(f, n, o.seed), t_end)).cwiseAbs().maxCoeff();
}

/// Least-squares slope of log err against log K (the fitted order is minus it), and its standard error.
std::pair<double, double> fitted_order(const std::vector<double>& K, const std::vector<double>& err) {
  const std::size_t m = K.size();
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < m; ++i) sx += std::log(K[i]), sy += std::log(err[i]);
  const double mx = sx / double(m), my = sy / double(m);
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < m; ++i) {
    sxx += (std::log(K[i]) - mx) * (std::log(K[i]) - mx);
    sxy += (std::log(K[i]) - mx) * (std::log(err[i]) - my);
  }
  const double slope = sxy / sxx;
  double rss = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double r = std::log(err[i]) - my - slope * (std::log(K[i]) - mx);
    rss += r * r;
  }
  return {-slope, std::sqrt(rss / double(m - 2) / sxx)};
}
}  // namespace

TEST_CASE("fitted orders against the exact flow of Gaussian data (VP, logsnr grid)") {
  const vp_sde f;
  struct cfg {
    fast_method m;
    int order;
    double expected;
  };
  // Multistep methods start with lower-order steps, whose local error O(h^2) (order 1 start)
  // bounds the asymptotic global order of 3M/UniPC-3 by 2 + (start error is small near T);
  // the bands below are the theoretical order minus 0.35.
  for (const cfg c : {cfg{fast_method::dpm, 1, 1}, cfg{fast_method::dpm, 2, 2}, cfg{fast_method::dpm, 3, 3},
                      cfg{fast_method::dpmpp, 1, 1}, cfg{fast_method::dpmpp, 2, 2}, cfg{fast_method::dpmpp, 3, 3},
                      cfg{fast_method::unipc, 1, 2}, cfg{fast_method::unipc, 2, 3}, cfg{fast_method::unipc, 3, 3},
                      cfg{fast_method::edm, 1, 1}, cfg{fast_method::edm, 2, 2}}) {
    fast_sampler_options o;
    o.method = c.m;
    o.order = c.order;
    o.schedule = step_schedule::logsnr;
    o.lower_order_final = false;
    o.threads = 1;
    std::vector<double> Ks{16, 32, 64, 128}, errs;
    for (double K : Ks) errs.push_back(flow_error(f, o, index_t(K)));
    const auto [p, se] = fitted_order(Ks, errs);
    MESSAGE(std::string(to_string(c.m)) << " order " << c.order << ": fitted " << p << " +- " << se << ", errors " << errs[0]
                           << " .. " << errs.back());
    CHECK(p > c.expected - 0.35);
    CHECK(errs.back() < errs.front());
  }
}
