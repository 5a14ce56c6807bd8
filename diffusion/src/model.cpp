/// \file model.cpp
/// \brief sample_model and model_log_likelihood (model.hpp): the checkpoint's forward
/// SDE as a runtime_forward_sde and its network as an any_score, so they call the
/// samplers and the likelihood compiled once in src/samplers.cpp.
#include "ito/diffusion/model.hpp"

namespace ito::diffusion {
namespace {
/// The checkpoint's forward SDE and its EMA network (model units) as the run-time types.
struct runtime_model {
  runtime_forward_sde sde;
  any_score<double> score;
  explicit runtime_model(const checkpoint& c)
      : sde(c.sde_spec()), score(network_score_from_checkpoint(sde, c, 1)) {}
};
}  // namespace

sample_result<double> sample_model(const checkpoint& c, sampler_kind kind, index_t n,
                                   const sampler_options& opt) {
  const runtime_model m(c);
  auto res = sample(kind, m.sde, m.score, m.score.dim(), n, opt);
  c.normalization.to_data(res.samples);
  for (auto& x : res.trajectory) c.normalization.to_data(x);
  return res;
}

likelihood_result model_log_likelihood(const checkpoint& c, const ensemble<double>& X,
                                       const likelihood_options& opt) {
  check_checkpoint_dim(c, X.rows(), "checkpoint");
  ensemble<double> Y = X;
  c.normalization.to_model(Y);
  const runtime_model m(c);
  auto res = log_likelihood(m.sde, m.score, Y, opt);
  const double J = c.normalization.log_scale_sum();
  if (J != 0) {
    res.logp.array() -= J;
    res.mean_nll += J;
  }
  return res;
}

}  // namespace ito::diffusion
