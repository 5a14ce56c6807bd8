/// \file moments.cpp
/// \brief The constant-coefficient moment equations (moments.hpp), compiled once:
/// they instantiate odeint's dense-output dopri5, which every translation unit
/// including moments.hpp would otherwise instantiate again.
#include "ito/sde/moments.hpp"

namespace ito::sde {

std::vector<gaussian_moments> linear_sde_moments(const Eigen::MatrixXd& A, const Eigen::VectorXd& a,
                                                 const Eigen::MatrixXd& B, const Eigen::VectorXd& m0,
                                                 const Eigen::MatrixXd& P0, double t0,
                                                 const std::vector<double>& times,
                                                 const moment_options& opt) {
  detail::require(A.rows() == m0.size() && A.cols() == m0.size(), "A rows", A.rows(), "d x d");
  detail::require(a.size() == m0.size() && B.rows() == m0.size(), "a/B rows", B.rows(), "d");
  return linear_sde_moments([&](double) -> const Eigen::MatrixXd& { return A; },
                            [&](double) -> const Eigen::VectorXd& { return a; },
                            [&](double) -> const Eigen::MatrixXd& { return B; }, m0, P0, t0, times, opt);
}

std::vector<gaussian_moments> ou_moments_ode(const multivariate_ou& ou, const Eigen::VectorXd& m0,
                                             const Eigen::MatrixXd& P0, double t0,
                                             const std::vector<double>& times,
                                             const moment_options& opt) {
  return linear_sde_moments(Eigen::MatrixXd(-ou.Theta), Eigen::VectorXd(ou.Theta * ou.mu), ou.B, m0, P0, t0,
                            times, opt);
}

}  // namespace ito::sde
