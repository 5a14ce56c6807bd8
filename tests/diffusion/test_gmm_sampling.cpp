// Samplers and likelihood with the exact score of a 2-D Gaussian mixture (gmm.hpp) as the
// oracle: sample quality against fresh data by sliced Wasserstein-1 (metrics.hpp) relative to
// the data-vs-data floor, and the probability-flow log-density against the true one.
#include <doctest/doctest.h>

#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/likelihood.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/samplers.hpp>

using namespace ito::diffusion;
using idx = ito::diffusion::index_t;

namespace {
gaussian_mixture mixture() {
  using vec = Eigen::VectorXd;
  Eigen::MatrixXd C1(2, 2), C2(2, 2), C3(2, 2);
  C1 << 0.05, 0.02, 0.02, 0.04;
  C2 << 0.1, -0.03, -0.03, 0.02;
  C3 << 0.02, 0.0, 0.0, 0.08;
  return gaussian_mixture({0.5, 0.3, 0.2},
                          {vec::Constant(2, 1.0), (vec(2) << -1.0, 0.5).finished(), (vec(2) << 0.0, -1.5).finished()},
                          {C1, C2, C3});
}
}  // namespace

TEST_CASE("samplers with the exact mixture score: sliced W1 within 1.2x the data-vs-data floor") {
  const auto data = mixture();
  const vp_sde f;
  const gmm_score<vp_sde> score(data, f);
  const idx n = 3000;
  const int reps = 4;  // one SW1 between finite samples fluctuates by ~30%: average 4 independent runs
  metric_options mo;
  mo.projections = 200;
  const ensemble<double> fresh = data.sample(n, 1001);
  double floor = 0;
  for (int k = 0; k < reps; ++k) floor += sliced_wasserstein1(data.sample(n, 2000 + std::uint64_t(k)), fresh, mo) / reps;
  struct cfg {
    sampler_kind kind;
    idx steps;
  };
  for (const cfg c : {cfg{sampler_kind::em, 500}, cfg{sampler_kind::pc, 200}, cfg{sampler_kind::ddim, 500},
                      cfg{sampler_kind::ode, 20}}) {
    sampler_options opt;
    opt.steps = c.steps;
    if (c.kind == sampler_kind::ode) opt.ode.adaptive = false;  // RK4, 20 steps
    double sw = 0, logp = 0;
    for (int k = 0; k < reps; ++k) {
      opt.seed = 7 + std::uint64_t(k);
      const auto r = sample(c.kind, f, score, 2, n, opt);
      sw += sliced_wasserstein1(r.samples, fresh, mo) / reps;
      logp += data.log_density(r.samples).mean() / reps;
    }
    // mean log-density of the samples under the data law vs that of data (5 standard errors)
    const Eigen::VectorXd lf = data.log_density(data.sample(reps * n, 77));
    const double sd = std::sqrt((lf.array() - lf.mean()).square().mean());
    MESSAGE(std::string(to_string(c.kind)) << " (" << c.steps << " steps): SW1 " << sw << " vs floor " << floor << ", mean log p "
                              << logp << " vs " << lf.mean() << " +- " << sd / std::sqrt(double(reps * n)));
    CHECK(sw < 1.2 * floor);
    CHECK(std::abs(logp - lf.mean()) < 5 * sd * std::sqrt(2.0 / double(reps * n)) + 0.02);
  }
}

TEST_CASE("the error falls as the number of steps grows (Euler-Maruyama)") {
  const auto data = mixture();
  const vp_sde f;
  const gmm_score<vp_sde> score(data, f);
  const ensemble<double> fresh = data.sample(4000, 5);
  metric_options mo;
  mo.projections = 200;
  sampler_options opt;
  opt.seed = 3;
  std::vector<double> sw;
  for (idx steps : {5, 10, 20}) {
    opt.steps = steps;
    sw.push_back(sliced_wasserstein1(sample(sampler_kind::em, f, score, 2, 4000, opt).samples, fresh, mo));
  }
  MESSAGE("SW1 at 5, 10, 20 steps: " << sw[0] << ", " << sw[1] << ", " << sw[2]);
  CHECK(sw[0] > sw[1]);
  CHECK(sw[1] > sw[2]);
}

TEST_CASE("probability-flow log-density of mixture data matches the true one to 0.01 nats on average") {
  const auto data = mixture();
  const ensemble<double> X = data.sample(300, 9);
  const Eigen::VectorXd truth = data.log_density(X);
  const vp_sde f;
  const gmm_score<vp_sde> score(data, f);
  const auto r = log_likelihood(f, score, X);
  const double err = (r.logp - truth).mean(), abs_err = (r.logp - truth).cwiseAbs().mean();
  MESSAGE("mean error " << err << ", mean |error| " << abs_err << ", NLL " << r.mean_nll << " vs " << -truth.mean()
                        << ", nfe " << r.nfe);
  CHECK(std::abs(err) < 0.01);
  CHECK(abs_err < 0.01);
}
