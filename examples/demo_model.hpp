#pragma once
/// \file demo_model.hpp
/// \brief The 2-D data and the trained score network shared by examples 4 and 5:
/// the "8 gaussians" set as an exact Gaussian mixture (so its score is known at
/// every t, gmm.hpp) and an MLP trained on samples of it by denoising score
/// matching under the VP SDE (train.hpp; seed 004 sec. 2.3, seed 003 eps loss).
///
/// The model is trained once and cached in DIR/model_2d.ckpt; a later example
/// (or demo part) with the same options loads it instead of training again.

#include <cmath>
#include <filesystem>
#include <numbers>
#include <ostream>
#include <vector>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/train.hpp>

#include "example_common.hpp"

namespace ito::examples {

/// The 8 gaussians of datasets.hpp as a mixture: equal weights, centres
/// sqrt(2) (cos k pi/4, sin k pi/4), component std 0.5 / (2 * 1.414).
inline ito::diffusion::gaussian_mixture eight_gaussians_mixture() {
  using gm = ito::diffusion::gaussian_mixture;
  const double r = 4 / 1.414 / 2, sd = 0.5 / 1.414 / 2;
  std::vector<double> w(8, 1.0 / 8);
  std::vector<gm::vec> mu;
  std::vector<gm::mat> cov;
  for (int k = 0; k < 8; ++k) {
    const double a = k * std::numbers::pi / 4;
    mu.push_back(gm::vec{{r * std::cos(a), r * std::sin(a)}});
    cov.push_back(gm::mat::Identity(2, 2) * (sd * sd));
  }
  return gm(std::move(w), std::move(mu), std::move(cov));
}

/// The data-vs-data floor of the sliced W1 against `test`: the mean over `reps`
/// independent draws of the same size from the mixture (one draw alone scatters
/// by tens of percent, mostly from the multinomial component counts).
inline double sliced_w1_floor(const ito::diffusion::gaussian_mixture& g, const ito::sde::ensemble<>& test,
                              const ito::diffusion::metric_options& mo, std::uint64_t seed, int reps = 8) {
  double sum = 0;
  for (int r = 0; r < reps; ++r)
    sum += ito::diffusion::sliced_wasserstein1(g.sample(test.cols(), seed + std::uint64_t(r)), test, mo);
  return sum / reps;
}

/// The training budget: full size for the demo, small for --quick (tests).
struct model_budget {
  ito::sde::index_t width, steps, data;
};
inline model_budget demo_model_budget(bool quick) {
  return quick ? model_budget{64, 1500, 4000} : model_budget{128, 4000, 20000};
}

/// The trained VP score model for eight_gaussians_mixture(): loaded from
/// DIR/model_2d.ckpt when it holds this budget, otherwise trained and saved.
inline ito::diffusion::network_score<ito::diffusion::vp_sde> demo_model(const options& opt, std::ostream& out) {
  namespace dif = ito::diffusion;
  const auto budget = demo_model_budget(opt.quick);
  const dif::vp_sde sde;
  const std::filesystem::path path = std::filesystem::path(opt.dir) / "model_2d.ckpt";
  if (std::filesystem::exists(path)) {
    const auto c = dif::load_checkpoint(path);
    if (c.step == budget.steps && c.arch.width == budget.width && c.arch.dim == 2) {
      out << "  model: loaded " << path.string() << " (" << c.step << " steps, width " << c.arch.width << ")\n";
      return dif::network_score_from_checkpoint(sde, c);
    }
  }
  dif::train_options o;
  o.arch.width = budget.width;
  o.arch.depth = 3;
  o.arch.x_frequencies = 0;  // raw x and the time features (the 8 gaussians need no x features)
  o.batch = 512;
  o.seed = 5;
  o.threads = opt.threads;  // 0 = all cores; the model does not depend on it
  o.adam.lr = 2e-3;
  const auto data = eight_gaussians_mixture().sample(budget.data, 51);
  dif::trainer<dif::vp_sde> tr(sde, data, o);  // the checkpoint records the VP SDE (ito sample --model reads it)
  dif::train_progress last;
  tr.run(budget.steps, [&](const dif::train_progress& p) { last = p; }, budget.steps);
  out << "  model: MLP 2+" << 2 * o.arch.frequencies << " -> " << budget.width << " x 3 -> 2 (eps prediction), "
      << budget.steps << " Adam steps of " << o.batch << " on " << budget.data << " points in " << fixed(last.seconds, 1)
      << " s, validation loss " << fixed(last.val_loss) << "; saved " << path.string() << '\n';
  dif::save_checkpoint(path, tr.to_checkpoint());
  return tr.score_model();
}

}  // namespace ito::examples
