#pragma once
/// \file problems.hpp
/// \brief Test problems whose solution is a known function of the same
/// Brownian path, for convergence studies (Kloeden & Platen 1992, sec. 4.4;
/// the SciML/DiffEqProblemLibrary test set).
///
/// Each factory returns a `known_solution` holding the problem and a functor
///   exact(x0, t, W, out): out = X(t) given X(t0 = 0) = x0 and W(t) (all d x B).

#include <cmath>
#include <vector>

#include "error.hpp"
#include "problem.hpp"
#include "types.hpp"

namespace ito::sde {

template <class P, class Exact>
struct known_solution {
  P problem;
  Exact exact;
  double exact_mean;  ///< E X_1(t1), first component (weak-error reference)
};

namespace detail {
template <class P, class Exact>
known_solution<P, Exact> known(P p, Exact e, double mean) {
  return {std::move(p), std::move(e), mean};
}
}  // namespace detail

/// Geometric Brownian motion dX = alpha X dt + beta X dW (Itô), diagonal noise:
/// X_t = x0 exp((alpha - beta^2/2) t + beta W_t), E X_t = x0 e^{alpha t}.
template <class S = double>
auto gbm_problem(S alpha = S(1.01), S beta = S(0.87), S x0 = S(0.5), S t1 = S(1)) {
  auto p = make_diagonal_problem<S>(
      [alpha](const ensemble<S>& x, S, ensemble<S>& f) { f = alpha * x; },
      [beta](const ensemble<S>& x, S, ensemble<S>& g) { g = beta * x; },
      ensemble<S>::Constant(1, 1, x0), S(0), t1,
      [beta](const ensemble<S>& x, S, ensemble<S>& gg) { gg = (beta * beta) * x; });  // g g' = beta^2 x
  auto exact = [alpha, beta](const ensemble<S>& x, S t, const ensemble<S>& w, ensemble<S>& out) {
    out = (x.array() * ((alpha - beta * beta / S(2)) * t + beta * w.array()).exp()).matrix();
  };
  return detail::known(std::move(p), exact, double(x0) * std::exp(double(alpha * t1)));
}

/// Stratonovich GBM dX = alpha X dt + beta X o dW: X_t = x0 exp(alpha t + beta W_t),
/// E X_t = x0 exp((alpha + beta^2/2) t).
template <class S = double>
auto gbm_stratonovich_problem(S alpha = S(1.01), S beta = S(0.87), S x0 = S(0.5), S t1 = S(1)) {
  auto p = make_diagonal_problem<S>(
      [alpha](const ensemble<S>& x, S, ensemble<S>& f) { f = alpha * x; },
      [beta](const ensemble<S>& x, S, ensemble<S>& g) { g = beta * x; },
      ensemble<S>::Constant(1, 1, x0), S(0), t1,
      [beta](const ensemble<S>& x, S, ensemble<S>& gg) { gg = (beta * beta) * x; },  // g g' = beta^2 x
      calculus::stratonovich);
  auto exact = [alpha, beta](const ensemble<S>& x, S t, const ensemble<S>& w, ensemble<S>& out) {
    out = (x.array() * (alpha * t + beta * w.array()).exp()).matrix();
  };
  return detail::known(std::move(p), exact,
                       double(x0) * std::exp(double((alpha + beta * beta / 2) * t1)));
}

/// dX = 1/2 a^2 X dt + a sqrt(1 + X^2) dW: X_t = sinh(a W_t + asinh x0)
/// (Kloeden & Platen 1992, eq. 4.4.46). E X_t = sinh(asinh x0) e^{a^2 t/2}.
template <class S = double>
auto sinh_problem(S a = S(1), S x0 = S(0.5), S t1 = S(1)) {
  auto p = make_diagonal_problem<S>(
      [a](const ensemble<S>& x, S, ensemble<S>& f) { f = (a * a / S(2)) * x; },
      [a](const ensemble<S>& x, S, ensemble<S>& g) { g = (a * (S(1) + x.array().square()).sqrt()).matrix(); },
      ensemble<S>::Constant(1, 1, x0), S(0), t1,
      // g g' = a sqrt(1 + x^2) * a x / sqrt(1 + x^2) = a^2 x
      [a](const ensemble<S>& x, S, ensemble<S>& gg) { gg = (a * a) * x; });
  auto exact = [a](const ensemble<S>& x, S, const ensemble<S>& w, ensemble<S>& out) {
    out = (a * w.array() + x.array().asinh()).sinh().matrix();
  };
  return detail::known(std::move(p), exact, double(x0) * std::exp(double(a * a * t1 / 2)));
}

/// Additive noise with time-dependent coefficients (Kloeden & Platen 1992, eq. 4.4.5):
///   dX = (beta/sqrt(1+t) - X/(2(1+t))) dt + alpha beta/sqrt(1+t) dW,
///   X_t = x0/sqrt(1+t) + beta (t + alpha W_t)/sqrt(1+t),  E X_t = (x0 + beta t)/sqrt(1+t).
template <class S = double>
auto additive_problem(S alpha = S(1), S beta = S(1), S x0 = S(1), S t1 = S(1)) {
  auto p = make_additive_problem<S>(
      [beta](const ensemble<S>& x, S t, ensemble<S>& f) {
        f = (beta / std::sqrt(S(1) + t) - x.array() / (S(2) * (S(1) + t))).matrix();
      },
      [alpha, beta](S t, matrix_t<S>& g) { g(0, 0) = alpha * beta / std::sqrt(S(1) + t); },
      ensemble<S>::Constant(1, 1, x0), S(0), t1, 1);
  auto exact = [alpha, beta](const ensemble<S>& x, S t, const ensemble<S>& w, ensemble<S>& out) {
    out = ((x.array() + beta * (t + alpha * w.array())) / std::sqrt(S(1) + t)).matrix();
  };
  return detail::known(std::move(p), exact, double(x0 + beta * t1) / std::sqrt(1.0 + double(t1)));
}

/// A nonlinear drift with additive noise, no closed form (use a
/// reference_solution): dX = (X - X^3) dt + sigma dW (a double well).
template <class S = double>
auto double_well_problem(S sigma = S(0.5), S x0 = S(0.5), S t1 = S(1)) {
  return make_additive_problem<S>(
      [](const ensemble<S>& x, S, ensemble<S>& f) { f = (x.array() - x.array().cube()).matrix(); },
      [sigma](S, matrix_t<S>& g) { g(0, 0) = sigma; }, ensemble<S>::Constant(1, 1, x0), S(0), t1, 1);
}

/// d independent GBMs with their own rates, diagonal noise (d = 4):
///   dX_i = alpha_i X_i dt + beta_i X_i dW_i.
template <class S = double>
auto diagonal_gbm_problem(S t1 = S(1)) {
  vector_t<S> alpha(4), beta(4), x0(4);
  alpha << S(1.01), S(0.5), S(-0.3), S(0.8);
  beta << S(0.87), S(0.4), S(0.6), S(0.2);
  x0 << S(0.5), S(1.0), S(2.0), S(0.1);
  auto p = make_diagonal_problem<S>(
      [alpha](const ensemble<S>& x, S, ensemble<S>& f) { f = (x.array().colwise() * alpha.array()).matrix(); },
      [beta](const ensemble<S>& x, S, ensemble<S>& g) { g = (x.array().colwise() * beta.array()).matrix(); },
      ensemble<S>(x0), S(0), t1,
      // g_i dg_i/dx_i = beta_i^2 x_i
      [beta2 = vector_t<S>(beta.array().square())](const ensemble<S>& x, S, ensemble<S>& gg) {
        gg = (x.array().colwise() * beta2.array()).matrix();
      });
  auto exact = [alpha, beta](const ensemble<S>& x, S t, const ensemble<S>& w, ensemble<S>& out) {
    const vector_t<S> drift = (alpha.array() - beta.array().square() / S(2)) * t;
    out = (x.array() * ((w.array().colwise() * beta.array()).colwise() + drift.array()).exp()).matrix();
  };
  return detail::known(std::move(p), exact, double(x0(0)) * std::exp(double(alpha(0) * t1)));
}

}  // namespace ito::sde
