// Quality vs score evaluations of every sampler with the exact Gaussian-mixture score.
// Not part of the CMake build (a one-off table for docs/diffusion.md). Build and run:
//   g++ -std=c++20 -O2 -DNDEBUG -I sde/include -I diffusion/include -I /usr/include/eigen3 \
//       bench/tables/diffusion_quality_table.cpp -o /tmp/quality -pthread && /tmp/quality
// Prints, for each sampler and step count, the NFE per sample and the sliced W1 to fresh data,
// against the data-vs-data floor (two independent data sets of the same size).
#include <cstdio>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/samplers.hpp>

using namespace ito::diffusion;
using idx = ito::diffusion::index_t;

int main(int argc, char** argv) {
  const idx n = argc > 1 ? std::atol(argv[1]) : 8000;
  using vec = Eigen::VectorXd;
  using mat = Eigen::MatrixXd;
  mat C1(2, 2), C2(2, 2), C3(2, 2);
  C1 << 0.05, 0.02, 0.02, 0.04;
  C2 << 0.1, -0.03, -0.03, 0.02;
  C3 << 0.02, 0.0, 0.0, 0.08;
  const gaussian_mixture data({0.5, 0.3, 0.2}, {vec::Constant(2, 1.0), (vec(2) << -1.0, 0.5).finished(), (vec(2) << 0.0, -1.5).finished()},
                              {C1, C2, C3});
  const vp_sde f;
  const gmm_score<vp_sde> score(data, f);
  metric_options mo;
  mo.projections = 200;
  const ensemble<double> fresh = data.sample(n, 1001);
  double floor = 0;
  for (std::uint64_t k = 0; k < 6; ++k) floor += sliced_wasserstein1(data.sample(n, 2000 + k), fresh, mo) / 6;
  std::printf("data-vs-data floor (n = %ld): SW1 = %.4f\n", long(n), floor);
  std::printf("%-12s %6s %8s %8s %8s\n", "sampler", "steps", "nfe", "SW1", "ratio");
  for (auto k : {sampler_kind::em, sampler_kind::sra1, sampler_kind::reverse_diffusion, sampler_kind::pc, sampler_kind::ddpm,
                 sampler_kind::ddim, sampler_kind::ald, sampler_kind::ode}) {
    for (idx steps : {10, 20, 50, 100, 200, 500, 1000}) {
      sampler_options opt;
      opt.steps = steps;
      opt.seed = 7;
      if (k == sampler_kind::ald) opt.corrector_steps = 5;
      if (k == sampler_kind::ode) {
        if (steps > 100) continue;
        opt.ode.adaptive = steps >= 50;  // 10, 20: RK4 with that many steps; 50, 100: dopri5 with tol 1e-3, 1e-5
        opt.ode.rtol = opt.ode.atol = steps == 50 ? 1e-3 : 1e-5;
      }
      // average over 3 sampler seeds: one SW1 value between finite samples fluctuates by ~30%
      double sw = 0, nfe = 0;
      std::string name;
      for (std::uint64_t s = 0; s < 3; ++s) {
        opt.seed = 7 + s;
        const auto r = sample(k, f, score, 2, n, opt);
        sw += sliced_wasserstein1(r.samples, fresh, mo) / 3;
        nfe = r.nfe;
        name = r.sampler;
      }
      std::printf("%-12s %6ld %8.1f %8.4f %8.2f\n", name.c_str(), long(steps), nfe, sw, sw / floor);
      std::fflush(stdout);
    }
  }
}
