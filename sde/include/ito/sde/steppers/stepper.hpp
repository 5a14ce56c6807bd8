#pragma once
/// \file stepper.hpp
/// \brief What every stepping method shares: the workspace the loop owns and
/// the noise term g dW for each noise kind.
///
/// A method is a small struct (see euler_maruyama.hpp) with
/// \code
///   static constexpr double strong_order, weak_order;
///   static constexpr bool uses_dz;          // needs I_(1,0)
///   static constexpr const char* name;
///   template <class P> static void check(const P&);   // refuses unsupported problems
///   template <class P> void step(const P&, ensemble<S>& x, S t, S dt,
///                                const ensemble<S>& dW, const ensemble<S>& dZ,
///                                stepper_workspace<S>& w) const;
///   template <class P> static constexpr bool accepts;  // noise kinds it takes (compile time)
/// \endcode
/// and optionally `template <class P> static index_t noise_dim(const P&)` when it
/// needs a different number of normals per path and step than p.noise_dim.

#include <array>
#include <string>

#include "../error.hpp"
#include "../problem.hpp"
#include "../types.hpp"

namespace ito::sde {

/// Stage values of the multi-stage methods (rossler_sri.hpp): f and g at up to
/// four stages, g(t + c h) for additive noise, and the iterated-integral factors.
template <class S>
struct stage_workspace {
  std::array<ensemble<S>, 4> F, G;
  std::array<matrix_t<S>, 4> Gm;
  ensemble<S> H0, H1, chi1, chi2, chi3, acc;
};

/// Scratch buffers of a stepper, owned by the loop (one per thread) and
/// resized only when the block shape changes: no allocation per step.
template <class S>
struct stepper_workspace {
  ensemble<S> a, b, c, d, e, f;
  matrix_t<S> G, H;
  stage_workspace<S> stages;
};

namespace detail {

/// Size `m` as rows x cols (no-op when already that shape).
template <class M>
void fit(M& m, index_t rows, index_t cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

/// Throw when a user callable changed the shape of its output.
template <class M>
void check_shape(const char* what, const M& m, index_t rows, index_t cols) {
  if (m.rows() != rows || m.cols() != cols)
    throw ito::invalid_argument(std::string(what) + " returned a " + std::to_string(m.rows()) + " x " +
                                std::to_string(m.cols()) + " matrix: expected " + std::to_string(rows) +
                                " x " + std::to_string(cols));
}

/// The diffusion's shape for problem p on a block of `cols` paths.
template <class P>
index_t diffusion_rows(const P& p) {
  return P::noise == noise_kind::general ? p.dim * p.noise_dim : p.dim;
}

/// out = g(x, t) for state-dependent noise; G = g(t) for additive noise.
template <class P, class S>
void eval_diffusion(const P& p, const ensemble<S>& x, S t, ensemble<S>& out, matrix_t<S>& G) {
  if constexpr (P::noise == noise_kind::additive) {
    fit(G, p.dim, p.noise_dim);
    p.diffusion(t, G);
    check_shape("diffusion", G, p.dim, p.noise_dim);
  } else {
    fit(out, diffusion_rows(p), x.cols());
    p.diffusion(x, t, out);
    check_shape("diffusion", out, diffusion_rows(p), x.cols());
  }
}

/// x += scale * g dW, where g was evaluated by eval_diffusion into (gx, G).
template <class P, class S>
void add_noise(const P& p, ensemble<S>& x, const ensemble<S>& gx, const matrix_t<S>& G,
               const ensemble<S>& dW, S scale = S(1)) {
  if constexpr (P::noise == noise_kind::additive) {
    if (G.size() == 1) {
      x.array() += (scale * G(0, 0)) * dW.array();
    } else {
      x.noalias() += scale * G * dW;
    }
  } else if constexpr (P::noise == noise_kind::diagonal) {
    x.array() += scale * gx.array() * dW.array();
  } else if constexpr (P::noise == noise_kind::scalar) {
    x.array() += scale * (gx.array().rowwise() * dW.row(0).array());
  } else {
    const index_t d = p.dim, m = p.noise_dim;
    for (index_t j = 0; j < x.cols(); ++j) {
      x.col(j).noalias() += scale * general_noise_block(gx, j, d, m) * dW.col(j);
    }
  }
}

/// out = f(x, t) with shape checks on the first call of a block.
template <class P, class S>
void eval_drift(const P& p, const ensemble<S>& x, S t, ensemble<S>& out) {
  fit(out, x.rows(), x.cols());
  p.drift(x, t, out);
  check_shape("drift", out, x.rows(), x.cols());
}

[[noreturn]] inline void unsupported(const char* method, const std::string& what) {
  throw ito::invalid_argument(std::string("method = ") + method + ": does not support " + what);
}

}  // namespace detail
}  // namespace ito::sde
