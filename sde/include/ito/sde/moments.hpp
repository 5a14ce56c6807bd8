#pragma once
/// \file moments.hpp
/// \brief Moment equations of a linear SDE integrated with Boost.Odeint.
///
/// For dX = (A(t) X + a(t)) dt + B(t) dW the mean m and covariance P solve
///   dm/dt = A m + a,   dP/dt = A P + P A^T + B B^T
/// (Särkkä & Solin 2019, eqs. 6.2–6.3). They are integrated with the adaptive
/// Dormand–Prince 5(4) stepper (runge_kutta_dopri5, dense output) to the given
/// absolute/relative tolerances. For OU, A = -Theta, a = Theta mu: the result
/// must agree with the closed forms of ou.hpp.

#include <Eigen/Core>
#include <boost/numeric/odeint.hpp>
#include <concepts>
#include <vector>

#include "error.hpp"
#include "ou_problems.hpp"  // gaussian_moments
#include "types.hpp"

namespace ito::sde {

/// Tolerances of the moment ODE solve.
struct moment_options {
  double abs_tol = 1e-12;
  double rel_tol = 1e-12;
  double initial_dt = 1e-3;
};

/// Integrate the moment equations from (m0, P0) at t0 and return the moments at
/// each of `times` (increasing, >= t0). A(t) -> d x d, a(t) -> d, B(t) -> d x m.
template <class AFn, class aFn, class BFn>
  requires(!std::derived_from<AFn, Eigen::EigenBase<AFn>>)  // callables, not matrices
std::vector<gaussian_moments> linear_sde_moments(AFn A, aFn a, BFn B, const Eigen::VectorXd& m0,
                                                 const Eigen::MatrixXd& P0, double t0,
                                                 const std::vector<double>& times,
                                                 const moment_options& opt = {}) {
  const index_t d = m0.size();
  detail::require(P0.rows() == d && P0.cols() == d, "P0 rows", P0.rows(), "d x d, d = " + std::to_string(d));
  detail::require(!times.empty(), "times", "empty", "at least one time");
  for (std::size_t i = 0; i < times.size(); ++i)
    detail::require(times[i] >= (i ? times[i - 1] : t0), "times[" + std::to_string(i) + "]", times[i],
                    "increasing times >= t0");
  using state = std::vector<double>;
  auto rhs = [&](const state& y, state& dy, double t) {
    Eigen::Map<const Eigen::VectorXd> m(y.data(), d);
    Eigen::Map<const Eigen::MatrixXd> P(y.data() + d, d, d);
    Eigen::Map<Eigen::VectorXd> dm(dy.data(), d);
    Eigen::Map<Eigen::MatrixXd> dP(dy.data() + d, d, d);
    const Eigen::MatrixXd At = A(t);
    const Eigen::MatrixXd Bt = B(t);
    dm = At * m + Eigen::VectorXd(a(t));
    dP = At * P + P * At.transpose() + Bt * Bt.transpose();
  };
  state y(std::size_t(d + d * d));
  Eigen::Map<Eigen::VectorXd>(y.data(), d) = m0;
  Eigen::Map<Eigen::MatrixXd>(y.data() + d, d, d) = P0;
  namespace oi = boost::numeric::odeint;
  auto stepper = oi::make_dense_output(opt.abs_tol, opt.rel_tol, oi::runge_kutta_dopri5<state>());
  std::vector<gaussian_moments> out;
  double t = t0;
  for (double target : times) {
    if (target > t) {
      oi::integrate_adaptive(stepper, rhs, y, t, target, std::min(opt.initial_dt, target - t));
      t = target;
    }
    gaussian_moments g;
    g.mean = Eigen::Map<const Eigen::VectorXd>(y.data(), d);
    const Eigen::MatrixXd P = Eigen::Map<const Eigen::MatrixXd>(y.data() + d, d, d);
    g.cov = 0.5 * (P + P.transpose());
    out.push_back(std::move(g));
  }
  return out;
}

/// Constant coefficients: dX = (A X + a) dt + B dW. (Compiled: src/moments.cpp.)
std::vector<gaussian_moments> linear_sde_moments(const Eigen::MatrixXd& A, const Eigen::VectorXd& a,
                                                 const Eigen::MatrixXd& B, const Eigen::VectorXd& m0,
                                                 const Eigen::MatrixXd& P0, double t0,
                                                 const std::vector<double>& times,
                                                 const moment_options& opt = {});

/// Moment equations of a multivariate OU: A = -Theta, a = Theta mu. (Compiled: src/moments.cpp.)
std::vector<gaussian_moments> ou_moments_ode(const multivariate_ou& ou, const Eigen::VectorXd& m0,
                                             const Eigen::MatrixXd& P0, double t0,
                                             const std::vector<double>& times,
                                             const moment_options& opt = {});

}  // namespace ito::sde
