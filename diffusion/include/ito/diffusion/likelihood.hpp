#pragma once
/// \file likelihood.hpp
/// \brief Log-density of data under the probability-flow ODE (Song et al. 2021 app. D.2;
/// Chen et al. 2018, instantaneous change of variables):
///   log p_eps(x(eps)) = log p_T(x(T)) + int_eps^T div f~(x(t), t) dt,
///   f~ = f - 1/2 g^2 score,  div f~ = d drift_coeff(t) - 1/2 g(t)^2 div score,
/// integrating x and the divergence together from eps to T (Boost.Odeint dopri5,
/// rtol = atol = 1e-5 and eps = 1e-5 as score_sde's likelihood.py).
///
/// div score is exact for d <= exact_max_dim: the score's own divergence(X, t, div) if it
/// has one, else d central-difference Jacobian-vector products (2d columns per point in
/// one batched call). Above, Hutchinson's estimator E_v[v^T J v] with `probes` Rademacher
/// vectors per point, fixed along the trajectory (score_sde's hutchinson_type).

#include <chrono>
#include <cmath>
#include <string>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <ito/sde/brownian.hpp>

#include "any_score.hpp"
#include "forward_sde.hpp"
#include "probability_flow.hpp"
#include "score.hpp"

namespace ito::diffusion {

enum class divergence_method { automatic, exact, hutchinson };

struct likelihood_options {
  double eps = 1e-5;             ///< start time (the data are taken as x(eps))
  ode_options ode{};             ///< dopri5, rtol = atol = 1e-5 by default
  divergence_method method = divergence_method::automatic;
  index_t exact_max_dim = 8;       ///< automatic: exact up to this dimension, Hutchinson above
  index_t probes = 1;              ///< Hutchinson probes per point
  double fd_step = 1e-3;         ///< central-difference step, times max(1, s(t))
  std::uint64_t seed = 0;        ///< Hutchinson probes (per block)
  unsigned threads = 0;
  index_t block_size = 256;
  bool use_score_divergence = true;  ///< use score.divergence() when it exists
  void validate() const {
    ode.validate();
    detail::require(std::isfinite(eps) && eps >= 0, "eps", eps, ">= 0");
    detail::require(probes >= 1, "probes", probes, ">= 1");
    detail::require_positive("fd_step", fd_step);
    detail::require(block_size >= 1, "block_size", block_size, ">= 1");
  }
};

struct likelihood_result {
  vector_t<double> logp;       ///< log-density of each point (nats)
  vector_t<double> prior_logp; ///< log p_T(x(T)) of each point
  ensemble<double> latent;   ///< x(T), d x N (the latent code of each point)
  double mean_nll = 0;       ///< -mean(logp), nats per point
  double nfe = 0;            ///< score evaluations per point (columns / N)
  double seconds = 0;
  bool exact = true;         ///< exact divergence (false: Hutchinson)
};

/// Log-density of each column of X (d x N) under the probability-flow ODE of (f, score).
template <forward_sde F, class Score, class S = double>
likelihood_result log_likelihood(const F& f, const Score& score, const ensemble<S>& X,
                                 const likelihood_options& opt = {}) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const index_t d = X.rows(), n = X.cols();
  detail::require(d > 0 && n > 0, "data", std::to_string(d) + " x " + std::to_string(n), "a non-empty d x N matrix");
  detail::require(X.allFinite(), "data", "non-finite entry", "finite values");
  detail::require(opt.eps < f.T(), "eps", opt.eps, "< T");
  const bool exact = opt.method == divergence_method::exact ||
                     (opt.method == divergence_method::automatic && d <= opt.exact_max_dim);
  likelihood_result res;
  res.exact = exact;
  res.logp.resize(n);
  res.prior_logp.resize(n);
  res.latent.resize(d, n);
  auto body = [&](auto& sc, index_t b, index_t first, index_t cols) {
    using row = Eigen::Matrix<S, 1, Eigen::Dynamic>;
    // Hutchinson probes: Rademacher, fixed for the block's whole trajectory
    ensemble<S> V;
    if (!exact) {
      boost::random::mt19937_64 eng(sde::block_seed(opt.seed, std::uint64_t(b), 3));
      boost::random::bernoulli_distribution<> coin;
      V.resize(d, cols * opt.probes);
      for (index_t i = 0; i < V.size(); ++i) V.data()[i] = coin(eng) ? S(1) : S(-1);
    }
    ensemble<S> xs, s, P, SP;
    row div(cols);
    auto rhs = [&](const ensemble<S>& Y, S t, ensemble<S>& out) {
      const double td = double(t);
      xs = Y.topRows(d);
      out.resize(d + 1, cols);
      sc(xs, t, s);
      const double h = opt.fd_step * std::max(1.0, f.std(td));
      bool have_div = false;
      if constexpr (has_divergence<std::remove_cvref_t<decltype(*sc.score)>, S>) {
        if (exact && opt.use_score_divergence) {
          sc.score->divergence(xs, t, div);
          have_div = true;
        }
      }
      if (have_div) {
      } else if (exact) {  // d JVPs along the unit vectors, batched: columns [+e_0 .. +e_{d-1}, -e_0 ..]
        P.resize(d, 2 * d * cols);
        for (index_t i = 0; i < d; ++i) {
          P.middleCols(i * cols, cols) = xs;
          P.middleCols(i * cols, cols).row(i).array() += S(h);
          P.middleCols((d + i) * cols, cols) = xs;
          P.middleCols((d + i) * cols, cols).row(i).array() -= S(h);
        }
        sc(P, t, SP);
        div.setZero();
        for (index_t i = 0; i < d; ++i)
          div += (SP.middleCols(i * cols, cols).row(i) - SP.middleCols((d + i) * cols, cols).row(i)) / S(2 * h);
      } else {  // v^T (s(x + h v) - s(x - h v)) / 2h, averaged over the probes
        const index_t m = cols * opt.probes;
        P.resize(d, 2 * m);
        for (index_t k = 0; k < opt.probes; ++k) {
          P.middleCols(k * cols, cols) = xs + S(h) * V.middleCols(k * cols, cols);
          P.middleCols(m + k * cols, cols) = xs - S(h) * V.middleCols(k * cols, cols);
        }
        sc(P, t, SP);
        div.setZero();
        for (index_t k = 0; k < opt.probes; ++k)
          div += (V.middleCols(k * cols, cols).array() *
                  (SP.middleCols(k * cols, cols) - SP.middleCols(m + k * cols, cols)).array())
                     .colwise()
                     .sum()
                     .matrix() /
                 S(2 * h * double(opt.probes));
      }
      const S g = S(f.diffusion(td)), c = S(f.drift_coeff(td)), o = S(f.drift_offset(td));
      out.topRows(d).array() = c * xs.array() + o - S(0.5) * g * g * s.array();
      out.row(d).array() = S(double(d)) * c - S(0.5) * g * g * div.array();
    };
    ensemble<S> Y(d + 1, cols);
    Y.topRows(d) = X.middleCols(first, cols);
    Y.row(d).setZero();
    integrate_ode<S>(rhs, Y, opt.eps, f.T(), opt.ode, {}, [](index_t, double, const ensemble<S>&) {});
    const ensemble<S> xT = Y.topRows(d);
    const vector_t<S> lp = f.prior_logp(xT);
    res.latent.middleCols(first, cols) = xT.template cast<double>();
    for (index_t j = 0; j < cols; ++j) {
      res.prior_logp(first + j) = double(lp(j));
      res.logp(first + j) = double(lp(j)) + double(Y(d, j));
    }
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  res.mean_nll = -res.logp.mean();
  res.nfe = double(cnt.columns) / double(n);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

/// \brief The KL gap of a model on held-out data with a known density:
///   KL(p_data || p_model) = E_data[log p_data(x) - log p_model(x)]
///                         = mean model NLL - mean true NLL   (>= 0),
/// estimated on n test points x_j ~ p_data not used in training, from the per-point
/// differences (paired: the data's own spread of log p cancels), with its standard
/// error sd(diff)/sqrt(n). The model's log p is the probability-flow ODE's
/// (log_likelihood / model_log_likelihood: exact divergence for d <= 8).
struct kl_gap_estimate {
  double model_nll = 0;  ///< mean -log p_model over the test points (nats)
  double true_nll = 0;   ///< mean -log p_data over the same points (nats)
  double gap = 0;        ///< model_nll - true_nll (nats): the KL estimate
  double se = 0;         ///< its standard error
  index_t n = 0;
};

/// The KL gap from the model's and the true log-densities of the same test points.
inline kl_gap_estimate kl_gap(const vector_t<double>& model_logp, const vector_t<double>& true_logp) {
  detail::require(model_logp.size() == true_logp.size() && model_logp.size() >= 2, "log-densities",
                  std::to_string(model_logp.size()) + " vs " + std::to_string(true_logp.size()),
                  "the same test points (at least 2)");
  detail::require(model_logp.allFinite() && true_logp.allFinite(), "log-densities", "non-finite value",
                  "finite values");
  const vector_t<double> diff = true_logp - model_logp;
  kl_gap_estimate k;
  k.n = index_t(diff.size());
  k.model_nll = -model_logp.mean();
  k.true_nll = -true_logp.mean();
  k.gap = diff.mean();
  k.se = std::sqrt((diff.array() - k.gap).square().sum() / double(k.n - 1) / double(k.n));
  return k;
}

/// The likelihood for runtime_forward_sde and any_score<double>, compiled once in the library
/// (src/samplers.cpp).
extern template likelihood_result log_likelihood<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, const ensemble<double>&, const likelihood_options&);

}  // namespace ito::diffusion
