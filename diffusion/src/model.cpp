/// \file model.cpp
/// \brief sample_model and model_log_likelihood (model.hpp), compiled once: each
/// instantiates every sampler (or the probability-flow likelihood) for every
/// forward SDE kind a checkpoint can name, with the checkpoint's network score.
#include "ito/diffusion/model.hpp"

namespace ito::diffusion {

sample_result<double> sample_model(const checkpoint& c, sampler_kind kind, index_t n,
                                   const sampler_options& opt) {
  auto res = with_checkpoint_score(c, [&](const auto& sde, const auto& score) { return sample(kind, sde, score, n, opt); });
  c.normalization.to_data(res.samples);
  for (auto& x : res.trajectory) c.normalization.to_data(x);
  return res;
}

likelihood_result model_log_likelihood(const checkpoint& c, const ensemble<double>& X,
                                       const likelihood_options& opt) {
  check_checkpoint_dim(c, X.rows(), "checkpoint");
  ensemble<double> Y = X;
  c.normalization.to_model(Y);
  auto res = with_checkpoint_score(c, [&](const auto& sde, const auto& score) { return log_likelihood(sde, score, Y, opt); });
  const double J = c.normalization.log_scale_sum();
  if (J != 0) {
    res.logp.array() -= J;
    res.mean_nll += J;
  }
  return res;
}

}  // namespace ito::diffusion
