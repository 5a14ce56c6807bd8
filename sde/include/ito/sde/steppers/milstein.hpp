#pragma once
/// \file milstein.hpp
/// \brief Milstein's method for scalar and diagonal noise, with the derivative
/// of g supplied by the user (Kloeden & Platen 1992, eq. 10.3.3).
///
///   Itô:          X_{n+1} = X_n + f dt + g dW + 1/2 (g.grad)g (dW^2 - dt)
///   Stratonovich: X_{n+1} = X_n + f dt + g dW + 1/2 (g.grad)g dW^2
/// The problem's derivative callable returns the product (g.grad)g for both
/// noise kinds (problem.hpp): out_i = g_i dg_i/dx_i for diagonal noise (the
/// term of dW_i^2, eq. 10.3.6), out_i = sum_k g_k dg_i/dx_k for scalar noise.
/// Additive noise has no correction (the method is then Euler–Maruyama).
/// Strong order 1, weak order 1.

#include "stepper.hpp"

namespace ito::sde {

struct milstein {
  static constexpr double strong_order = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "milstein";
  template <class P>
  static constexpr bool accepts =
      P::noise == noise_kind::additive ||
      ((P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar) && P::has_derivative);

  template <class P>
  static void check(const P&) {
    static_assert(P::noise != noise_kind::general,
                  "milstein: general (non-commutative) noise needs Levy areas; use euler_maruyama");
    static_assert(accepts<P>, "milstein: supply the diffusion's derivative, or use milstein_df");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    detail::eval_drift(p, x, t, w.a);
    detail::eval_diffusion(p, x, t, w.b, w.G);
    if constexpr (P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar) {
      detail::fit(w.c, x.rows(), x.cols());
      p.diffusion_derivative(x, t, w.c);
      const S shift = p.interpretation == calculus::ito ? dt : S(0);
      detail::check_shape("diffusion derivative", w.c, x.rows(), x.cols());
      if constexpr (P::noise == noise_kind::diagonal) {
        x.array() += S(0.5) * w.c.array() * (dW.array().square() - shift);
      } else {
        x.array() += S(0.5) * (w.c.array().rowwise() * (dW.row(0).array().square() - shift));
      }
    }
    detail::add_noise(p, x, w.b, w.G, dW);
    x.noalias() += dt * w.a;
  }
};

/// Derivative-free Milstein (Runge–Kutta form; Kloeden & Platen 1992, eq. 11.1.5):
///   Y = X + f dt + g sqrt(dt)  (supporting value)
///   X_{n+1} = X + f dt + g dW + (g(Y) - g(X)) / (2 sqrt(dt)) (dW^2 - dt)   (Itô; dW^2 for Stratonovich)
/// Strong order 1 for scalar noise and for diagonal noise where g_i depends on x_i only.
struct milstein_df {
  static constexpr double strong_order = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "milstein_df";
  template <class P>
  static constexpr bool accepts = P::noise != noise_kind::general;

  template <class P>
  static void check(const P&) {
    static_assert(P::noise != noise_kind::general,
                  "milstein_df: general (non-commutative) noise needs Levy areas; use euler_maruyama");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    detail::eval_drift(p, x, t, w.a);
    detail::eval_diffusion(p, x, t, w.b, w.G);
    if constexpr (P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar) {
      const S sq = std::sqrt(dt);
      w.d = x + dt * w.a + sq * w.b;  // supporting value Y
      detail::fit(w.c, x.rows(), x.cols());
      p.diffusion(w.d, t, w.c);
      const S shift = p.interpretation == calculus::ito ? dt : S(0);
      const S k = S(1) / (S(2) * sq);
      if constexpr (P::noise == noise_kind::diagonal) {
        x.array() += k * (w.c.array() - w.b.array()) * (dW.array().square() - shift);
      } else {
        x.array() += k * ((w.c.array() - w.b.array()).rowwise() * (dW.row(0).array().square() - shift));
      }
    }
    detail::add_noise(p, x, w.b, w.G, dW);
    x.noalias() += dt * w.a;
  }
};

}  // namespace ito::sde
