#pragma once
/// \file rossler_sri.hpp
/// \brief The stochastic Runge–Kutta families of Rößler (2010) for scalar and
/// diagonal noise (SRI) and for additive noise (SRA), driven by a tableau, with
/// the embedded error estimate of Rackauckas & Nie (2017).
///
/// A. Rößler, "Runge–Kutta methods for the strong approximation of solutions
/// of stochastic differential equations", SIAM J. Numer. Anal. 48(3), 2010,
/// eqs. (6.1) (SRI, Itô, scalar/diagonal noise) and (5.1) (SRA, additive
/// noise). With I1 = dW, I10 = int (W_s - W_t) ds, I11 = (dW^2 - h)/2 and
/// I111 = (dW^3 - 3 h dW)/6 (elementwise for diagonal noise):
///
///   SRI, s stages:
///     H0_i = X + sum_j A0_ij f(t + c0_j h, H0_j) h + sum_j B0_ij g(t + c1_j h, H1_j) I10/h
///     H1_i = X + sum_j A1_ij f(t + c0_j h, H0_j) h + sum_j B1_ij g(t + c1_j h, H1_j) sqrt(h)
///     X'   = X + sum_i alpha_i f_i h
///              + sum_i (beta1_i I1 + beta2_i I11/sqrt(h) + beta3_i I10/h + beta4_i I111/h) g_i
///   SRA, s stages (g = g(t) independent of X):
///     H0_i = X + sum_j A0_ij f(t + c0_j h, H0_j) h + sum_j B0_ij g(t + c1_j h) I10/h
///     X'   = X + sum_i alpha_i f_i h + sum_i (beta1_i I1 + beta2_i I10/h) g(t + c1_i h)
///
/// Diagonal noise assumes g_i depends on x_i only (as for Milstein); then the
/// scheme is applied componentwise with each component's own I's. Scalar noise
/// uses one W for every component.
///
/// Embedded error estimate (Rackauckas & Nie 2017, "Adaptive methods for
/// stochastic differential equations via natural embeddings and rejection
/// sampling with memory", DCDS-B 22(7), sec. 3): the difference between the
/// method and its lower-order embedding obtained by dropping terms, at no extra
/// drift or diffusion evaluation:
///   E_D = h (sum_i alpha_i f_i - f_1)                     (drift: order-2 vs Euler)
///   E_N = sum_i (beta3_i I10/h + beta4_i I111/h) g_i       (SRI: the order-3/2 terms)
///   E_N = sum_i beta2_i g(t + c1_i h) I10/h                (SRA: the I10 terms)
/// combined per component as delta |E_D| + |E_N| (delta = 1/6 by default).

#include <array>
#include <cmath>

#include "stepper.hpp"

namespace ito::sde {

/// Coefficients of an s-stage SRI method (Rößler 2010, Table 6.x layout).
template <int Stages>
struct sri_tableau {
  static constexpr int stages = Stages;
  std::array<double, Stages> c0, c1, alpha, beta1, beta2, beta3, beta4;
  std::array<std::array<double, Stages>, Stages> A0, A1, B0, B1;  ///< strictly lower triangular
};

/// Coefficients of an s-stage SRA method (Rößler 2010, Table 5.x layout).
template <int Stages>
struct sra_tableau {
  static constexpr int stages = Stages;
  std::array<double, Stages> c0, c1, alpha, beta1, beta2;
  std::array<std::array<double, Stages>, Stages> A0, B0;  ///< strictly lower triangular
};

namespace detail {

/// M (rows x B) times the per-path factor chi: elementwise for diagonal noise
/// (chi is d x B), broadcast over the rows for scalar noise (chi is 1 x B).
template <noise_kind Kind, class M, class C>
auto times_noise(const M& m, const C& chi) {
  if constexpr (Kind == noise_kind::diagonal) return m.array() * chi.array();
  else return m.array().rowwise() * chi.row(0).array();
}

/// Is stage i's drift needed (alpha_i != 0 or a later stage uses it)?
template <class Tab>
constexpr bool drift_needed(const Tab& tb, int i) {
  if (tb.alpha[std::size_t(i)] != 0.0) return true;
  for (int k = i + 1; k < Tab::stages; ++k) {
    if (tb.A0[std::size_t(k)][std::size_t(i)] != 0.0) return true;
    if constexpr (requires { tb.A1; })
      if (tb.A1[std::size_t(k)][std::size_t(i)] != 0.0) return true;
  }
  return false;
}

/// Row i of a strictly lower triangular matrix is zero.
template <std::size_t N>
constexpr bool row_zero(const std::array<std::array<double, N>, N>& a, int i) {
  for (int j = 0; j < i; ++j)
    if (a[std::size_t(i)][std::size_t(j)] != 0.0) return false;
  return true;
}

/// Stage i's drift equals stage 0's when H0_i = X and c0_i = c0_0.
template <class Tab>
constexpr bool drift_is_first(const Tab& tb, int i) {
  return i > 0 && row_zero(tb.A0, i) && row_zero(tb.B0, i) && tb.c0[std::size_t(i)] == tb.c0[0];
}

/// One SRI step on x (d x B) over [t, t + h]; when err is given it receives
/// delta |E_D| + |E_N| per component (d x B).
template <int N, class P, class S>
void sri_step(const sri_tableau<N>& tb, const P& p, ensemble<S>& x, S t, S h, const ensemble<S>& dW,
              const ensemble<S>& dZ, stage_workspace<S>& w, ensemble<S>* err = nullptr,
              S delta = S(1) / S(6)) {
  static_assert(P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar,
                "SRI methods need scalar or diagonal noise");
  constexpr noise_kind K = P::noise;
  const index_t d = x.rows(), B = x.cols();
  const S sq = std::sqrt(h);
  w.chi1 = ((dW.array().square() - h) / (S(2) * sq)).matrix();                 // I11/sqrt(h)
  w.chi2 = dZ / h;                                                             // I10/h
  w.chi3 = ((dW.array().cube() - S(3) * h * dW.array()) / (S(6) * h)).matrix();  // I111/h
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    // drift stage
    if (drift_needed(tb, i)) {
      if (drift_is_first(tb, i)) {
        w.F[ui] = w.F[0];
      } else {
        w.H0 = x;
        for (int j = 0; j < i; ++j) {
          const auto uj = std::size_t(j);
          if (tb.A0[ui][uj] != 0.0) w.H0.noalias() += (S(tb.A0[ui][uj]) * h) * w.F[uj];
          if (tb.B0[ui][uj] != 0.0) w.H0.array() += S(tb.B0[ui][uj]) * times_noise<K>(w.G[uj], w.chi2);
        }
        eval_drift(p, w.H0, t + S(tb.c0[ui]) * h, w.F[ui]);
      }
    }
    // diffusion stage
    w.H1 = x;
    for (int j = 0; j < i; ++j) {
      const auto uj = std::size_t(j);
      if (tb.A1[ui][uj] != 0.0) w.H1.noalias() += (S(tb.A1[ui][uj]) * h) * w.F[uj];
      if (tb.B1[ui][uj] != 0.0) w.H1.noalias() += (S(tb.B1[ui][uj]) * sq) * w.G[uj];
    }
    fit(w.G[ui], d, B);
    p.diffusion(w.H1, t + S(tb.c1[ui]) * h, w.G[ui]);
    check_shape("diffusion", w.G[ui], d, B);
  }
  // error terms before x changes
  if (err) {
    w.acc.setZero(d, B);  // E_N
    for (int i = 0; i < N; ++i) {
      const auto ui = std::size_t(i);
      if (tb.beta3[ui] != 0.0) w.acc.array() += S(tb.beta3[ui]) * times_noise<K>(w.G[ui], w.chi2);
      if (tb.beta4[ui] != 0.0) w.acc.array() += S(tb.beta4[ui]) * times_noise<K>(w.G[ui], w.chi3);
    }
    err->noalias() = -h * w.F[0];  // E_D = h (sum alpha_i f_i - f_1)
    for (int i = 0; i < N; ++i)
      if (tb.alpha[std::size_t(i)] != 0.0) err->noalias() += (S(tb.alpha[std::size_t(i)]) * h) * w.F[std::size_t(i)];
    *err = (delta * err->array().abs() + w.acc.array().abs()).matrix();
  }
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (tb.alpha[ui] != 0.0) x.noalias() += (S(tb.alpha[ui]) * h) * w.F[ui];
    if (tb.beta1[ui] != 0.0) x.array() += S(tb.beta1[ui]) * times_noise<K>(w.G[ui], dW);
    if (tb.beta2[ui] != 0.0) x.array() += S(tb.beta2[ui]) * times_noise<K>(w.G[ui], w.chi1);
    if (tb.beta3[ui] != 0.0) x.array() += S(tb.beta3[ui]) * times_noise<K>(w.G[ui], w.chi2);
    if (tb.beta4[ui] != 0.0) x.array() += S(tb.beta4[ui]) * times_noise<K>(w.G[ui], w.chi3);
  }
}

/// x += scale * G dW for additive noise (G is d x m, dW is m x B).
template <class S>
void add_additive(ensemble<S>& x, const matrix_t<S>& G, const ensemble<S>& dW, S scale) {
  if (G.size() == 1) x.array() += (scale * G(0, 0)) * dW.array();
  else x.noalias() += scale * G * dW;
}

/// One SRA step on x (d x B) over [t, t + h]; err as for sri_step.
template <int N, class P, class S>
void sra_step(const sra_tableau<N>& tb, const P& p, ensemble<S>& x, S t, S h, const ensemble<S>& dW,
              const ensemble<S>& dZ, stage_workspace<S>& w, ensemble<S>* err = nullptr,
              S delta = S(1) / S(6)) {
  static_assert(P::noise == noise_kind::additive, "SRA methods need additive noise");
  const index_t d = x.rows(), B = x.cols();
  w.chi2 = dZ / h;  // I10/h
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    fit(w.Gm[ui], p.dim, p.noise_dim);
    p.diffusion(t + S(tb.c1[ui]) * h, w.Gm[ui]);
    check_shape("diffusion", w.Gm[ui], p.dim, p.noise_dim);
  }
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (!drift_needed(tb, i)) continue;
    if (drift_is_first(tb, i)) {
      w.F[ui] = w.F[0];
      continue;
    }
    w.H0 = x;
    for (int j = 0; j < i; ++j) {
      const auto uj = std::size_t(j);
      if (tb.A0[ui][uj] != 0.0) w.H0.noalias() += (S(tb.A0[ui][uj]) * h) * w.F[uj];
      if (tb.B0[ui][uj] != 0.0) add_additive(w.H0, w.Gm[uj], w.chi2, S(tb.B0[ui][uj]));
    }
    eval_drift(p, w.H0, t + S(tb.c0[ui]) * h, w.F[ui]);
  }
  if (err) {
    w.acc.setZero(d, B);  // E_N
    for (int i = 0; i < N; ++i)
      if (tb.beta2[std::size_t(i)] != 0.0) add_additive(w.acc, w.Gm[std::size_t(i)], w.chi2, S(tb.beta2[std::size_t(i)]));
    err->noalias() = -h * w.F[0];
    for (int i = 0; i < N; ++i)
      if (tb.alpha[std::size_t(i)] != 0.0) err->noalias() += (S(tb.alpha[std::size_t(i)]) * h) * w.F[std::size_t(i)];
    *err = (delta * err->array().abs() + w.acc.array().abs()).matrix();
  }
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (tb.alpha[ui] != 0.0) x.noalias() += (S(tb.alpha[ui]) * h) * w.F[ui];
    if (tb.beta1[ui] != 0.0) add_additive(x, w.Gm[ui], dW, S(tb.beta1[ui]));
    if (tb.beta2[ui] != 0.0) add_additive(x, w.Gm[ui], w.chi2, S(tb.beta2[ui]));
  }
}

}  // namespace detail

/// What every tableau-driven SRI method shares (sriw1, sosri): the noise kinds
/// it accepts, the check, and the step with or without its embedded error
/// estimate. Derived supplies name and tableau().
template <class Derived>
struct sri_method {
  static constexpr double strong_order = 1.5;
  static constexpr double weak_order = 2.0;
  static constexpr bool uses_dz = true;
  template <class P>
  static constexpr bool accepts = P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar;

  template <class P>
  static void check(const P& p) {
    static_assert(accepts<P>, "SRI methods (sriw1, sosri) need scalar or diagonal noise (sra1/sosra for additive noise)");
    if (p.interpretation == calculus::stratonovich)
      detail::unsupported(Derived::name, "Stratonovich problems (it integrates the Itô SDE)");
  }

  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w) const {
    static constexpr auto tb = Derived::tableau();
    detail::sri_step(tb, p, x, t, dt, dW, dZ, w.stages);
  }
  /// The step and its embedded error estimate (rossler_sri.hpp), d x B.
  template <class P, class S>
  void step(const P& p, ensemble<S>& x, S t, S dt, const ensemble<S>& dW, const ensemble<S>& dZ,
            stepper_workspace<S>& w, ensemble<S>& err) const {
    static constexpr auto tb = Derived::tableau();
    detail::sri_step(tb, p, x, t, dt, dW, dZ, w.stages, &err);
  }
};

}  // namespace ito::sde
