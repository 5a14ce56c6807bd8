// The adaptive reverse-SDE samplers. The Euler / improved-Euler pair (samplers/adaptive.hpp,
// Jolicoeur-Martineau et al. 2021): with the exact score of a mixture with thin components
// its samples are indistinguishable from exact draws (z against 30 exact draws of the same
// size), the evaluation count is reported and falls with the tolerance, and the samples are
// the same for any thread count and block size. Adaptive SDE-DPM-Solver++(2M)
// (samplers/adaptive_dpmpp_sde.hpp): the same on the thin mixture at fewer than 40
// evaluations per sample; on Gaussian data the exact marginal's mean and variance at t_end
// (within standard errors); bad arguments refused by name.
#include <doctest/doctest.h>

#include <cmath>

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/quality.hpp>
#include <ito/diffusion/samplers/adaptive.hpp>
#include <ito/diffusion/samplers/adaptive_dpmpp_sde.hpp>

#include "support/quick_mode.hpp"

using namespace ito::diffusion;

namespace {
/// The thin mixture of bench/data/thin2d.json (standard deviations 0.1 across some components).
gaussian_mixture thin_mixture() {
  using vec = Eigen::VectorXd;
  using mat = Eigen::MatrixXd;
  return gaussian_mixture({0.35, 0.25, 0.2, 0.2},
                          {(vec(2) << -1.0, 0.0).finished(), (vec(2) << 1.0, 0.8).finished(),
                           (vec(2) << 0.6, -1.0).finished(), (vec(2) << -0.2, 1.4).finished()},
                          {(mat(2, 2) << 0.36, 0.0, 0.0, 0.01).finished(), (mat(2, 2) << 0.01, 0.0, 0.0, 0.25).finished(),
                           (mat(2, 2) << 0.13, 0.12, 0.12, 0.13).finished(), (mat(2, 2) << 0.04, 0.0, 0.0, 0.04).finished()});
}
}  // namespace

TEST_CASE("adaptive samplers with the exact score: exact-draw quality, NFE reported") {
  const vp_sde f;
  const auto g = thin_mixture();
  const gmm_score<vp_sde> score(g, f);
  const index_t n = 4000;
  quality_options qo;
  qo.reference_size = 100000;
  const mixture_judge judge(g, n, qo);
  sampler_options opt;
  opt.seed = 3;
  for (const auto kind : {adaptive_sampler::euler_heun, adaptive_sampler::dpmpp_sde}) {
    double nfe_loose = 0;
    for (double tol : {5e-2, 1e-2}) {
      auto control = default_adaptive_sampler_control();
      control.rtol = control.atol = tol;
      const auto r = sample_adaptive(kind, f, score, 2, n, opt, control);
      const auto q = judge.assess(r.samples);
      MESSAGE(r.sampler << ", tol " << tol << ": nfe " << r.nfe << ", SW1 " << q.sw1 << " vs exact draws "
                        << q.floor_mean << " +- " << q.floor_sd << ", z = " << q.z << " (n = " << n << ")");
      CHECK(r.sampler == (kind == adaptive_sampler::euler_heun ? "adaptive" : "adaptive-dpmpp-sde"));
      CHECK(r.nfe > 2);
      if (tol == 5e-2) {
        nfe_loose = r.nfe;
        continue;
      }
      CHECK(r.nfe > nfe_loose);  // a tighter tolerance costs more evaluations
      if (kind == adaptive_sampler::euler_heun) {
        CHECK(q.z < 5);  // indistinguishable from exact draws at this n (about 250 evaluations)
      } else {
        CHECK(r.nfe < 40);  // about 36 at the default tolerance
        CHECK(q.z < 3);
        CHECK(q.weights_max_abs_z < 3);
      }
    }
  }
}

TEST_CASE("adaptive samplers: the same samples for any thread count and block size") {
  const vp_sde f;
  const gmm_score<vp_sde> score(thin_mixture(), f);
  for (const char* name : {"adaptive", "adaptive-dpmpp-sde"}) {
    // by name, through the dispatch the program and the Python module use
    const auto kind = parse_adaptive_sampler(name);
    REQUIRE(kind.has_value());
    sampler_options opt;
    opt.seed = 9;
    opt.threads = 1;
    opt.block_size = 300;
    const auto a = sample_adaptive(*kind, f, score, 2, 300, opt);
    opt.threads = 2;
    opt.block_size = 64;
    const auto b = sample_adaptive(*kind, f, score, 2, 300, opt);
    CHECK(a.sampler == name);
    CHECK((a.samples.array() == b.samples.array()).all());
    CHECK(a.nfe == b.nfe);
  }
  CHECK(!parse_adaptive_sampler("em").has_value());
}

TEST_CASE("adaptive dpmpp-sde on Gaussian data: the exact marginal's mean and variance at t_end") {
  // data N(mu, c I): p_t = N(a mu + b, (a^2 c + s^2) I) at t_end. At tol 1e-3 (about 160
  // evaluations) the sample variance sits about 0.4 % below the exact one (seeds 1-6 at
  // n = 40000: 0.6 se on average), at 1e-2 (28 evaluations) 4 % below; at n = 20000 the
  // standard error of the variance is 1 %.
  const vp_sde f;
  const double c = 0.25;
  Eigen::VectorXd mu(2);
  mu << 0.7, -0.4;
  const gaussian_mixture g({1.0}, {mu}, {Eigen::MatrixXd::Identity(2, 2) * c});
  const gmm_score<vp_sde> score(g, f);
  const index_t n = ito::test::quick() ? 4000 : 20000;
  sampler_options opt;
  opt.seed = 1;
  auto control = default_adaptive_sampler_control();
  control.rtol = control.atol = 1e-3;
  const auto r = sample_adaptive_dpmpp_sde(f, score, 2, n, opt, control);
  const double te = f.eps(), a = f.mean_coeff(te), b = f.mean_offset(te), s = f.std(te);
  const double var = a * a * c + s * s;
  for (index_t i = 0; i < 2; ++i) {
    const Eigen::ArrayXd xi = r.samples.row(i).transpose().array();
    const double m = xi.mean(), v = (xi - m).square().sum() / double(n - 1);
    const double se_m = std::sqrt(var / double(n)), se_v = var * std::sqrt(2.0 / double(n - 1));
    MESSAGE("component " << i << ": mean " << m << " vs " << a * mu(i) + b << " (se " << se_m << "), variance " << v
                         << " vs " << var << " (se " << se_v << "), nfe " << r.nfe);
    CHECK(std::abs(m - (a * mu(i) + b)) < 4 * se_m);
    CHECK(std::abs(v - var) < 4 * se_v);
  }
}

TEST_CASE("adaptive dpmpp-sde: bad arguments are refused by name") {
  const vp_sde f;
  const gmm_score<vp_sde> score(thin_mixture(), f);
  sampler_options opt;
  opt.t_end = 0;
  CHECK_THROWS_WITH_AS(sample_adaptive_dpmpp_sde(f, score, 2, 10, opt), doctest::Contains("t_end"),
                       ito::invalid_argument);
  opt.t_end = -1;
  opt.save_times = {0.5};
  CHECK_THROWS_WITH_AS(sample_adaptive_dpmpp_sde(f, score, 2, 10, opt), doctest::Contains("save_times"),
                       ito::invalid_argument);
  opt.save_times.clear();
  auto control = default_adaptive_sampler_control();
  control.rtol = -1;
  CHECK_THROWS_WITH_AS(sample_adaptive_dpmpp_sde(f, score, 2, 10, opt, control), doctest::Contains("rtol"),
                       ito::invalid_argument);
}
