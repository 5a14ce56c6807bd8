#pragma once
/// \file moments.hpp
/// \brief Moment equations of a linear SDE integrated with Boost.Odeint (src/moments.cpp).
///
/// For dX = (A(t) X + a(t)) dt + B(t) dW the mean m and covariance P solve
///   dm/dt = A m + a,   dP/dt = A P + P A^T + B B^T
/// (Särkkä & Solin 2019, eqs. 6.2–6.3). They are integrated with the adaptive
/// Dormand–Prince 5(4) stepper (runge_kutta_dopri5, dense output) to the given
/// absolute/relative tolerances. For OU, A = -Theta, a = Theta mu: the result
/// must agree with the closed forms of ou.hpp.

#include <Eigen/Core>
#include <concepts>
#include <functional>
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

namespace detail {
/// The moment equations integrated by odeint's dense-output dopri5 (compiled once, in
/// src/moments.cpp, so that including this header does not parse Boost.Odeint).
/// A(t) -> d x d, a(t) -> d, B(t) -> d x m; checks its arguments.
std::vector<gaussian_moments> integrate_moment_equations(const std::function<Eigen::MatrixXd(double)>& A,
                                                         const std::function<Eigen::VectorXd(double)>& a,
                                                         const std::function<Eigen::MatrixXd(double)>& B,
                                                         const Eigen::VectorXd& m0, const Eigen::MatrixXd& P0,
                                                         double t0, const std::vector<double>& times,
                                                         const moment_options& opt);
}  // namespace detail

/// Integrate the moment equations from (m0, P0) at t0 and return the moments at
/// each of `times` (increasing, >= t0). A(t) -> d x d, a(t) -> d, B(t) -> d x m.
template <class AFn, class aFn, class BFn>
  requires(!std::derived_from<AFn, Eigen::EigenBase<AFn>>)  // callables, not matrices
std::vector<gaussian_moments> linear_sde_moments(AFn A, aFn a, BFn B, const Eigen::VectorXd& m0,
                                                 const Eigen::MatrixXd& P0, double t0,
                                                 const std::vector<double>& times,
                                                 const moment_options& opt = {}) {
  return detail::integrate_moment_equations([&](double t) -> Eigen::MatrixXd { return A(t); },
                                            [&](double t) -> Eigen::VectorXd { return a(t); },
                                            [&](double t) -> Eigen::MatrixXd { return B(t); }, m0, P0, t0,
                                            times, opt);
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
