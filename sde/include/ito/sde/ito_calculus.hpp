#pragma once
/// \file ito_calculus.hpp
/// \brief Itô's formula, the generator, and stochastic integrals along simulated paths.
///
/// Itô's formula (seed 004, "Itô's Formula"): for dX = mu(X, t) dt + sigma(X, t) dW and
/// f in C^{2,1}, Y = f(X_t, t) solves
///   dY = (f_t + mu f_x + 1/2 sigma^2 f_xx) dt + sigma f_x dW.
/// The generator is (L f)(x, t) = mu f_x + 1/2 sigma^2 f_xx, so
///   E f(X_T, T) = f(x_0, 0) + int_0^T E[(f_t + L f)(X_t, t)] dt   (Dynkin).
///
/// Path integrals on a grid t_0 < ... < t_K, with paths stored (K+1) x N
/// (row k = time t_k, one path per column):
///   Itô          sum_k h(t_k)       (W_{k+1} - W_k)  (left point),
///   Stratonovich sum_k (h_k + h_{k+1})/2 (W_{k+1} - W_k) (midpoint in value),
///   quadratic (co)variation sum_k (X_{k+1} - X_k)(Y_{k+1} - Y_k).

#include <Eigen/Core>
#include <cmath>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

/// Value and partial derivatives of f at (x, t).
struct derivatives {
  double value = 0, dx = 0, dxx = 0, dt = 0;
};

/// Central differences of f(x, t) with step h_x = h (1 + |x|) in x and h_t = h (1 + |t|) in t:
/// f_x = (f(x+hx) - f(x-hx)) / (2 hx), f_xx = (f(x+hx) - 2 f + f(x-hx)) / hx^2 (errors O(h^2)).
/// The default h = 1e-4 balances truncation (~h^2) and round-off (~eps/h^2 for f_xx): about 1e-7 relative.
template <class F>
derivatives central_differences(const F& f, double x, double t, double h = 1e-4) {
  detail::require_positive("h", h);
  const double hx = h * (1 + std::abs(x)), ht = h * (1 + std::abs(t));
  derivatives d;
  d.value = f(x, t);
  const double fp = f(x + hx, t), fm = f(x - hx, t);
  d.dx = (fp - fm) / (2 * hx);
  d.dxx = (fp - 2 * d.value + fm) / (hx * hx);
  d.dt = (f(x, t + ht) - f(x, t - ht)) / (2 * ht);
  return d;
}

/// The Itô differential of Y = f(X_t, t): dY = drift dt + diffusion dW.
struct ito_differential {
  double drift = 0, diffusion = 0;
};

/// Itô's formula at one point from f's derivatives and the SDE's mu, sigma there.
inline ito_differential ito_formula(const derivatives& d, double mu, double sigma) {
  return {d.dt + mu * d.dx + 0.5 * sigma * sigma * d.dxx, sigma * d.dx};
}

/// Generator (L f)(x) = mu f_x + 1/2 sigma^2 f_xx (no time derivative).
inline double generator(const derivatives& d, double mu, double sigma) {
  return mu * d.dx + 0.5 * sigma * sigma * d.dxx;
}

/// Itô's formula with numerical derivatives: f(x, t), mu(x, t), sigma(x, t) callables.
template <class F, class Mu, class Sigma>
ito_differential ito_formula(const F& f, const Mu& mu, const Sigma& sigma, double x, double t, double h = 1e-4) {
  return ito_formula(central_differences(f, x, t, h), mu(x, t), sigma(x, t));
}

namespace detail {
template <class DH, class DW>
void check_paths(const Eigen::MatrixBase<DH>& h, const Eigen::MatrixBase<DW>& w) {
  detail::require(h.rows() == w.rows() && h.cols() == w.cols(), "integrand rows", h.rows(),
                  "the path's shape " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()));
  detail::require(w.rows() >= 2, "path rows (time points)", w.rows(), ">= 2");
}
}  // namespace detail

/// Itô integral int h dW per path (left-point sums). h, W: (K+1) x N. Returns N values.
template <class DH, class DW>
Eigen::RowVectorXd ito_integral(const Eigen::MatrixBase<DH>& h, const Eigen::MatrixBase<DW>& W) {
  detail::check_paths(h, W);
  const index_t K = W.rows() - 1;
  const auto dW = W.bottomRows(K) - W.topRows(K);
  return (h.topRows(K).array() * dW.array()).colwise().sum().template cast<double>();
}

/// Stratonovich integral int h o dW per path (average of the end values on each step).
template <class DH, class DW>
Eigen::RowVectorXd stratonovich_integral(const Eigen::MatrixBase<DH>& h, const Eigen::MatrixBase<DW>& W) {
  detail::check_paths(h, W);
  const index_t K = W.rows() - 1;
  const auto dW = W.bottomRows(K) - W.topRows(K);
  return ((0.5 * (h.topRows(K) + h.bottomRows(K))).array() * dW.array()).colwise().sum().template cast<double>();
}

/// Quadratic covariation [X, Y]_T = sum (dX)(dY) per path.
template <class DX, class DY>
Eigen::RowVectorXd quadratic_covariation(const Eigen::MatrixBase<DX>& X, const Eigen::MatrixBase<DY>& Y) {
  detail::check_paths(X, Y);
  const index_t K = X.rows() - 1;
  return ((X.bottomRows(K) - X.topRows(K)).array() * (Y.bottomRows(K) - Y.topRows(K)).array())
      .colwise()
      .sum()
      .template cast<double>();
}

/// Quadratic variation [X]_T = sum (dX)^2 per path.
template <class DX>
Eigen::RowVectorXd quadratic_variation(const Eigen::MatrixBase<DX>& X) {
  return quadratic_covariation(X, X);
}

}  // namespace ito::sde
