#include <doctest/doctest.h>

#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/likelihood.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;

namespace {

// The same oracle without its divergence(): forces the finite-difference JVPs.
template <class F>
struct no_div {
  ito::test::gaussian_oracle<F> g;
  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) const { g(X, t, out); }
};
}  // namespace

TEST_CASE_TEMPLATE("probability-flow log-density matches the true density (exact score)", F, vp_sde, subvp_sde,
                   ve_sde) {
  const F f{};
  ito::test::gaussian_oracle<F> oracle(f, ito::test::mean2(), ito::test::cov2());
  boost::random::mt19937_64 eng(1);
  const Eigen::MatrixXd X = oracle.sample(200, eng);
  const Eigen::VectorXd truth = oracle.logpdf(X, 0.0);
  likelihood_options opt;
  const auto r1 = log_likelihood(f, oracle, X, opt);  // the score's own divergence
  const auto r2 = log_likelihood(f, no_div<F>{oracle}, X, opt);  // d central-difference JVPs
  const double err1 = (r1.logp - truth).cwiseAbs().mean(), err2 = (r2.logp - truth).cwiseAbs().mean();
  // The per-point error contains the prior mismatch log N(x_T; prior) - log p_T(x_T) (x_T's
  // law is N(a m + b, a^2 C + s^2 I), not exactly the prior); with the true p_T instead the
  // only error left is the ODE's.
  const Eigen::VectorXd ode_only = r1.logp - r1.prior_logp + oracle.logpdf(r1.latent, f.T());
  const double err_ode = (ode_only - truth).cwiseAbs().mean();
  MESSAGE(f.name() << ": mean |error| " << err1 << " (divergence), " << err2 << " (JVPs), " << err_ode
                   << " (true p_T); nfe " << r1.nfe << " / " << r2.nfe << ", NLL " << r1.mean_nll << " vs "
                   << -truth.mean());
  CHECK(r1.exact);
  CHECK(std::abs(r1.mean_nll + truth.mean()) < 0.01);  // the average log-density to 0.01 nats
  CHECK(std::abs(r2.mean_nll + truth.mean()) < 0.01);
  CHECK(err_ode < 1e-3);
  CHECK(std::abs(err1 - err2) < 1e-4);  // JVPs by finite differences agree with the exact divergence
  if (f.name() != "ve") CHECK(err1 < 0.01);  // VE's prior N(0, 50^2) ignores the data mean: 0.017
}

TEST_CASE("Hutchinson's estimator is unbiased: the mean NLL matches within its standard error") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  boost::random::mt19937_64 eng(2);
  const Eigen::MatrixXd X = oracle.sample(400, eng);
  const Eigen::VectorXd truth = oracle.logpdf(X, 0.0);
  likelihood_options opt;
  opt.method = divergence_method::hutchinson;
  opt.probes = 4;
  opt.seed = 5;
  const auto r = log_likelihood(f, no_div<vp_sde>{oracle}, X, opt);
  CHECK_FALSE(r.exact);
  const Eigen::VectorXd e = r.logp - truth;
  const double se = std::sqrt((e.array() - e.mean()).square().sum() / (399.0 * 400.0));
  MESSAGE("Hutchinson mean error " << e.mean() << " +- " << se);
  CHECK(std::abs(e.mean()) < 5 * se + 1e-3);
  // thread-count independence: the same blocks (of 64 points, so several) on 1, 2 and 3
  // threads give the same bits
  opt.block_size = 64;
  opt.threads = 1;
  const auto r1 = log_likelihood(f, no_div<vp_sde>{oracle}, X, opt);
  for (unsigned threads : {2u, 3u}) {
    opt.threads = threads;
    const auto rk = log_likelihood(f, no_div<vp_sde>{oracle}, X, opt);
    CAPTURE(threads);
    CHECK(rk.logp == r1.logp);
    CHECK(rk.nfe == r1.nfe);
  }
}

TEST_CASE("probability-flow NLL of a three-component mixture with its exact score (the README figure)") {
  using gm = gaussian_mixture;
  std::vector<gm::vec> mu{gm::vec{{-1.5, 0.0}}, gm::vec{{1.0, 1.0}}, gm::vec{{0.5, -1.2}}};
  std::vector<gm::mat> cov{(gm::mat(2, 2) << 0.2, 0.05, 0.05, 0.3).finished(), gm::mat::Identity(2, 2) * 0.15,
                           (gm::mat(2, 2) << 0.4, -0.1, -0.1, 0.1).finished()};
  const gm g({0.3, 0.5, 0.2}, mu, cov);
  const vp_sde f;
  const gmm_score<vp_sde> score(g, f);
  const ensemble<double> X = g.sample(300, 11);
  const auto r = log_likelihood(f, score, X);  // exact divergence, dopri5 rtol = atol = 1e-5
  const Eigen::VectorXd e = r.logp - g.log_density(X);
  MESSAGE("mean error " << e.mean() << " nats, mean |error| " << e.cwiseAbs().mean() << ", nfe " << r.nfe);
  CHECK(std::abs(e.mean()) < 1e-3);
  CHECK(e.cwiseAbs().mean() < 5e-3);
}

TEST_CASE("KL gap: the exact score has none; a too-wide Gaussian model has the closed-form KL") {
  // data N(m, C); models: the exact score (KL 0 up to the ODE's tolerance) and the exact
  // score of N(m, sigma^2 C), whose probability-flow density is N(m, sigma^2 C) exactly, so
  // KL = d/2 (1/sigma^2 - 1 + log sigma^2).
  using gm = gaussian_mixture;
  const vp_sde f;
  const index_t d = 2, n = 400;
  const gm data({1.0}, {ito::test::mean2()}, {ito::test::cov2()});
  const ensemble<double> X = data.sample(n, 21);  // held-out: nothing was fitted to them
  const Eigen::VectorXd truth = data.log_density(X);
  const kl_gap_estimate k0 = kl_gap(log_likelihood(f, gmm_score<vp_sde>(data, f), X).logp, truth);
  MESSAGE("exact score: gap " << k0.gap << " +- " << k0.se);
  CHECK(std::abs(k0.gap) < 1e-3);
  const double sigma = 1.5;
  const gm wide({1.0}, {ito::test::mean2()}, {ito::test::cov2() * sigma * sigma});
  const kl_gap_estimate k1 = kl_gap(log_likelihood(f, gmm_score<vp_sde>(wide, f), X).logp, truth);
  const double kl = 0.5 * double(d) * (1 / (sigma * sigma) - 1 + std::log(sigma * sigma));
  MESSAGE("N(m, 1.5^2 C) model: gap " << k1.gap << " +- " << k1.se << ", closed form " << kl);
  CHECK(k1.n == n);
  CHECK(k1.gap - k1.model_nll + k1.true_nll == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(std::abs(k1.gap - kl) < 4 * k1.se + 2e-3);
  CHECK(k1.se > 0);
  CHECK_THROWS_AS(kl_gap(truth.head(1), truth.head(1)), ito::invalid_argument);
}

TEST_CASE("likelihood arguments are checked") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  Eigen::MatrixXd X(2, 1);
  X << 0, std::nan("");
  CHECK_THROWS_AS(log_likelihood(f, oracle, X), ito::invalid_argument);
  likelihood_options opt;
  opt.probes = 0;
  CHECK_THROWS_WITH_AS(log_likelihood(f, oracle, Eigen::MatrixXd::Zero(2, 1).eval(), opt), doctest::Contains("probes"),
                       ito::invalid_argument);
}
