#pragma once
/// \file adaptive.hpp
/// \brief Adaptive time stepping with error control: per-path step sizes, a PI
/// controller, rejected steps that re-query the same Brownian path (the virtual
/// Brownian tree), save times hit exactly.
///
/// Each path keeps its own clock t_j and step h_j. A step of every active path
/// of a block is attempted together (drift and diffusion evaluated on the batch
/// of active paths), with the method's embedded error estimate err (d per path):
///   e_j = sqrt( mean_i ( err_ij / (atol + rtol max(|x_ij|, |x'_ij|)) )^2 ).
/// Paths with e_j <= 1 accept; the others reject and retry from the same state
/// over a shorter interval. The Brownian increments come from a virtual
/// Brownian tree (brownian/brownian_tree.hpp): W over a retried interval is the
/// same path conditioned on what was already drawn, so rejection introduces no
/// bias (Rackauckas & Nie 2017; Gaines & Lyons 1997), and a path's time grid
/// depends only on its own Brownian path, the problem and the tolerances, never
/// on the other paths of its block: results are bit-identical for any thread
/// count and any block size.
///
/// Controller (PI, Gustafsson 1991; Hairer & Wanner, Solving ODEs II, sec. IV.2):
///   h_new = h * clamp(safety * e_n^(-beta1/q) * e_{n-1}^(beta2/q), shrink_min, grow_max),
/// q the order of the error estimate (Method::error_order); after a rejection
/// the factor is at most 1 and uses e_n^(-1/q). Defaults: safety 0.9, beta1 0.7,
/// beta2 0.4, grow_max 5, shrink_min 0.2. Steps are clipped to [dt_min, dt_max]
/// and to the next save time, which is then hit exactly; any other step ends on
/// the tree's dyadic grid of spacing <= h/16 (brownian_tree::grid_below: between
/// 15/16 h and h), where a query stops at the node's level instead of the leaves.
///
/// Time-dependent callables: drift and diffusion are called with one time per
/// call, so the active paths are grouped by equal times. A problem whose
/// callables do not depend on t declares `autonomous = true` (problem.hpp) and
/// is evaluated in one batch; a drift or diffusion that accepts a row of
/// per-path times (`f(X, const Eigen::Array<S, 1, Eigen::Dynamic>& t, out)`) is
/// called once with it. Results are the same either way.

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "brownian/brownian_tree.hpp"
#include "error.hpp"
#include "observers.hpp"
#include "parallel.hpp"
#include "problem.hpp"
#include "solve.hpp"
#include "steppers/euler_maruyama.hpp"
#include "steppers/milstein.hpp"
#include "steppers/rossler_sri.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// Tolerances and controller of adaptive stepping (see the file comment).
struct adaptive_options {
  double rtol = 1e-3;          ///< relative tolerance
  double atol = 1e-6;          ///< absolute tolerance
  double dt_initial = 0;       ///< first trial step; 0: (t1 - t0)/64
  double dt_min = 0;           ///< smallest step; 0: (t1 - t0) 2^-32 (also the Brownian tree's resolution)
  double dt_max = 0;           ///< largest step; 0: t1 - t0
  index_t max_steps = 1000000; ///< per path, accepted plus rejected; exceeding it throws
  double safety = 0.9;         ///< safety factor of the controller
  double beta1 = 0.7;          ///< PI gain on the current error (divided by the estimate's order)
  double beta2 = 0.4;          ///< PI gain on the previous error (divided by the estimate's order)
  double grow_max = 5.0;       ///< largest step growth factor
  double shrink_min = 0.2;     ///< smallest step shrink factor
  double drift_weight = 1.0 / 6.0;  ///< delta: weight of the drift part of the error estimate

  void validate() const {
    detail::require_positive("rtol", rtol);
    detail::require(atol >= 0 && std::isfinite(atol), "atol", atol, ">= 0");
    detail::require(dt_initial >= 0 && std::isfinite(dt_initial), "dt_initial", dt_initial, ">= 0 (0: automatic)");
    detail::require(dt_min >= 0 && std::isfinite(dt_min), "dt_min", dt_min, ">= 0 (0: automatic)");
    detail::require(dt_max >= 0 && std::isfinite(dt_max), "dt_max", dt_max, ">= 0 (0: t1 - t0)");
    detail::require(dt_max == 0 || dt_max >= dt_min, "dt_max", dt_max, ">= dt_min");
    detail::require(max_steps > 0, "max_steps", max_steps, "> 0");
    detail::require(safety > 0 && safety <= 1, "safety", safety, "in (0, 1]");
    detail::require(beta1 > 0, "beta1", beta1, "> 0");
    detail::require(beta2 >= 0, "beta2", beta2, ">= 0");
    detail::require(grow_max > 1, "grow_max", grow_max, "> 1");
    detail::require(shrink_min > 0 && shrink_min < 1, "shrink_min", shrink_min, "in (0, 1)");
    detail::require(drift_weight >= 0, "drift_weight", drift_weight, ">= 0");
  }
};

/// What adaptive stepping did, per path (mean and max over the paths).
struct adaptive_summary {
  double accepted_mean = 0, rejected_mean = 0, drift_evals_mean = 0;
  index_t accepted_max = 0, rejected_max = 0, drift_evals_max = 0;
  double dt_min_used = 0, dt_max_used = 0;  ///< smallest and largest accepted step
};

/// Result of solve_adaptive: a solution (as solve's) and the step statistics.
template <class S = double>
struct adaptive_solution : solution<S> {
  adaptive_summary steps;
};

namespace detail {

template <class S>
using time_row = Eigen::Array<S, 1, Eigen::Dynamic>;

/// out = c(X, t) for per-path times t (a row): one call with the row when the
/// callable takes it; one call with a scalar when all times are equal or the
/// problem is autonomous; otherwise one call per group of equal times.
template <class S, class F>
void eval_at_times(const F& f, bool autonomous, const ensemble<S>& x, const time_row<S>& t, index_t rows,
                   ensemble<S>& out, ensemble<S>& xg, ensemble<S>& og, std::vector<index_t>& cols) {
  fit(out, rows, x.cols());
  if (x.cols() == 0) return;
  if constexpr (std::is_invocable_v<const F&, const ensemble<S>&, const time_row<S>&, ensemble<S>&>) {
    f(x, t, out);
    check_shape("drift or diffusion", out, rows, x.cols());
    return;
  } else {
    if (autonomous || (t == t(0)).all()) {
      f(x, t(0), out);
      check_shape("drift or diffusion", out, rows, x.cols());
      return;
    }
    std::vector<bool> done(std::size_t(x.cols()), false);
    for (index_t j = 0; j < x.cols(); ++j) {
      if (done[std::size_t(j)]) continue;
      cols.clear();
      for (index_t k = j; k < x.cols(); ++k)
        if (!done[std::size_t(k)] && t(k) == t(j)) {
          cols.push_back(k);
          done[std::size_t(k)] = true;
        }
      xg.resize(x.rows(), index_t(cols.size()));
      for (std::size_t c = 0; c < cols.size(); ++c) xg.col(index_t(c)) = x.col(cols[c]);
      og.resize(rows, index_t(cols.size()));
      f(xg, t(j), og);
      check_shape("drift or diffusion", og, rows, index_t(cols.size()));
      for (std::size_t c = 0; c < cols.size(); ++c) out.col(cols[c]) = og.col(index_t(c));
    }
  }
}

/// Scratch of the adaptive loop and of the per-path steps (one per thread).
template <class S>
struct adaptive_workspace {
  stepper_workspace<S> w;
  ensemble<S> xg, og, f0, f1, g0, g1, xe;
  std::vector<index_t> cols;
  std::array<ensemble<S>, 4> F, G;
  std::array<std::vector<matrix_t<S>>, 4> Gt;  ///< additive noise: g at each distinct time
  ensemble<S> H0, H1, chi1, chi2, chi3, acc, ed;
  Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic> r;  ///< scaled errors of the attempted paths
  /// the per-path h and sqrt(h) spread over the rows of the state (d) and of the noise (m):
  /// products with them are coefficient-wise and vectorize (the numbers of a rowwise product)
  Eigen::Array<S, Eigen::Dynamic, Eigen::Dynamic> hd, sqd, hm, sqm;
  void spread(const time_row<S>& h, index_t d, index_t m) {
    const auto rows = [&h](Eigen::Array<S, Eigen::Dynamic, Eigen::Dynamic>& out, index_t r) {
      if (r == 1) out = h;  // (a plain copy vectorizes; replicate does not)
      else out = h.replicate(r, 1);
    };
    rows(hd, d);
    sqd = hd.sqrt();
    if (m == d) {
      hm = hd;
      sqm = sqd;
    } else {
      rows(hm, m);
      sqm = hm.sqrt();
    }
  }
};

template <class P, class S>
void drift_at(const P& p, const ensemble<S>& x, const time_row<S>& t, ensemble<S>& out, adaptive_workspace<S>& a) {
  eval_at_times(p.drift, p.autonomous, x, t, x.rows(), out, a.xg, a.og, a.cols);
}
template <class P, class S>
void diffusion_at(const P& p, const ensemble<S>& x, const time_row<S>& t, ensemble<S>& out, adaptive_workspace<S>& a) {
  eval_at_times(p.diffusion, p.autonomous, x, t, diffusion_rows(p), out, a.xg, a.og, a.cols);
}

/// x += scale * G(t_j) dW_j per path for additive noise with per-path times.
template <class P, class S, class N>
void add_additive_at(const P& p, ensemble<S>& x, const time_row<S>& t, const N& noise, S scale,
                     matrix_t<S>& G) {
  fit(G, p.dim, p.noise_dim);
  if (p.autonomous || (t == t(0)).all()) {
    p.diffusion(t(0), G);
    check_shape("diffusion", G, p.dim, p.noise_dim);
    if (G.size() == 1) x.array() += scale * (G(0, 0) * noise.array());  // one noise, one component
    else x.noalias() += scale * G * noise;
    return;
  }
  for (index_t j = 0; j < x.cols(); ++j) {
    p.diffusion(t(j), G);
    check_shape("diffusion", G, p.dim, p.noise_dim);
    if (G.size() == 1) x(0, j) += scale * (G(0, 0) * noise(0, j));
    else x.col(j).noalias() += scale * G * noise.col(j);
  }
}

/// Per-path SRI step (rossler_sri.hpp with per-column t and h); err receives
/// delta |E_D| + |E_N|.
template <int N, class P, class S>
void sri_step_paths(const sri_tableau<N>& tb, const P& p, ensemble<S>& x, const time_row<S>& t,
                    const time_row<S>& h, const ensemble<S>& dW, const ensemble<S>& dZ, adaptive_workspace<S>& a,
                    ensemble<S>& err, S delta) {
  constexpr noise_kind K = P::noise;
  a.spread(h, x.rows(), dW.rows());
  a.chi1 = ((dW.array().square() - a.hm) / (S(2) * a.sqm)).matrix();
  a.chi2 = (dZ.array() / a.hm).matrix();
  a.chi3 = ((dW.array().cube() - S(3) * (dW.array() * a.hm)) / (S(6) * a.hm)).matrix();
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (drift_needed(tb, i)) {
      if (drift_is_first(tb, i)) {
        a.F[ui] = a.F[0];
      } else {
        a.H0 = x;
        for (int j = 0; j < i; ++j) {
          const auto uj = std::size_t(j);
          if (tb.A0[ui][uj] != 0.0) a.H0.array() += S(tb.A0[ui][uj]) * (a.F[uj].array() * a.hd);
          if (tb.B0[ui][uj] != 0.0) a.H0.array() += S(tb.B0[ui][uj]) * times_noise<K>(a.G[uj], a.chi2);
        }
        drift_at(p, a.H0, time_row<S>(t + S(tb.c0[ui]) * h), a.F[ui], a);
      }
    }
    a.H1 = x;
    for (int j = 0; j < i; ++j) {
      const auto uj = std::size_t(j);
      if (tb.A1[ui][uj] != 0.0) a.H1.array() += S(tb.A1[ui][uj]) * (a.F[uj].array() * a.hd);
      if (tb.B1[ui][uj] != 0.0) a.H1.array() += S(tb.B1[ui][uj]) * (a.G[uj].array() * a.sqd);
    }
    diffusion_at(p, a.H1, time_row<S>(t + S(tb.c1[ui]) * h), a.G[ui], a);
  }
  a.acc.setZero(x.rows(), x.cols());
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (tb.beta3[ui] != 0.0) a.acc.array() += S(tb.beta3[ui]) * times_noise<K>(a.G[ui], a.chi2);
    if (tb.beta4[ui] != 0.0) a.acc.array() += S(tb.beta4[ui]) * times_noise<K>(a.G[ui], a.chi3);
  }
  a.ed = -a.F[0];
  for (int i = 0; i < N; ++i)
    if (tb.alpha[std::size_t(i)] != 0.0) a.ed += S(tb.alpha[std::size_t(i)]) * a.F[std::size_t(i)];
  err = (delta * (a.ed.array() * a.hd).abs() + a.acc.array().abs()).matrix();
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (tb.alpha[ui] != 0.0) x.array() += S(tb.alpha[ui]) * (a.F[ui].array() * a.hd);
    if (tb.beta1[ui] != 0.0) x.array() += S(tb.beta1[ui]) * times_noise<K>(a.G[ui], dW);
    if (tb.beta2[ui] != 0.0) x.array() += S(tb.beta2[ui]) * times_noise<K>(a.G[ui], a.chi1);
    if (tb.beta3[ui] != 0.0) x.array() += S(tb.beta3[ui]) * times_noise<K>(a.G[ui], a.chi2);
    if (tb.beta4[ui] != 0.0) x.array() += S(tb.beta4[ui]) * times_noise<K>(a.G[ui], a.chi3);
  }
}

/// Per-path SRA step (additive noise).
template <int N, class P, class S>
void sra_step_paths(const sra_tableau<N>& tb, const P& p, ensemble<S>& x, const time_row<S>& t,
                    const time_row<S>& h, const ensemble<S>& dW, const ensemble<S>& dZ, adaptive_workspace<S>& a,
                    ensemble<S>& err, S delta) {
  a.spread(h, x.rows(), dZ.rows());
  a.chi2 = (dZ.array() / a.hm).matrix();
  matrix_t<S>& G = a.w.G;
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (!drift_needed(tb, i)) continue;
    if (drift_is_first(tb, i)) {
      a.F[ui] = a.F[0];
      continue;
    }
    a.H0 = x;
    for (int j = 0; j < i; ++j) {
      const auto uj = std::size_t(j);
      if (tb.A0[ui][uj] != 0.0) a.H0.array() += S(tb.A0[ui][uj]) * (a.F[uj].array() * a.hd);
      if (tb.B0[ui][uj] != 0.0)
        add_additive_at(p, a.H0, time_row<S>(t + S(tb.c1[uj]) * h), a.chi2, S(tb.B0[ui][uj]), G);
    }
    drift_at(p, a.H0, time_row<S>(t + S(tb.c0[ui]) * h), a.F[ui], a);
  }
  a.acc.setZero(x.rows(), x.cols());
  for (int i = 0; i < N; ++i)
    if (tb.beta2[std::size_t(i)] != 0.0)
      add_additive_at(p, a.acc, time_row<S>(t + S(tb.c1[std::size_t(i)]) * h), a.chi2, S(tb.beta2[std::size_t(i)]), G);
  a.ed = -a.F[0];
  for (int i = 0; i < N; ++i)
    if (tb.alpha[std::size_t(i)] != 0.0) a.ed += S(tb.alpha[std::size_t(i)]) * a.F[std::size_t(i)];
  err = (delta * (a.ed.array() * a.hd).abs() + a.acc.array().abs()).matrix();
  for (int i = 0; i < N; ++i) {
    const auto ui = std::size_t(i);
    if (tb.alpha[ui] != 0.0) x.array() += S(tb.alpha[ui]) * (a.F[ui].array() * a.hd);
    const time_row<S> tc = t + S(tb.c1[ui]) * h;
    if (tb.beta1[ui] != 0.0) add_additive_at(p, x, tc, dW, S(tb.beta1[ui]), G);
    if (tb.beta2[ui] != 0.0) add_additive_at(p, x, tc, a.chi2, S(tb.beta2[ui]), G);
  }
}

}  // namespace detail

/// Euler–Maruyama with an error estimate for adaptive steps, for every noise kind.
///  - Additive noise: the Euler / improved-Euler pair of Jolicoeur-Martineau et
///    al. 2021 ("Gotta go fast when generating data with score-based models",
///    Algorithm 1): X' = X + f(X) h + G(t) dW, X'' = X + (f(X) + f(X')) h/2 +
///    (G(t) + G(t+h)) dW/2, err = |X'' - X'|, and X'' is accepted (strong order 1).
///  - Multiplicative noise: X' = X + f h + g dW is accepted; the estimate uses the
///    supporting value Y = X + f h + g sqrt(h) (as in derivative-free Milstein),
///    err = delta |h/2 (f(Y) - f(X))| + |1/2 (g(Y) - g(X)) sqrt(h)|, the size of
///    the first dropped terms. It does not look at this step's dW: a decision
///    that did would favour small |dW| and bias the Itô correction (EM with
///    increment-dependent steps converges to the wrong SDE), so the steps stay
///    predictable and EM keeps its strong order 1/2.
/// Cost per accepted step: two drift evaluations.
struct adaptive_euler_maruyama {
  adaptive_options control;  ///< tolerances and controller
  static constexpr double strong_order = 0.5;
  static constexpr double weak_order = 1.0;
  static constexpr double error_order = 1.0;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "euler_maruyama (adaptive)";
  template <class P>
  static void check(const P& p) {
    if (P::noise != noise_kind::additive && p.interpretation == calculus::stratonovich)
      detail::unsupported(name, "Stratonovich problems with multiplicative noise");
  }
};

/// Milstein with a predictable error estimate for adaptive steps (scalar and
/// diagonal noise with the diffusion derivative (g.grad)g; Kloeden & Platen
/// 1992, eq. 10.3.3). The accepted step is Milstein's,
///   X' = X + f h + g dW + 1/2 (g.grad)g (dW^2 - h),
/// and the estimate is the size of the first terms it drops (strong order 3/2
/// terms), from the supporting value Y = X + f h + g sqrt(h) (independent of
/// this step's dW, for the reason given at adaptive_euler_maruyama):
///   err = delta |h/2 (f(Y) - f(X))| + |1/2 ((g.grad)g(Y) - (g.grad)g(X)) sqrt(h)|,
/// the drift's second-order term and the I_111 term (g.grad)((g.grad)g) I_111.
/// Error order 3/2. Cost per attempted step: one drift evaluation (f(Y)) plus
/// f(X) once per accepted step; two diffusion and two derivative evaluations.
struct adaptive_milstein {
  adaptive_options control;  ///< tolerances and controller
  static constexpr double strong_order = 1.0;
  static constexpr double weak_order = 1.0;
  static constexpr double error_order = 1.5;
  static constexpr bool uses_dz = false;
  static constexpr const char* name = "milstein";
  template <class P>
  static void check(const P& p) {
    static_assert((P::noise == noise_kind::diagonal || P::noise == noise_kind::scalar) && P::has_derivative,
                  "adaptive milstein: scalar or diagonal noise with the diffusion derivative "
                  "(additive noise: Milstein is Euler-Maruyama, use adaptive(euler_maruyama{}))");
    if (p.interpretation == calculus::stratonovich) detail::unsupported(name, "Stratonovich problems");
  }
};

/// The adaptive form of a Rößler-family method (sriw1, sosri, sosra, sra1-like
/// tableaus): the method and its embedded estimate, error order 3/2.
template <class Method>
struct adaptive_rossler {
  Method method;
  adaptive_options control;  ///< tolerances and controller
  static constexpr double strong_order = Method::strong_order;
  static constexpr double weak_order = Method::weak_order;
  static constexpr double error_order = 1.5;
  static constexpr bool uses_dz = true;
  static constexpr const char* name = Method::name;
  template <class P>
  static void check(const P& p) {
    Method::check(p);
  }
};

namespace detail {

/// One attempted step of every column of x (per-path t and h), err per component.
template <class P, class M, class S>
void adaptive_step(const P& p, const M& m, ensemble<S>& x, const time_row<S>& t, const time_row<S>& h,
                   const ensemble<S>& dW, const ensemble<S>& dZ, adaptive_workspace<S>& a, ensemble<S>& err,
                   ensemble<S>& f0, ensemble<S>& f1, S delta) {
  if constexpr (std::is_same_v<M, adaptive_euler_maruyama>) {
    a.spread(h, x.rows(), dW.rows());
    const time_row<S> t1 = t + h;
    if constexpr (P::noise == noise_kind::additive) {
      // X' = X + f h + G(t) dW;  X'' = X + (f(X) + f(X')) h/2 + (G(t) + G(t+h)) dW/2 (accepted)
      a.xe = x;
      a.xe.array() += f0.array() * a.hd;
      add_additive_at(p, a.xe, t, dW, S(1), a.w.G);
      drift_at(p, a.xe, t1, f1, a);
      a.acc = x;
      a.acc.array() += S(0.5) * ((f0 + f1).array() * a.hd);
      add_additive_at(p, a.acc, t, dW, S(0.5), a.w.G);
      add_additive_at(p, a.acc, t1, dW, S(0.5), a.w.G);
      err = (a.acc - a.xe).cwiseAbs();
      x.swap(a.acc);
    } else {
      // supporting value Y = X + f h + g sqrt(h): independent of this step's dW, so
      // the accept/reject decision is predictable and EM keeps converging to the Itô solution
      diffusion_at(p, x, t, a.g0, a);
      a.acc = a.sqm.matrix();
      a.xe = x;
      a.xe.array() += f0.array() * a.hd;
      add_noise(p, a.xe, a.g0, a.w.G, a.acc);
      drift_at(p, a.xe, t1, f1, a);
      diffusion_at(p, a.xe, t1, a.g1, a);
      a.g1 -= a.g0;
      a.ed.setZero(x.rows(), x.cols());
      add_noise(p, a.ed, a.g1, a.w.G, a.acc, S(0.5));
      err = (delta * (S(0.5) * ((f1 - f0).array() * a.hd)).abs() + a.ed.array().abs()).matrix();
      // the accepted Euler-Maruyama step
      x.array() += f0.array() * a.hd;
      add_noise(p, x, a.g0, a.w.G, dW);
    }
  } else if constexpr (std::is_same_v<M, adaptive_milstein>) {
    constexpr noise_kind K = P::noise;
    a.spread(h, x.rows(), dW.rows());
    diffusion_at(p, x, t, a.g0, a);
    eval_at_times(p.diffusion_derivative, p.autonomous, x, t, x.rows(), a.H0, a.xg, a.og, a.cols);  // (g.grad)g(X)
    // supporting value Y = X + f h + g sqrt(h)
    a.xe = x;
    a.xe.array() += f0.array() * a.hd;
    a.xe.array() += a.g0.array() * a.sqd;
    drift_at(p, a.xe, time_row<S>(t + h), f1, a);
    eval_at_times(p.diffusion_derivative, p.autonomous, a.xe, t, x.rows(), a.H1, a.xg, a.og, a.cols);
    err = (delta * (S(0.5) * ((f1 - f0).array() * a.hd)).abs() +
           (S(0.5) * ((a.H1 - a.H0).array() * a.sqd)).abs())
              .matrix();
    // the accepted Milstein step (Itô)
    a.chi1 = (dW.array().square() - a.hm).matrix();
    x.array() += S(0.5) * times_noise<K>(a.H0, a.chi1);
    x.array() += times_noise<K>(a.g0, dW);
    x.array() += f0.array() * a.hd;
  } else {
    static constexpr auto tb = decltype(m.method)::tableau();
    a.F[0] = f0;  // f(X) at the step's start, computed by the loop
    if constexpr (P::noise == noise_kind::additive) sra_step_paths(tb, p, x, t, h, dW, dZ, a, err, delta);
    else sri_step_paths(tb, p, x, t, h, dW, dZ, a, err, delta);
  }
}

/// ilogb(x) of a positive normal x, read from its exponent field (IEEE 754 binary64)
inline int binary_exponent(double x) { return int((std::bit_cast<std::uint64_t>(x) >> 52) & 0x7ff) - 1023; }

/// The PI controller's factor safety e^(-beta1/q) e_prev^(beta2/q) (file
/// comment), for the clamp to [shrink_min, grow_max] that follows: when the
/// binary exponents of e and e_prev already put the product outside that range
/// (log2 x in [ilogb x, ilogb x + 1)), the nearer bound stands in for it and the
/// two pow calls are skipped; the clamped factor is the same number. This is
/// the case of an error far below the tolerance (the step grows by grow_max).
/// e and e_prev are in [1e-10, 1] here.
class pi_controller {
 public:
  pi_controller(const adaptive_options& ao, double q)
      : safety_(ao.safety), a_(-ao.beta1 / q), b_(ao.beta2 / q), lo_(ao.shrink_min), hi_(ao.grow_max),
        log2_safety_(std::log2(ao.safety)), log2_lo_(std::log2(ao.shrink_min)), log2_hi_(std::log2(ao.grow_max)) {}

  double factor(double e, double e_prev) const {
    constexpr double margin = 1e-6;  // far above the rounding of pow, log2 and the products
    if (e >= std::numeric_limits<double>::min() && e_prev >= std::numeric_limits<double>::min() &&
        std::isfinite(e) && std::isfinite(e_prev)) {
      const double ke = binary_exponent(e), kp = binary_exponent(e_prev);
      // a <= 0 <= b: a log2 e in (a (ke + 1), a ke], b log2 e_prev in [b kp, b (kp + 1))
      const double lower = log2_safety_ + a_ * (ke + 1) + b_ * kp;
      const double upper = log2_safety_ + a_ * ke + b_ * (kp + 1);
      if (lower > log2_hi_ + margin) return hi_;
      if (upper < log2_lo_ - margin) return lo_;
    }
    return safety_ * std::pow(e, a_) * std::pow(e_prev, b_);
  }

 private:
  double safety_, a_, b_, lo_, hi_, log2_safety_, log2_lo_, log2_hi_;
};

}  // namespace detail

/// Integrate `paths` copies of p with adaptive steps (see the file comment).
/// `method` is adaptive_euler_maruyama{} or adaptive_rossler<M>{} (M = sriw1,
/// sosri for scalar/diagonal noise; sra1, sosra for additive noise). From `opt` it
/// uses paths, seed, threads, block_size, save_times, keep_paths,
/// keep_terminal, block_begin and block_end (the grid options are ignored: the
/// steps are chosen).
template <class P, class M>
adaptive_solution<typename P::scalar_type> solve_adaptive(const P& p, const M& method,
                                                          const solve_options<typename P::scalar_type>& opt,
                                                          const adaptive_options& ao) {
  using S = typename P::scalar_type;
  const auto start = std::chrono::steady_clock::now();
  p.validate();
  M::check(p);
  ao.validate();
  const index_t n = opt.paths > 0 ? opt.paths : p.x0.cols();
  detail::require(opt.paths >= 0, "paths", opt.paths, "> 0");
  detail::require(p.x0.cols() == 1 || p.x0.cols() == n, "x0 columns", p.x0.cols(), "1 or paths = " + std::to_string(n));
  detail::require(opt.block_size > 0, "block_size", opt.block_size, "> 0");
  const double T = double(p.t1 - p.t0);
  const double hmin = ao.dt_min > 0 ? ao.dt_min : T * std::ldexp(1.0, -32);
  const double hmax = ao.dt_max > 0 ? std::min(ao.dt_max, T) : T;
  const double h0 = std::clamp(ao.dt_initial > 0 ? ao.dt_initial : T / 64, hmin, hmax);
  // save times: sorted targets (each path stops at every one exactly)
  std::vector<double> targets;
  for (std::size_t i = 0; i < opt.save_times.size(); ++i) {
    const double s = double(opt.save_times[i]);
    detail::require(s >= double(p.t0) && s <= double(p.t1), "save_times[" + std::to_string(i) + "]", s,
                    "in [t0, t1]");
    targets.push_back(s);
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  if (targets.empty() || targets.back() < double(p.t1)) targets.push_back(double(p.t1));
  const std::size_t nsave = opt.save_times.size();
  const index_t d = p.dim, m = p.noise_dim;
  const index_t total_blocks = (n + opt.block_size - 1) / opt.block_size;
  const index_t b0 = opt.block_begin, b1 = opt.block_end < 0 ? total_blocks : opt.block_end;
  detail::require(b0 >= 0 && b0 <= total_blocks, "block_begin", b0, "in [0, " + std::to_string(total_blocks) + "]");
  detail::require(b1 >= b0 && b1 <= total_blocks, "block_end", b1,
                  "in [block_begin, " + std::to_string(total_blocks) + "]");
  const index_t nblocks = b1 - b0;
  const index_t path0 = b0 * opt.block_size;                                   // first local path
  const index_t nlocal = std::min(n, b1 * opt.block_size) - std::min(n, path0);  // local paths
  const double q = M::error_order;
  const S delta = S(ao.drift_weight);
  const detail::pi_controller controller(ao, q);
  // drift evaluations per attempted step (f(X) at the step's start is counted when the loop makes it)
  constexpr index_t attempt_evals = [] {
    if constexpr (std::is_same_v<M, adaptive_euler_maruyama> || std::is_same_v<M, adaptive_milstein>) {
      return index_t(1);
    } else {
      constexpr auto tb = decltype(M::method)::tableau();
      index_t ev = 0;
      for (int i = 1; i < std::decay_t<decltype(tb)>::stages; ++i)
        if (detail::drift_needed(tb, i) && !detail::drift_is_first(tb, i)) ++ev;
      return ev;
    }
  }();

  adaptive_solution<S> sol;
  sol.times.assign(opt.save_times.begin(), opt.save_times.end());
  sol.t1 = p.t1;
  if (opt.keep_terminal) sol.terminal.resize(d, nlocal);
  if (opt.keep_paths) sol.snapshots.assign(nsave, ensemble<S>(d, nlocal));
  std::vector<std::vector<running_moments>> block_moments(std::size_t(nblocks), std::vector<running_moments>(nsave + 1));
  struct counts {
    std::vector<index_t> acc, rej, evals;
    double hmin = std::numeric_limits<double>::infinity(), hmax = 0;
  };
  std::vector<counts> block_counts(static_cast<std::size_t>(nblocks));
  const unsigned workers = resolve_threads(opt.threads, nblocks);
  std::vector<detail::adaptive_workspace<S>> ws(workers);

  parallel_for(nblocks, opt.threads, [&](std::int64_t b, unsigned worker) {
    auto& a = ws[worker];
    const index_t first = (b0 + index_t(b)) * opt.block_size;  // global index of the block's first path
    const index_t local = first - path0;                       // its column in terminal/snapshots
    const index_t B = std::min(opt.block_size, n - first);
    ensemble<S> x = p.x0.cols() == 1 ? ensemble<S>(p.x0.col(0).replicate(1, B)) : ensemble<S>(p.x0.middleCols(first, B));
    brownian_tree<S> tree(opt.seed, p.t0, p.t1, S(hmin), m, std::uint64_t(first), B);
    std::vector<double> t(std::size_t(B), double(p.t0)), h(std::size_t(B), h0), eprev(std::size_t(B), 1.0);
    std::vector<std::size_t> next(std::size_t(B), 0);  // index into targets
    std::vector<char> rejected_last(std::size_t(B), 0), clipped(std::size_t(B), 0), step_accepted(std::size_t(B), 0);
    Eigen::Array<double, 1, Eigen::Dynamic> enorm;  // the error norm of each attempted path
    std::vector<double> wanted(std::size_t(B), h0);
    auto& c = block_counts[std::size_t(b)];
    c.acc.assign(std::size_t(B), 0);
    c.rej.assign(std::size_t(B), 0);
    c.evals.assign(std::size_t(B), 0);
    std::vector<ensemble<S>> snaps(targets.size());
    for (auto& s : snaps) s.resize(d, B);
    // the first drift evaluation (kept per path: f at the current state)
    ensemble<S> fx(d, B), f1, xa, dWall, dZall, dWa, dZa, err, fa, f1a;
    {
      detail::time_row<S> tt = detail::time_row<S>::Constant(B, p.t0);
      detail::drift_at(p, x, tt, fx, a);
      for (auto& e : c.evals) e += 1;
    }
    // paths that start on a target (t0 is a save time)
    for (index_t j = 0; j < B; ++j)
      while (next[std::size_t(j)] < targets.size() && targets[next[std::size_t(j)]] <= t[std::size_t(j)]) {
        snaps[next[std::size_t(j)]].col(j) = x.col(j);
        ++next[std::size_t(j)];
      }
    std::vector<S> s_time(static_cast<std::size_t>(B)), e_time(static_cast<std::size_t>(B));
    // a level of the tree whose spacing T/2^l is at most want/16: with e(x) the binary exponent,
    // T < 2^(e(T)+1) and want >= 2^e(want), so l = e(T) - e(want) + 5 gives T/2^l < want/16
    const int exponent_T = detail::binary_exponent(T);
    const auto grid_level = [exponent_T](double want) { return exponent_T - detail::binary_exponent(want) + 5; };
    std::vector<index_t> act, moved;
    detail::time_row<S> ta, ha, tm;
    ensemble<S> xold, xm, fm;
    // dst = the columns `cols` (increasing) of src: all of src in one copy when cols is every path
    const auto gather = [B](const std::vector<index_t>& cols, const ensemble<S>& src, ensemble<S>& dst) {
      if (index_t(cols.size()) == B) {
        dst = src;
        return;
      }
      dst.resize(src.rows(), index_t(cols.size()));
      for (std::size_t k = 0; k < cols.size(); ++k) dst.col(index_t(k)) = src.col(cols[k]);
    };
    for (;;) {
      act.clear();
      for (index_t j = 0; j < B; ++j)
        if (next[std::size_t(j)] < targets.size()) act.push_back(j);
      if (act.empty()) break;
      const index_t na = index_t(act.size());
      const bool all = na == B;  // every path attempts: no gathering, the block's own arrays are used
      ta.resize(na);
      ha.resize(na);
      std::copy(t.begin(), t.end(), s_time.begin());
      std::copy(t.begin(), t.end(), e_time.begin());
      for (index_t k = 0; k < na; ++k) {
        const auto j = std::size_t(act[std::size_t(k)]);
        const double target = targets[next[j]];
        const double want = std::clamp(h[j], hmin, hmax);
        // hit the next save time exactly, never leaving a sliver shorter than dt_min; otherwise end
        // on the tree's dyadic grid of spacing at most want/16 (a query there stops at that level
        // instead of descending to the leaves; the step is at least 15/16 of want)
        double tn = target;
        if (t[j] + want < target - hmin) {
          const double g = tree.grid_below(t[j] + want, grid_level(want));
          tn = g - t[j] >= hmin ? g : t[j] + want;
        }
        clipped[j] = tn == target && tn - t[j] < want;
        wanted[j] = want;
        e_time[j] = S(tn);
        ta(k) = S(t[j]);
        ha(k) = e_time[j] - s_time[j];
      }
      tree.increment(s_time.data(), e_time.data(), dWall, M::uses_dz ? &dZall : nullptr);
      gather(act, x, xa);  // (all: a copy, the attempt's state)
      if (!all) {
        gather(act, x, xold);
        gather(act, fx, fa);
        gather(act, dWall, dWa);
        if (M::uses_dz) gather(act, dZall, dZa);
      }
      const ensemble<S>& x_start = all ? x : xold;
      detail::adaptive_step(p, method, xa, ta, ha, all ? dWall : dWa, all ? dZall : dZa, a, err, all ? fx : fa, f1a,
                            delta);
      // the error norms e_k = sqrt(mean_i (err_ik / (atol + rtol max(|x_ik|, |x'_ik|)))^2), for all
      // attempted paths at once (component by component, in the order of a loop over i)
      a.r = err.array().template cast<double>() /
            (ao.atol + ao.rtol * x_start.array().template cast<double>().abs().max(
                                     xa.array().template cast<double>().abs()));
      enorm = a.r.row(0).square();
      for (index_t i = 1; i < d; ++i) enorm += a.r.row(i).square();
      enorm = (enorm / double(d)).sqrt();
      index_t accepted = 0;
      moved.clear();  // the accepted paths that go on (their drift at the new state is next)
      for (index_t k = 0; k < na; ++k) {
        const auto j = std::size_t(act[std::size_t(k)]);
        c.evals[j] += attempt_evals;
        double e = enorm(k);
        const bool finite = xa.col(k).allFinite();
        if (!std::isfinite(e) || !finite) e = 1e10;
        const double hj = double(ha(k));
        if (e <= 1.0 || hj <= hmin * (1 + 1e-12)) {
          if (!finite)
            throw ito::numerical_error(std::string(M::name) + ": non-finite state at t = " + detail::to_text(t[j]) +
                                       " in path " + std::to_string(first + index_t(j)) + " at the smallest step dt_min");
          step_accepted[std::size_t(k)] = 1;
          ++accepted;
          t[j] = double(e_time[j]);
          ++c.acc[j];
          c.hmin = std::min(c.hmin, hj);
          c.hmax = std::max(c.hmax, hj);
          const double ee = std::max(e, 1e-10);
          double fac = controller.factor(ee, eprev[j]);
          if (rejected_last[j]) fac = std::min(fac, 1.0);
          fac = std::clamp(fac, ao.shrink_min, ao.grow_max);
          eprev[j] = ee;
          rejected_last[j] = false;
          const double target = targets[next[j]];
          if (t[j] >= target) {
            snaps[next[j]].col(index_t(j)) = xa.col(k);
            ++next[j];
          }
          if (next[j] < targets.size()) moved.push_back(index_t(j));
          // after a step shortened to hit a save time, keep the step the controller wanted
          h[j] = clipped[j] ? std::max(hj * fac, wanted[j]) : hj * fac;
        } else {
          step_accepted[std::size_t(k)] = 0;
          ++c.rej[j];
          rejected_last[j] = true;
          const double fac = std::clamp(ao.safety * std::pow(e, -1.0 / q), ao.shrink_min, 1.0);
          h[j] = std::max(hj * fac, hmin);
        }
        if (c.acc[j] + c.rej[j] > ao.max_steps)
          throw ito::numerical_error(std::string(M::name) + ": path " + std::to_string(first + index_t(j)) +
                                     " needed more than max_steps = " + std::to_string(ao.max_steps) +
                                     " steps (t = " + detail::to_text(t[j]) + ")");
      }
      // the accepted states
      if (accepted == B) {
        x.swap(xa);
      } else {
        for (index_t k = 0; k < na; ++k)
          if (step_accepted[std::size_t(k)]) std::copy_n(xa.col(k).data(), d, x.col(act[std::size_t(k)]).data());
      }
      {
        // the drift at the new states of the accepted paths (the next step's f(X))
        if (!moved.empty()) {
          tm.resize(index_t(moved.size()));
          for (std::size_t k = 0; k < moved.size(); ++k) {
            tm(index_t(k)) = S(t[std::size_t(moved[k])]);
            c.evals[std::size_t(moved[k])] += 1;
          }
          if (index_t(moved.size()) == B) {
            detail::drift_at(p, x, tm, fx, a);
          } else {
            gather(moved, x, xm);
            detail::drift_at(p, xm, tm, fm, a);
            for (std::size_t k = 0; k < moved.size(); ++k) fx.col(moved[k]) = fm.col(index_t(k));
          }
        }
      }
    }
    // save slots and terminal
    auto& mom = block_moments[std::size_t(b)];
    for (std::size_t s = 0; s < nsave; ++s) {
      const auto it = std::lower_bound(targets.begin(), targets.end(), double(opt.save_times[s]));
      const auto& snap = snaps[std::size_t(it - targets.begin())];
      mom[s] = running_moments::of(snap);
      if (opt.keep_paths) sol.snapshots[s].middleCols(local, B) = snap;
    }
    mom[nsave] = running_moments::of(x);
    if (opt.keep_terminal) sol.terminal.middleCols(local, B) = x;
  });

  sol.moments.assign(nsave, running_moments{});
  for (const auto& bm : block_moments) {
    for (std::size_t s = 0; s < nsave; ++s) sol.moments[s].merge(bm[s]);
    sol.final_moments.merge(bm[nsave]);
  }
  sol.block_moments = std::move(block_moments);
  // step statistics
  auto& st = sol.steps;
  double sa = 0, sr = 0, se = 0;
  st.dt_min_used = std::numeric_limits<double>::infinity();
  for (const auto& c : block_counts) {
    for (std::size_t j = 0; j < c.acc.size(); ++j) {
      sa += double(c.acc[j]);
      sr += double(c.rej[j]);
      se += double(c.evals[j]);
      st.accepted_max = std::max(st.accepted_max, c.acc[j]);
      st.rejected_max = std::max(st.rejected_max, c.rej[j]);
      st.drift_evals_max = std::max(st.drift_evals_max, c.evals[j]);
    }
    st.dt_min_used = std::min(st.dt_min_used, c.hmin);
    st.dt_max_used = std::max(st.dt_max_used, c.hmax);
  }
  st.accepted_mean = sa / double(std::max<index_t>(nlocal, 1));
  st.rejected_mean = sr / double(std::max<index_t>(nlocal, 1));
  st.drift_evals_mean = se / double(std::max<index_t>(nlocal, 1));
  auto& sum = sol.summary;
  sum.paths = n;
  sum.steps = st.accepted_max;
  sum.dim = d;
  sum.noise_dim = m;
  sum.blocks = total_blocks;
  sum.block_begin = b0;
  sum.block_end = b1;
  sum.block_size = opt.block_size;
  sum.threads = workers;
  sum.seed = opt.seed;
  sum.method = std::string(M::name) + " (adaptive)";
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sol;
}

/// The adaptive form of a method, for `solve`'s front door:
///   solve(problem, adaptive(sriw1{}, control), options)
/// (sriw1, sosri: scalar or diagonal noise; sra1, sosra: additive noise;
/// euler_maruyama: any noise; milstein: scalar or diagonal noise with the
/// diffusion derivative).
template <class Method>
adaptive_rossler<Method> adaptive(Method m, const adaptive_options& control = {}) {
  return adaptive_rossler<Method>{m, control};
}
inline adaptive_euler_maruyama adaptive(euler_maruyama, const adaptive_options& control = {}) {
  return adaptive_euler_maruyama{control};
}
inline adaptive_milstein adaptive(milstein, const adaptive_options& control = {}) {
  return adaptive_milstein{control};
}

/// solve(problem, adaptive(method, control), options): adaptive steps through
/// the same front door as fixed steps (the grid options are not used).
template <class P, class Method>
adaptive_solution<typename P::scalar_type> solve(const P& p, const adaptive_rossler<Method>& method,
                                                 const solve_options<typename P::scalar_type>& opt) {
  return solve_adaptive(p, method, opt, method.control);
}
template <class P>
adaptive_solution<typename P::scalar_type> solve(const P& p, const adaptive_euler_maruyama& method,
                                                 const solve_options<typename P::scalar_type>& opt) {
  return solve_adaptive(p, method, opt, method.control);
}
template <class P>
adaptive_solution<typename P::scalar_type> solve(const P& p, const adaptive_milstein& method,
                                                 const solve_options<typename P::scalar_type>& opt) {
  return solve_adaptive(p, method, opt, method.control);
}

}  // namespace ito::sde
