#pragma once
/// \file adam.hpp
/// \brief Adam with bias correction, global gradient-norm clipping and linear
/// learning-rate warm-up (Kingma & Ba 2015), and an exponential moving average
/// of the weights (the EMA weights are the ones used for sampling).
///
/// Both work on a flat parameter vector (mlp::params()).
///   g     <- g * min(1, clip / ||g||)                  (if clip > 0)
///   m     <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2
///   lr_n  =  lr min(1, n / warmup)                     (n = 1, 2, ... this step)
///   theta <- theta - lr_n (m / (1 - b1^n)) / (sqrt(v / (1 - b2^n)) + eps)
///   ema   <- mu ema + (1 - mu) theta,  mu = min(decay, (1 + n) / (10 + n))

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include <ito/sde/error.hpp>

namespace ito::diffusion::nn {

/// Options of adam (defaults are the usual ones; lr 1e-3 suits the MLP).
struct adam_options {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double clip_norm = 1.0;     ///< global gradient-norm clip; 0 disables
  std::int64_t warmup = 100;  ///< steps of linear learning-rate warm-up; 0 disables

  void check() const {
    ito::detail::require_positive("lr", lr);
    ito::detail::require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "a number in [0, 1)");
    ito::detail::require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "a number in [0, 1)");
    ito::detail::require_positive("eps", eps);
    ito::detail::require(std::isfinite(clip_norm) && clip_norm >= 0, "clip_norm", clip_norm, "a finite number >= 0");
    ito::detail::require(warmup >= 0, "warmup", warmup, "an integer >= 0");
  }
};

template <class S = float>
class adam {
 public:
  using vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;

  adam() = default;
  adam(Eigen::Index n, const adam_options& o) : opt_(o), m_(vector::Zero(n)), v_(vector::Zero(n)) { o.check(); }

  const adam_options& options() const { return opt_; }
  void set_options(const adam_options& o) {
    o.check();
    opt_ = o;
  }
  std::int64_t steps() const { return n_; }
  vector& m() { return m_; }
  vector& v() { return v_; }
  const vector& m() const { return m_; }
  const vector& v() const { return v_; }
  void set_steps(std::int64_t n) { n_ = n; }

  /// Learning rate used by step number n (1-based).
  double lr_at(std::int64_t n) const {
    return opt_.warmup > 0 ? opt_.lr * std::min(1.0, static_cast<double>(n) / static_cast<double>(opt_.warmup))
                           : opt_.lr;
  }

  /// One update of theta from grad (grad is not modified). Returns ||grad|| before clipping.
  double step(vector& theta, const vector& grad) {
    ito::detail::require(theta.size() == m_.size() && grad.size() == m_.size(), "theta.size()", theta.size(),
                         "the optimizer's parameter count " + std::to_string(m_.size()));
    const double norm = static_cast<double>(grad.norm());
    ito::detail::require(std::isfinite(norm), "gradient norm", norm, "a finite number (the loss diverged)");
    const S scale = static_cast<S>(opt_.clip_norm > 0 && norm > opt_.clip_norm ? opt_.clip_norm / norm : 1.0);
    ++n_;
    const S b1 = static_cast<S>(opt_.beta1), b2 = static_cast<S>(opt_.beta2);
    m_ = b1 * m_ + ((S(1) - b1) * scale) * grad;
    v_ = b2 * v_ + ((S(1) - b2) * scale * scale) * grad.cwiseAbs2();
    const double c1 = 1 - std::pow(opt_.beta1, static_cast<double>(n_));
    const double c2 = 1 - std::pow(opt_.beta2, static_cast<double>(n_));
    const S a = static_cast<S>(lr_at(n_) / c1);
    const S inv_c2 = static_cast<S>(1 / c2);
    theta.array() -= a * m_.array() / ((v_.array() * inv_c2).sqrt() + static_cast<S>(opt_.eps));
    return norm;
  }

 private:
  adam_options opt_;
  vector m_, v_;
  std::int64_t n_ = 0;
};

/// Exponential moving average of the weights, with the usual warm-up of the decay.
template <class S = float>
class ema {
 public:
  using vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
  ema() = default;
  ema(const vector& theta, double decay) : w_(theta), decay_(decay) {
    ito::detail::require(decay >= 0 && decay < 1, "ema", decay, "a decay in [0, 1)");
  }
  /// Fold in theta after optimizer step n (1-based).
  void update(const vector& theta, std::int64_t n) {
    const S mu = static_cast<S>(std::min(decay_, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n))));
    w_ = mu * w_ + (S(1) - mu) * theta;
  }
  double decay() const { return decay_; }
  vector& weights() { return w_; }
  const vector& weights() const { return w_; }

 private:
  vector w_;
  double decay_ = 0.999;
};

}  // namespace ito::diffusion::nn
