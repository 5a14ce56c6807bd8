#pragma once
/// \file heun.hpp
/// \brief Stochastic Heun (trapezoidal predictor–corrector) for Stratonovich SDEs:
///   X~ = X + f(X) dt + g(X) dW
///   X_{n+1} = X + 1/2 (f(X) + f(X~)) dt + 1/2 (g(X) + g(X~)) dW
/// Converges to the Stratonovich solution: strong order 1 for commutative
/// noise (scalar, diagonal, additive), 1/2 for general noise; weak order 1
/// (Rümelin 1982; Kloeden & Platen 1992 sec. 15.1). Itô problems are accepted
/// only with additive noise, where the two calculi coincide.

#include "stepper.hpp"

namespace ito::sde {

struct heun {
  static constexpr double strong_order = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "heun";
  template <class P>
  static constexpr bool accepts = true;

  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::ito)
      detail::unsupported(name, "Itô problems with multiplicative noise (it converges to the "
                                "Stratonovich solution; declare the problem Stratonovich or use milstein)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    detail::eval_drift(p, x, t, w.a);
    detail::eval_diffusion(p, x, t, w.b, w.G);
    w.d = x;
    detail::add_noise(p, w.d, w.b, w.G, dW);
    w.d.noalias() += dt * w.a;  // predictor X~
    detail::eval_drift(p, w.d, t + dt, w.c);
    detail::eval_diffusion(p, w.d, t + dt, w.e, w.H);
    x.noalias() += (dt / S(2)) * (w.a + w.c);
    detail::add_noise(p, x, w.b, w.G, dW, S(0.5));
    detail::add_noise(p, x, w.e, w.H, dW, S(0.5));
  }
};

}  // namespace ito::sde
