#pragma once
/// \file euler_maruyama.hpp
/// \brief Euler–Maruyama: X_{n+1} = X_n + f(X_n, t_n) dt + g(X_n, t_n) dW_n
/// (seed 004, "Euler–Maruyama discretisation").
///
/// Strong order 1/2 (1 for additive noise), weak order 1 (Kloeden & Platen
/// 1992, Thm 10.2.2 and 14.5.1). All noise kinds; Itô problems (it converges to
/// the Itô solution, so a Stratonovich problem with multiplicative noise is refused).

#include "stepper.hpp"

namespace ito::sde {

struct euler_maruyama {
  static constexpr double strong_order = 0.5;  ///< 1.0 for additive noise
  static constexpr double weak_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "euler_maruyama";
  template <class P>
  static constexpr bool accepts = true;  ///< noise kinds it integrates (compile time)

  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems with multiplicative noise (use heun)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    detail::eval_drift(p, x, t, w.a);
    detail::eval_diffusion(p, x, t, w.b, w.G);
    detail::add_noise(p, x, w.b, w.G, dW);
    x.noalias() += dt * w.a;
  }
};

}  // namespace ito::sde
