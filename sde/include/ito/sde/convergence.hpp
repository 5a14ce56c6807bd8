#pragma once
/// \file convergence.hpp
/// \brief Strong and weak convergence study on refined copies of one Brownian path.
///
/// For a problem whose solution X(T) is a known function of W(T), every
/// block draws the Brownian path once on the finest grid (coarsest_steps *
/// 2^(levels-1) steps) and feeds each level the sums of its fine increments
/// (brownian.hpp, increment_accumulator), so all levels see the same path.
/// The fine increments come from the counter-based source (counter_brownian,
/// stream `brownian`, or any brownian_source given as `Source`, e.g.
/// tree_brownian): path p is a pure function of (seed, p), the same for any
/// thread count and block size; only the merging of per-block sums into the
/// estimates depends on the block size, to rounding.
/// Per level it estimates
///   strong error  e_s = E |X_T^h - X(T)|            (Euclidean norm over components)
///   weak error    e_w = max_i |E[X_{T,i}^h - X_i(T)]|
/// with standard errors from the sample variance, and fits the orders as
/// least-squares slopes of log e against log h. Using the exact solution on the
/// same path as a control variate makes the weak-error estimate's noise
/// O(sqrt(h/N)) instead of O(1/sqrt(N)).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "brownian.hpp"
#include "error.hpp"
#include "integrate.hpp"
#include "observers.hpp"
#include "parallel.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

struct convergence_options {
  index_t paths = 10000;         ///< Monte Carlo paths
  index_t levels = 5;            ///< number of step sizes h = T / (coarsest_steps 2^l)
  index_t coarsest_steps = 4;    ///< steps of the coarsest level
  std::uint64_t seed = 1;
  unsigned threads = 0;        ///< 0 = all hardware threads (ito::parallel_for; same bits for any count)
  index_t block_size = 256;

  void validate() const {
    detail::require(paths > 1, "paths", paths, "> 1");
    detail::require(levels >= 2 && levels <= 20, "levels", levels, "in [2, 20]");
    detail::require(coarsest_steps > 0, "coarsest_steps", coarsest_steps, "> 0");
    detail::require(block_size > 0, "block_size", block_size, "> 0");
  }
};

struct convergence_level {
  double dt = 0;
  index_t steps = 0;
  double strong = 0, strong_se = 0;  ///< E|X^h - X| and its standard error
  double weak = 0, weak_se = 0;      ///< max_i |E(X^h - X)_i| and its standard error
};

struct convergence_result {
  std::string method;
  index_t paths = 0;
  std::vector<convergence_level> levels;
  double strong_order = 0;  ///< fitted slope of log strong error vs log dt
  double weak_order = 0;    ///< fitted slope of log weak error vs log dt
  /// Standard errors of the fitted orders (fitted_order_se), from the levels'
  /// standard errors; they bound the Monte Carlo noise of the slope, not the
  /// bias of a fit that includes pre-asymptotic step sizes.
  double strong_order_se = 0, weak_order_se = 0;
};

/// Least-squares slope of log y against log x over the points with y > 0.
inline double fitted_order(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(y[i] > 0) || !(x[i] > 0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    ++n;
  }
  if (n < 2) return std::nan("");
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/// Standard error of fitted_order(x, y) given the standard errors se of y:
/// the slope is sum_i c_i log y_i with c_i = (log x_i - mean) / S_xx, and
/// var(log y_i) ~ (se_i / y_i)^2 (delta method), so
///   se(slope) = sqrt(sum_i c_i^2 (se_i / y_i)^2).
/// The levels of a convergence study share their Brownian paths, so their
/// errors are positively correlated, which lowers the variance of a slope
/// (a contrast, sum_i c_i = 0): this treats them as independent, an upper
/// bound in practice.
inline double fitted_order_se(const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<double>& se) {
  std::vector<double> lx, ry;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(y[i] > 0) || !(x[i] > 0)) continue;
    lx.push_back(std::log(x[i]));
    ry.push_back(se[i] / y[i]);
  }
  if (lx.size() < 2) return std::nan("");
  double mean = 0;
  for (double v : lx) mean += v;
  mean /= double(lx.size());
  double sxx = 0, var = 0;
  for (double v : lx) sxx += (v - mean) * (v - mean);
  for (std::size_t i = 0; i < lx.size(); ++i) var += (lx[i] - mean) * (lx[i] - mean) * ry[i] * ry[i];
  return std::sqrt(var) / sxx;
}

/// For problems without a closed form: the reference solution is `method`
/// (of higher or equal order) run on the same path with a step 2^refinement
/// times finer than the finest level.
template <class Method>
struct reference_solution {
  Method method;
  index_t refinement = 4;
};

namespace detail {
template <class T>
struct is_reference : std::false_type {};
template <class M>
struct is_reference<reference_solution<M>> : std::true_type {};
}  // namespace detail

/// Run `method` on problem p at every level on the same Brownian paths and
/// compare with exact(x0, t, W, out), or with a reference_solution. See the file comment.
template <class P, class Method, class Exact, class Source = counter_brownian<typename P::scalar_type>>
convergence_result convergence_study(const P& p, const Method& method, Exact exact,
                                     const convergence_options& o) {
  using S = typename P::scalar_type;
  constexpr bool with_reference = detail::is_reference<Exact>::value;
  constexpr bool uses_dz = [] {
    if constexpr (with_reference) return Method::uses_dz || decltype(Exact::method)::uses_dz;
    else return Method::uses_dz;
  }();
  p.validate();
  o.validate();
  Method::check(p);
  index_t R = 0;
  if constexpr (with_reference) {
    decltype(Exact::method)::check(p);
    R = exact.refinement;
    detail::require(R >= 1 && R <= 10, "reference refinement", R, "in [1, 10]");
  }
  const index_t d = p.dim, m = method_noise_dim<Method>(p), L = o.levels;
  const index_t fine = o.coarsest_steps << (L - 1 + R);
  const S T = p.t1 - p.t0, hf = T / S(fine);
  const index_t nblocks = (o.paths + o.block_size - 1) / o.block_size;

  // per block, per level: moments of |err| (1-d) and of err (d-dim)
  struct block_stats {
    std::vector<running_moments> abs, diff;
  };
  std::vector<block_stats> stats(static_cast<std::size_t>(nblocks));
  // per worker scratch (parallel_for: one workspace per worker, results per block)
  struct scratch {
    std::vector<ensemble<S>> x;
    std::vector<increment_accumulator<S>> acc;
    stepper_workspace<S> w, wr;
    ensemble<S> dWf, dZf, W, x0, exact_T, err;
  };
  std::vector<scratch> scratches(resolve_threads(o.threads, nblocks));
  parallel_for(nblocks, o.threads, [&](std::int64_t b, unsigned worker) {
    auto& [x, acc, w, wr, dWf, dZf, W, x0, exact_T, err] = scratches[worker];
    x.resize(static_cast<std::size_t>(L));
    acc.resize(static_cast<std::size_t>(L));
    const index_t first = b * o.block_size;
    const index_t cols = std::min(o.block_size, o.paths - first);
    x0 = p.x0.cols() == 1 ? ensemble<S>(p.x0.col(0).replicate(1, cols))
                          : ensemble<S>(p.x0.middleCols(first, cols));
    for (index_t l = 0; l < L; ++l) {
      x[std::size_t(l)] = x0;
      acc[std::size_t(l)].reset(m, cols, uses_dz);
    }
    exact_T = x0;  // the reference path, when there is one
    W.setZero(m, cols);
    brownian_setup bs;
    bs.seed = o.seed;
    bs.block = b;
    bs.first_path = first;
    bs.noise_dim = m;
    bs.paths = cols;
    bs.t0 = double(p.t0);
    bs.dt = double(hf);
    bs.steps = fine;
    bs.t1 = double(p.t1);
    bs.min_step = double(hf);
    Source bm(bs);
    for (index_t k = 0; k < fine; ++k) {
      if constexpr (uses_dz) bm.increment(hf, dWf, dZf);
      else bm.increment(hf, dWf);
      if constexpr (with_reference) exact.method.step(p, exact_T, p.t0 + S(k) * hf, hf, dWf, dZf, wr);
      W += dWf;
      for (index_t l = 0; l < L; ++l) {
        auto& a = acc[std::size_t(l)];
        a.add(dWf, dZf, hf);
        const index_t ratio = index_t(1) << (L - 1 - l + R);
        if ((k + 1) % ratio != 0) continue;
        const index_t j = (k + 1) / ratio - 1;  // coarse step index
        const index_t steps_l = o.coarsest_steps << l;
        const S h = T / S(steps_l);
        method.step(p, x[std::size_t(l)], p.t0 + S(j) * h, h, a.dW, a.dZ, w);
        a.reset(m, cols, uses_dz);
      }
    }
    if constexpr (!with_reference) {
      exact_T.resize(d, cols);
      exact(x0, p.t1, W, exact_T);
    }
    auto& st = stats[std::size_t(b)];
    st.abs.resize(std::size_t(L));
    st.diff.resize(std::size_t(L));
    for (index_t l = 0; l < L; ++l) {
      err = x[std::size_t(l)] - exact_T;
      st.diff[std::size_t(l)] = running_moments::of(err);
      st.abs[std::size_t(l)] = running_moments::of(err.colwise().norm());
    }
  });

  convergence_result r;
  r.method = Method::name;
  r.paths = o.paths;
  std::vector<double> hs, es, ew, ses, sew;
  for (index_t l = 0; l < L; ++l) {
    running_moments a, df;
    for (const auto& st : stats) {
      a.merge(st.abs[std::size_t(l)]);
      df.merge(st.diff[std::size_t(l)]);
    }
    convergence_level lv;
    lv.steps = o.coarsest_steps << l;
    lv.dt = double(T) / double(lv.steps);
    lv.strong = a.mean(0);
    lv.strong_se = a.mean_stderr()(0);
    const Eigen::VectorXd se = df.mean_stderr();
    Eigen::Index imax = 0;
    lv.weak = df.mean.cwiseAbs().maxCoeff(&imax);
    lv.weak_se = se(imax);
    if (!std::isfinite(lv.strong) || !std::isfinite(lv.weak))
      throw ito::numerical_error(std::string(Method::name) + ": non-finite error at dt = " +
                                 detail::to_text(lv.dt) + " (the method blew up)");
    r.levels.push_back(lv);
    hs.push_back(lv.dt);
    es.push_back(lv.strong);
    ew.push_back(lv.weak);
    ses.push_back(lv.strong_se);
    sew.push_back(lv.weak_se);
  }
  r.strong_order = fitted_order(hs, es);
  r.weak_order = fitted_order(hs, ew);
  r.strong_order_se = fitted_order_se(hs, es, ses);
  r.weak_order_se = fitted_order_se(hs, ew, sew);
  return r;
}

}  // namespace ito::sde
