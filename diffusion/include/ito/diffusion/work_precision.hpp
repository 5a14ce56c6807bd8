#pragma once
/// \file work_precision.hpp
/// \brief The reverse SDE of the VP forward SDE with the exact score of a
/// Gaussian mixture, as an additive-noise problem for the work-precision study
/// (ito/sde/work_precision.hpp).
///
/// Y(s) = X(T - s) solves dY = [g^2 score(Y, T - s) - f(Y, T - s)] ds + g(T - s) dW
/// on s in [0, T - t_end] (reverse_sde.hpp) from Y(0) = x_T, the VP prior
/// N(0, I) drawn per path as the samplers draw it (samplers.hpp block_prior).
/// The drift is the exact score of the diffused mixture (gmm.hpp), so the
/// only error is the integrator's. Drift evaluations are score evaluations.

#include <string>
#include <vector>

#include <ito/sde/problem.hpp>
#include <ito/sde/work_precision.hpp>

#include "forward_sde.hpp"
#include "gmm.hpp"
#include "reverse_sde.hpp"
#include "samplers.hpp"

namespace ito::diffusion {

/// The exact mixture score, safe to call from several threads at once: each
/// call diffuses the mixture to t afresh (K Cholesky factorisations of d x d).
struct shared_gmm_score {
  gaussian_mixture data;
  vp_sde sde;
  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) const {
    const gmm_score<vp_sde> local(data, sde);
    local(X, t, out);
  }
};

/// The VP reverse SDE of mixture g (vp_sde defaults: beta 0.1 .. 20, T = 1)
/// from `paths` prior draws (seed) down to t_end (< 0: the SDE's eps = 1e-3),
/// as an additive-noise problem with x0 = the d x paths prior draws.
inline auto vp_reverse_problem(const gaussian_mixture& g, index_t paths, std::uint64_t seed = 0,
                               double t_end = -1) {
  const vp_sde f;
  const ensemble<double> xT = detail::block_prior<double>(f, g.dim(), paths, seed, 0);
  return reverse_sde<vp_sde, shared_gmm_score>{f, shared_gmm_score{g, f}}.problem<double>(xT, t_end);
}

/// The built-in problems of the work-precision study (`ito work-precision --problem`,
/// `ito.work_precision`): "double-well" (dX = (X - X^3)/2 dt + 1/2 dW from 0.5 to T = 2,
/// additive), "vdp" (the stochastic van der Pol oscillator with diagonal multiplicative noise,
/// problems.hpp), "gbm" (exact solution on the tree's W) and "vp-reverse" (the VP reverse SDE
/// with the exact score of a Gaussian mixture, above).
inline const std::vector<std::string>& work_precision_problems() {
  static const std::vector<std::string> names{"double-well", "vdp", "gbm", "vp-reverse"};
  return names;
}

/// The default ladders of a built-in problem (spanning comparable errors): o.steps and
/// o.rtols are replaced, for "vdp" also o.reference_steps (the ladders scale with vdp.mu and
/// vdp.t1: fixed steps from dt ~ 0.4/mu); the other options are kept.
void default_work_precision_ladders(const std::string& problem, sde::work_precision_options& o,
                                    const sde::van_der_pol_parameters& vdp = {});

/// The work-precision study (sde/work_precision.hpp) of the built-in problem `problem` with
/// options `o` (ladders as given: see default_work_precision_ladders); `mixture` is the data of
/// "vp-reverse" (required there, unused otherwise), `vdp` the parameters of "vdp" (unused otherwise). The reference is the exact solution for
/// gbm, else SRA1 (additive noise) or SRIW1 at o.reference_steps steps on the same paths.
/// Compiled once in the library (src/work_precision.cpp).
sde::work_precision_result work_precision_study(const std::string& problem, const sde::work_precision_options& o,
                                                const gaussian_mixture* mixture = nullptr,
                                                const sde::van_der_pol_parameters& vdp = {});

}  // namespace ito::diffusion
