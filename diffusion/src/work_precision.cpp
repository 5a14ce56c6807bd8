/// \file work_precision.cpp
/// \brief The work-precision study of the built-in problems, compiled once here for the
/// program (`ito work-precision`) and the Python module (`ito.work_precision`).
#include "ito/diffusion/work_precision.hpp"

#include <algorithm>
#include <cmath>

#include <ito/sde/problems.hpp>

namespace ito::diffusion {

void default_work_precision_ladders(const std::string& problem, sde::work_precision_options& o,
                                    const sde::van_der_pol_parameters& vdp) {
  if (problem == "vdp") {
    vdp.validate();
    // The coarsest fixed step is about 0.4/mu, beyond the stability of the explicit methods (the drift's
    // Jacobian on the branches has eigenvalues ~ -mu(x^2 - 1), and the noise drives |x| well above 2),
    // so the ladder scales with mu and t1: n0 the smallest power of two with t1/n0 <= 0.2/mu, fixed steps
    // n0/2 .. 8 n0, the reference at 64 n0 (at least 2^14).
    const int k = int(std::clamp(std::ceil(std::log2(vdp.t1 * vdp.mu / 0.2)), 1.0, 40.0));
    const sde::index_t n0 = sde::index_t(1) << k;
    o.steps = {n0 / 2, n0, 2 * n0, 4 * n0, 8 * n0};
    o.rtols = {3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4};
    o.reference_steps = std::max<sde::index_t>(sde::index_t(1) << 14, 64 * n0);
  } else if (problem == "vp-reverse") {
    o.steps = {8, 16, 32, 64, 128, 256, 512, 1024};
    o.rtols = {3e-1, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4};
  } else {
    o.steps = {4, 8, 16, 32, 64, 128, 256, 512};
    o.rtols = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4};
  }
}

sde::work_precision_result work_precision_study(const std::string& problem, const sde::work_precision_options& o,
                                                const gaussian_mixture* mixture,
                                                const sde::van_der_pol_parameters& vdp) {
  using namespace ito::sde;
  const auto& names = work_precision_problems();
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  ito::detail::require(std::find(names.begin(), names.end(), problem) != names.end(), "problem", problem,
                       "one of " + list);
  ito::detail::require(problem != "vp-reverse" || mixture != nullptr, "mixture", "(none)",
                       "the Gaussian mixture of the vp-reverse problem");
  if (problem == "gbm") {
    auto k = gbm_problem<double>();
    k.problem.autonomous = true;
    auto r = work_precision(k.problem, work_precision_exact(k.problem, k.exact, o), o);
    r.reference = "exact";
    return r;
  }
  auto with_reference = [&](const auto& p) {
    auto [ref, change] = work_precision_reference(p, o);
    auto r = work_precision(p, ref, o);
    r.reference = std::string(p.noise == noise_kind::additive ? "sra1" : "sriw1") + ", " +
                  std::to_string(o.reference_steps) + " steps";
    r.reference_dt = double(p.t1 - p.t0) / double(o.reference_steps);
    r.reference_change = change;
    return r;
  };
  if (problem == "double-well") {
    auto p = double_well_problem<double>(0.5, 0.5, 2.0);
    p.autonomous = true;
    return with_reference(p);
  }
  if (problem == "vdp") return with_reference(van_der_pol_problem<double>(vdp));
  return with_reference(vp_reverse_problem(*mixture, o.paths, o.seed));
}

}  // namespace ito::diffusion
