/// \file ou.cpp
/// \brief The multivariate OU's closed forms (ou.hpp): matrix exponentials, Van
/// Loan's covariance, the Lyapunov solve. Compiled once into the ito::sde library
/// rather than in every translation unit that includes ou.hpp (Eigen's
/// MatrixFunctions and eigen-solvers are the costliest templates to instantiate).
#include "ito/sde/ou.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <unsupported/Eigen/MatrixFunctions>

namespace ito::sde {

namespace detail {

Eigen::MatrixXd psd_factor(const Eigen::MatrixXd& C) {
  const Eigen::MatrixXd Cs = 0.5 * (C + C.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Cs);
  if (es.info() != Eigen::Success) throw ito::numerical_error("psd_factor: eigen-decomposition failed");
  const double tol = 1e-12 * std::max(1.0, es.eigenvalues().cwiseAbs().maxCoeff());
  detail::require(es.eigenvalues().minCoeff() >= -tol, "covariance min eigenvalue",
                  es.eigenvalues().minCoeff(), "a positive semidefinite matrix");
  return es.eigenvectors() * es.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

double gauss_kronrod_61(const std::function<double(double)>& f, double s, double t, double tol, double* err) {
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, s, t, 15, tol, err);
}

}  // namespace detail

void multivariate_ou::validate() const {
  detail::require(Theta.rows() > 0 && Theta.rows() == Theta.cols(), "Theta rows", Theta.rows(),
                  "a square d x d matrix (" + std::to_string(Theta.cols()) + " columns)");
  detail::require(mu.size() == Theta.rows(), "mu size", mu.size(), "d = " + std::to_string(Theta.rows()));
  detail::require(B.rows() == Theta.rows() && B.cols() > 0, "B rows", B.rows(),
                  "d = " + std::to_string(Theta.rows()) + " rows and m > 0 columns");
  detail::require(Theta.allFinite() && mu.allFinite() && B.allFinite(), "Theta/mu/B", "non-finite entry",
                  "finite values");
}

Eigen::MatrixXd multivariate_ou::propagator(double h) const { return (-Theta * h).exp(); }
Eigen::VectorXd multivariate_ou::transition_mean(const Eigen::VectorXd& x, double h) const {
  return mu + propagator(h) * (x - mu);
}
Eigen::MatrixXd multivariate_ou::transition_covariance(double h) const {
  detail::require(std::isfinite(h) && h >= 0, "h", h, "a finite time step >= 0");
  const index_t d = dim();
  double u = h;
  int k = 0;
  const double nrm = Theta.lpNorm<Eigen::Infinity>();
  while (nrm * u > 1.0 && k < 200) {
    u /= 2;
    ++k;
  }
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(2 * d, 2 * d);
  M.topLeftCorner(d, d) = Theta * u;
  M.topRightCorner(d, d) = B * B.transpose() * u;
  M.bottomRightCorner(d, d) = -Theta.transpose() * u;
  const Eigen::MatrixXd E = M.exp();
  Eigen::MatrixXd Q = E.bottomRightCorner(d, d).transpose() * E.topRightCorner(d, d);
  Eigen::MatrixXd A = propagator(u);
  for (int i = 0; i < k; ++i) {
    Q += A * Q * A.transpose();
    A = A * A;
  }
  return 0.5 * (Q + Q.transpose());
}
Eigen::VectorXd multivariate_ou::mean(double t, const Eigen::VectorXd& m0, double t0) const {
  return transition_mean(m0, t - t0);
}
Eigen::MatrixXd multivariate_ou::covariance(double t, const Eigen::MatrixXd& P0, double t0) const {
  const Eigen::MatrixXd A = propagator(t - t0);
  return A * P0 * A.transpose() + transition_covariance(t - t0);
}
Eigen::MatrixXd multivariate_ou::cross_covariance(double t, double u, const Eigen::MatrixXd& P0, double t0) const {
  detail::require(u >= t, "u", u, ">= t = " + detail::to_text(t));
  return covariance(t, P0, t0) * propagator(u - t).transpose();
}
bool multivariate_ou::is_stable() const {
  return Eigen::EigenSolver<Eigen::MatrixXd>(Theta, false).eigenvalues().real().minCoeff() > 0;
}
Eigen::MatrixXd multivariate_ou::stationary_covariance() const {
  detail::require(is_stable(), "Theta", "an unstable matrix",
                  "all eigenvalues with positive real part (a stationary law exists)");
  const index_t d = dim();
  Eigen::MatrixXd K = Eigen::MatrixXd::Zero(d * d, d * d);
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  for (index_t i = 0; i < d; ++i)
    for (index_t j = 0; j < d; ++j) {
      K.block(i * d, j * d, d, d) += I(i, j) * Theta;  // I (x) Theta
      K.block(i * d, j * d, d, d) += Theta(i, j) * I;  // Theta (x) I
    }
  const Eigen::MatrixXd Q = B * B.transpose();
  const Eigen::VectorXd s = K.partialPivLu().solve(Eigen::Map<const Eigen::VectorXd>(Q.data(), d * d));
  Eigen::MatrixXd S = Eigen::Map<const Eigen::MatrixXd>(s.data(), d, d);
  return 0.5 * (S + S.transpose());
}

}  // namespace ito::sde
