#pragma once
/// \file weak2_common.hpp
/// \brief Pieces shared by the weak order 2 steppers (dri1.hpp, weak2_explicit.hpp):
/// the j-th noise column b^j(x, t) for every noise kind, and their scratch space.

#include <vector>

#include "stepper.hpp"

namespace ito::sde::detail {

/// out (d x B) = b^j, the j-th column of the diffusion (the coefficient of dW_j),
/// from a diffusion evaluated by eval_diffusion into (gx, G):
///  additive: G(:, j) for every path; diagonal: g_j e_j; scalar: g (j = 0); general: block j.
template <class P, class S>
void noise_column(const P& p, const ensemble<S>& gx, const matrix_t<S>& G, index_t j, index_t cols,
                  ensemble<S>& out) {
  if constexpr (P::noise == noise_kind::additive) {
    out = G.col(j).replicate(1, cols);
  } else if constexpr (P::noise == noise_kind::diagonal) {
    out.setZero(p.dim, cols);
    out.row(j) = gx.row(j);
  } else if constexpr (P::noise == noise_kind::scalar) {
    out = gx;
  } else {
    out = gx.middleRows(j * p.dim, p.dim);
  }
}

/// Scratch of a weak order 2 step (one per thread, sized on first use).
template <class S>
struct weak2_scratch {
  ensemble<S> k1, k2, k3, g1, stage, gs, col, acc;
  matrix_t<S> G1, Gs;
  std::vector<ensemble<S>> b1, g2, g3;  // per noise index: d x B columns
};

/// The thread's scratch for scalar type S (no allocation once shapes are fixed).
template <class S>
weak2_scratch<S>& weak2_scratch_of_thread() {
  thread_local weak2_scratch<S> s;
  return s;
}

}  // namespace ito::sde::detail
