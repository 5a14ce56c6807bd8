#pragma once
/// \file train.hpp
/// \brief Denoising score matching for any forward SDE (seed 004 sections 2.3 and 3.2;
/// seed 003 for the simplified eps objective; seed 000 eq. (3) for the weights lambda).
///
/// One step draws a minibatch x_0 from the training data, t ~ U(eps, T),
/// z ~ N(0, I), and x_t = m(t) x_0 + o(t) + s(t) z from the exact marginal of the
/// forward SDE (m = mean_coeff, o = mean_offset, s = std). The network output is
/// read as one of (prediction):
///   eps   : eps_theta ~ z,          score = -eps_theta / s
///   score : s_theta   ~ grad log p, score = s_theta
///   x0    : x0_theta  ~ x_0,        score = (m x0_theta + o - x) / s^2
///   v     : v_theta   ~ m z - s x_0 (Salimans & Ho 2022), score = -(s (x - o) + m v_theta) / ((m^2 + s^2) s)
/// and the loss is the denoising score matching objective
///   E[ lambda(t) || score_theta(x_t, t) - grad log q(x_t | x_0) ||^2 ],
///   grad log q(x_t | x_0) = -z / s,
/// written in the network's own units:
///   weighting::simple     : eps -> ||eps_theta - z||^2 (seed 003, lambda = s^2),
///                           score -> s^2 ||s_theta + z/s||^2 (lambda = s^2, seed 004 2.3),
///                           x0 -> ||x0_theta - x_0||^2, v -> ||v_theta - v||^2;
///   weighting::likelihood : lambda = g(t)^2 (Song et al. 2021, "maximum likelihood
///                           training"): eps -> g^2/s^2 ||.||^2, score -> g^2 ||.||^2,
///                           x0 -> g^2 m^2 / s^4 ||.||^2, v -> g^2 m^2 / ((m^2 + s^2)^2 s^2) ||.||^2.
/// The loss is averaged over the batch and the d coordinates (like PyTorch's MSE).
///
/// The trained network plugs into every sampler as a score through network_score
/// (it converts with the formulas above and also gives the exact divergence of the
/// score for the probability-flow likelihood).

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/nn/adam.hpp>
#include <ito/diffusion/nn/mlp.hpp>
#include <ito/diffusion/parametrization.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/random/normal.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using ito::sde::ensemble;
using ito::sde::index_t;

/// The weight lambda(t) of the score matching loss.
enum class loss_weighting { simple, likelihood };

inline const char* to_string(loss_weighting w) { return w == loss_weighting::simple ? "simple" : "likelihood"; }

inline loss_weighting parse_loss_weighting(const std::string& s) {
  if (s == "simple") return loss_weighting::simple;
  if (s == "likelihood") return loss_weighting::likelihood;
  throw ito::invalid_argument("weighting = " + s + ": expected simple or likelihood");
}

/// The network as a score: score(X, t, out) on a d x N ensemble (any scalar type), plus
/// divergence(X, t, div) = tr d score / d x per column, exact (forward mode).
/// Both are const (a const network_score can be called) but use scratch buffers held
/// in the object: one object must not be called from two threads at once (the
/// samplers and the likelihood give each worker thread its own copy).
template <class SDE, class S = float>
class network_score {
 public:
  network_score(SDE sde, nn::mlp<S> net, prediction kind) : sde_(std::move(sde)), net_(std::move(net)), kind_(kind) {}

  /// The data dimension d (sample() and the likelihood read it from here).
  index_t dim() const { return net_.dim(); }

  template <class T>
  void operator()(const ensemble<T>& X, T t, ensemble<T>& out) const {
    xs_ = X.template cast<S>();
    net_(xs_, static_cast<S>(t), y_);
    const double a = sde_.mean_coeff(t), b = sde_.mean_offset(t), s = sde_.std(t), r2 = a * a + s * s;
    out.resize(X.rows(), X.cols());
    switch (kind_) {
      case prediction::eps: out = y_.template cast<T>() * static_cast<T>(-1.0 / s); break;
      case prediction::score: out = y_.template cast<T>(); break;
      case prediction::x0:  // score = (a x0 + b - x) / s^2
        out = ((y_.template cast<T>() * static_cast<T>(a)).array() + static_cast<T>(b) - X.array()) *
              static_cast<T>(1.0 / (s * s));
        break;
      case prediction::v:  // eps = (s (x - b) + a v) / (a^2 + s^2), score = -eps / s
        out = ((X.array() - static_cast<T>(b)) * static_cast<T>(s) + y_.template cast<T>().array() * static_cast<T>(a)) *
              static_cast<T>(-1.0 / (r2 * s));
        break;
    }
  }

  template <class T>
  void divergence(const ensemble<T>& X, T t, Eigen::Matrix<T, 1, Eigen::Dynamic>& div) const {
    xs_ = X.template cast<S>();
    net_.divergence(xs_, static_cast<S>(t), dv_);
    const double a = sde_.mean_coeff(t), s = sde_.std(t), r2 = a * a + s * s;
    const T d = static_cast<T>(X.rows());
    switch (kind_) {
      case prediction::eps: div = dv_.template cast<T>() * static_cast<T>(-1.0 / s); break;
      case prediction::score: div = dv_.template cast<T>(); break;
      case prediction::x0:
        div = ((dv_.template cast<T>() * static_cast<T>(a)).array() - d) * static_cast<T>(1.0 / (s * s));
        break;
      case prediction::v:
        div = ((dv_.template cast<T>() * static_cast<T>(a)).array() + d * static_cast<T>(s)) *
              static_cast<T>(-1.0 / (r2 * s));
        break;
    }
  }

  nn::mlp<S>& network() { return net_; }
  const nn::mlp<S>& network() const { return net_; }
  const SDE& sde() const { return sde_; }
  prediction kind() const { return kind_; }

 private:
  SDE sde_;
  mutable nn::mlp<S> net_;  // scratch workspaces: evaluation does not change the weights
  prediction kind_;
  mutable typename nn::mlp<S>::matrix xs_, y_;
  mutable typename nn::mlp<S>::row_vector dv_;
};

/// The sampling model stored in a checkpoint: its EMA weights as a score for `sde`.
template <class SDE, class S = float>
network_score<SDE, S> network_score_from_checkpoint(SDE sde, const checkpoint& c, unsigned threads = 1) {
  nn::mlp<S> net(c.arch, threads);
  for (index_t i = 0; i < net.frequencies().size(); ++i) net.frequencies()(i) = static_cast<S>(c.frequencies[static_cast<std::size_t>(i)]);
  for (index_t i = 0; i < net.x_frequencies().size(); ++i)
    net.x_frequencies().data()[i] = static_cast<S>(c.x_frequencies[static_cast<std::size_t>(i)]);
  for (index_t i = 0; i < net.num_params(); ++i) net.params()(i) = static_cast<S>(c.ema[static_cast<std::size_t>(i)]);
  return network_score<SDE, S>(std::move(sde), std::move(net), parse_prediction(c.prediction));
}

/// Options of denoising score matching training. These defaults are the `ito train`
/// defaults (the program reads them from here).
struct train_options {
  nn::mlp_config arch;                       ///< arch.dim is set from the data
  ito::diffusion::prediction output = ito::diffusion::prediction::eps;  ///< what the network predicts
  loss_weighting weighting = loss_weighting::simple;
  index_t batch = 512;
  std::uint64_t seed = 0;                    ///< split, minibatches, t, noise (and arch.seed unless set)
  /// Threads of the network (0 = all cores). The result does not depend on it: the
  /// network splits every batch into fixed column tasks (nn/mlp.hpp).
  unsigned threads = 0;
  /// Train on y = (x - mean) / scale with the per-dimension mean and standard deviation
  /// of the data (data_normalization::fit); the checkpoint stores them, and sampling
  /// and the likelihood (model.hpp, `ito sample/nll --model`) map back to data units.
  bool normalize = false;
  double val_fraction = 0.1;                 ///< held-out share of the data
  index_t val_repeats = 4;                     ///< (t, z) draws per validation point
  nn::adam_options adam;
  double ema = 0.999;

  void check() const {
    arch.check();
    ito::detail::require(batch >= 1, "batch", batch, "an integer >= 1");
    ito::detail::require(val_fraction >= 0 && val_fraction < 1, "val", val_fraction, "a fraction in [0, 1)");
    ito::detail::require(val_repeats >= 1, "val_repeats", val_repeats, "an integer >= 1");
    adam.check();
    ito::detail::require(ema >= 0 && ema < 1, "ema", ema, "a decay in [0, 1)");
  }
};

/// Progress reported to the callback.
struct train_progress {
  std::int64_t step = 0;      ///< optimizer steps done
  std::int64_t steps = 0;     ///< target
  double loss = 0;            ///< mean training loss since the last report
  double val_loss = NAN;      ///< validation loss of the EMA weights (NaN if no split)
  double seconds = 0;         ///< wall time of this run() so far
  double steps_per_second = 0;
};

/// Denoising score matching on a data set (d x n, one sample per column) for a
/// forward SDE (members mean_coeff, mean_offset, std, diffusion, T, eps).
/// Deterministic for a given seed, for any thread count; resumable bit for bit from a
/// checkpoint (to_checkpoint / the checkpoint constructor). The checkpoint records the
/// forward SDE (spec_of(sde)) when its type is nameable (vp_sde, vp_cosine_sde,
/// subvp_sde, ve_sde, ou_sde<linear_schedule>), so `ito sample --model` can use it.
template <class SDE, class S = float>
class trainer {
 public:
  using matrix = typename nn::mlp<S>::matrix;
  using row_vector = typename nn::mlp<S>::row_vector;

  /// Fresh run (with opt.normalize, the normalisation is fitted to `data`).
  template <class Derived>
  trainer(SDE sde, const Eigen::MatrixBase<Derived>& data, train_options opt)
      : trainer(std::move(sde), data, opt, fitted(opt, data), fresh_tag{}) {}

  /// Fresh run with a label for an SDE type that spec_of() does not know (for the
  /// nameable types the checkpoint records spec_of(sde) and the label is ignored).
  template <class Derived>
  trainer(SDE sde, const Eigen::MatrixBase<Derived>& data, train_options opt, std::string sde_name,
          std::vector<double> sde_params)
      : trainer(std::move(sde), data, opt, fitted(opt, data), fresh_tag{}) {
    label_name_ = std::move(sde_name);
    label_params_ = std::move(sde_params);
  }

  /// Resume from a checkpoint written by to_checkpoint() (same data, same SDE).
  template <class Derived>
  trainer(SDE sde, const Eigen::MatrixBase<Derived>& data, const checkpoint& c, unsigned threads)
      : trainer(std::move(sde), data, options_from(c, threads), c.normalization, fresh_tag{}) {
    check_checkpoint_dim(c, data.rows(), "checkpoint");
    from_doubles(c.frequencies, net_.frequencies());
    eval_.frequencies() = net_.frequencies();
    for (index_t i = 0; i < net_.x_frequencies().size(); ++i)  // G x d, column-major
      net_.x_frequencies().data()[i] = static_cast<S>(c.x_frequencies[static_cast<std::size_t>(i)]);
    eval_.x_frequencies() = net_.x_frequencies();
    from_doubles(c.params, net_.params());
    from_doubles(c.ema, ema_.weights());
    from_doubles(c.adam_m, opt_state_.m());
    from_doubles(c.adam_v, opt_state_.v());
    opt_state_.set_steps(c.step);
    step_ = c.step;
    // Every random number of step s is a pure function of (seed, s): nothing to restore.
    // (A checkpoint written before the counter streams holds an mt19937_64 state here;
    // it resumes on the counter streams, the same law but not the old run's bits.)
  }

  /// Run until `steps` optimizer steps are done in total; report every `every` steps.
  void run(std::int64_t steps, const std::function<void(const train_progress&)>& report = {},
           std::int64_t every = 100) {
    ito::detail::require(every >= 1, "every", every, "an integer >= 1");
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t first = step_;
    double sum = 0;
    std::int64_t count = 0;
    while (step_ < steps) {
      sum += step();
      ++count;
      if (report && (step_ % every == 0 || step_ == steps)) {
        train_progress p;
        p.step = step_;
        p.steps = steps;
        p.loss = sum / static_cast<double>(count);
        p.val_loss = validation_loss();
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        p.steps_per_second = p.seconds > 0 ? static_cast<double>(step_ - first) / p.seconds : 0;
        report(p);
        sum = 0;
        count = 0;
      }
    }
  }

  /// One optimizer step on a fresh minibatch; returns its loss.
  double step() {
    const index_t B = opt_.batch;
    draw_batch(B);
    net_.forward(xt_, tb_, out_);
    const double loss = residual(xt_, out_, B);
    net_.backward(dout_);
    opt_state_.step(net_.params(), net_.grad());
    ++step_;
    ema_.update(net_.params(), step_);
    return loss;
  }

  /// Loss of the EMA weights on the held-out split with fixed (t, z) draws (NaN if empty).
  double validation_loss() {
    if (val_x0_.cols() == 0) return NAN;
    eval_.params() = ema_.weights();
    eval_(val_xt_, val_t_, val_out_);
    x0b_ = val_x0_;
    zb_ = val_z_;
    tb_ = val_t_;
    return residual(val_xt_, val_out_, val_x0_.cols());
  }

  std::int64_t steps_done() const { return step_; }

  /// What column j of the minibatch of a training step uses.
  struct column_draw {
    index_t index = 0;  ///< the training sample, in [0, train_size())
    double t = 0;       ///< the diffusion time, in (eps, T)
  };
  /// Column j's draw at training step `step`: a pure function of (seed, step, j), so
  /// the batch of every step is the same for any thread count, batch split or resume
  /// point. With w = the Philox words at (path j, position step) of stream
  /// (seed, training_draws): index = floor(n (w1:w0) / 2^64), n = train_size()
  /// (sde::philox_index), t = eps + (T - eps) u, u = sde::philox_unit(w3:w2).
  column_draw draw_at(std::uint64_t step, index_t column) const {
    const auto w = sde::philox_words(draws_key_, std::uint64_t(column), step);
    column_draw d;
    if (train_.cols() > 0)
      d.index = index_t(sde::philox_index(sde::philox_u64(w[0], w[1]), std::uint64_t(train_.cols())));
    d.t = sde_.eps() + (sde_.T() - sde_.eps()) * sde::philox_unit(sde::philox_u64(w[2], w[3]));
    return d;
  }
  /// What checkpoints record as the random state: the name of the streams (the
  /// state itself is (seed, step), recorded apart).
  static constexpr const char* rng_identity = "philox4x32-10 counter streams (seed, step)";
  const train_options& options() const { return opt_; }
  /// The data normalisation the network is trained in (inactive unless options().normalize).
  const data_normalization& normalization() const { return norm_; }
  nn::mlp<S>& network() { return net_; }
  const nn::ema<S>& ema() const { return ema_; }
  index_t train_size() const { return train_.cols(); }
  index_t val_size() const { return val_x0_.cols() / opt_.val_repeats; }

  /// The sampling model: the network with the EMA weights, as a score in model units
  /// (see normalization(); model.hpp samples in data units). The samplers parallelise
  /// over blocks with a copy of the score per thread, so the network itself runs on
  /// `threads` = 1 by default.
  network_score<SDE, S> score_model(unsigned threads = 1) const {
    return network_score_from_checkpoint<SDE, S>(sde_, to_checkpoint(), threads);
  }

  /// Everything needed to resume (or to sample from the EMA weights).
  checkpoint to_checkpoint() const {
    checkpoint c;
    c.arch = opt_.arch;
    if constexpr (nameable_forward_sde<SDE>) {
      const forward_sde_spec spec = spec_of(sde_);
      c.sde_name = spec.kind;
      c.sde_params = spec.to_numbers();
    } else {
      c.sde_name = label_name_;
      c.sde_params = label_params_;
    }
    c.normalization = norm_;
    c.prediction = to_string(opt_.output);
    c.weighting = to_string(opt_.weighting);
    c.batch = opt_.batch;
    c.seed = opt_.seed;
    c.val_fraction = opt_.val_fraction;
    c.lr = opt_.adam.lr;
    c.beta1 = opt_.adam.beta1;
    c.beta2 = opt_.adam.beta2;
    c.adam_eps = opt_.adam.eps;
    c.clip_norm = opt_.adam.clip_norm;
    c.warmup = opt_.adam.warmup;
    c.ema_decay = opt_.ema;
    c.step = step_;
    c.rng_state = rng_identity;
    c.frequencies = to_doubles(net_.frequencies());
    c.x_frequencies.assign(net_.x_frequencies().data(), net_.x_frequencies().data() + net_.x_frequencies().size());
    c.params = to_doubles(net_.params());
    c.ema = to_doubles(ema_.weights());
    c.adam_m = to_doubles(opt_state_.m());
    c.adam_v = to_doubles(opt_state_.v());
    return c;
  }

  /// Training options recorded in a checkpoint (threads are the caller's choice).
  static train_options options_from(const checkpoint& c, unsigned threads) {
    train_options o;
    o.arch = c.arch;
    o.output = parse_prediction(c.prediction);
    o.weighting = parse_loss_weighting(c.weighting);
    o.batch = c.batch;
    o.seed = c.seed;
    o.threads = threads;
    o.normalize = c.normalization.active();
    o.val_fraction = c.val_fraction;
    o.adam.lr = c.lr;
    o.adam.beta1 = c.beta1;
    o.adam.beta2 = c.beta2;
    o.adam.eps = c.adam_eps;
    o.adam.clip_norm = c.clip_norm;
    o.adam.warmup = c.warmup;
    o.ema = c.ema_decay;
    return o;
  }

 private:
  struct fresh_tag {};

  template <class Derived>
  trainer(SDE sde, const Eigen::MatrixBase<Derived>& data, const train_options& opt, data_normalization norm, fresh_tag)
      : sde_(std::move(sde)), opt_(prepare(opt, data.rows())), norm_(std::move(norm)), net_(opt_.arch, opt_.threads),
        eval_(opt_.arch, opt_.threads) {
    norm_.check(data.rows());
    if (norm_.active()) {
      ensemble<double> y = data.template cast<double>();
      norm_.to_model(y);
      split(y);
    } else {
      split(data);
    }
    opt_state_ = nn::adam<S>(net_.num_params(), opt_.adam);
    ema_ = nn::ema<S>(net_.params(), opt_.ema);
  }

  template <class Derived>
  static data_normalization fitted(const train_options& o, const Eigen::MatrixBase<Derived>& data) {
    if (!o.normalize) return {};
    ito::detail::require(data.cols() >= 2, "data size", data.cols(), "at least 2 samples");
    ito::detail::require(data.allFinite(), "data", "non-finite values", "finite numbers");
    return data_normalization::fit(data);
  }

  static train_options prepare(train_options o, index_t dim) {
    o.arch.dim = dim;
    o.check();
    return o;
  }

  template <class V>
  static std::vector<double> to_doubles(const V& v) {
    return std::vector<double>(v.data(), v.data() + v.size());
  }
  template <class V>
  static void from_doubles(const std::vector<double>& src, V& dst) {
    dst.resize(static_cast<index_t>(src.size()));
    for (std::size_t i = 0; i < src.size(); ++i) dst(static_cast<index_t>(i)) = static_cast<S>(src[i]);
  }

  /// Seeded shuffle; the last val_fraction of it is held out with fixed (t, z) draws.
  template <class Derived>
  void split(const Eigen::MatrixBase<Derived>& data) {
    const index_t n = data.cols(), d = data.rows();
    ito::detail::require(n >= 2, "data size", n, "at least 2 samples");
    ito::detail::require(data.allFinite(), "data", "non-finite values", "finite numbers");
    std::vector<index_t> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), index_t{0});
    for (index_t i = n - 1; i > 0; --i) {  // Fisher-Yates, swap partner of i from (path i, split_position)
      const auto w = sde::philox_words(draws_key_, std::uint64_t(i), split_position);
      const auto k = sde::philox_index(sde::philox_u64(w[0], w[1]), std::uint64_t(i) + 1);
      std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(k)]);
    }
    const index_t nv = static_cast<index_t>(std::floor(opt_.val_fraction * static_cast<double>(n)));
    train_.resize(d, n - nv);
    for (index_t i = 0; i < n - nv; ++i) train_.col(i) = data.col(perm[static_cast<std::size_t>(i)]).template cast<S>();
    const index_t R = opt_.val_repeats;
    val_x0_.resize(d, nv * R);
    for (index_t r = 0; r < R; ++r)
      for (index_t i = 0; i < nv; ++i)
        val_x0_.col(r * nv + i) = data.col(perm[static_cast<std::size_t>(n - nv + i)]).template cast<S>();
    if (nv > 0) {
      fill_noisy(val_x0_, val_t_, val_z_, val_xt_, validation_row);
    }
  }

  /// Counter positions of the validation set's draws and of the split's shuffle
  /// (training steps use their step index, always below 2^40).
  static constexpr std::uint64_t validation_row = std::uint64_t(1) << 40;
  static constexpr std::uint64_t split_position = validation_row + 1;

  /// t ~ U(eps, T), z ~ N(0, I), xt = m(t) x0 + o(t) + s(t) z. t(j) is
  /// draw_at(row, j).t; z(i, j) is a counter-based normal of stream (seed, training)
  /// (ito/sde/random/normal.hpp): "path" j (the batch column), normal number
  /// row * d' + i (d' = d rounded up to the normals of one Philox call), row = the
  /// training step (or validation_row).
  void fill_noisy(const matrix& x0, row_vector& t, matrix& z, matrix& xt, std::uint64_t row) {
    const index_t B = x0.cols(), d = x0.rows();
    t.resize(B);
    z.resize(d, B);
    xt.resize(d, B);
    for (index_t j = 0; j < B; ++j) t(j) = static_cast<S>(draw_at(row, j).t);
    constexpr index_t per_call = index_t(sde::normals_per_counter<S>);
    const index_t dr = (d + per_call - 1) / per_call * per_call;
    noise_.resize(std::size_t(dr * B));
    sde::fill_counter_normals<S>(sde::counter_key(opt_.seed, sde::stream_id::training), 0, B,
                                 row * std::uint64_t(dr), dr, noise_.data(), B);
    for (index_t j = 0; j < B; ++j)
      for (index_t i = 0; i < d; ++i) z(i, j) = noise_[std::size_t(i * B + j)];
    for (index_t j = 0; j < B; ++j) {
      const double tj = static_cast<double>(t(j));
      xt.col(j) = (static_cast<S>(sde_.mean_coeff(tj)) * x0.col(j) + static_cast<S>(sde_.std(tj)) * z.col(j)).array() +
                  static_cast<S>(sde_.mean_offset(tj));
    }
  }

  void draw_batch(index_t B) {
    x0b_.resize(train_.rows(), B);
    for (index_t j = 0; j < B; ++j) x0b_.col(j) = train_.col(draw_at(std::uint64_t(step_), j).index);
    fill_noisy(x0b_, tb_, zb_, xt_, std::uint64_t(step_));
  }

  /// Loss of `out` against x0b_/zb_/tb_ (batch B); sets dout_ = dLoss/dout.
  double residual(const matrix& xt, const matrix& out, index_t B) {
    (void)xt;
    const index_t d = out.rows();
    dout_.resize(d, B);
    double loss = 0;
    const double norm = 1.0 / static_cast<double>(B * d);
    for (index_t j = 0; j < B; ++j) {
      const double tj = static_cast<double>(tb_(j));
      const double s = sde_.std(tj);
      double w = 1, c = 1;
      switch (opt_.output) {
        case prediction::eps: dout_.col(j) = out.col(j) - zb_.col(j); break;
        case prediction::score:
          c = s;
          dout_.col(j) = static_cast<S>(s) * out.col(j) + zb_.col(j);
          break;
        case prediction::x0: dout_.col(j) = out.col(j) - x0b_.col(j); break;
        case prediction::v:  // v = a z - s x0
          dout_.col(j) = out.col(j) - (static_cast<S>(sde_.mean_coeff(tj)) * zb_.col(j) - static_cast<S>(s) * x0b_.col(j));
          break;
      }
      if (opt_.weighting == loss_weighting::likelihood) {
        const double g = sde_.diffusion(tj), m = sde_.mean_coeff(tj);
        switch (opt_.output) {
          case prediction::eps: w = g * g / (s * s); break;
          case prediction::score: w = g * g / (s * s); break;
          case prediction::x0: w = g * g * m * m / (s * s * s * s); break;
          case prediction::v: w = g * g * m * m / ((m * m + s * s) * (m * m + s * s) * s * s); break;
        }
      }
      loss += w * static_cast<double>(dout_.col(j).squaredNorm());
      dout_.col(j) *= static_cast<S>(2 * w * c * norm);
    }
    return loss * norm;
  }

  SDE sde_;
  train_options opt_;
  data_normalization norm_;
  nn::mlp<S> net_, eval_;
  std::string label_name_;
  std::vector<double> label_params_;
  nn::adam<S> opt_state_;
  nn::ema<S> ema_;
  sde::counter_key draws_key_{opt_.seed, sde::stream_id::training_draws};
  std::int64_t step_ = 0;
  std::vector<S> noise_;  ///< counter-based normals of one batch (rows = components)
  matrix train_, val_x0_, val_z_, val_xt_, val_out_;
  row_vector val_t_;
  matrix x0b_, zb_, xt_, out_, dout_;
  row_vector tb_;
};

}  // namespace ito::diffusion
