#pragma once
/// \file reverse_sde.hpp
/// \brief The reverse-time SDE of a forward SDE driven by a score, as an ordinary
/// ito::sde additive-noise problem (seed 001 backward SDE; seed 004 sec. 3.2;
/// Anderson 1982; Song et al. 2021 eq. 6):
///   dX = [f(X, t) - g(t)^2 grad log p_t(X)] dt + g(t) dW-bar,  t from T down to eps.
/// In s = T - t the step is positive: Y(s) = X(T - s) solves
///   dY = [g(T-s)^2 score(Y, T-s) - f(Y, T-s)] ds + g(T-s) dW,  s in [0, T - eps],
/// so every core stepper (Euler–Maruyama, SRA1, ...) integrates it through solve().

#include <memory>
#include <utility>

#include <ito/sde/problem.hpp>

#include "forward_sde.hpp"
#include "score.hpp"

namespace ito::diffusion {

/// reverse_sde{forward, score}. Score may be a reference (an lvalue score is held
/// by reference by the deduction guide) or a value (a lambda).
template <forward_sde F, class Score>
struct reverse_sde {
  F forward;
  Score score;

  /// Forward time of reverse time s.
  double time(double s) const { return forward.T() - s; }

  /// out = g^2 score(Y, t) - f(Y, t), t = T - s.
  template <class S>
  void drift(const ensemble<S>& Y, S s, ensemble<S>& out) {
    const S t = S(time(double(s)));
    out.resize(Y.rows(), Y.cols());
    score(Y, t, out);
    const S g = S(forward.diffusion(double(t)));
    const S c = S(forward.drift_coeff(double(t))), o = S(forward.drift_offset(double(t)));
    out.array() = g * g * out.array() - c * Y.array() - o;
  }

  /// G = g(T - s) I.
  template <class S>
  void diffusion(S s, matrix_t<S>& G) const {
    G.setZero();
    G.diagonal().setConstant(S(forward.diffusion(time(double(s)))));
  }

  /// The additive-noise problem on s in [0, T - t_end] (t_end < 0: forward.eps())
  /// from x_T = x0 (d x 1 or d x N). On an lvalue the problem refers to this
  /// object, which must outlive it; on a temporary (`reverse_sde{f, s}.problem(x)`)
  /// the problem holds the reverse_sde itself (a score held by reference, as the
  /// deduction guide does for an lvalue score, must still outlive the problem).
  template <class S = double>
  auto problem(const ensemble<S>& xT, double t_end = -1) & {
    auto* self = this;
    return make_problem<S>(xT, t_end, [self]() -> reverse_sde& { return *self; });
  }
  template <class S = double>
  auto problem(const ensemble<S>& xT, double t_end = -1) && {
    auto owned = std::make_shared<reverse_sde>(std::move(*this));
    return make_problem<S>(xT, t_end, [owned]() -> reverse_sde& { return *owned; });
  }

 private:
  template <class S, class Get>
  auto make_problem(const ensemble<S>& xT, double t_end, Get get) const {
    if (t_end < 0) t_end = forward.eps();
    detail::require(t_end >= 0 && t_end < forward.T(), "t_end", t_end, "in [0, T)");
    auto drift = [get](const ensemble<S>& Y, S s, ensemble<S>& out) { get().drift(Y, s, out); };
    auto diff = [get](S s, matrix_t<S>& G) { get().diffusion(s, G); };
    return sde::make_additive_problem<S>(drift, diff, xT, S(0), S(forward.T() - t_end), xT.rows());
  }
};

template <class F, class Score>
reverse_sde(F, Score&&) -> reverse_sde<F, Score>;

}  // namespace ito::diffusion
