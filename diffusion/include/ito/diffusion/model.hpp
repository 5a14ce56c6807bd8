#pragma once
/// \file model.hpp
/// \brief A trained score model as a checkpoint knows it: its forward SDE, its EMA
/// network and its data normalisation, sampled and scored in the data's own units.
///
/// A checkpoint written by trainer::to_checkpoint() names its forward SDE
/// (forward_sde_spec) and, when trained with train_options::normalize, the affine map
/// y = (x - mean) / scale the network was trained in (data_normalization). Then
///   samples:  x = mean + scale * y   for every y the sampler draws (and every saved state),
///   density:  log p_x(x) = log p_y((x - mean) / scale) - sum_i log scale_i
/// (change of variables; the NLL is in nats of the data's own units).
///
/// Example:
/// \code
///   const auto c = ito::diffusion::load_checkpoint("model.ckpt");
///   const auto r = ito::diffusion::sample_model(c, ito::diffusion::sampler_kind::em, 1000);
///   // r.samples: d x 1000 in data units
/// \endcode

#include <string>
#include <utility>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/likelihood.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/train.hpp>

namespace ito::diffusion {

/// fn(sde, score): the checkpoint's forward SDE (its concrete type) and its EMA network
/// as a network_score in model units. ito::format_error naming `file` if the checkpoint
/// names no forward SDE or a bad one.
template <class Fn>
decltype(auto) with_checkpoint_score(const checkpoint& c, Fn&& fn, const std::string& file = "checkpoint") {
  return visit_forward_sde(c.sde_spec(file), [&](const auto& sde) {
    const auto score = network_score_from_checkpoint(sde, c, 1);
    return fn(sde, score);
  });
}

/// n samples of the model in data units (samples and trajectory), by any sampler.
/// (Compiled once, src/model.cpp: it instantiates every sampler for every forward SDE.)
sample_result<double> sample_model(const checkpoint& c, sampler_kind kind, index_t n,
                                   const sampler_options& opt = {});

/// Log-density of each column of X (d x N, data units) under the model's
/// probability-flow ODE: log p_y(y) - sum_i log scale_i with y = (X - mean) / scale.
/// mean_nll is the NLL of y plus sum_i log scale_i; latent and prior_logp are those of y.
/// (Compiled once, src/model.cpp.)
likelihood_result model_log_likelihood(const checkpoint& c, const ensemble<double>& X,
                                       const likelihood_options& opt = {});

}  // namespace ito::diffusion
