#pragma once
/// \file fokker_planck.hpp
/// \brief Conservative finite-volume solver of the 1-D Fokker–Planck equation (seed 001)
///   dp/dt = -d/dx (f p) + 1/2 d^2/dx^2 (g^2 p) = -dJ/dx,  J = f p - 1/2 d/dx (g^2 p),
/// on a truncated domain [a, b] with zero flux at both ends.
///
/// Space: cell averages p_i on a uniform grid; the flux at each interface is
/// written J = A p - D dp/dx with D = g^2/2 and A = f - dD/dx, and discretised
/// with Scharfetter–Gummel / Chang–Cooper exponential fitting (Chang & Cooper,
/// J. Comput. Phys. 6, 1970):
///   J_{i+1/2} = D/dx [ Bern(-w) p_i - Bern(w) p_{i+1} ],  w = A dx / D,  Bern(z) = z/(e^z - 1).
/// It keeps p >= 0, upwinds when drift dominates, and is exact for the
/// equilibrium of constant coefficients. Time: theta-scheme (Crank–Nicolson by
/// default, started with two implicit Euler steps against the start-up
/// oscillation), one tridiagonal solve per step. Every column of the operator
/// sums to zero, so the total mass sum p_i dx is preserved to round-off.

#include <Eigen/Core>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <functional>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

/// Fokker–Planck solver for dX = f(x, t) dt + g(x, t) dW on [x_min, x_max].
class fokker_planck_1d {
 public:
  using coefficient = std::function<double(double x, double t)>;

  fokker_planck_1d(coefficient drift, coefficient diffusion, double x_min, double x_max, index_t cells)
      : f_(std::move(drift)), g_(std::move(diffusion)), a_(x_min), b_(x_max), n_(cells) {
    detail::require_finite("x_min", x_min);
    detail::require(std::isfinite(x_max) && x_max > x_min, "x_max", x_max, "a finite number > x_min");
    detail::require(cells >= 3, "cells", cells, ">= 3");
    dx_ = (b_ - a_) / double(n_);
    p_ = Eigen::VectorXd::Zero(n_);
  }

  index_t cells() const { return n_; }
  double dx() const { return dx_; }
  double time() const { return t_; }
  double center(index_t i) const { return a_ + (double(i) + 0.5) * dx_; }
  Eigen::VectorXd centers() const {
    Eigen::VectorXd c(n_);
    for (index_t i = 0; i < n_; ++i) c(i) = center(i);
    return c;
  }
  /// Cell-average density.
  const Eigen::VectorXd& density() const { return p_; }
  /// Total mass sum p_i dx.
  double mass() const { return p_.sum() * dx_; }

  /// Start from cell averages given by a CDF: p_i = (F(x_{i+1/2}) - F(x_{i-1/2})) / dx,
  /// renormalised to mass 1 (the mass outside the domain is dropped).
  void set_from_cdf(const std::function<double(double)>& F, double t0 = 0) {
    for (index_t i = 0; i < n_; ++i) p_(i) = (F(a_ + double(i + 1) * dx_) - F(a_ + double(i) * dx_)) / dx_;
    const double m = mass();
    detail::require(m > 0, "initial mass on the domain", m, "> 0");
    p_ /= m;
    t_ = t0;
    startup_ = 0;
  }
  /// Start from N(mean, var).
  void set_gaussian(double mean, double var, double t0 = 0) {
    detail::require_positive("var", var);
    const boost::math::normal_distribution<double> N(mean, std::sqrt(var));
    set_from_cdf([&](double x) { return boost::math::cdf(N, x); }, t0);
  }

  /// Advance to t_end with steps of at most dt (theta = 0.5: Crank–Nicolson, 1: implicit Euler).
  void advance(double t_end, double dt, double theta = 0.5) {
    detail::require_positive("dt", dt);
    detail::require(theta >= 0.5 && theta <= 1, "theta", theta, "in [0.5, 1]");
    detail::require(t_end >= t_, "t_end", t_end, ">= the current time " + detail::to_text(t_));
    const double span = t_end - t_;
    const long steps = std::max(1L, long(std::ceil(span / dt - 1e-9)));
    const double h = span / double(steps);
    for (long s = 0; s < steps && span > 0; ++s) {
      const double th = startup_ < 2 ? 1.0 : theta;
      step(h, th);
      ++startup_;
    }
    t_ = t_end;
  }

  /// L1 distance sum |p_i - q(x_i)| dx to a density q (midpoint rule).
  double l1_error(const std::function<double(double)>& q) const {
    double e = 0;
    for (index_t i = 0; i < n_; ++i) e += std::abs(p_(i) - q(center(i)));
    return e * dx_;
  }

 private:
  /// Interface coefficients at time t: flux J_{i+1/2} = lo_i p_i - hi_i p_{i+1} (i = 0..n-2).
  void coefficients(double t, Eigen::VectorXd& lo, Eigen::VectorXd& hi) const {
    lo.resize(n_ - 1);
    hi.resize(n_ - 1);
    for (index_t i = 0; i + 1 < n_; ++i) {
      const double x = a_ + double(i + 1) * dx_;
      const double gl = g_(center(i), t), gr = g_(center(i + 1), t), gm = g_(x, t);
      const double D = 0.5 * gm * gm;
      const double A = f_(x, t) - 0.5 * (gr * gr - gl * gl) / dx_;  // f - dD/dx, D = g^2/2
      if (D <= 0) {  // pure advection: upwind
        lo(i) = std::max(A, 0.0);
        hi(i) = std::max(-A, 0.0);
        continue;
      }
      const double w = A * dx_ / D;
      lo(i) = D / dx_ * bernoulli(-w);
      hi(i) = D / dx_ * bernoulli(w);
    }
  }
  static double bernoulli(double z) {
    if (std::abs(z) < 1e-8) return 1.0 - z / 2;
    return z / std::expm1(z);
  }
  /// y = L p with (L p)_i = -(J_{i+1/2} - J_{i-1/2}) / dx.
  void apply(const Eigen::VectorXd& lo, const Eigen::VectorXd& hi, const Eigen::VectorXd& p,
             Eigen::VectorXd& y) const {
    y.setZero(n_);
    for (index_t i = 0; i + 1 < n_; ++i) {
      const double J = (lo(i) * p(i) - hi(i) * p(i + 1)) / dx_;
      y(i) -= J;
      y(i + 1) += J;
    }
  }
  /// (I - th h L(t+h)) p' = (I + (1-th) h L(t)) p, solved by the Thomas algorithm.
  void step(double h, double th) {
    Eigen::VectorXd lo, hi, rhs = p_, y;
    if (th < 1) {
      coefficients(t_, lo, hi);
      apply(lo, hi, p_, y);
      rhs += (1 - th) * h * y;
    }
    coefficients(t_ + h, lo, hi);
    const double c = th * h / dx_;
    // tridiagonal: sub(i) p_{i-1} + diag(i) p_i + sup(i) p_{i+1}
    Eigen::VectorXd sub = Eigen::VectorXd::Zero(n_), diag = Eigen::VectorXd::Ones(n_),
                    sup = Eigen::VectorXd::Zero(n_);
    for (index_t i = 0; i + 1 < n_; ++i) {
      // J = lo p_i - hi p_{i+1} leaves cell i and enters cell i+1
      diag(i) += c * lo(i);
      sup(i) -= c * hi(i);
      diag(i + 1) += c * hi(i);
      sub(i + 1) -= c * lo(i);
    }
    for (index_t i = 1; i < n_; ++i) {
      const double m = sub(i) / diag(i - 1);
      diag(i) -= m * sup(i - 1);
      rhs(i) -= m * rhs(i - 1);
    }
    p_(n_ - 1) = rhs(n_ - 1) / diag(n_ - 1);
    for (index_t i = n_ - 2; i >= 0; --i) p_(i) = (rhs(i) - sup(i) * p_(i + 1)) / diag(i);
    t_ += h;
  }

  coefficient f_, g_;
  double a_, b_, dx_ = 0, t_ = 0;
  index_t n_;
  int startup_ = 0;
  Eigen::VectorXd p_;
};

}  // namespace ito::sde
