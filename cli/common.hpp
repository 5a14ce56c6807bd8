#pragma once
// Shared pieces of the diffusion commands (marginal, sample, nll, train, ...):
//  - a forward SDE chosen by name with its parameters (--sde vp|vp-cosine|subvp|ve|ou),
//    handed to a generic lambda as its concrete type (with_sde);
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

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/sde/error.hpp>

#include "nn_model.hpp"

namespace ito::cli {

/// --sde and its parameters. T and eps default to each SDE's own defaults.
struct sde_options {
  std::string name = "vp";
  double beta_min = 0.1, beta_max = 20.0;   // vp, subvp, ou (linear beta schedule)
  double cosine_s = 0.008;                  // vp-cosine
  double sigma_min = 0.01, sigma_max = 50;  // ve
  double mu = 0.0, sigma = 1.0;             // ou: stationary mean and std
  std::optional<double> T, eps;
};

inline constexpr const char* sde_names = "vp, vp-cosine, subvp, ve, ou";

/// Register --sde and its parameters on a sub-command.
inline void add_sde_options(CLI::App* sub, sde_options& o) {
  sub->add_option("--sde", o.name, std::string("forward SDE: ") + sde_names)->capture_default_str();
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

using any_forward_sde = std::variant<ito::diffusion::vp_sde, ito::diffusion::vp_cosine_sde,
                                     ito::diffusion::subvp_sde, ito::diffusion::ve_sde,
                                     ito::diffusion::ou_sde<ito::diffusion::linear_schedule>>;

/// The forward SDE named by o.name; ito::invalid_argument naming --sde if unknown.
inline any_forward_sde make_sde(const sde_options& o) {
  using namespace ito::diffusion;
  const double eps = o.eps.value_or(1e-3);
  if (o.name == "vp") return vp_sde(o.beta_min, o.beta_max, o.T.value_or(1.0), eps);
  if (o.name == "vp-cosine") return vp_cosine_sde(o.cosine_s, o.T.value_or(0.995), eps);
  if (o.name == "subvp") return subvp_sde(o.beta_min, o.beta_max, o.T.value_or(1.0), eps);
  if (o.name == "ve") return ve_sde(o.sigma_min, o.sigma_max, o.T.value_or(1.0), eps);
  if (o.name == "ou")
    return ou_sde<linear_schedule>(o.mu, o.sigma, linear_schedule{o.beta_min, o.beta_max}, o.T.value_or(1.0), eps);
  throw ito::invalid_argument("--sde = " + o.name + ": expected one of " + sde_names);
}

/// fn(sde) with the concrete forward-SDE type.
template <class Fn>
decltype(auto) with_sde(const sde_options& o, Fn&& fn) {
  return std::visit(std::forward<Fn>(fn), make_sde(o));
}

/// The parameters of a forward SDE as JSON (name, T, eps and its own constants).
inline nlohmann::json sde_json(const sde_options& o) {
  nlohmann::json j{{"sde", o.name}};
  if (o.name == "vp" || o.name == "subvp" || o.name == "ou") {
    j["beta_min"] = o.beta_min;
    j["beta_max"] = o.beta_max;
  }
  if (o.name == "vp-cosine") j["cosine_s"] = o.cosine_s;
  if (o.name == "ve") {
    j["sigma_min"] = o.sigma_min;
    j["sigma_max"] = o.sigma_max;
  }
  if (o.name == "ou") {
    j["mu"] = o.mu;
    j["sigma"] = o.sigma;
  }
  std::visit([&](const auto& f) {
    j["T"] = f.T();
    j["eps"] = f.eps();
  }, make_sde(o));
  return j;
}

/// The numbers a checkpoint stores for the forward SDE of `o` (T and eps resolved):
/// beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, sigma, T, eps.
inline std::vector<double> sde_checkpoint_params(const sde_options& o) {
  double T = 1, eps = 1e-3;
  with_sde(o, [&](const auto& f) {
    T = f.T();
    eps = f.eps();
  });
  return {o.beta_min, o.beta_max, o.cosine_s, o.sigma_min, o.sigma_max, o.mu, o.sigma, T, eps};
}

/// The sde_options a checkpoint was trained with (ito::format_error naming `file` if bad).
inline sde_options sde_options_from(const ito::diffusion::checkpoint& c, const std::string& file) {
  const auto& p = c.sde_params;
  if (p.size() != 9)
    throw ito::format_error(file + ": forward SDE '" + c.sde_name + "' has " + std::to_string(p.size()) +
                            " parameters in the checkpoint, expected 9");
  sde_options o;
  o.name = c.sde_name;
  o.beta_min = p[0];
  o.beta_max = p[1];
  o.cosine_s = p[2];
  o.sigma_min = p[3];
  o.sigma_max = p[4];
  o.mu = p[5];
  o.sigma = p[6];
  o.T = p[7];
  o.eps = p[8];
  try {
    (void)make_sde(o);
  } catch (const std::exception& e) {
    throw ito::format_error(file + ": bad forward SDE in checkpoint: " + e.what());
  }
  return o;
}

/// The forward SDE of the model at `path`: --model replaces --sde.
inline sde_options model_sde_options(const std::string& path) {
  return sde_options_from(ito::diffusion::load_checkpoint(path), path);
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

/// \brief The score source behind one function: fn(score, d) with `score` a score
/// callable for forward SDE `sde` and d the data dimension.
template <class F, class Fn>
decltype(auto) with_score(const score_options& o, const F& sde, Fn&& fn) {
  if (!o.oracle.empty()) {
    const auto g = ito::diffusion::load_gmm(o.oracle);
    const ito::diffusion::gmm_score<F> score(g, sde);
    return fn(score, g.dim());
  }
  if (!o.model.empty()) return with_model_score(o.model, sde, std::forward<Fn>(fn));
  throw ito::invalid_argument("score source: missing; give --oracle gmm.json or --model model.ito");
}

/// Print JSON to stdout (2-space indent).
inline void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << '\n'; }

/// Require a positive count for an option.
inline void require_count(const char* option, long long value, long long at_least = 1) {
  ito::detail::require(value >= at_least, option, value, ">= " + std::to_string(at_least));
}

}  // namespace ito::cli
