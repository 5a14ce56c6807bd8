#pragma once
/// \file sra1.hpp
/// \brief Rößler's SRA1 for additive noise: strong order 3/2, weak order 2
/// (A. Rößler, SIAM J. Numer. Anal. 48(3), 2010, Table 5.1 "SRA1").
///
/// Two stages, with I1 = dW and I10 = dZ = int_t^{t+h} (W_s - W_t) ds:
///   H1 = X
///   H2 = X + 3/4 f(t, H1) h + 3/2 g(t + h) I10/h
///   X_{n+1} = X + (1/3 f(t, H1) + 2/3 f(t + 3/4 h, H2)) h
///               + g(t + h) (I1 - I10/h) + g(t) I10/h
/// Coefficients c0 = (0, 3/4), c1 = (1, 0), A0_21 = 3/4, B0_21 = 3/2,
/// alpha = (1/3, 2/3), beta1 = (1, 0), beta2 = (-1, 1). The noise part is exact
/// for g linear in t. This is the method of choice for every diffusion-model SDE.
///
/// Embedded estimate (adaptive(sra1{}), adaptive.hpp): the difference to the
/// Euler step X + f(t, H1) h + g(t + h) I1 (Rackauckas & Nie 2017, sec. 4; the
/// noise part is StochasticDiffEq's E2 of SRA1), delta the drift weight:
///   err = delta |2/3 (f(t + 3/4 h, H2) - f(t, H1)) h| + |(g(t) - g(t + h)) I10/h|,
/// no extra evaluation.

#include "rossler_sri.hpp"
#include "stepper.hpp"

namespace ito::sde {

struct sra1 {
  static constexpr double strong_order = 1.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;
  static constexpr const char* name = "sra1";
  template <class P>
  static constexpr bool accepts = P::noise == noise_kind::additive;

  template <class P>
  static void check(const P&) {
    static_assert(P::noise == noise_kind::additive, "sra1: needs additive noise");
  }

  /// The coefficients above in the layout of rossler_sri.hpp (the adaptive form's step).
  static constexpr sra_tableau<2> tableau() {
    sra_tableau<2> t{};
    t.c0 = {0, 0.75};
    t.c1 = {1, 0};
    t.A0[1][0] = 0.75;
    t.B0[1][0] = 1.5;
    t.alpha = {1.0 / 3.0, 2.0 / 3.0};
    t.beta1 = {1, 0};
    t.beta2 = {-1, 1};
    return t;
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    detail::eval_drift(p, x, t, w.a);  // f(t, H1)
    detail::fit(w.G, p.dim, p.noise_dim);
    detail::fit(w.H, p.dim, p.noise_dim);
    p.diffusion(t, w.G);       // g(t)
    p.diffusion(t + dt, w.H);  // g(t + h)
    w.d = dZ / dt;             // I10 / h
    // H2 = X + 3/4 f h + 3/2 g(t+h) I10/h
    w.b = x;
    w.b.noalias() += (S(0.75) * dt) * w.a;
    detail::add_noise(p, w.b, w.e, w.H, w.d, S(1.5));
    detail::eval_drift(p, w.b, t + S(0.75) * dt, w.c);  // f(t + 3/4 h, H2)
    x.noalias() += (dt / S(3)) * w.a + (S(2) * dt / S(3)) * w.c;
    w.f = dW - w.d;
    detail::add_noise(p, x, w.e, w.H, w.f);
    detail::add_noise(p, x, w.e, w.G, w.d);
  }
};

}  // namespace ito::sde
