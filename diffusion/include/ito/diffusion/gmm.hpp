#pragma once
/// \file gmm.hpp
/// \brief Gaussian mixtures: density, log-density, score, sampling, the exact
/// marginal under any forward SDE, an oracle score, JSON load/save.
///
/// A mixture p(x) = sum_k w_k N(x; mu_k, Sigma_k) pushed through a forward SDE
/// with Gaussian transition q(x_t | x_0) = N(a x_0 + b, s^2 I) (seed 004,
/// sec. 3.1-3.2; seed 000 for the OU transition) is again a mixture:
///
///   p_t(x) = sum_k w_k N(x; a mu_k + b 1, a^2 Sigma_k + s^2 I),
///
/// because the convolution of two Gaussians is Gaussian. Its score
///
///   grad log p_t(x) = sum_k r_k(x) (-(C_k)^{-1} (x - m_k)),
///   r_k(x) = w_k N(x; m_k, C_k) / p_t(x)        (posterior responsibilities)
///
/// is therefore exact at every t: gmm_score plugs it into any sampler or the
/// probability-flow likelihood in place of a network ("oracle score",
/// DESIGN "Closed forms are first-class"). Tweedie's formula (seed 004, (TW))
/// is the same identity seen from the denoiser side.
///
/// Numerics: each covariance is factored once (Eigen LLT, C = L L^T); the
/// log-density of a batch is one triangular solve per component and a
/// log-sum-exp over components, so it is exact far in the tails where the
/// density itself underflows. Cost O(K d^2 N) per batch of N points.

#include <Eigen/Cholesky>
#include <boost/random/discrete_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json_fwd.hpp>  // gmm_from_json / gmm_to_json; src/gmm.cpp has the full header
#include <numbers>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ito/diffusion/atomic_file.hpp>
#include <ito/sde/brownian.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using ito::sde::ensemble;
using ito::sde::index_t;


/// \brief A Gaussian mixture sum_k w_k N(mu_k, Sigma_k) in R^d (double precision).
///
/// Invariants (checked by the constructor, ito::invalid_argument otherwise):
/// K >= 1 components; every weight finite and > 0, summing to 1 within 1e-9;
/// every mean of length d >= 1; every covariance d x d, finite, symmetric
/// (|S_ij - S_ji| <= 1e-9 max|S|) and positive definite (Cholesky succeeds).
class gaussian_mixture {
 public:
  using vec = ito::sde::vector_t<double>;
  using mat = ito::sde::matrix_t<double>;

  gaussian_mixture() = default;

  gaussian_mixture(std::vector<double> weights, std::vector<vec> means, std::vector<mat> covariances)
      : w_(std::move(weights)), mu_(std::move(means)), cov_(std::move(covariances)) {
    validate_and_factor();
  }

  index_t dim() const { return mu_.empty() ? 0 : mu_.front().size(); }
  index_t components() const { return static_cast<index_t>(w_.size()); }
  const std::vector<double>& weights() const { return w_; }
  const std::vector<vec>& means() const { return mu_; }
  const std::vector<mat>& covariances() const { return cov_; }

  /// Mean of the mixture: sum_k w_k mu_k.
  vec mean() const {
    vec m = vec::Zero(dim());
    for (index_t k = 0; k < components(); ++k) m += w_[k] * mu_[k];
    return m;
  }

  /// Covariance of the mixture: sum_k w_k (Sigma_k + mu_k mu_k^T) - m m^T.
  mat covariance() const {
    const vec m = mean();
    mat c = -m * m.transpose();
    for (index_t k = 0; k < components(); ++k) c += w_[k] * (cov_[k] + mu_[k] * mu_[k].transpose());
    return c;
  }

  /// \brief n independent samples (d x n). Same seed, same samples.
  /// Component k ~ Categorical(w), then mu_k + L_k xi, xi ~ N(0, I)
  /// (Boost mt19937_64 seeded by SplitMix64(seed), Boost ziggurat normals).
  ensemble<double> sample(index_t n, std::uint64_t seed) const {
    ito::detail::require(n >= 0, "n", n, "a sample count >= 0");
    boost::random::mt19937_64 engine(ito::sde::splitmix64(seed));
    boost::random::discrete_distribution<int, double> pick(w_.begin(), w_.end());
    boost::random::normal_distribution<double> normal;
    const index_t d = dim();
    ensemble<double> X(d, n);
    vec xi(d);
    for (index_t j = 0; j < n; ++j) {
      const int k = pick(engine);
      for (index_t i = 0; i < d; ++i) xi(i) = normal(engine);
      X.col(j) = mu_[k] + chol_[k].matrixL() * xi;
    }
    return X;
  }

  /// \brief log p(x) for each column of X (length N), via log-sum-exp.
  vec log_density(const ensemble<double>& X) const {
    check_batch(X);
    evaluate(X, nullptr);
    return lse_;
  }

  /// log p(x) of one point.
  double log_density(const vec& x) const { return log_density(ensemble<double>(x))(0); }

  /// p(x) for each column of X (exp of log_density; underflows to 0 far out).
  vec density(const ensemble<double>& X) const { return log_density(X).array().exp().matrix(); }

  /// \brief Score grad_x log p(x) for each column: out (d x N) = sum_k r_k (-(Sigma_k)^{-1}(x - mu_k)).
  void score(const ensemble<double>& X, ensemble<double>& out) const {
    check_batch(X);
    out.resize(X.rows(), X.cols());
    evaluate(X, &out);
  }

  ensemble<double> score(const ensemble<double>& X) const {
    ensemble<double> out;
    score(X, out);
    return out;
  }

  /// \brief Divergence of the score, i.e. the Laplacian of log p, for each column (length N):
  ///   div s = sum_k r_k (|g_k|^2 - tr Sigma_k^{-1}) - |s|^2,   g_k = -Sigma_k^{-1}(x - mu_k),
  /// from Hess log p = sum_k r_k (g_k g_k^T - Sigma_k^{-1}) - s s^T. Also writes the score.
  void score_divergence(const ensemble<double>& X, ensemble<double>& score,
                        Eigen::Matrix<double, 1, Eigen::Dynamic>& div) const {
    check_batch(X);
    score.resize(X.rows(), X.cols());
    div.resize(X.cols());
    evaluate(X, &score, &div);
  }

  /// Posterior responsibilities r_k(x) = w_k N_k(x) / p(x): K x N, columns sum to 1.
  ensemble<double> responsibilities(const ensemble<double>& X) const {
    check_batch(X);
    evaluate(X, nullptr);
    ensemble<double> r = logr_;
    for (index_t j = 0; j < r.cols(); ++j) r.col(j) = (r.col(j).array() - lse_(j)).exp().matrix();
    return r;
  }

 private:
  std::vector<double> w_;
  std::vector<vec> mu_;
  std::vector<mat> cov_;
  std::vector<Eigen::LLT<mat>> chol_;
  std::vector<double> log_norm_;  // log w_k - 1/2 log det(2 pi Sigma_k)
  std::vector<double> trace_inv_;  // tr Sigma_k^{-1}
  // scratch (mutable: evaluation is logically const; not thread-safe to share one object)
  mutable ensemble<double> logr_, z_;
  mutable vec lse_;

  static std::string bracket(std::size_t k) {  // "[k]" (appends: avoids a GCC 12 -Wrestrict false positive)
    std::string s(1, '[');
    s += std::to_string(k);
    s += ']';
    return s;
  }

  void validate_and_factor() {
    using ito::detail::require;
    const auto K = w_.size();
    require(K >= 1, "gmm weights", K, "at least one component");
    require(mu_.size() == K, "gmm means", mu_.size(), "one mean per weight (" + std::to_string(K) + ")");
    require(cov_.size() == K, "gmm covariances", cov_.size(),
            "one covariance per weight (" + std::to_string(K) + ")");
    const index_t d = mu_[0].size();
    require(d >= 1, "gmm means[0] length", d, "dimension >= 1");
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const std::string at = bracket(k);
      require(std::isfinite(w_[k]) && w_[k] > 0, "gmm weights" + at, w_[k], "a finite weight > 0");
      sum += w_[k];
      require(mu_[k].size() == d, "gmm means" + at + " length", mu_[k].size(),
              "the dimension of means[0] (" + std::to_string(d) + ")");
      require(mu_[k].allFinite(), "gmm means" + at, mu_[k].transpose(), "finite entries");
      const mat& C = cov_[k];
      require(C.rows() == d && C.cols() == d, "gmm covariances" + at + " shape",
              std::to_string(C.rows()) + "x" + std::to_string(C.cols()),
              "d x d with d = " + std::to_string(d));
      require(C.allFinite(), "gmm covariances" + at, C, "finite entries");
      const double scale = C.cwiseAbs().maxCoeff();
      require((C - C.transpose()).cwiseAbs().maxCoeff() <= 1e-9 * scale, "gmm covariances" + at, C,
              "a symmetric matrix");
    }
    require(std::abs(sum - 1.0) <= 1e-9, "sum of gmm weights", sum, "1 (within 1e-9)");
    chol_.clear();
    log_norm_.clear();
    trace_inv_.clear();
    for (std::size_t k = 0; k < K; ++k) {
      Eigen::LLT<mat> llt(cov_[k]);
      const std::string at = bracket(k);
      require(llt.info() == Eigen::Success && llt.matrixLLT().diagonal().minCoeff() > 0,
              "gmm covariances" + at, cov_[k], "a positive definite matrix");
      const double half_logdet = llt.matrixLLT().diagonal().array().log().sum();
      log_norm_.push_back(std::log(w_[k]) - half_logdet -
                          0.5 * static_cast<double>(d) * std::log(2 * std::numbers::pi));
      trace_inv_.push_back(llt.solve(mat::Identity(d, d)).trace());
      chol_.push_back(std::move(llt));
    }
  }

  void check_batch(const ensemble<double>& X) const {
    ito::detail::require(X.rows() == dim(), "points rows", X.rows(),
                         "the mixture dimension " + std::to_string(dim()));
  }

  // Fills logr_ (K x N: log w_k N_k(x_j)) and lse_ (N: log p(x_j)); if score
  // is non-null also the score (d x N), if div is non-null (needs score) its divergence.
  void evaluate(const ensemble<double>& X, ensemble<double>* score,
                Eigen::Matrix<double, 1, Eigen::Dynamic>* div = nullptr) const {
    const index_t K = components(), N = X.cols();
    logr_.resize(K, N);
    for (index_t k = 0; k < K; ++k) {
      z_ = X.colwise() - mu_[k];
      chol_[k].matrixL().solveInPlace(z_);  // z = L^{-1}(x - mu)
      logr_.row(k) = (log_norm_[k] - 0.5 * z_.colwise().squaredNorm().array()).matrix();
    }
    lse_.resize(N);
    for (index_t j = 0; j < N; ++j) {
      const double m = logr_.col(j).maxCoeff();
      lse_(j) = std::isfinite(m) ? m + std::log((logr_.col(j).array() - m).exp().sum()) : m;
    }
    if (!score) return;
    score->setZero();
    if (div) div->setZero();
    for (index_t k = 0; k < K; ++k) {
      z_ = X.colwise() - mu_[k];
      chol_[k].solveInPlace(z_);  // Sigma^{-1}(x - mu) = -g_k
      const Eigen::Array<double, 1, Eigen::Dynamic> r = (logr_.row(k) - lse_.transpose()).array().exp();
      score->array() -= z_.array().rowwise() * r;
      if (div) div->array() += r * (z_.colwise().squaredNorm().array() - trace_inv_[k]);
    }
    if (div) div->array() -= score->colwise().squaredNorm().array();
  }
};

/// \brief The mixture of a_t x_0 + b_t + s_t z for x_0 ~ g, z ~ N(0, I):
/// means a mu_k + b 1, covariances a^2 Sigma_k + s^2 I (the marginal p_t of a
/// forward SDE with q(x_t|x_0) = N(a x_0 + b, s^2 I)).
gaussian_mixture diffuse(const gaussian_mixture& g, double a, double b, double s);

/// \brief Exact score of the marginal p_t of a Gaussian-mixture data set
/// under a forward SDE: a score callable score(X, t, out) for every t.
///
/// `SDE` needs mean_coeff(t), mean_offset(t), std(t) (the forward-SDE
/// interface). The diffused mixture is rebuilt when t changes (K Cholesky
/// factorisations of d x d) and cached, so a batch costs O(K d^2 N).
/// Works for any floating scalar type (computes in double). Not safe to share
/// one object between threads (it caches); copy it per thread.
template <class SDE>
class gmm_score {
 public:
  gmm_score(gaussian_mixture data, SDE sde) : data_(std::move(data)), sde_(std::move(sde)) {}

  const gaussian_mixture& data() const { return data_; }
  const SDE& sde() const { return sde_; }

  /// The marginal mixture p_t.
  const gaussian_mixture& marginal(double t) const {
    if (!(cached_ && t == t_)) {
      pt_ = diffuse(data_, sde_.mean_coeff(t), sde_.mean_offset(t), sde_.std(t));
      t_ = t;
      cached_ = true;
    }
    return pt_;
  }

  /// out (d x N) = grad_x log p_t(X).
  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) const {
    const gaussian_mixture& pt = marginal(static_cast<double>(t));
    ++evals_;
    if constexpr (std::is_same_v<S, double>) {
      pt.score(X, out);
    } else {
      pt.score(X.template cast<double>(), tmp_);
      out = tmp_.template cast<S>();
    }
  }

  /// div (1 x N) = Laplacian of log p_t at X (exact; used by the likelihood instead of
  /// finite differences, see score.hpp's has_divergence).
  template <class S>
  void divergence(const ensemble<S>& X, S t, Eigen::Matrix<S, 1, Eigen::Dynamic>& div) const {
    const gaussian_mixture& pt = marginal(static_cast<double>(t));
    ++evals_;
    Eigen::Matrix<double, 1, Eigen::Dynamic> d;
    pt.score_divergence(X.template cast<double>(), tmp_, d);
    div = d.template cast<S>();
  }

  /// Number of batch evaluations so far (score or divergence).
  std::uint64_t evaluations() const { return evals_; }
  /// The data dimension d (sample() then needs no d).
  index_t dim() const { return data_.dim(); }

 private:
  gaussian_mixture data_;
  SDE sde_;
  mutable gaussian_mixture pt_;
  mutable double t_ = 0;
  mutable bool cached_ = false;
  mutable ensemble<double> tmp_;
  mutable std::uint64_t evals_ = 0;
};

// ---- JSON --------------------------------------------------------------------

/// \brief Parse a mixture from JSON {"weights": [...], "means": [[...]],
/// "covariances": [[[...]]]}. `source` names the file in error messages.
/// Throws ito::format_error naming the key and index of a bad entry, and
/// ito::invalid_argument (prefixed with the source) for an invalid mixture.
gaussian_mixture gmm_from_json(const nlohmann::json& j, const std::string& source = "<json>");

/// The JSON form of a mixture (the inverse of gmm_from_json).
nlohmann::json gmm_to_json(const gaussian_mixture& g);

/// \brief Load a mixture from a JSON file. ito::io_error if it cannot be read,
/// ito::format_error (naming the file and the key/index, or the JSON parse
/// position) for bad content.
gaussian_mixture load_gmm(const std::string& path);

/// Save a mixture as JSON (atomic: path.tmp then rename).
void save_gmm(const std::string& path, const gaussian_mixture& g);

}  // namespace ito::diffusion
