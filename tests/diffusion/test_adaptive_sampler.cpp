// The adaptive reverse-SDE sampler (samplers/adaptive.hpp, Jolicoeur-Martineau et
// al. 2021): with the exact score of a mixture with thin components its samples
// are indistinguishable from exact draws (z against 30 exact draws of the same
// size), the evaluation count is reported and falls with the tolerance, and the
// samples are the same for any thread count and block size.
#include <doctest/doctest.h>

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/quality.hpp>
#include <ito/diffusion/samplers/adaptive.hpp>

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

TEST_CASE("adaptive sampler with the exact score: exact-draw quality, NFE reported") {
  const vp_sde f;
  const auto g = thin_mixture();
  const gmm_score<vp_sde> score(g, f);
  const index_t n = 4000;
  quality_options qo;
  qo.reference_size = 100000;
  const mixture_judge judge(g, n, qo);
  sampler_options opt;
  opt.seed = 3;
  double nfe_loose = 0;
  for (double tol : {5e-2, 1e-2}) {
    auto control = default_adaptive_sampler_control();
    control.rtol = control.atol = tol;
    const auto r = sample_adaptive(f, score, 2, n, opt, control);
    const auto q = judge.assess(r.samples);
    MESSAGE("tol " << tol << ": nfe " << r.nfe << ", SW1 " << q.sw1 << " vs exact draws " << q.floor_mean << " +- "
                   << q.floor_sd << ", z = " << q.z << " (n = " << n << ")");
    CHECK(r.nfe > 2);
    if (tol == 5e-2) nfe_loose = r.nfe;
    else {
      CHECK(r.nfe > nfe_loose);  // a tighter tolerance costs more evaluations
      CHECK(q.z < 5);            // indistinguishable from exact draws at this n
    }
  }
}

TEST_CASE("adaptive sampler: the same samples for any thread count and block size") {
  const vp_sde f;
  const gmm_score<vp_sde> score(thin_mixture(), f);
  sampler_options opt;
  opt.seed = 9;
  opt.threads = 1;
  opt.block_size = 300;
  const auto a = sample_adaptive(f, score, 2, 300, opt);
  opt.threads = 2;
  opt.block_size = 64;
  const auto b = sample_adaptive(f, score, 2, 300, opt);
  CHECK((a.samples.array() == b.samples.array()).all());
  CHECK(a.nfe == b.nfe);
}
