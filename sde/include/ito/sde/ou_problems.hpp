#pragma once
/// \file ou_problems.hpp
/// \brief Additive-noise SDE problems for the OU models of ou.hpp, and the
/// exact moments of any linear stepper on such a problem.
///
/// The problem's drift is an `ou_drift<Model>` and its diffusion an
/// `ou_diffusion<Model>`: both carry the model, so `ou_exact` can read the
/// parameters, while every other stepper sees an ordinary additive problem.

#include <type_traits>
#include <vector>

#include "error.hpp"
#include "integrate.hpp"
#include "ou.hpp"
#include "problem.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// Drift of an OU model: out = f(x, t) (the model's drift).
template <class Model>
struct ou_drift {
  Model model;
  template <class S>
  void operator()(const ensemble<S>& x, S t, ensemble<S>& out) const {
    model.drift(x, t, out);
  }
};

/// Additive diffusion of an OU model: G = g(t), d x m.
template <class Model>
struct ou_diffusion {
  Model model;
  index_t dim = 1;
  template <class S>
  void operator()(S t, matrix_t<S>& G) const {
    model.diffusion_matrix(dim, t, G);
  }
};

template <class T>
struct is_ou_drift : std::false_type {};
template <class Model>
struct is_ou_drift<ou_drift<Model>> : std::true_type {};

template <class S, class Model>
using ou_problem = problem<S, noise_kind::additive, ou_drift<Model>, ou_diffusion<Model>>;

/// dX = kappa (theta - X) dt + sigma dW on [t0, t1]; x0 is d x 1 or d x N (d independent components).
/// Times of any arithmetic type (converted to S, default double).
template <class S = double, time_value T0, time_value T1>
ou_problem<S, scalar_ou> make_ou_problem(const scalar_ou& m, const std::type_identity_t<ensemble<S>>& x0, T0 t0,
                                         T1 t1) {
  m.validate();
  return make_additive_problem<S>(ou_drift<scalar_ou>{m}, ou_diffusion<scalar_ou>{m, x0.rows()}, x0, S(t0), S(t1),
                                  x0.rows());
}

/// Seed 000's dX = g^2/(2 sigma^2)(mu - X) dt + g dB, d independent components.
template <class S = double, class Schedule, time_value T0, time_value T1>
ou_problem<S, time_varying_ou<Schedule>> make_ou_problem(const time_varying_ou<Schedule>& m,
                                                         const std::type_identity_t<ensemble<S>>& x0, T0 t0, T1 t1) {
  using M = time_varying_ou<Schedule>;
  return make_additive_problem<S>(ou_drift<M>{m}, ou_diffusion<M>{m, x0.rows()}, x0, S(t0), S(t1), x0.rows());
}

/// dX = Theta (mu - X) dt + B dW; x0 is d x 1 or d x N.
template <class S = double, time_value T0, time_value T1>
ou_problem<S, multivariate_ou> make_ou_problem(const multivariate_ou& m, const std::type_identity_t<ensemble<S>>& x0,
                                               T0 t0, T1 t1) {
  m.validate();
  detail::require(x0.rows() == m.dim(), "x0 rows", x0.rows(), "d = " + std::to_string(m.dim()));
  return make_additive_problem<S>(ou_drift<multivariate_ou>{m}, ou_diffusion<multivariate_ou>{m, m.dim()}, x0,
                                  S(t0), S(t1), m.noise_dim());
}

/// Mean and covariance of a Gaussian.
struct gaussian_moments {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
};

/// The exact law of a *numerical scheme* on a linear additive problem.
///
/// On dX = (A X + a) dt + G dW every stepper in ito is affine in (X, dW, dZ):
/// X' = Phi X + b + U dW + V dZ. The maps are read off by stepping probe
/// columns (x = 0, x = e_i, dW = e_j, dZ = e_j), and the moments propagated
/// exactly: m' = Phi m + b, P' = Phi P Phi^T + [U V] Sigma_h [U V]^T with
/// Var dW = h, Cov(dW, dZ) = h^2/2, Var dZ = h^3/3 (Kloeden & Platen 1992, 10.4).
/// For euler_maruyama on scalar OU this reproduces scalar_ou::em_variance; for
/// ou_exact, the closed forms. Returns the moments at each time of `grid` that
/// is listed in `at` (in order), then at the end.
template <class P, class Method>
std::vector<gaussian_moments> scheme_moments(const P& p, const Method& method,
                                             const time_grid<typename P::scalar_type>& grid,
                                             const Eigen::VectorXd& m0, const Eigen::MatrixXd& P0,
                                             const std::vector<index_t>& at = {}) {
  static_assert(P::noise == noise_kind::additive, "scheme_moments: needs a linear problem with additive noise");
  using S = typename P::scalar_type;
  Method::check(p);
  const index_t d = p.dim, m = method_noise_dim<Method>(p);
  const bool dz = Method::uses_dz;
  const index_t cols = 1 + d + m + (dz ? m : 0);
  stepper_workspace<S> w;
  gaussian_moments cur{m0, P0};
  std::vector<gaussian_moments> out;
  std::size_t next = 0;
  auto record = [&](index_t k) {
    while (next < at.size() && at[next] == k) {
      out.push_back(cur);
      ++next;
    }
  };
  record(0);
  for (index_t k = 0; k < grid.steps(); ++k) {
    const S t = grid.t(k), h = grid.t(k + 1) - t;
    ensemble<S> x = ensemble<S>::Zero(d, cols), dW = ensemble<S>::Zero(m, cols), dZ;
    if (dz) dZ = ensemble<S>::Zero(m, cols);
    for (index_t i = 0; i < d; ++i) x(i, 1 + i) = S(1);
    for (index_t j = 0; j < m; ++j) dW(j, 1 + d + j) = S(1);
    if (dz)
      for (index_t j = 0; j < m; ++j) dZ(j, 1 + d + m + j) = S(1);
    method.step(p, x, t, h, dW, dZ, w);
    const Eigen::MatrixXd y = x.template cast<double>();
    const Eigen::VectorXd b = y.col(0);
    const Eigen::MatrixXd rest = y.rightCols(cols - 1).colwise() - b;  // Phi | U | V
    const Eigen::MatrixXd Phi = rest.leftCols(d);
    const Eigen::MatrixXd UV = rest.rightCols(cols - 1 - d);
    const double hd = double(h);
    Eigen::MatrixXd Sig = Eigen::MatrixXd::Zero(UV.cols(), UV.cols());
    Sig.topLeftCorner(m, m).diagonal().setConstant(hd);
    if (dz) {
      Sig.topRightCorner(m, m).diagonal().setConstant(hd * hd / 2);
      Sig.bottomLeftCorner(m, m).diagonal().setConstant(hd * hd / 2);
      Sig.bottomRightCorner(m, m).diagonal().setConstant(hd * hd * hd / 3);
    }
    cur.mean = Phi * cur.mean + b;
    cur.cov = Phi * cur.cov * Phi.transpose() + UV * Sig * UV.transpose();
    record(k + 1);
  }
  out.push_back(cur);
  return out;
}

}  // namespace ito::sde
