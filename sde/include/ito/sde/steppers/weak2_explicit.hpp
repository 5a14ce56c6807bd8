#pragma once
/// \file weak2_explicit.hpp
/// \brief The explicit (derivative-free) order 2.0 weak scheme with three-point
/// random variables (Kloeden & Platen 1992, sec. 15.1, eqs. 15.1.1 (one Wiener
/// process) and 15.1.3 (m Wiener processes); the derivative-free form of the
/// simplified order 2.0 weak Taylor scheme of sec. 14.2).
///
/// With a = f(t, Y), b^j the j-th noise column, dŴ_j three-point
/// (P(±sqrt(3h)) = 1/6, P(0) = 2/3) and V_{r,j} two-point (±h, V_{j,r} = -V_{r,j},
/// V_{j,j} = -h), the supporting values
///   Ῡ = Y + a h + sum_j b^j dŴ_j,   R±^j = Y + a h ± b^j sqrt(h),   U±^r = Y ± b^r sqrt(h)
/// give
///   Y' = Y + 1/2 (a(t+h, Ῡ) + a) h
///      + 1/4 sum_j [ (b^j(t+h, R+^j) + b^j(t+h, R-^j) + 2 b^j) dŴ_j
///                    + sum_{r≠j} (b^j(U+^r) + b^j(U-^r) - 2 b^j) dŴ_j ]
///      + 1/4 sum_j [ (b^j(t+h, R+^j) - b^j(t+h, R-^j)) (dŴ_j^2 - h)
///                    + sum_{r≠j} (b^j(U+^r) - b^j(U-^r)) (dŴ_j dŴ_r + V_{r,j}) ] / sqrt(h).
/// Each bracket reproduces a term of the order 2.0 weak Taylor scheme up to
/// O(h^2) in the mean: the second differences give 1/2 L^0 b^j dŴ_j h, the first
/// differences L^r b^j Î_(r,j) with Î_(r,j) = (dŴ_r dŴ_j + V_{r,j})/2.
/// Weak order 2, strong order 1/2 (it is not a strong scheme). Itô; all noise
/// kinds (additive, scalar, diagonal, general). Costs 2 drift and 1 + 2m + 2m
/// diffusion evaluations per step (1 + 2 for one Wiener process) and no normal.

#include <algorithm>
#include <cmath>

#include "stepper.hpp"
#include "weak2_common.hpp"

namespace ito::sde {

struct weak2_explicit {
  static constexpr double strong_order = 0.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;           ///< the two-point variables V come as dZ
  static constexpr bool uses_weak_noise = true;   ///< dW, dZ are weak_noise_block variables
  static constexpr const char* name = "weak2_explicit";
  template <class P>
  static constexpr bool accepts = true;

  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems with multiplicative noise (convert_calculus to Itô)");
  }

  /// One step; dW holds dŴ (m x B), dZ the m(m-1)/2 two-point variables ±sqrt(h)
  /// for the pairs r < j in the order (0,1), (0,2), ..., (1,2), ...
  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S h, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    auto& s = detail::weak2_scratch_of_thread<S>();
    const index_t m = p.noise_dim, B = x.cols();
    const S sq = std::sqrt(h), th = t + h;
    detail::eval_drift(p, x, t, s.k1);
    detail::eval_diffusion(p, x, t, s.g1, s.G1);
    // Ῡ and a(t+h, Ῡ)
    s.stage = x + h * s.k1;
    detail::add_noise(p, s.stage, s.g1, s.G1, dW);
    detail::eval_drift(p, s.stage, th, s.k2);
    s.b1.resize(std::size_t(m));
    for (index_t j = 0; j < m; ++j) detail::noise_column(p, s.g1, s.G1, j, B, s.b1[std::size_t(j)]);
    s.acc = (S(0.5) * h) * (s.k1 + s.k2);
    // the R±^j terms
    for (index_t j = 0; j < m; ++j) {
      const auto& bj = s.b1[std::size_t(j)];
      const auto dWj = dW.row(j).array();
      s.stage = x + h * s.k1 + sq * bj;  // R+^j
      detail::eval_diffusion(p, s.stage, th, s.gs, s.Gs);
      detail::noise_column(p, s.gs, s.Gs, j, B, s.col);
      s.acc.array() += s.col.array().rowwise() * (S(0.25) * ((dWj + (dWj.square() - h) / sq)));
      s.stage = x + h * s.k1 - sq * bj;  // R-^j
      detail::eval_diffusion(p, s.stage, th, s.gs, s.Gs);
      detail::noise_column(p, s.gs, s.Gs, j, B, s.col);
      s.acc.array() += s.col.array().rowwise() * (S(0.25) * ((dWj - (dWj.square() - h) / sq)));
      s.acc.array() += bj.array().rowwise() * (S(0.5) * (dWj));
    }
    // the U±^r terms (r ≠ j), only with two or more Wiener processes
    if (m > 1) {
      for (index_t r = 0; r < m; ++r) {
        for (int sign = -1; sign <= 1; sign += 2) {
          s.stage = x + (S(sign) * sq) * s.b1[std::size_t(r)];  // U±^r
          detail::eval_diffusion(p, s.stage, t, s.gs, s.Gs);
          for (index_t j = 0; j < m; ++j) {
            if (j == r) continue;
            detail::noise_column(p, s.gs, s.Gs, j, B, s.col);
            const auto dWj = dW.row(j).array();
            // V_{r,j}: +dZ(pair) for r < j, -dZ(pair(j, r)) for r > j (values ±sqrt(h); times sqrt(h))
            const index_t lo = std::min(r, j), hi = std::max(r, j);
            const index_t pair = lo * m - lo * (lo + 1) / 2 + (hi - lo - 1);
            const S vs = r < j ? sq : -sq;
            const auto cross = (dWj * dW.row(r).array() + vs * dZ.row(pair).array()) / sq;
            s.acc.array() += s.col.array().rowwise() * (S(0.25) * ((dWj + S(sign) * cross)));
            s.acc.array() -= s.b1[std::size_t(j)].array().rowwise() * (S(0.25) * dWj);
          }
        }
      }
    }
    x += s.acc;
    (void)w;
  }
};

}  // namespace ito::sde
