#pragma once
// Shared pieces of the diffusion commands (marginal, sample, nll, train, ...):
//  - a forward SDE chosen by name with its parameters (--sde vp|vp-cosine|subvp|ve|ou,
//    the library's forward_sde_spec), handed to a generic lambda as one run-time type
//    (with_sde);
//  - the score source behind one function (with_score): today --oracle gmm.json
//    (the exact Gaussian-mixture score); a trained model (--model) plugs in there;
//  - JSON output and small argument checks.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <ito/diffusion/any_score.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/sde/error.hpp>

#include "nn_model.hpp"

namespace ito::cli {

/// --sde and its parameters: the library's forward_sde_spec (kind + parameters; T and
/// eps default to each SDE's own defaults).
using sde_options = ito::diffusion::forward_sde_spec;

inline constexpr const char* sde_names = ito::diffusion::forward_sde_spec::kinds;

/// Register --sde and its parameters on a sub-command.
inline void add_sde_options(CLI::App* sub, sde_options& o) {
  sub->add_option("--sde", o.kind, std::string("forward SDE: ") + sde_names)->capture_default_str();
  sub->add_option("--beta-min", o.beta_min, "vp/subvp/ou: beta(0)")->capture_default_str();
  sub->add_option("--beta-max", o.beta_max, "vp/subvp/ou: beta(1)")->capture_default_str();
  sub->add_option("--cosine-s", o.cosine_s, "vp-cosine: offset s")->capture_default_str();
  sub->add_option("--sigma-min", o.sigma_min, "ve: sigma(0)")->capture_default_str();
  sub->add_option("--sigma-max", o.sigma_max, "ve: sigma(1)")->capture_default_str();
  sub->add_option("--mu", o.mu, "ou: stationary mean")->capture_default_str();
  sub->add_option("--sigma", o.sigma, "ou: stationary std")->capture_default_str();
  sub->add_option("--T", o.T, "final time (default 1; 0.995 for vp-cosine)");
  sub->add_option("--eps", o.eps, "smallest time the samplers reach (default 1e-3)");
}

using any_forward_sde = ito::diffusion::any_forward_sde;

/// The forward SDE named by o.kind; ito::invalid_argument naming --sde if unknown.
inline any_forward_sde make_sde(const sde_options& o) {
  if (o.kind != "vp" && o.kind != "vp-cosine" && o.kind != "subvp" && o.kind != "ve" && o.kind != "ou")
    throw ito::invalid_argument("--sde = " + o.kind + ": expected one of " + sde_names);
  return o.make();
}

/// fn(sde) with the forward SDE of `o` as one run-time type (runtime_forward_sde), so
/// that the samplers, scores and trainers the commands call are compiled once, not
/// once per kind of SDE.
template <class Fn>
decltype(auto) with_sde(const sde_options& o, Fn&& fn) {
  return std::forward<Fn>(fn)(ito::diffusion::runtime_forward_sde(make_sde(o)));
}

/// The parameters of a forward SDE as JSON (name, T, eps and its own constants).
inline nlohmann::json sde_json(const sde_options& o) {
  nlohmann::json j{{"sde", o.kind}};
  if (o.kind == "vp" || o.kind == "subvp" || o.kind == "ou") {
    j["beta_min"] = o.beta_min;
    j["beta_max"] = o.beta_max;
  }
  if (o.kind == "vp-cosine") j["cosine_s"] = o.cosine_s;
  if (o.kind == "ve") {
    j["sigma_min"] = o.sigma_min;
    j["sigma_max"] = o.sigma_max;
  }
  if (o.kind == "ou") {
    j["mu"] = o.mu;
    j["sigma"] = o.sigma;
  }
  std::visit([&](const auto& f) {
    j["T"] = f.T();
    j["eps"] = f.eps();
  }, make_sde(o));
  return j;
}

/// The forward SDE of the model at `path`: --model replaces --sde.
inline sde_options model_sde_options(const std::string& path) {
  return ito::diffusion::load_checkpoint(path).sde_spec(path);
}

/// Where the score comes from. Exactly one source must be given.
struct score_options {
  std::string oracle;  ///< Gaussian-mixture JSON: the exact score of its diffused marginal
  std::string model;   ///< checkpoint of a trained network (ito train); its forward SDE replaces --sde
};

inline void add_score_options(CLI::App* sub, score_options& o) {
  auto* oracle =
      sub->add_option("--oracle", o.oracle, "Gaussian-mixture JSON {weights, means, covariances}: use its exact score");
  sub->add_option("--model", o.model, "trained score network (ito train --out); its --sde is used")->excludes(oracle);
}

/// The forward SDE to run: the model's own (--model) or the one given by --sde.
inline sde_options score_sde(const score_options& s, const sde_options& o) {
  return s.model.empty() ? o : model_sde_options(s.model);
}

/// \brief The score source behind one function: fn(score, d) with `score` the score
/// for forward SDE `sde` as one type (any_score<double>, whatever its source, so each
/// sampler is compiled once) and d the data dimension.
template <class F, class Fn>
decltype(auto) with_score(const score_options& o, const F& sde, Fn&& fn) {
  if (!o.oracle.empty()) {
    const auto g = ito::diffusion::load_gmm(o.oracle);
    const ito::diffusion::any_score<double> score(ito::diffusion::gmm_score<F>(g, sde));
    return fn(score, g.dim());
  }
  if (!o.model.empty()) return with_model_score(o.model, sde, std::forward<Fn>(fn));
  throw ito::invalid_argument("score source: missing; give --oracle gmm.json or --model model.ito");
}

/// With --model, map samples (and saved states) from the model's units to the data's
/// (the checkpoint's data normalisation; nothing without one).
template <class Result>
void model_samples_to_data_units(const score_options& o, Result& res) {
  if (o.model.empty()) return;
  const auto norm = ito::diffusion::load_checkpoint(o.model).normalization;
  norm.to_data(res.samples);
  for (auto& x : res.trajectory) norm.to_data(x);
}

/// Print JSON to stdout (2-space indent).
inline void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << '\n'; }

/// Require a positive count for an option.
inline void require_count(const char* option, long long value, long long at_least = 1) {
  ito::detail::require(value >= at_least, option, value, ">= " + std::to_string(at_least));
}

}  // namespace ito::cli
