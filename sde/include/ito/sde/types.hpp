#pragma once
/// \file types.hpp
/// \brief Ensemble layout: a d x N Eigen matrix, one path per column.

#include <Eigen/Core>
#include <cstdint>

namespace ito::sde {

using index_t = Eigen::Index;

/// State of an ensemble: d x N, column-major, one path per column.
template <class Scalar = double>
using ensemble = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// A column vector (one state, a mean, ...).
template <class Scalar = double>
using vector_t = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

/// A dense matrix (covariance, diffusion matrix, ...).
template <class Scalar = double>
using matrix_t = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// The kind of noise term g dW of a problem.
///  - additive: g(t) is a d x m matrix independent of X;
///  - diagonal: g(X, t) is d x N, component i driven by its own W_i (m = d);
///  - scalar:   g(X, t) is d x N, every component driven by the same W (m = 1);
///  - general:  g(X, t) is a d x m matrix per path, stored as (d*m) x N
///              (column-major d x m blocks, one per path).
enum class noise_kind { additive, diagonal, scalar, general };

/// Itô (default) or Stratonovich interpretation of the stochastic integral.
enum class calculus { ito, stratonovich };

constexpr const char* to_string(noise_kind k) {
  switch (k) {
    case noise_kind::additive: return "additive";
    case noise_kind::diagonal: return "diagonal";
    case noise_kind::scalar: return "scalar";
    case noise_kind::general: return "general";
  }
  return "?";
}

}  // namespace ito::sde
