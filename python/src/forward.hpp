#pragma once
// The forward SDEs as the library's variant (ito.VPSDE, VPCosineSDE, SubVPSDE, VESDE, OUSDE),
// trained models (a checkpoint and its forward SDE), and a Python callable as a library score
// (the samplers run as the library compiled them for a run-time SDE and any score).
#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/samplers/adaptive_dpmpp_sde.hpp>

#include <functional>
#include <optional>
#include <variant>

#include "common.hpp"

namespace ito::python {

namespace dif = ito::diffusion;
using ou_linear_sde = dif::ou_sde<dif::linear_schedule>;
using any_sde = dif::any_forward_sde;

/// The Python forward-SDE object `obj` as the variant; ValueError naming `sde` otherwise.
inline any_sde to_sde(py::handle obj) {
  if (py::isinstance<dif::vp_sde>(obj)) return obj.cast<dif::vp_sde>();
  if (py::isinstance<dif::vp_cosine_sde>(obj)) return obj.cast<dif::vp_cosine_sde>();
  if (py::isinstance<dif::subvp_sde>(obj)) return obj.cast<dif::subvp_sde>();
  if (py::isinstance<dif::ve_sde>(obj)) return obj.cast<dif::ve_sde>();
  if (py::isinstance<ou_linear_sde>(obj)) return obj.cast<ou_linear_sde>();
  throw ito::invalid_argument("sde = " + std::string(py::repr(obj)) +
                              ": expected ito.VPSDE, ito.VPCosineSDE, ito.SubVPSDE, ito.VESDE or ito.OUSDE");
}

inline py::object sde_object(const any_sde& s) {
  return std::visit([](const auto& f) { return py::cast(f); }, s);
}

/// The library's spec (kind and parameters) of a forward SDE in the variant.
inline dif::forward_sde_spec spec_of(const any_sde& s) {
  return std::visit([](const auto& f) { return dif::spec_of(f); }, s);
}

/// A trained score network: its checkpoint and the forward SDE it names (ito.train, ito.load).
struct model {
  dif::checkpoint ckpt;
  any_sde sde;
  /// The model of checkpoint c (ito.FormatError naming `file` if it names no valid forward SDE).
  static model of(dif::checkpoint c, const std::string& file) {
    any_sde s = c.sde_spec(file).make();
    return model{std::move(c), std::move(s)};
  }
  index_t dim() const { return static_cast<index_t>(ckpt.arch.dim); }
};

/// A Python callable score(x, t) -> (n, d) as a library score: its dimension is the d the caller
/// gave; it has no exact divergence (the likelihood needs an ito.GMM or ito.Model score).
struct callable_score {
  batch_callable<double> f;
  index_t d = 1;
  void operator()(const ensemble<double>& x, double t, ensemble<double>& out) const { f(x, t, out); }
  index_t dim() const { return d; }
  [[noreturn]] void divergence(const ensemble<double>&, double, Eigen::Matrix<double, 1, Eigen::Dynamic>&) const {
    throw ito::invalid_argument("score: a Python callable has no exact divergence; give an ito.GMM or ito.Model");
  }
};

/// The sampler options of ito.sample and Model.sample (keyword arguments as given).
struct sample_args {
  std::string sampler = "em";
  py::handle steps, nfe, threads, block_size, d, rtol, atol;
  std::uint64_t seed = 0;
  std::vector<double> save_times;
  double snr = 0.16, eta = 0.0, t_end = -1.0, step_size = -1.0;
  long long corrector_steps = 1;
};

/// ito.sample for a forward SDE in the variant and a score source (a Python callable, ito.GMM or
/// ito.Model); the samples of a model with a data normalisation come back in data units.
py::object sample_any(const any_sde& sde, py::handle score, long long n, const sample_args& a);

/// n samples from `score` under the forward SDE `sde`: sampler `sampler` (ito::diffusion::parse_sampler)
/// or, with `adaptive`, the adaptive reverse-SDE sampler of that name (ito::diffusion::parse_adaptive_sampler)
/// with tolerances `control` (the library's
/// samplers compiled once for runtime_forward_sde and any_score, src/samplers.cpp).
inline dif::sample_result<double> run_sampler(const dif::runtime_forward_sde& sde, const dif::any_score<double>& score,
                                              index_t n, const std::string& sampler, const dif::sampler_options& opt,
                                              const std::optional<ito::sde::adaptive_options>& adaptive) {
  if (adaptive) return dif::sample_adaptive(*dif::parse_adaptive_sampler(sampler), sde, score, score.dim(), n, opt, *adaptive);
  return dif::sample(dif::parse_sampler(sampler), sde, score, score.dim(), n, opt);
}

}  // namespace ito::python
