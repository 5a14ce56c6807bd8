#pragma once
// A trained score model (checkpoint) as a score for the `ito` commands: the
// --model branch of common.hpp's with_score. The checkpoint stores its forward
// SDE (ito::diffusion::forward_sde_spec, checkpoint::sde_spec()); the score works
// in the model's units (see checkpoint::normalization; the commands map back).
#include <string>
#include <utility>
#include <variant>

#include <ito/diffusion/any_score.hpp>
#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/train.hpp>
#include <ito/sde/error.hpp>

namespace ito::cli {

/// fn(score, d) with the EMA network of the checkpoint at `path` as a score for
/// `sde` (as any_score<double>), which must be the forward SDE the model was trained with.
template <class F, class Fn>
decltype(auto) with_model_score(const std::string& path, const F& sde, Fn&& fn) {
  const ito::diffusion::checkpoint c = ito::diffusion::load_checkpoint(path);
  const auto spec = c.sde_spec(path);
  const auto [T, eps] = std::visit([](const auto& f) { return std::pair{f.T(), f.eps()}; }, spec.make());
  if (sde.name() != spec.kind || sde.T() != T || sde.eps() != eps)
    throw ito::invalid_argument("--sde = " + std::string(sde.name()) + ": the model " + path +
                                " was trained with --sde " + spec.kind + " (T = " + std::to_string(T) +
                                ", eps = " + std::to_string(eps) + ")");
  const ito::diffusion::any_score<double> score(ito::diffusion::network_score_from_checkpoint(sde, c, 1));
  return fn(score, static_cast<ito::sde::index_t>(c.arch.dim));
}

}  // namespace ito::cli
