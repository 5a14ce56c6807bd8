#pragma once
/// \file dri1.hpp
/// \brief Rößler's DRI1: a stochastic Runge–Kutta method of weak order 2 for Itô
/// SDEs (A. Rößler 2009, "Second order Runge–Kutta methods for Itô stochastic
/// differential equations", SIAM J. Numer. Anal. 47(3), 1713–1738; the
/// coefficients of DRI1, which minimise the error constants, from the paper's
/// table of efficient schemes). Coefficients checked against SciML
/// StochasticDiffEq's DRI1 tableau.
///
/// Three drift stages H^(0), for each Wiener process k three diffusion stages
/// H^(k) and, with m > 1, two stages Ĥ^(k) (H_1 = Y):
///   H2^(0) = Y + a021 h a(Y) + b021 sum_l b^l(Y) Î_l,    H3^(0) = Y + (a031 a(Y) + a032 a(H2^(0))) h + b031 sum_l b^l(Y) Î_l
///   Hi^(k) = Y + ai1 h a(Y) + bi1 b^k(Y) sqrt(h)   (i = 2, 3; coefficients A^(1), B^(1))
///   Ĥi^(k) = Y + sqrt(h) (bi1' b^k(Y) + bi2' b^k(H2^(k)) + bi3' b^k(H3^(k)))   (B^(2))
///   Y' = Y + h sum_i alpha_i a(t + c_i^(0) h, Hi^(0))
///      + sum_k [ sum_i beta^(1)_i b^k(Hi^(k)) Î_k + sum_i beta^(2)_i b^k(Hi^(k)) Î_(k,k)/sqrt(h) ]
///      + sum_k sum_{l≠k} [ sum_i beta^(3)_i b^k(Ĥi^(l)) Î_k + sum_i beta^(4)_i b^k(Ĥi^(l)) Î_(k,l)/sqrt(h) ]
/// with the simulated iterated integrals of Rößler (2009, sec. 5):
///   Î_k three-point (P(±sqrt(3h)) = 1/6, P(0) = 2/3), Ĩ_k two-point (±sqrt(h)),
///   Î_(k,k) = (Î_k^2 - h)/2, Î_(k,l) = (Î_k Î_l - sqrt(h) Ĩ_k)/2 (k < l), (Î_k Î_l + sqrt(h) Ĩ_l)/2 (l < k).
/// (The beta^(3), beta^(4) terms cancel unless b^k depends on the components
/// moved by b^l, l ≠ k; with one Wiener process they vanish.)
/// Weak order 2 (deterministic order 3), Itô; scalar, diagonal, general and
/// additive noise. Costs 3 drift and 1 + 2m (+ 2m(m-1) stages' worth, m > 1)
/// diffusion evaluations per step and no normal.

#include <algorithm>
#include <cmath>

#include "stepper.hpp"
#include "weak2_common.hpp"

namespace ito::sde {

struct dri1 {
  static constexpr double strong_order = 0.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;          ///< Ĩ_k come as dZ (two-point, ±sqrt(h))
  static constexpr bool uses_weak_noise = true;  ///< dW, dZ are weak_noise_block variables
  static constexpr const char* name = "dri1";
  template <class P>
  static constexpr bool accepts = true;

  // Rößler (2009), DRI1.
  static constexpr double a021 = 0.5, a031 = -1.0, a032 = 2.0;
  static constexpr double a121 = 342.0 / 491.0, a131 = 342.0 / 491.0;
  static constexpr double alpha1 = 1.0 / 6.0, alpha2 = 2.0 / 3.0, alpha3 = 1.0 / 6.0;
  static constexpr double c02 = 0.5, c03 = 1.0, c12 = 342.0 / 491.0, c13 = 342.0 / 491.0;
  static constexpr double beta11 = 193.0 / 684.0, beta12 = 491.0 / 1368.0, beta13 = 491.0 / 1368.0;
  static constexpr double beta31 = -4955.0 / 7072.0, beta32 = 4955.0 / 14144.0, beta33 = 4955.0 / 14144.0;
  // the irrational ones (square roots) are computed once
  struct irrational {
    double b021, b031, b121, b131, b221, b222, b223, b231, b232, b233, beta22, beta23, beta42, beta43;
  };
  static const irrational& coefficients() {
    static const irrational c{(6 - std::sqrt(6.0)) / 10,
                              (3 + 2 * std::sqrt(6.0)) / 5,
                              3 * std::sqrt(38.0 / 491.0),
                              -3 * std::sqrt(38.0 / 491.0),
                              -214.0 / 513.0 * std::sqrt(1105.0 / 991.0),
                              -491.0 / 513.0 * std::sqrt(221.0 / 4955.0),
                              -491.0 / 513.0 * std::sqrt(221.0 / 4955.0),
                              214.0 / 513.0 * std::sqrt(1105.0 / 991.0),
                              491.0 / 513.0 * std::sqrt(221.0 / 4955.0),
                              491.0 / 513.0 * std::sqrt(221.0 / 4955.0),
                              std::sqrt(491.0 / 38.0) / 6,
                              -std::sqrt(491.0 / 38.0) / 6,
                              -std::sqrt(4955.0 / 221.0) / 8,
                              std::sqrt(4955.0 / 221.0) / 8};
    return c;
  }

  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems with multiplicative noise (convert_calculus to Itô)");
  }

  /// One step; dW holds Î_k (m x B), dZ the two-point Ĩ_k ±sqrt(h) in its first
  /// m - 1 rows (weak_noise_block draws m(m-1)/2 >= m - 1 of them).
  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S h, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    const auto& c = coefficients();
    auto& s = detail::weak2_scratch_of_thread<S>();
    const index_t m = p.noise_dim, B = x.cols();
    const S sq = std::sqrt(h);
    detail::eval_drift(p, x, t, s.k1);
    detail::eval_diffusion(p, x, t, s.g1, s.G1);
    // drift stages
    s.stage = x + (S(a021) * h) * s.k1;
    detail::add_noise(p, s.stage, s.g1, s.G1, dW, S(c.b021));
    detail::eval_drift(p, s.stage, t + S(c02) * h, s.k2);
    s.stage = x + (S(a031) * h) * s.k1 + (S(a032) * h) * s.k2;
    detail::add_noise(p, s.stage, s.g1, s.G1, dW, S(c.b031));
    detail::eval_drift(p, s.stage, t + S(c03) * h, s.k3);
    s.acc = h * (S(alpha1) * s.k1 + S(alpha2) * s.k2 + S(alpha3) * s.k3);
    // diffusion stages H2^(k), H3^(k)
    s.b1.resize(std::size_t(m));
    s.g2.resize(std::size_t(m));
    s.g3.resize(std::size_t(m));
    for (index_t k = 0; k < m; ++k) {
      auto& bk = s.b1[std::size_t(k)];
      detail::noise_column(p, s.g1, s.G1, k, B, bk);
      s.stage = x + (S(a121) * h) * s.k1 + (S(c.b121) * sq) * bk;
      detail::eval_diffusion(p, s.stage, t + S(c12) * h, s.gs, s.Gs);
      detail::noise_column(p, s.gs, s.Gs, k, B, s.g2[std::size_t(k)]);
      s.stage = x + (S(a131) * h) * s.k1 + (S(c.b131) * sq) * bk;
      detail::eval_diffusion(p, s.stage, t + S(c13) * h, s.gs, s.Gs);
      detail::noise_column(p, s.gs, s.Gs, k, B, s.g3[std::size_t(k)]);
      const auto Ik = dW.row(k).array();
      const auto Ikk = (Ik.square() - h) / (S(2) * sq);  // Î_(k,k) / sqrt(h)
      s.acc.array() += bk.array().rowwise() * (S(beta11) * Ik);
      s.acc.array() += s.g2[std::size_t(k)].array().rowwise() * (S(beta12) * Ik + S(c.beta22) * Ikk);
      s.acc.array() += s.g3[std::size_t(k)].array().rowwise() * (S(beta13) * Ik + S(c.beta23) * Ikk);
    }
    // the Ĥ^(l) stages: only with two or more Wiener processes
    if (m > 1) {
      for (index_t l = 0; l < m; ++l) {
        for (int i = 2; i <= 3; ++i) {
          const S bb1 = S(i == 2 ? c.b221 : c.b231), bb2 = S(i == 2 ? c.b222 : c.b232),
                  bb3 = S(i == 2 ? c.b223 : c.b233);
          const S be3 = S(i == 2 ? beta32 : beta33), be4 = S(i == 2 ? c.beta42 : c.beta43);
          s.stage = x + sq * (bb1 * s.b1[std::size_t(l)] + bb2 * s.g2[std::size_t(l)] + bb3 * s.g3[std::size_t(l)]);
          detail::eval_diffusion(p, s.stage, t, s.gs, s.Gs);
          for (index_t k = 0; k < m; ++k) {
            if (k == l) continue;
            detail::noise_column(p, s.gs, s.Gs, k, B, s.col);
            const auto Ik = dW.row(k).array();
            // Î_(k,l) / sqrt(h)
            const auto Ikl = (Ik * dW.row(l).array() + (k < l ? -sq : sq) * dZ.row(std::min(k, l)).array()) /
                             (S(2) * sq);
            s.acc.array() += s.col.array().rowwise() * (be3 * Ik + be4 * Ikl);
          }
        }
      }
      for (index_t k = 0; k < m; ++k)
        s.acc.array() += s.b1[std::size_t(k)].array().rowwise() * (S(beta31) * S(m - 1) * dW.row(k).array());
    }
    x += s.acc;
    (void)w;
  }
};

}  // namespace ito::sde
