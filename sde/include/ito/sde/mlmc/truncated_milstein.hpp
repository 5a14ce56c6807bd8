#pragma once
/// \file truncated_milstein.hpp
/// \brief Milstein's method without Lévy areas, in derivative-free form, for
/// every noise kind: the fine/coarse stepper of the antithetic MLMC estimator
/// (Giles & Szpruch 2014, "Antithetic multilevel Monte Carlo estimation for
/// multi-dimensional SDEs without Lévy area simulation", Ann. Appl. Probab.
/// 24(4), eq. (2.3)).
///
///   X' = X + f h + sum_j b^j dW_j + sum_{j,k} D_j b^k (dW_j dW_k - h delta_jk) / 2,
///   D_j b^k = (b^k(X + sqrt(h) b^j) - b^k(X)) / sqrt(h)  (~ L^j b^k = (b^j . grad) b^k)
/// The Lévy areas A_jk of the exact Milstein scheme are dropped, so for
/// non-commutative noise the strong order is 1/2 (1 for commutative noise:
/// scalar, diagonal with g_i(x_i), additive); weak order 1. Giles & Szpruch
/// show that the antithetic coupling (mlmc_coupling::antithetic) nevertheless
/// gives level variances O(h^2) for smooth payoffs, as if the areas were there.
/// Itô; costs 1 + m diffusion evaluations per step.

#include <cmath>

#include "../steppers/stepper.hpp"
#include "../steppers/weak2_common.hpp"

namespace ito::sde {

struct truncated_milstein {
  static constexpr double strong_order = 0.5;  ///< 1 for commutative noise
  static constexpr double weak_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "truncated_milstein";
  template <class P>
  static constexpr bool accepts = true;

  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems with multiplicative noise");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S h, const ensemble<S>& dW, const ensemble<S>&,
            stepper_workspace<S>& w) const {
    auto& s = detail::weak2_scratch_of_thread<S>();
    const index_t m = p.noise_dim, B = x.cols();
    const S sq = std::sqrt(h);
    detail::eval_drift(p, x, t, s.k1);
    detail::eval_diffusion(p, x, t, s.g1, s.G1);
    s.acc = h * s.k1;
    detail::add_noise(p, s.acc, s.g1, s.G1, dW);
    if constexpr (P::noise != noise_kind::additive) {  // additive noise: D_j b^k = 0
      s.b1.resize(std::size_t(m));
      for (index_t j = 0; j < m; ++j) detail::noise_column(p, s.g1, s.G1, j, B, s.b1[std::size_t(j)]);
      for (index_t j = 0; j < m; ++j) {
        s.stage = x + sq * s.b1[std::size_t(j)];
        detail::eval_diffusion(p, s.stage, t, s.gs, s.Gs);
        for (index_t k = 0; k < m; ++k) {
          detail::noise_column(p, s.gs, s.Gs, k, B, s.col);
          s.col -= s.b1[std::size_t(k)];  // sqrt(h) D_j b^k
          const auto prod = dW.row(j).array() * dW.row(k).array();
          if (j == k) s.acc.array() += s.col.array().rowwise() * ((prod - h) / (S(2) * sq));
          else s.acc.array() += s.col.array().rowwise() * (prod / (S(2) * sq));
        }
      }
    }
    x += s.acc;
    (void)w;
  }
};

}  // namespace ito::sde
