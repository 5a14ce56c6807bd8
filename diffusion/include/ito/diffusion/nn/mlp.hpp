#pragma once
/// \file mlp.hpp
/// \brief A small CPU multilayer perceptron for time-dependent score models
/// s_theta(x, t) (seed 004 section 3.2), in Eigen, with a hand-written backward
/// pass.
///
/// Architecture (defaults give the reference network 2 + 32 -> 128 -> 128 -> 128 -> 2):
///   e(t)   = [sin(2 pi w t); cos(2 pi w t)],  w ~ N(0, scale^2) fixed at init (Gaussian
///            random Fourier features, Tancik et al. 2020; Song et al. 2021),
///   h_0    = [x; e(t)]                        (d + 2F),
///   h_l    = silu(W_l h_{l-1} + b_l),         l = 1..depth, silu(z) = z sigmoid(z),
///   out    = W_o h_depth + b_o                (d).
/// Work is done on a d x N batch (one sample per column) with matrix products.
/// The columns are cut into fixed tasks of task_columns (256) columns, run by
/// ito::parallel_for on a persistent ito::thread_pool; per-task gradients are summed
/// in task order. The partition does not depend on the thread count, so the results
/// are bit-identical for any number of threads. Products use persistent packing
/// buffers (gemm.hpp): the network changes no process-wide malloc setting.
///
/// All trainable parameters live in one flat vector (params()), layer by layer:
/// W_l (column-major), then b_l. The gradient (grad()) has the same layout, which
/// is what the optimizer, the EMA and the checkpoint work on.
///
/// Complexity per column: about 2 (d+2F) w + 2 (depth-1) w^2 + 2 w d flops forward,
/// twice that backward.

#include <Eigen/Core>
#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <ito/diffusion/nn/gemm.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/parallel.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion::nn {

using ito::sde::index_t;

/// Architecture of an mlp (all of it is stored in a checkpoint).
struct mlp_config {
  index_t dim = 2;                ///< d: data dimension (input x and output)
  index_t width = 128;            ///< hidden width
  index_t depth = 3;              ///< number of hidden layers (>= 1)
  index_t frequencies = 16;       ///< F: Fourier frequencies (2F time features)
  double fourier_scale = 4.0;   ///< standard deviation of the frequencies w
  /// G: random Fourier features of x itself (2G features sin/cos(2 pi B x), B a G x d
  /// matrix with N(0, x_fourier_scale^2) entries; Tancik et al. 2020). 0 = the plain
  /// network of x and the time features. An MLP of raw x is slow to learn fine curved
  /// structure (spectral bias): the rings data set needs these, hence the default
  /// G = 16, scale 1 (library and `ito train` alike).
  index_t x_frequencies = 16;
  double x_fourier_scale = 1.0; ///< standard deviation of the entries of B
  std::uint64_t seed = 0;       ///< seeds the frequencies and the initial weights

  index_t input_dim() const { return dim + 2 * x_frequencies + 2 * frequencies; }
  index_t layer_in(index_t l) const { return l == 0 ? input_dim() : width; }
  index_t layer_out(index_t l) const { return l == depth ? dim : width; }
  index_t num_params() const {
    index_t p = 0;
    for (index_t l = 0; l <= depth; ++l) p += layer_out(l) * (layer_in(l) + 1);
    return p;
  }
  void check() const {
    ito::detail::require(dim >= 1, "dim", dim, "an integer >= 1");
    ito::detail::require(width >= 1, "width", width, "an integer >= 1");
    ito::detail::require(depth >= 1, "depth", depth, "an integer >= 1");
    ito::detail::require(frequencies >= 0, "frequencies", frequencies, "an integer >= 0");
    ito::detail::require(std::isfinite(fourier_scale) && fourier_scale >= 0, "fourier_scale",
                    fourier_scale, "a finite number >= 0");
    ito::detail::require(x_frequencies >= 0, "x_frequencies", x_frequencies, "an integer >= 0");
    ito::detail::require(std::isfinite(x_fourier_scale) && x_fourier_scale >= 0, "x_fourier_scale",
                    x_fourier_scale, "a finite number >= 0");
  }
};

/// The score network. S is float by default; double is used by the gradient test.
template <class S = float>
class mlp {
 public:
  using scalar_type = S;
  using matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
  using row_vector = Eigen::Matrix<S, 1, Eigen::Dynamic>;

  /// Columns per parallel task (the fixed partition of every batch).
  static constexpr index_t task_columns = 256;

  /// Seeded initialisation: w ~ N(0, scale^2); each layer's weights and biases
  /// ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's nn.Linear default).
  /// `threads`: 0 = all cores; the results do not depend on it.
  explicit mlp(const mlp_config& cfg, unsigned threads = 1) : cfg_(cfg) {
    cfg_.check();
    boost::random::mt19937_64 rng(cfg_.seed);
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    freq_.resize(cfg_.frequencies);
    for (index_t i = 0; i < cfg_.frequencies; ++i) freq_(i) = static_cast<S>(cfg_.fourier_scale * normal(rng));
    // drawn after w (and none when G = 0), so a network without x features keeps
    // the same initial weights for a seed
    xfreq_.resize(cfg_.x_frequencies, cfg_.dim);
    for (index_t i = 0; i < xfreq_.size(); ++i) xfreq_.data()[i] = static_cast<S>(cfg_.x_fourier_scale * normal(rng));
    theta_.resize(cfg_.num_params());
    grad_.setZero(cfg_.num_params());
    index_t off = 0;
    for (index_t l = 0; l <= cfg_.depth; ++l) {
      offsets_.push_back(off);
      const index_t n = cfg_.layer_out(l) * (cfg_.layer_in(l) + 1);
      const double bound = 1.0 / std::sqrt(static_cast<double>(cfg_.layer_in(l)));
      boost::random::uniform_real_distribution<double> u(-bound, bound);
      for (index_t i = 0; i < n; ++i) theta_(off + i) = static_cast<S>(u(rng));
      off += n;
    }
    set_threads(threads);
  }

  mlp(const mlp& o) : mlp(o.cfg_, o.threads()) {
    theta_ = o.theta_;
    freq_ = o.freq_;
    xfreq_ = o.xfreq_;
  }
  mlp& operator=(const mlp& o) {
    if (this != &o) {
      mlp tmp(o);
      swap(tmp);
    }
    return *this;
  }
  mlp(mlp&&) noexcept = default;
  mlp& operator=(mlp&&) noexcept = default;

  const mlp_config& config() const { return cfg_; }
  index_t dim() const { return cfg_.dim; }
  index_t num_params() const { return theta_.size(); }
  vector& params() { return theta_; }
  const vector& params() const { return theta_; }
  const vector& grad() const { return grad_; }
  /// The fixed Fourier frequencies w (F).
  vector& frequencies() { return freq_; }
  const vector& frequencies() const { return freq_; }
  /// The fixed x-feature matrix B (G x d, column-major).
  matrix& x_frequencies() { return xfreq_; }
  const matrix& x_frequencies() const { return xfreq_; }

  unsigned threads() const { return pool_->size(); }
  /// Run on `k` threads (0 = all cores). The results do not depend on it.
  void set_threads(unsigned k) {
    const unsigned n = ito::resolve_threads(k, std::numeric_limits<std::int64_t>::max());
    if (!pool_ || pool_->size() != n) pool_ = std::make_unique<ito::thread_pool>(n);
    bufs_.resize(n);
    if (ws_.size() < n) ws_.resize(n);
  }

  /// Weight matrix W_l (out x in) and bias b_l of layer l = 0..depth (depth = output layer).
  Eigen::Map<const matrix> weight(index_t l) const {
    return {theta_.data() + offsets_[l], cfg_.layer_out(l), cfg_.layer_in(l)};
  }
  Eigen::Map<const vector> bias(index_t l) const {
    return {theta_.data() + offsets_[l] + cfg_.layer_out(l) * cfg_.layer_in(l), cfg_.layer_out(l)};
  }

  // ---- inference --------------------------------------------------------------

  /// out (d x N) = net(X, t) for one time t shared by every column.
  void operator()(const Eigen::Ref<const matrix>& X, S t, matrix& out) {
    tconst_.setConstant(X.cols(), t);
    (*this)(X, tconst_, out);
  }

  /// out (d x N) = net(X, t_j) column by column. Stores nothing for backward
  /// (it reuses the workspaces: call it between forward() and backward() never).
  void operator()(const Eigen::Ref<const matrix>& X, const Eigen::Ref<const row_vector>& t, matrix& out) {
    check_input(X, t);
    out.resize(cfg_.dim, X.cols());
    const index_t N = X.cols();
    ito::parallel_for(*pool_, num_tasks(N), [&](std::int64_t k, unsigned worker) {
      const auto [c0, n] = task_range(N, k);
      workspace& w = ws_[worker];
      run_forward(X.middleCols(c0, n), t.segment(c0, n), w, bufs_[worker]);
      out.middleCols(c0, n) = w.out.leftCols(n);
    });
  }

  // ---- training ---------------------------------------------------------------

  /// Forward pass that keeps the activations for backward(): out = net(X, t).
  /// Task k keeps its activations in workspace k.
  void forward(const Eigen::Ref<const matrix>& X, const Eigen::Ref<const row_vector>& t, matrix& out) {
    check_input(X, t);
    const index_t N = X.cols();
    const auto tasks = num_tasks(N);
    out.resize(cfg_.dim, N);
    trained_cols_ = N;
    if (ws_.size() < static_cast<std::size_t>(tasks)) ws_.resize(static_cast<std::size_t>(tasks));
    ito::parallel_for(*pool_, tasks, [&](std::int64_t k, unsigned worker) {
      const auto [c0, n] = task_range(N, k);
      workspace& w = ws_[static_cast<std::size_t>(k)];
      run_forward(X.middleCols(c0, n), t.segment(c0, n), w, bufs_[worker]);
      out.middleCols(c0, n) = w.out.leftCols(n);
    });
  }

  /// Given dL/d out (d x N) for the last forward(), set grad() = dL/d params().
  void backward(const Eigen::Ref<const matrix>& dout) {
    ito::detail::require(dout.rows() == cfg_.dim && dout.cols() == trained_cols_, "dout.cols()", dout.cols(),
                    "the shape of the last forward() output");
    const index_t N = dout.cols();
    const auto tasks = num_tasks(N);
    ito::parallel_for(*pool_, tasks, [&](std::int64_t k, unsigned worker) {
      const auto [c0, n] = task_range(N, k);
      workspace& w = ws_[static_cast<std::size_t>(k)];
      run_backward(dout.middleCols(c0, n), w, k == 0 ? grad_ : w.grad, bufs_[worker]);
    });
    for (std::int64_t k = 1; k < tasks; ++k) grad_ += ws_[static_cast<std::size_t>(k)].grad;  // task order
  }

  /// Exact divergence of the output with respect to x, div_j = sum_i d out_i / d x_i
  /// at column j (forward-mode: one tangent pass per input dimension). Used for the
  /// probability-flow likelihood (d small).
  void divergence(const Eigen::Ref<const matrix>& X, S t, row_vector& div) {
    tconst_.setConstant(X.cols(), t);
    check_input(X, tconst_);
    const index_t N = X.cols();
    div.resize(N);
    ito::parallel_for(*pool_, num_tasks(N), [&](std::int64_t k, unsigned worker) {
      const auto [c0, n] = task_range(N, k);
      workspace& w = ws_[worker];
      run_forward(X.middleCols(c0, n), tconst_.segment(c0, n), w, bufs_[worker]);
      run_divergence(w, n, div.segment(c0, n), bufs_[worker]);
    });
  }

  void swap(mlp& o) noexcept {
    std::swap(cfg_, o.cfg_);
    theta_.swap(o.theta_);
    grad_.swap(o.grad_);
    freq_.swap(o.freq_);
    xfreq_.swap(o.xfreq_);
    std::swap(offsets_, o.offsets_);
    std::swap(pool_, o.pool_);
    std::swap(ws_, o.ws_);
    std::swap(bufs_, o.bufs_);
    tconst_.swap(o.tconst_);
    std::swap(trained_cols_, o.trained_cols_);
  }

 private:
  static constexpr S two_pi = static_cast<S>(6.283185307179586476925286766559);

  struct workspace {
    std::vector<matrix> A;   // A[0] = input (d+2G+2F), A[l+1] = silu(Z[l])
    std::vector<matrix> Z;   // pre-activations of hidden layer l
    std::vector<matrix> Sg;  // sigmoid(Z[l])
    matrix out, dA, dZ, T, T2, xarg, xtan;
    row_vector arg;
    vector grad;
    index_t cap = -1;
  };

  static std::int64_t num_tasks(index_t N) { return (N + task_columns - 1) / task_columns; }
  /// First column and column count of task k.
  static std::pair<index_t, index_t> task_range(index_t N, std::int64_t k) {
    const index_t c0 = static_cast<index_t>(k) * task_columns;
    return {c0, std::min(task_columns, N - c0)};
  }

  void check_input(const Eigen::Ref<const matrix>& X, const Eigen::Ref<const row_vector>& t) const {
    ito::detail::require(X.rows() == cfg_.dim, "X.rows()", X.rows(), "the network dimension " + std::to_string(cfg_.dim));
    ito::detail::require(t.size() == X.cols(), "t.size()", t.size(), "one time per column of X");
  }

  void reserve(workspace& w, index_t cap) {
    if (w.cap == cap) return;
    const index_t L = cfg_.depth;
    w.A.resize(L + 1);
    w.Z.resize(L);
    w.Sg.resize(L);
    w.A[0].resize(cfg_.input_dim(), cap);
    for (index_t l = 0; l < L; ++l) {
      w.Z[l].resize(cfg_.width, cap);
      w.Sg[l].resize(cfg_.width, cap);
      w.A[l + 1].resize(cfg_.width, cap);
    }
    w.out.resize(cfg_.dim, cap);
    w.dA.resize(cfg_.width, cap);
    w.dZ.resize(cfg_.width, cap);
    w.T.resize(cfg_.width, cap);
    w.T2.resize(cfg_.width, cap);
    w.arg.resize(cap);
    w.xarg.resize(cfg_.x_frequencies, cap);
    w.xtan.resize(2 * cfg_.x_frequencies, cap);
    w.grad.resize(cfg_.num_params());
    w.cap = cap;
  }

  /// Forward on n <= task_columns columns into w; result in w.out.leftCols(n).
  template <class XB, class TB>
  void run_forward(const XB& X, const TB& t, workspace& w, product_buffers<S>& buf) {
    reserve(w, task_columns);
    const index_t n = X.cols();
    const index_t d = cfg_.dim, F = cfg_.frequencies, G = cfg_.x_frequencies, o = d + 2 * G;
    auto A0 = w.A[0].leftCols(n);
    A0.topRows(d) = X;
    if (G > 0) {  // rows d..d+2G: sin(2 pi B x), cos(2 pi B x)
      auto arg = w.xarg.leftCols(n);
      arg.noalias() = (two_pi * xfreq_) * X;
      A0.middleRows(d, G) = arg.array().sin();
      A0.middleRows(d + G, G) = arg.array().cos();
    }
    for (index_t f = 0; f < F; ++f) {
      w.arg.head(n) = (two_pi * freq_(f)) * t;
      A0.row(o + f) = w.arg.head(n).array().sin();
      A0.row(o + F + f) = w.arg.head(n).array().cos();
    }
    for (index_t l = 0; l < cfg_.depth; ++l) {
      auto Z = w.Z[l].leftCols(n);
      product(Z, weight(l), w.A[l].leftCols(n), buf);
      Z.colwise() += bias(l);
      auto Sg = w.Sg[l].leftCols(n);
      Sg = (S(1) + (-Z.array()).exp()).inverse();
      w.A[l + 1].leftCols(n) = Z.array() * Sg.array();
    }
    auto out = w.out.leftCols(n);
    product(out, weight(cfg_.depth), w.A[cfg_.depth].leftCols(n), buf);
    out.colwise() += bias(cfg_.depth);
  }

  template <class DB>
  void run_backward(const DB& dout, workspace& w, vector& g, product_buffers<S>& buf) {
    const index_t n = dout.cols();
    const index_t L = cfg_.depth;
    g.resize(cfg_.num_params());
    auto gW = [&](index_t l) {
      return Eigen::Map<matrix>(g.data() + offsets_[l], cfg_.layer_out(l), cfg_.layer_in(l));
    };
    auto gb = [&](index_t l) {
      return Eigen::Map<vector>(g.data() + offsets_[l] + cfg_.layer_out(l) * cfg_.layer_in(l), cfg_.layer_out(l));
    };
    product(gW(L), dout, w.A[L].leftCols(n).transpose(), buf);
    gb(L) = dout.rowwise().sum();
    auto dA = w.dA.leftCols(n);
    product(dA, weight(L).transpose(), dout, buf);
    for (index_t l = L - 1; l >= 0; --l) {
      auto dZ = w.dZ.leftCols(n);
      const auto s = w.Sg[l].leftCols(n).array();
      const auto z = w.Z[l].leftCols(n).array();
      // silu'(z) = s (1 + z (1 - s))
      dZ = dA.array() * s * (S(1) + z * (S(1) - s));
      product(gW(l), dZ, w.A[l].leftCols(n).transpose(), buf);
      gb(l) = dZ.rowwise().sum();
      if (l > 0) product(dA, weight(l).transpose(), dZ, buf);
    }
  }

  template <class DivB>
  void run_divergence(workspace& w, index_t n, DivB div, product_buffers<S>& buf) {
    const index_t L = cfg_.depth, d = cfg_.dim, G = cfg_.x_frequencies;
    div.setZero();
    for (index_t j = 0; j < cfg_.dim; ++j) {
      // tangent of layer-0 pre-activation along e_j: the column W_0(:, j), plus with
      // x features W_0[:, sin rows] (2 pi B(:, j) cos) - W_0[:, cos rows] (2 pi B(:, j) sin)
      auto T = w.T.leftCols(n);
      auto T2 = w.T2.leftCols(n);
      const auto deriv = [&](index_t l) {
        const auto s = w.Sg[l].leftCols(n).array();
        return s * (S(1) + w.Z[l].leftCols(n).array() * (S(1) - s));
      };
      if (G > 0) {
        const auto A0 = w.A[0].leftCols(n);
        auto X = w.xtan.leftCols(n);
        const auto b = (two_pi * xfreq_.col(j)).array();
        X.topRows(G) = A0.middleRows(d + G, G).array().colwise() * b;
        X.bottomRows(G) = -(A0.middleRows(d, G).array().colwise() * b);
        product(T2, weight(0).middleCols(d, 2 * G), X, buf);
        T2.colwise() += weight(0).col(j);
        T = deriv(0) * T2.array();
      } else {
        T = deriv(0).colwise() * weight(0).col(j).array();
      }
      for (index_t l = 1; l < L; ++l) {
        product(T2, weight(l), T, buf);
        T = deriv(l) * T2.array();
      }
      div += weight(L).row(j) * T;
    }
  }

  mlp_config cfg_;
  vector theta_, grad_, freq_;
  matrix xfreq_;
  std::vector<index_t> offsets_;
  std::unique_ptr<ito::thread_pool> pool_;
  std::vector<workspace> ws_;              // per task (training) or per worker (inference)
  std::vector<product_buffers<S>> bufs_;   // per worker
  row_vector tconst_;
  index_t trained_cols_ = 0;
};

}  // namespace ito::diffusion::nn
