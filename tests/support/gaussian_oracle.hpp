#pragma once
// Exact score of Gaussian data N(m, C) pushed through a forward SDE: the marginal at t is
// N(a m + b, a^2 C + s^2 I) (a one-component Gaussian mixture), so its score and density are
// closed-form at every t. Used by the diffusion tests as an oracle without a network.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>
#include <atomic>
#include <cmath>
#include <numbers>

#include <ito/diffusion/forward_sde.hpp>

namespace ito::test {

/// The 2-D Gaussian data N(mean2(), cov2()) of the reverse-SDE, sampler and likelihood tests.
inline Eigen::VectorXd mean2() { return (Eigen::VectorXd(2) << 1.0, -0.5).finished(); }
inline Eigen::MatrixXd cov2() { return (Eigen::MatrixXd(2, 2) << 0.5, 0.2, 0.2, 0.3).finished(); }

using ito::diffusion::ensemble;
using ito::diffusion::index_t;

template <class F>
struct gaussian_oracle {
  F sde;
  Eigen::VectorXd m;
  Eigen::MatrixXd C;
  mutable std::atomic<long> calls{0};

  gaussian_oracle(const F& f, Eigen::VectorXd mean, Eigen::MatrixXd cov) : sde(f), m(std::move(mean)), C(std::move(cov)) {}
  gaussian_oracle(const gaussian_oracle& o) : sde(o.sde), m(o.m), C(o.C) {}

  Eigen::VectorXd mean(double t) const { return sde.mean_coeff(t) * m.array() + sde.mean_offset(t); }
  Eigen::MatrixXd cov(double t) const {
    const double a = sde.mean_coeff(t), s = sde.std(t);
    Eigen::MatrixXd S = a * a * C;
    S.diagonal().array() += s * s;
    return S;
  }
  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) const {
    ++calls;
    const Eigen::LLT<Eigen::MatrixXd> llt(cov(double(t)));
    const Eigen::MatrixXd D = (X.template cast<double>().colwise() - mean(double(t)));
    out = (-llt.solve(D)).template cast<S>();
  }
  template <class S>
  void divergence(const ensemble<S>& X, S t, Eigen::Matrix<S, 1, Eigen::Dynamic>& div) const {
    const Eigen::MatrixXd P = cov(double(t)).inverse();
    div.setConstant(X.cols(), S(-P.trace()));
  }
  /// log-density of the marginal at time t for each column.
  Eigen::VectorXd logpdf(const Eigen::MatrixXd& X, double t) const {
    const Eigen::LLT<Eigen::MatrixXd> llt(cov(t));
    const Eigen::MatrixXd L = llt.matrixL();
    const double logdet = 2 * L.diagonal().array().log().sum();
    const Eigen::MatrixXd Z = L.triangularView<Eigen::Lower>().solve(X.colwise() - mean(t));
    const double d = double(X.rows());
    return (-0.5 * (Z.colwise().squaredNorm().array() + d * std::log(2 * std::numbers::pi) + logdet)).matrix().transpose();
  }
  /// n exact samples of the data law (t = 0).
  template <class Engine>
  Eigen::MatrixXd sample(index_t n, Engine& eng) const {
    boost::random::normal_distribution<double> normal;
    Eigen::MatrixXd Z(m.size(), n);
    for (index_t i = 0; i < Z.size(); ++i) Z.data()[i] = normal(eng);
    const Eigen::MatrixXd L = C.llt().matrixL();
    return (L * Z).colwise() + m;
  }
};

}  // namespace ito::test
