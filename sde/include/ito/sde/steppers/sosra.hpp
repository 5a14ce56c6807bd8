#pragma once
/// \file sosra.hpp
/// \brief SOSRA: the stability-optimized SRA method of Rackauckas & Nie (2018)
/// for additive noise, strong order 3/2, weak order 2, with an embedded error
/// estimate for adaptive steps.
///
/// C. Rackauckas and Q. Nie, arXiv:1804.04344, the SOSRA tableau (three
/// stages; coefficients as in SciML's StochasticDiffEq.jl, constructSOSRA):
///   c0 = (0, 0.6923962376159507, 1),  c1 = (0, 0.041248171110700504, 1),
///   A0_21 = 0.6923962376159507, A0_31 = -3.1609142252828395, A0_32 = 4.1609142252828395,
///   B0_21 = 1.3371632704399763, B0_31 = 1.442371048468624,   B0_32 = 1.8632741501139225,
///   alpha = (0.2889874966892885, 0.6859880440839937, 0.025024459226717772),
///   beta1 = (-16.792534242221663, 17.514995785380226, 0.27753845684143835),
///   beta2 = (0.4237535769069274, 0.6010381474428539, -1.0247917243497813).
/// Cost per step: 3 drift and 3 diffusion (g(t)) evaluations. The scheme (Rößler
/// 2010, eq. 5.1) is in rossler_sri.hpp; SRA1 (sra1.hpp) is the same family.

#include "rossler_sri.hpp"

namespace ito::sde {

struct sosra {
  static constexpr double strong_order = 1.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;
  static constexpr const char* name = "sosra";
  template <class P>
  static constexpr bool accepts = P::noise == noise_kind::additive;

  static constexpr sra_tableau<3> tableau() {
    sra_tableau<3> t{};
    t.c0 = {0, 0.6923962376159507, 1};
    t.c1 = {0, 0.041248171110700504, 1};
    t.A0[1][0] = 0.6923962376159507;
    t.A0[2][0] = -3.1609142252828395;
    t.A0[2][1] = 4.1609142252828395;
    t.B0[1][0] = 1.3371632704399763;
    t.B0[2][0] = 1.442371048468624;
    t.B0[2][1] = 1.8632741501139225;
    t.alpha = {0.2889874966892885, 0.6859880440839937, 0.025024459226717772};
    t.beta1 = {-16.792534242221663, 17.514995785380226, 0.27753845684143835};
    t.beta2 = {0.4237535769069274, 0.6010381474428539, -1.0247917243497813};
    return t;
  }

  template <class P>
  static void check(const P&) {
    static_assert(accepts<P>, "sosra: needs additive noise (sriw1/sosri for diagonal or scalar noise)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    static constexpr auto tb = tableau();
    detail::sra_step(tb, p, x, t, dt, dW, dZ, w.stages);
  }
  /// The step and its embedded error estimate (rossler_sri.hpp), d x B.
  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w, ensemble<S>& err) const {
    static constexpr auto tb = tableau();
    detail::sra_step(tb, p, x, t, dt, dW, dZ, w.stages, &err);
  }
};

}  // namespace ito::sde
