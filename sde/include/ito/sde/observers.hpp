#pragma once
/// \file observers.hpp
/// \brief Running moments of an ensemble (Welford/Chan), mergeable in a fixed order.
///
/// A block's mean and scatter matrix M2 = sum (x - mean)(x - mean)^T are
/// computed by two passes over the block, then blocks are merged with Chan,
/// Golub & LeVeque's pairwise update
///   n = na + nb, delta = mb - ma, m = ma + delta nb / n,
///   M2 = M2a + M2b + delta delta^T na nb / n.
/// Merging in block order makes the result independent of the thread count.
/// Accumulation is in double whatever the ensemble's scalar type.

#include <Eigen/Core>
#include <cmath>

#include "error.hpp"
#include "types.hpp"

namespace ito::sde {

struct running_moments {
  index_t count = 0;
  Eigen::VectorXd mean;
  Eigen::MatrixXd m2;  ///< scatter matrix: sum of outer products of deviations

  index_t dim() const { return mean.size(); }

  /// Moments of the columns of x (one sample per column).
  template <class Derived>
  static running_moments of(const Eigen::MatrixBase<Derived>& x) {
    running_moments r;
    r.count = x.cols();
    const Eigen::MatrixXd xd = x.template cast<double>();
    r.mean = xd.rowwise().mean();
    const Eigen::MatrixXd c = xd.colwise() - r.mean;
    r.m2.noalias() = c * c.transpose();
    return r;
  }

  /// Add the samples (columns) of x.
  template <class Derived>
  void add(const Eigen::MatrixBase<Derived>& x) {
    merge(of(x));
  }

  /// Merge another set of moments (Chan et al. 1979).
  void merge(const running_moments& o) {
    if (o.count == 0) return;
    if (count == 0) {
      *this = o;
      return;
    }
    detail::require(o.dim() == dim(), "moments dimension", o.dim(), "the same as " + std::to_string(dim()));
    const double na = double(count), nb = double(o.count), n = na + nb;
    const Eigen::VectorXd delta = o.mean - mean;
    mean += delta * (nb / n);
    m2 += o.m2 + delta * delta.transpose() * (na * nb / n);
    count += o.count;
  }

  /// Unbiased covariance matrix (d x d).
  Eigen::MatrixXd covariance() const { return count > 1 ? Eigen::MatrixXd(m2 / double(count - 1)) : Eigen::MatrixXd::Zero(dim(), dim()); }
  /// Unbiased variance per component.
  Eigen::VectorXd variance() const { return covariance().diagonal(); }
  /// Standard error of the mean per component: sqrt(var / n).
  Eigen::VectorXd mean_stderr() const { return (variance() / double(count)).cwiseSqrt(); }
};

}  // namespace ito::sde
