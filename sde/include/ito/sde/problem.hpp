#pragma once
/// \file problem.hpp
/// \brief An SDE problem dX = f(X, t) dt + g dW on an ensemble of paths.
///
/// The state is d x N (one path per column, types.hpp). Drift and diffusion
/// are evaluated on the whole batch and write into a pre-sized output, so the
/// loop allocates nothing per step (DESIGN "Ensembles first"). Itô is the
/// default interpretation (seed 004, Itô SDE dX = f dt + g dW); a Stratonovich
/// problem is declared as such and only Stratonovich-aware methods take it.
///
/// Callable signatures by noise kind (S = scalar type):
///  - drift:                 f(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N
///  - additive diffusion:    g(S t, matrix_t<S>& G)                           G:   d x m
///  - diagonal diffusion:    g(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N, g_i(X)
///  - scalar-noise diffusion g(const ensemble<S>& X, S t, ensemble<S>& out)   out: d x N, one W
///  - general diffusion:     g(const ensemble<S>& X, S t, ensemble<S>& out)   out: (d*m) x N,
///    the d x m matrix G(X_j, t) of path j stored column-major in column j; read and write
///    it through general_noise_block(out, j, d, m) (an Eigen::Map of that d x m matrix).
///
/// Optional derivative for Milstein, ONE convention for diagonal and scalar noise:
/// dg(X, t, out) returns the Milstein product (g.grad) g (d x N),
///  - diagonal noise:  out_i = g_i dg_i/dx_i
///  - scalar noise:    out_i = sum_k g_k dg_i/dx_k
/// (Kloeden & Platen 1992, eq. 10.3.3 and 10.3.6: the coefficient L^j g_i of the
/// double integral I_(j,j)). Supplying the product rather than dg/dx keeps it finite
/// where g is not differentiable but g g' is: CIR's g = s sqrt(x) has g g' = s^2/2,
/// also at x = 0, where dg/dx = inf and g dg/dx = 0 * inf = NaN.
///
/// Times: every make_*_problem takes t0 and t1 of any arithmetic type (int, float,
/// double, mixed) and converts them to S, so make_diagonal_problem(f, g, x0, 0, 1, dg)
/// compiles. The scalar type S is x0's (any Eigen matrix or expression, e.g.
/// `ensemble<>::Constant(1, 1, 0.5)`) unless given explicitly, `make_*_problem<float>(...)`.

#include <string>
#include <type_traits>
#include <utility>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

/// Placeholder for "no derivative of the diffusion supplied".
struct no_derivative {};

/// A time argument of a make_*_problem: any arithmetic type but bool; it is
/// converted to the problem's scalar type.
template <class T>
concept time_value = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

namespace detail {
/// The scalar type of a problem made from x0: S if given, else x0's scalar.
template <class S, class X0>
using problem_scalar = std::conditional_t<std::is_void_v<S>, typename X0::Scalar, S>;

inline void check_general_block(index_t rows, index_t cols, index_t j, index_t d, index_t m) {
  if (d <= 0 || m <= 0 || rows != d * m || j < 0 || j >= cols)
    throw ito::invalid_argument("general_noise_block(out, j = " + std::to_string(j) + ", d = " +
                                std::to_string(d) + ", m = " + std::to_string(m) + "): expected out to be (d*m) x N = " +
                                std::to_string(d * m) + " x N and 0 <= j < N, got " + std::to_string(rows) +
                                " x " + std::to_string(cols));
}
}  // namespace detail

/// \brief The d x m diffusion matrix G(X_j, t) of path j inside the (d*m) x N
/// output of a general-noise diffusion (column-major d x m block in column j),
/// as an Eigen::Map to read and write in place:
/// \code
///   [](const ensemble<>& x, double, ensemble<>& out) {
///     for (index_t j = 0; j < x.cols(); ++j) {
///       auto G = general_noise_block(out, j, 2, 2);  // 2 x 2 matrix of path j
///       G << x(0, j), 0.1, 0.0, x(1, j);
///     }
///   }
/// \endcode
/// Throws ito::invalid_argument if out is not (d*m) x N or j is not a column.
template <class S>
Eigen::Map<matrix_t<S>> general_noise_block(ensemble<S>& out, index_t j, index_t d, index_t m) {
  detail::check_general_block(out.rows(), out.cols(), j, d, m);
  return Eigen::Map<matrix_t<S>>(out.col(j).data(), d, m);
}

/// Read-only view of path j's d x m matrix (see above).
template <class S>
Eigen::Map<const matrix_t<S>> general_noise_block(const ensemble<S>& out, index_t j, index_t d, index_t m) {
  detail::check_general_block(out.rows(), out.cols(), j, d, m);
  return Eigen::Map<const matrix_t<S>>(out.col(j).data(), d, m);
}

template <class S, noise_kind Kind, class Drift, class Diffusion, class Derivative = no_derivative>
struct problem {
  using scalar_type = S;
  using drift_type = Drift;
  using diffusion_type = Diffusion;
  static constexpr noise_kind noise = Kind;
  static constexpr bool has_derivative = !std::is_same_v<Derivative, no_derivative>;

  Drift drift;
  Diffusion diffusion;
  [[no_unique_address]] Derivative diffusion_derivative{};
  index_t dim = 0;        ///< d, state dimension
  index_t noise_dim = 0;  ///< m, number of Wiener processes
  ensemble<S> x0;       ///< d x 1 (broadcast to every path) or d x N
  S t0 = 0;
  S t1 = 1;
  calculus interpretation = calculus::ito;
  /// Drift and diffusion do not depend on t: adaptive stepping (adaptive.hpp)
  /// may then evaluate paths at different times in one batch.
  bool autonomous = false;

  /// Throws ito::invalid_argument naming the offending field.
  void validate() const {
    detail::require(dim > 0, "dim", dim, "> 0");
    detail::require(noise_dim > 0, "noise_dim", noise_dim, "> 0");
    detail::require(x0.rows() == dim && x0.cols() >= 1, "x0 rows", x0.rows(),
                    "the state dimension " + std::to_string(dim) + " (x0 is d x 1 or d x N)");
    detail::require(x0.allFinite(), "x0", "non-finite entry", "finite values");
    detail::require_finite("t0", t0);
    detail::require_finite("t1", t1);
    detail::require(t1 > t0, "t1", t1, "t1 > t0 = " + detail::to_text(t0));
    if constexpr (Kind == noise_kind::diagonal) {
      detail::require(noise_dim == dim, "noise_dim", noise_dim, "= dim for diagonal noise");
    }
    if constexpr (Kind == noise_kind::scalar) {
      detail::require(noise_dim == 1, "noise_dim", noise_dim, "1 for scalar noise");
    }
  }
};

/// Additive noise: dX = f(X, t) dt + G(t) dW, G: d x m, independent of X.
/// Itô and Stratonovich coincide, so the interpretation is irrelevant.
template <class Scalar = void, class Drift, class Diffusion, class X0, time_value T0, time_value T1>
auto make_additive_problem(Drift f, Diffusion g, const Eigen::MatrixBase<X0>& x0_in, T0 t0, T1 t1,
                           index_t noise_dim) {
  using S = detail::problem_scalar<Scalar, X0>;
  const ensemble<S> x0 = x0_in.template cast<S>();
  problem<S, noise_kind::additive, Drift, Diffusion> p{std::move(f), std::move(g), {},
                                                       x0.rows(), noise_dim, x0, S(t0), S(t1)};
  p.validate();
  return p;
}

/// Diagonal noise: dX_i = f_i dt + g_i(X, t) dW_i, m = d. Optional Milstein
/// product (g.grad) g, i.e. out_i = g_i dg_i/dx_i (see the file comment).
template <class Scalar = void, class Drift, class Diffusion, class X0, time_value T0, time_value T1,
          class Derivative = no_derivative>
auto make_diagonal_problem(Drift f, Diffusion g, const Eigen::MatrixBase<X0>& x0_in, T0 t0, T1 t1,
                           Derivative dg = {}, calculus c = calculus::ito) {
  using S = detail::problem_scalar<Scalar, X0>;
  const ensemble<S> x0 = x0_in.template cast<S>();
  problem<S, noise_kind::diagonal, Drift, Diffusion, Derivative> p{
      std::move(f), std::move(g), std::move(dg), x0.rows(), x0.rows(), x0, S(t0), S(t1), c};
  p.validate();
  return p;
}

/// Scalar noise: dX = f dt + g(X, t) dW with one Wiener process W for all
/// components (m = 1). Optional derivative (g.grad) g for Milstein.
template <class Scalar = void, class Drift, class Diffusion, class X0, time_value T0, time_value T1,
          class Derivative = no_derivative>
auto make_scalar_noise_problem(Drift f, Diffusion g, const Eigen::MatrixBase<X0>& x0_in, T0 t0, T1 t1,
                               Derivative dg = {}, calculus c = calculus::ito) {
  using S = detail::problem_scalar<Scalar, X0>;
  const ensemble<S> x0 = x0_in.template cast<S>();
  problem<S, noise_kind::scalar, Drift, Diffusion, Derivative> p{
      std::move(f), std::move(g), std::move(dg), x0.rows(), 1, x0, S(t0), S(t1), c};
  p.validate();
  return p;
}

/// General noise: dX = f dt + G(X, t) dW with G a d x m matrix per path,
/// written as a (d*m) x N matrix (column-major d x m block per path; access
/// path j's matrix with general_noise_block(out, j, d, m)).
template <class Scalar = void, class Drift, class Diffusion, class X0, time_value T0, time_value T1>
auto make_general_problem(Drift f, Diffusion g, const Eigen::MatrixBase<X0>& x0_in, T0 t0, T1 t1,
                          index_t noise_dim, calculus c = calculus::ito) {
  using S = detail::problem_scalar<Scalar, X0>;
  const ensemble<S> x0 = x0_in.template cast<S>();
  problem<S, noise_kind::general, Drift, Diffusion> p{std::move(f), std::move(g), {},
                                                      x0.rows(), noise_dim, x0, S(t0), S(t1), c};
  p.validate();
  return p;
}

/// Itô <-> Stratonovich drift conversion for diagonal or scalar noise with the
/// Milstein product supplied: f_ito = f_strat + 1/2 (g.grad) g, f_strat = f_ito - 1/2 (g.grad) g
/// (Kloeden & Platen 1992, eq. 4.9.7; the derivative callable returns (g.grad) g for
/// both noise kinds, out_i = g_i dg_i/dx_i for diagonal noise). Returns a new problem of
/// the other interpretation driven by the same noise; additive noise is returned unchanged.
template <class P>
auto convert_calculus(const P& p) {
  using S = typename P::scalar_type;
  if constexpr (P::noise == noise_kind::additive) {
    return p;
  } else {
    static_assert(P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar,
                  "convert_calculus: needs diagonal or scalar noise");
    static_assert(P::has_derivative,
                  "convert_calculus: needs the derivative of the diffusion (Milstein derivative)");
    const S sign = p.interpretation == calculus::ito ? S(-0.5) : S(0.5);
    auto drift = [f = p.drift, dg = p.diffusion_derivative, sign](
                     const ensemble<S>& x, S t, ensemble<S>& out) {
      f(x, t, out);
      thread_local ensemble<S> gg;  // scratch, sized on first use per thread
      if (gg.rows() != x.rows() || gg.cols() != x.cols()) gg.resize(x.rows(), x.cols());
      dg(x, t, gg);
      out.array() += sign * gg.array();
    };
    problem<S, P::noise, decltype(drift), typename P::diffusion_type,
            std::remove_cvref_t<decltype(p.diffusion_derivative)>>
        q{drift, p.diffusion, p.diffusion_derivative, p.dim, p.noise_dim, p.x0, p.t0, p.t1,
          p.interpretation == calculus::ito ? calculus::stratonovich : calculus::ito};
    return q;
  }
}

}  // namespace ito::sde
