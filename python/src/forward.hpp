#pragma once
// The forward SDEs as one variant (ito.VPSDE, VPCosineSDE, SubVPSDE, VESDE, OUSDE),
// their checkpoint encoding, and score sources for the samplers.
#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/train.hpp>

#include <variant>

#include "common.hpp"

namespace ito::python {

namespace dif = ito::diffusion;
using ou_linear_sde = dif::ou_sde<dif::linear_schedule>;
using any_sde = std::variant<dif::vp_sde, dif::vp_cosine_sde, dif::subvp_sde, dif::ve_sde, ou_linear_sde>;

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

/// The checkpoint's forward-SDE parameters, as `ito train` writes them:
/// beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, sigma, T, eps.
inline std::vector<double> sde_checkpoint_params(const any_sde& s) {
  std::vector<double> p{0.1, 20.0, 0.008, 0.01, 50.0, 0.0, 1.0, 1.0, 1e-3};
  std::visit([&](const auto& f) {
    using F = std::decay_t<decltype(f)>;
    if constexpr (std::is_same_v<F, dif::ve_sde>) {
      p[3] = f.sigma_min;
      p[4] = f.sigma_max;
    } else if constexpr (std::is_same_v<F, dif::vp_cosine_sde>) {
      p[2] = f.schedule.s;
    } else if constexpr (std::is_same_v<F, dif::subvp_sde>) {
      p[0] = f.schedule.beta_min;
      p[1] = f.schedule.beta_max;
    } else {
      p[0] = f.schedule.beta_min;
      p[1] = f.schedule.beta_max;
      p[5] = f.mu;
      p[6] = f.sigma;
    }
    p[7] = f.T();
    p[8] = f.eps();
  }, s);
  return p;
}

inline std::string sde_checkpoint_name(const any_sde& s) {
  return std::visit([](const auto& f) { return std::string(f.name()); }, s);
}

/// The forward SDE a checkpoint was trained with (ito.FormatError naming `file` if unreadable).
inline any_sde sde_from_checkpoint(const dif::checkpoint& c, const std::string& file) {
  const auto& p = c.sde_params;
  if (p.size() != 9)
    throw ito::format_error(file + ": forward SDE '" + c.sde_name + "' has " + std::to_string(p.size()) +
                            " parameters in the checkpoint, expected 9");
  try {
    if (c.sde_name == "vp") return dif::vp_sde(p[0], p[1], p[7], p[8]);
    if (c.sde_name == "vp-cosine") return dif::vp_cosine_sde(p[2], p[7], p[8]);
    if (c.sde_name == "subvp") return dif::subvp_sde(p[0], p[1], p[7], p[8]);
    if (c.sde_name == "ve") return dif::ve_sde(p[3], p[4], p[7], p[8]);
    if (c.sde_name == "ou") return ou_linear_sde(p[5], p[6], dif::linear_schedule{p[0], p[1]}, p[7], p[8]);
  } catch (const std::exception& e) {
    throw ito::format_error(file + ": bad forward SDE in checkpoint: " + e.what());
  }
  throw ito::format_error(file + ": unknown forward SDE '" + c.sde_name + "' in checkpoint");
}

/// A trained score network: its checkpoint and forward SDE (ito.train, ito.load).
struct model {
  dif::checkpoint ckpt;
  any_sde sde;
  index_t dim() const { return static_cast<index_t>(ckpt.arch.dim); }
};

}  // namespace ito::python

namespace ito::python {
/// ito.sample for a forward SDE in the variant (diffusion.cpp).
py::object sample_any(const any_sde& sde, py::handle score, long long n, const std::string& sampler,
                      py::handle steps, py::handle nfe, std::uint64_t seed, py::handle threads,
                      py::handle block_size, const std::vector<double>& save_times, py::handle d, double snr,
                      long long corrector_steps, double eta, double t_end, double step_size, double rtol,
                      double atol);
}  // namespace ito::python
