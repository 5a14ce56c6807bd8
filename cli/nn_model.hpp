#pragma once
// A trained score model (checkpoint) as a score for the `ito` commands: the
// --model branch of common.hpp's with_score. The checkpoint stores its forward
// SDE as a name and the numbers
//   beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, sigma, T, eps
// (common.hpp: sde_checkpoint_params / model_sde_options).
#include <string>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/train.hpp>
#include <ito/sde/error.hpp>

namespace ito::cli {

/// fn(score, d) with the EMA network of the checkpoint at `path` as a score for
/// `sde`, which must be the forward SDE the model was trained with.
template <class F, class Fn>
decltype(auto) with_model_score(const std::string& path, const F& sde, Fn&& fn) {
  const ito::diffusion::checkpoint c = ito::diffusion::load_checkpoint(path);
  const double T = c.sde_params.size() == 9 ? c.sde_params[7] : -1, eps = c.sde_params.size() == 9 ? c.sde_params[8] : -1;
  if (sde.name() != c.sde_name || sde.T() != T || sde.eps() != eps)
    throw ito::invalid_argument("--sde = " + std::string(sde.name()) + ": the model " + path +
                                " was trained with --sde " + c.sde_name + " (T = " + std::to_string(T) +
                                ", eps = " + std::to_string(eps) + ")");
  const auto score = ito::diffusion::network_score_from_checkpoint(sde, c, 1);
  return fn(score, static_cast<ito::sde::index_t>(c.arch.dim));
}

}  // namespace ito::cli
