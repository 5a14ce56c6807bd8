#pragma once
/// \file quality.hpp
/// \brief Honest sample quality against a known distribution: the sliced W1 of n
/// samples to a large exact reference, beside the distribution of the same
/// statistic for exact draws of the same size n (the floor), reported as the ratio
/// to the floor's mean and z = (SW1 - mean)/sd; the weights of hard assignment to
/// the mixture's components with their own floor; and the paired distance of a
/// solver's output to a converged solution from the same prior noise.
///
/// Why: a single data-vs-data draw as "the floor" has a spread of about +-30 % at
/// n = 5000, so "within 1.2x of the floor" cannot separate a good sampler from a
/// bad one. Here the floor is a distribution: R exact draws of size n (default 30),
/// each scored against the same reference (m >= 200000 exact draws, fixed
/// directions), give its mean and standard deviation. A sampler is
/// indistinguishable from exact sampling at this n when |z| is within a few units
/// (the statistic is a mean over many directions, close to normal; z = 3 is far in
/// the tail of R = 30 exact draws). All draws are seeded: the floor is a pure
/// function of (mixture, n, options).
///
/// Sliced W1 (metrics.hpp): the mean over P directions (uniform on the sphere,
/// seeded) of the exact 1-D W1 of the projections. The reference's projections are
/// sorted once per direction, so each further set costs P sorts of n numbers.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <ito/sde/error.hpp>
#include <ito/sde/parallel.hpp>
#include <ito/sde/random/philox.hpp>

#include "gmm.hpp"
#include "metrics.hpp"

namespace ito::diffusion {

/// Options of the quality measurement (one set of defaults for library and program).
struct quality_options {
  index_t reference_size = 200000;  ///< m: exact draws of the reference
  index_t floor_draws = 30;         ///< R: exact draws of size n that make the floor
  index_t projections = 100;        ///< P: sliced-W1 directions
  std::uint64_t seed = 0;           ///< seeds the directions, the reference and the floor draws
  unsigned threads = 0;             ///< 0 = all cores (results do not depend on it)

  void validate() const {
    ito::detail::require(reference_size >= 1000, "reference_size", reference_size, ">= 1000");
    ito::detail::require(floor_draws >= 5, "floor_draws", floor_draws, ">= 5");
    ito::detail::require(projections >= 1, "projections", projections, ">= 1");
  }
};

/// A reference set's projections along fixed unit directions, each sorted: the
/// sliced W1 of any other set to it costs P sorts of that set.
class sliced_reference {
 public:
  sliced_reference(const ensemble<double>& R, ensemble<double> directions, unsigned threads = 0)
      : dirs_(std::move(directions)), sorted_(static_cast<std::size_t>(dirs_.cols())) {
    ito::detail::require(R.rows() == dirs_.rows() && R.cols() >= 2, "reference shape",
                         std::to_string(R.rows()) + "x" + std::to_string(R.cols()),
                         "d x m with the directions' d and m >= 2");
    ito::detail::require(R.allFinite(), "reference", "non-finite value", "finite values only");
    ito::parallel_for(dirs_.cols(), threads, [&](std::int64_t p, unsigned) {
      auto& v = sorted_[std::size_t(p)];
      v.resize(std::size_t(R.cols()));
      Eigen::Map<Eigen::RowVectorXd>(v.data(), R.cols()).noalias() = dirs_.col(p).transpose() * R;
      std::sort(v.begin(), v.end());
    });
  }

  index_t dim() const { return dirs_.rows(); }
  index_t projections() const { return dirs_.cols(); }
  index_t size() const { return index_t(sorted_.empty() ? 0 : sorted_.front().size()); }

  /// Sliced W1 of A (d x n) to the reference (single-threaded; call it from parallel loops).
  double sw1(const ensemble<double>& A) const {
    ito::detail::require(A.rows() == dim() && A.cols() >= 2, "sample shape",
                         std::to_string(A.rows()) + "x" + std::to_string(A.cols()),
                         "d x n with d = " + std::to_string(dim()) + " and n >= 2");
    ito::detail::require(A.allFinite(), "samples", "non-finite value", "finite values only");
    std::vector<double> a(std::size_t(A.cols()));
    double total = 0;
    for (index_t p = 0; p < dirs_.cols(); ++p) {
      Eigen::Map<Eigen::RowVectorXd>(a.data(), A.cols()).noalias() = dirs_.col(p).transpose() * A;
      std::sort(a.begin(), a.end());
      total += wasserstein1_sorted(a, sorted_[std::size_t(p)]);
    }
    return total / double(dirs_.cols());
  }

 private:
  ensemble<double> dirs_;
  std::vector<std::vector<double>> sorted_;
};

/// The floor: the statistic's values for R exact draws of size n, their mean and sd.
struct sw1_floor {
  index_t n = 0;
  std::vector<double> values;
  double mean = 0, sd = 0;
};

/// The fractions of samples whose most likely component (hard assignment under the
/// mixture itself, argmax of the posterior responsibilities) is k.
inline std::vector<double> hard_assignment_weights(const gaussian_mixture& g, const ensemble<double>& A) {
  ito::detail::require(A.rows() == g.dim(), "sample dimension", A.rows(), "the mixture's dimension " + std::to_string(g.dim()));
  std::vector<double> w(std::size_t(g.components()), 0.0);
  const index_t chunk = 4096;
  for (index_t first = 0; first < A.cols(); first += chunk) {
    const index_t cols = std::min(chunk, A.cols() - first);
    const ensemble<double> R = g.responsibilities(A.middleCols(first, cols));
    for (index_t j = 0; j < cols; ++j) {
      index_t k = 0;
      R.col(j).maxCoeff(&k);
      w[std::size_t(k)] += 1.0;
    }
  }
  for (double& v : w) v /= double(A.cols());
  return w;
}

/// What assess() reports.
struct quality_report {
  index_t n = 0;                     ///< samples assessed
  double sw1 = 0;                    ///< SW1 to the reference
  double floor_mean = 0, floor_sd = 0;
  double ratio = 0;                  ///< sw1 / floor_mean
  double z = 0;                      ///< (sw1 - floor_mean) / floor_sd
  index_t floor_draws = 0, reference_size = 0, projections = 0;
  std::vector<double> weights;       ///< hard-assignment fractions of the samples
  std::vector<double> weights_floor_mean, weights_floor_sd, weights_z;  ///< the same for exact draws
  double weights_max_abs_z = 0;
};

/// \brief The judge of samples of an exact Gaussian mixture at sample size n: builds
/// the reference (m exact draws) and the floor (R exact draws of size n) once, then
/// assesses any number of sample sets of size n.
class mixture_judge {
 public:
  mixture_judge(gaussian_mixture g, index_t n, quality_options o = {})
      : g_(std::move(g)), n_(n), o_(o),
        ref_(g_.sample(o.reference_size, ito::sde::splitmix64(o.seed ^ 0x5EF5EF5EFull)),
             random_directions(g_.dim(), o.projections, o.seed), o.threads) {
    o_.validate();
    ito::detail::require(n >= 2, "n", n, ">= 2");
    const std::size_t R = std::size_t(o_.floor_draws), K = std::size_t(g_.components());
    floor_.n = n;
    floor_.values.assign(R, 0.0);
    std::vector<std::vector<double>> w(R);
    ito::parallel_for(std::int64_t(R), o_.threads, [&](std::int64_t r, unsigned) {
      const gaussian_mixture g = g_;  // the mixture keeps scratch space: one copy per task
      const ensemble<double> X = g.sample(n_, ito::sde::splitmix64(o_.seed + 1 + std::uint64_t(r)));
      floor_.values[std::size_t(r)] = ref_.sw1(X);
      w[std::size_t(r)] = hard_assignment_weights(g, X);
    });
    floor_.mean = mean(floor_.values);
    floor_.sd = sd(floor_.values, floor_.mean);
    wmean_.assign(K, 0.0);
    wsd_.assign(K, 0.0);
    for (std::size_t k = 0; k < K; ++k) {
      std::vector<double> v(R);
      for (std::size_t r = 0; r < R; ++r) v[r] = w[r][k];
      wmean_[k] = mean(v);
      wsd_[k] = sd(v, wmean_[k]);
    }
  }

  const sw1_floor& floor() const { return floor_; }
  const sliced_reference& reference() const { return ref_; }
  const gaussian_mixture& mixture() const { return g_; }
  index_t n() const { return n_; }

  /// The report for samples A (d x n, n equal to the judge's n).
  quality_report assess(const ensemble<double>& A) const {
    ito::detail::require(A.cols() == n_, "sample count", A.cols(),
                         "the n the floor was made for (" + std::to_string(n_) + ")");
    quality_report q;
    q.n = n_;
    q.sw1 = ref_.sw1(A);
    q.floor_mean = floor_.mean;
    q.floor_sd = floor_.sd;
    q.ratio = q.sw1 / floor_.mean;
    q.z = floor_.sd > 0 ? (q.sw1 - floor_.mean) / floor_.sd : 0.0;
    q.floor_draws = o_.floor_draws;
    q.reference_size = o_.reference_size;
    q.projections = o_.projections;
    q.weights = hard_assignment_weights(g_, A);
    q.weights_floor_mean = wmean_;
    q.weights_floor_sd = wsd_;
    for (std::size_t k = 0; k < q.weights.size(); ++k) {
      // the floor's sd, or the binomial sd if all R draws agreed
      const double s = std::max(wsd_[k], std::sqrt(wmean_[k] * (1 - wmean_[k]) / double(n_)));
      q.weights_z.push_back(s > 0 ? (q.weights[k] - wmean_[k]) / s : 0.0);
      q.weights_max_abs_z = std::max(q.weights_max_abs_z, std::abs(q.weights_z.back()));
    }
    return q;
  }

 private:
  static double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
  }
  static double sd(const std::vector<double>& v, double m) {
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
  }

  gaussian_mixture g_;
  index_t n_;
  quality_options o_;
  sliced_reference ref_;
  sw1_floor floor_;
  std::vector<double> wmean_, wsd_;
};

/// The paired distance of a solver's samples A to a converged solution B from the same
/// prior noise (column j of both started from the same draw): the solver's own error,
/// free of sampling noise.
struct paired_distance {
  double rms = 0;   ///< sqrt(mean_j |A_j - B_j|^2)
  double max = 0;   ///< max_j |A_j - B_j|
};

inline paired_distance paired_error(const ensemble<double>& A, const ensemble<double>& B) {
  ito::detail::require(A.rows() == B.rows() && A.cols() == B.cols() && A.cols() >= 1, "paired sets",
                       std::to_string(A.rows()) + "x" + std::to_string(A.cols()) + " vs " + std::to_string(B.rows()) +
                           "x" + std::to_string(B.cols()),
                       "the same shape (the same paths)");
  const Eigen::RowVectorXd d = (A - B).colwise().norm();
  return {std::sqrt(d.squaredNorm() / double(d.size())), d.maxCoeff()};
}

}  // namespace ito::diffusion
