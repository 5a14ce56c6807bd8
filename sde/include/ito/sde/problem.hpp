#pragma once
/// \file problem.hpp
/// \brief An SDE problem dX = f(X, t) dt + g dW on an ensemble of paths.
///
/// The state is d x N (one path per column, types.hpp). Drift and diffusion
/// are evaluated on the whole batch and write into a pre-sized output, so the
/// loop allocates nothing per step (DESIGN "Ensembles first"). Itô is the
/// default interpretation (seed 004, Itô SDE dX = f dt + g dW); a Stratonovich
/// problem is declared as such and only Stratonovich-aware methods take it.
///
/// Callable signatures by noise kind (S = scalar type):
///  - drift:                 f(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N
///  - additive diffusion:    g(S t, matrix<S>& G)                             G:   d x m
///  - diagonal diffusion:    g(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N, g_i(X_i)
///  - scalar-noise diffusion g(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N, one W
///  - general diffusion:     g(const ensemble<S>& X, S t, ensemble<S>& out)   out: (d*m) x N
/// Optional derivative (Milstein):
///  - diagonal noise:  dg(X, t, out), out_i = dg_i/dx_i                       (d x N)
///  - scalar noise:    dg(X, t, out), out_i = sum_j g_j dg_i/dx_j = (g.grad) g_i (d x N)

#include <type_traits>
#include <utility>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

/// Placeholder for "no derivative of the diffusion supplied".
struct no_derivative {};

template <class S, noise_kind Kind, class Drift, class Diffusion, class Derivative = no_derivative>
struct problem {
  using scalar_type = S;
  using drift_type = Drift;
  using diffusion_type = Diffusion;
  static constexpr noise_kind noise = Kind;
  static constexpr bool has_derivative = !std::is_same_v<Derivative, no_derivative>;

  Drift drift;
  Diffusion diffusion;
  [[no_unique_address]] Derivative diffusion_derivative{};
  index_t dim = 0;        ///< d, state dimension
  index_t noise_dim = 0;  ///< m, number of Wiener processes
  ensemble<S> x0;       ///< d x 1 (broadcast to every path) or d x N
  S t0 = 0;
  S t1 = 1;
  calculus interpretation = calculus::ito;
  /// Drift and diffusion do not depend on t: adaptive stepping (adaptive.hpp)
  /// may then evaluate paths at different times in one batch.
  bool autonomous = false;

  /// Throws ito::invalid_argument naming the offending field.
  void validate() const {
    detail::require(dim > 0, "dim", dim, "> 0");
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(x0.rows() == dim && x0.cols() >= 1, "x0 rows", x0.rows(),
                    "the state dimension " + std::to_string(dim) + " (x0 is d x 1 or d x N)");
    detail::require(x0.allFinite(), "x0", "non-finite entry", "finite values");
    detail::require_finite("t0", t0);
    detail::require_finite("t1", t1);
    detail::require(t1 > t0, "t1", t1, "t1 > t0 = " + detail::to_text(t0));
    if constexpr (Kind == noise_kind::diagonal) {
      detail::require(noise_dim == dim, "noise_dim", noise_dim, "= dim for diagonal noise");
    }
    if constexpr (Kind == noise_kind::scalar) {
      detail::require(noise_dim == 1, "noise_dim", noise_dim, "1 for scalar noise");
    }
  }
};

/// Additive noise: dX = f(X, t) dt + G(t) dW, G: d x m, independent of X.
/// Itô and Stratonovich coincide, so the interpretation is irrelevant.
template <class S = double, class Drift, class Diffusion>
auto make_additive_problem(Drift f, Diffusion g, const ensemble<S>& x0, S t0, S t1,
                           index_t noise_dim) {
  problem<S, noise_kind::additive, Drift, Diffusion> p{std::move(f), std::move(g), {},
                                                       x0.rows(), noise_dim, x0, t0, t1};
  p.validate();
  return p;
}

/// Diagonal noise: dX_i = f_i dt + g_i(X, t) dW_i, m = d. Optional derivative
/// dg_i/dx_i for Milstein.
template <class S = double, class Drift, class Diffusion, class Derivative = no_derivative>
auto make_diagonal_problem(Drift f, Diffusion g, const ensemble<S>& x0, S t0, S t1,
                           Derivative dg = {}, calculus c = calculus::ito) {
  problem<S, noise_kind::diagonal, Drift, Diffusion, Derivative> p{
      std::move(f), std::move(g), std::move(dg), x0.rows(), x0.rows(), x0, t0, t1, c};
  p.validate();
  return p;
}

/// Scalar noise: dX = f dt + g(X, t) dW with one Wiener process W for all
/// components (m = 1). Optional derivative (g.grad) g for Milstein.
template <class S = double, class Drift, class Diffusion, class Derivative = no_derivative>
auto make_scalar_noise_problem(Drift f, Diffusion g, const ensemble<S>& x0, S t0, S t1,
                               Derivative dg = {}, calculus c = calculus::ito) {
  problem<S, noise_kind::scalar, Drift, Diffusion, Derivative> p{
      std::move(f), std::move(g), std::move(dg), x0.rows(), 1, x0, t0, t1, c};
  p.validate();
  return p;
}

/// General noise: dX = f dt + G(X, t) dW with G a d x m matrix per path,
/// written as a (d*m) x N matrix (column-major d x m block per path).
template <class S = double, class Drift, class Diffusion>
auto make_general_problem(Drift f, Diffusion g, const ensemble<S>& x0, S t0, S t1,
                          index_t noise_dim, calculus c = calculus::ito) {
  problem<S, noise_kind::general, Drift, Diffusion> p{std::move(f), std::move(g), {},
                                                      x0.rows(), noise_dim, x0, t0, t1, c};
  p.validate();
  return p;
}

/// Itô <-> Stratonovich drift conversion for diagonal or scalar noise with a
/// derivative supplied: f_ito = f_strat + 1/2 (g.grad) g, f_strat = f_ito - 1/2 (g.grad) g
/// (for diagonal noise (g.grad) g_i = g_i dg_i/dx_i). Returns a new problem of
/// the other interpretation driven by the same noise; additive noise is returned unchanged.
template <class P>
auto convert_calculus(const P& p) {
  using S = typename P::scalar_type;
  if constexpr (P::noise == noise_kind::additive) {
    return p;
  } else {
    static_assert(P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar,
                  "convert_calculus: needs diagonal or scalar noise");
    static_assert(P::has_derivative,
                  "convert_calculus: needs the derivative of the diffusion (Milstein derivative)");
    const S sign = p.interpretation == calculus::ito ? S(-0.5) : S(0.5);
    auto drift = [f = p.drift, g = p.diffusion, dg = p.diffusion_derivative, sign](
                     const ensemble<S>& x, S t, ensemble<S>& out) {
      f(x, t, out);
      thread_local ensemble<S> gv, d;  // scratch, sized on first use per thread
      gv.resize(x.rows(), x.cols());
      d.resize(x.rows(), x.cols());
      g(x, t, gv);
      dg(x, t, d);
      if constexpr (P::noise == noise_kind::diagonal) {
        out.array() += sign * gv.array() * d.array();
      } else {
        out.array() += sign * d.array();
      }
    };
    problem<S, P::noise, decltype(drift), typename P::diffusion_type,
            std::remove_cvref_t<decltype(p.diffusion_derivative)>>
        q{drift, p.diffusion, p.diffusion_derivative, p.dim, p.noise_dim, p.x0, p.t0, p.t1,
          p.interpretation == calculus::ito ? calculus::stratonovich : calculus::ito};
    return q;
  }
}

}  // namespace ito::sde
