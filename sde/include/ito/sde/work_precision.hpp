#pragma once
/// \file work_precision.hpp
/// \brief Work-precision study: strong error at t1 against drift evaluations per
/// path, for fixed-step and adaptive methods on the same Brownian paths.
///
/// Every run integrates the same `paths` paths of the virtual Brownian tree
/// (brownian/brownian_tree.hpp): the fixed-step runs use `tree_brownian` with
/// 2^k uniform steps (dyadic points of the tree, so the increments are exact
/// draws of the same path the adaptive runs query), the adaptive runs query the
/// tree at their own times. The strong error of a run is
///   E |X_N - X_ref(t1)|  (Euclidean norm per path, mean over paths),
/// with its standard error sd/sqrt(paths). The reference is the exact solution
/// on the tree's W(t1) when known, otherwise a fine fixed-step strong order 3/2
/// solution (SRA1 for additive noise, SRIW1 for scalar/diagonal noise) on the
/// same path; its own convergence is reported as the mean distance between the
/// reference and the same method at half the steps.
///
/// Methods by noise kind (one row per step count or tolerance):
///  - additive: euler_maruyama, sra1, sosra (fixed); adaptive euler_maruyama
///    (Euler/improved-Euler pair), adaptive sra1 and sosra.
///  - scalar/diagonal: euler_maruyama, milstein (when the problem supplies the
///    diffusion derivative), sriw1, sosri (fixed); adaptive euler_maruyama,
///    adaptive milstein (when it has the derivative), adaptive sriw1 and sosri.
///  - general: euler_maruyama fixed and adaptive.
/// A run that blows up (ito::numerical_error, e.g. an explicit method beyond its
/// stability limit) gives no row and is listed in `unstable`.
/// Drift evaluations: fixed steps cost (steps x evaluations per step), counted
/// exactly from the method (drift_evals_per_step); adaptive runs report the
/// mean over paths of what they did, rejected attempts included.

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "adaptive.hpp"
#include "brownian.hpp"
#include "error.hpp"
#include "solve.hpp"
#include "steppers/euler_maruyama.hpp"
#include "steppers/milstein.hpp"
#include "steppers/sosra.hpp"
#include "steppers/sosri.hpp"
#include "steppers/sra1.hpp"
#include "steppers/sriw1.hpp"

namespace ito::sde {

/// Options of a work-precision study.
struct work_precision_options {
  index_t paths = 200;                                     ///< Brownian paths (the same for every run)
  std::uint64_t seed = 1;                                  ///< seed of the Brownian tree
  unsigned threads = 0;                                    ///< 0: all hardware threads
  index_t block_size = 64;                                 ///< paths per block
  std::vector<index_t> steps{8, 16, 32, 64, 128, 256, 512};  ///< fixed-step ladder (powers of two)
  std::vector<double> rtols{1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4};  ///< adaptive ladder
  double atol_ratio = 1.0;          ///< atol = atol_ratio * rtol
  adaptive_options control{};       ///< controller of the adaptive runs (rtol and atol are set per run)
  index_t reference_steps = 1 << 14;  ///< steps of the fine reference (power of two), when no exact solution
  bool adaptive_em = true;          ///< include adaptive Euler–Maruyama

  void validate() const {
    detail::require(paths > 0, "paths", paths, "> 0");
    detail::require(block_size > 0, "block_size", block_size, "> 0");
    detail::require(!steps.empty() || !rtols.empty(), "steps and rtols", 0, "at least one run");
    for (const index_t s : steps) detail::require(s > 0 && (s & (s - 1)) == 0, "steps", s, "a power of two");
    for (const double r : rtols) detail::require_positive("rtols", r);
    detail::require(atol_ratio >= 0, "atol_ratio", atol_ratio, ">= 0");
    detail::require(reference_steps >= 2 && (reference_steps & (reference_steps - 1)) == 0, "reference_steps",
                    reference_steps, "a power of two >= 2");
  }
};

/// One run of the study.
struct work_precision_row {
  std::string method;       ///< method name
  bool adaptive = false;    ///< adaptive steps (rtol) or fixed steps (dt)
  double dt = 0;            ///< fixed step (0 for adaptive runs)
  double rtol = 0;          ///< tolerance (0 for fixed-step runs); atol = atol_ratio rtol
  double nfe = 0;           ///< drift evaluations per path (mean)
  double strong_error = 0;  ///< mean over paths of |X - X_ref| at t1
  double stderr_ = 0;       ///< its standard error
  double steps = 0;         ///< accepted steps per path (mean)
  double rejected = 0;      ///< rejected steps per path (mean)
};

/// The study: rows and how the reference was obtained.
struct work_precision_result {
  std::vector<work_precision_row> rows;
  std::string reference;          ///< "exact" or the reference method and its steps
  double reference_dt = 0;        ///< step of the reference (0 when exact)
  double reference_change = 0;    ///< mean |ref(dt) - ref(2 dt)| over paths (0 when exact)
  index_t paths = 0;
  std::vector<std::string> unstable;  ///< runs that blew up (no row): "method dt" or "method rtol"
};

/// Drift evaluations per fixed step of a method (exact count of its stages).
template <class Method>
constexpr int drift_evals_per_step() {
  if constexpr (requires { Method::tableau(); }) {
    constexpr auto tb = Method::tableau();
    int n = 0;
    for (int i = 0; i < std::decay_t<decltype(tb)>::stages; ++i)
      if (detail::drift_needed(tb, i) && !detail::drift_is_first(tb, i)) ++n;
    return n;
  } else if constexpr (std::is_same_v<Method, sra1>) {
    return 2;
  } else {
    return 1;  // euler_maruyama, milstein
  }
}

namespace detail {

/// Mean and standard error over paths of the Euclidean distance per column.
template <class S>
std::pair<double, double> path_distance(const ensemble<S>& a, const ensemble<S>& b) {
  const index_t n = a.cols();
  double s = 0, s2 = 0;
  for (index_t j = 0; j < n; ++j) {
    const double e = double((a.col(j) - b.col(j)).norm());
    s += e;
    s2 += e * e;
  }
  const double mean = s / double(n);
  const double var = n > 1 ? std::max(0.0, (s2 - double(n) * mean * mean) / double(n - 1)) : 0.0;
  return {mean, std::sqrt(var / double(n))};
}

template <class S>
solve_options<S> wp_solve_options(const work_precision_options& o) {
  solve_options<S> so;
  so.paths = o.paths;
  so.seed = o.seed;
  so.threads = o.threads;
  so.block_size = o.block_size;
  return so;
}

/// Terminal states of a fixed-step run with `steps` uniform steps on the tree.
template <class P, class Method>
ensemble<typename P::scalar_type> wp_fixed(const P& p, const Method& m, const work_precision_options& o,
                                           index_t steps) {
  using S = typename P::scalar_type;
  auto so = wp_solve_options<S>(o);
  so.steps = steps;
  return solve<P, Method, tree_brownian<S>>(p, m, so).terminal;
}

}  // namespace detail

/// The reference of a problem without a closed form: `reference_steps` steps
/// of SRA1 (additive noise) or SRIW1 (scalar/diagonal noise) on the tree, and
/// the mean change against half the steps (its convergence).
template <class P>
std::pair<ensemble<typename P::scalar_type>, double> work_precision_reference(const P& p,
                                                                              const work_precision_options& o) {
  auto run = [&](index_t steps) {
    if constexpr (P::noise == noise_kind::additive) return detail::wp_fixed(p, sra1{}, o, steps);
    else return detail::wp_fixed(p, sriw1{}, o, steps);
  };
  static_assert(P::noise != noise_kind::general, "work_precision_reference: no order-3/2 method for general noise");
  auto fine = run(o.reference_steps);
  const auto half = run(o.reference_steps / 2);
  return {std::move(fine), detail::path_distance(fine, half).first};
}

/// The exact solution at t1 on the tree's W(t1) of every path, for a problem
/// with exact(x0, t, W, out) (problems.hpp's known_solution).
template <class P, class Exact>
ensemble<typename P::scalar_type> work_precision_exact(const P& p, const Exact& exact, const work_precision_options& o) {
  using S = typename P::scalar_type;
  const double T = double(p.t1 - p.t0);
  ensemble<S> out(p.dim, o.paths), w, x0, ex;
  const index_t nb = (o.paths + o.block_size - 1) / o.block_size;
  for (index_t b = 0; b < nb; ++b) {
    const index_t first = b * o.block_size, B = std::min(o.block_size, o.paths - first);
    // the tree solve_adaptive builds (resolution T 2^-32): W(t1) is its root increment
    brownian_tree<S> tree(o.seed, p.t0, p.t1, S(T * std::ldexp(1.0, -32)), p.noise_dim, std::uint64_t(first), B);
    tree.value(p.t1, w);
    x0 = p.x0.cols() == 1 ? ensemble<S>(p.x0.col(0).replicate(1, B)) : ensemble<S>(p.x0.middleCols(first, B));
    exact(x0, S(p.t1 - p.t0), w, ex);
    out.middleCols(first, B) = ex;
  }
  return out;
}

/// Run the study on p against `ref` (d x paths, the solution at t1 on the same
/// paths: work_precision_exact or work_precision_reference).
template <class P>
work_precision_result work_precision(const P& p, const ensemble<typename P::scalar_type>& ref,
                                     const work_precision_options& o) {
  using S = typename P::scalar_type;
  o.validate();
  detail::require(ref.rows() == p.dim && ref.cols() == o.paths, "reference columns", ref.cols(),
                  "paths = " + std::to_string(o.paths));
  work_precision_result r;
  r.paths = o.paths;
  const double T = double(p.t1 - p.t0);
  auto fixed = [&](auto method) {
    using M = decltype(method);
    for (const index_t steps : o.steps) {
      ensemble<S> x;
      try {
        x = detail::wp_fixed(p, method, o, steps);
      } catch (const ito::numerical_error&) {  // unstable at this step: no row
        r.unstable.push_back(std::string(M::name) + " dt " + detail::to_text(T / double(steps)));
        continue;
      }
      const auto [e, se] = detail::path_distance(x, ref);
      work_precision_row row;
      row.method = M::name;
      row.dt = T / double(steps);
      row.nfe = double(steps) * drift_evals_per_step<M>();
      row.strong_error = e;
      row.stderr_ = se;
      row.steps = double(steps);
      r.rows.push_back(row);
    }
  };
  auto adapt = [&](auto method) {
    for (const double rtol : o.rtols) {
      adaptive_options ao = o.control;
      ao.rtol = rtol;
      ao.atol = o.atol_ratio * rtol;
      auto so = detail::wp_solve_options<S>(o);
      adaptive_solution<S> sol;
      try {
        sol = solve_adaptive(p, method, so, ao);
      } catch (const ito::numerical_error&) {
        r.unstable.push_back(std::string(decltype(method)::name) + " rtol " + detail::to_text(rtol));
        continue;
      }
      const auto [e, se] = detail::path_distance(sol.terminal, ref);
      work_precision_row row;
      row.method = std::string(decltype(method)::name);
      if (const auto k = row.method.find(" (adaptive)"); k != std::string::npos) row.method.erase(k);
      row.adaptive = true;
      row.rtol = rtol;
      row.nfe = sol.steps.drift_evals_mean;
      row.strong_error = e;
      row.stderr_ = se;
      row.steps = sol.steps.accepted_mean;
      row.rejected = sol.steps.rejected_mean;
      r.rows.push_back(row);
    }
  };
  fixed(euler_maruyama{});
  if constexpr (P::noise == noise_kind::additive) {
    fixed(sra1{});
    fixed(sosra{});
    if (o.adaptive_em) adapt(adaptive_euler_maruyama{});
    adapt(adaptive_rossler<sra1>{});
    adapt(adaptive_rossler<sosra>{});
  } else if constexpr (P::noise == noise_kind::general) {
    if (o.adaptive_em) adapt(adaptive_euler_maruyama{});
  } else {
    if constexpr (P::has_derivative) fixed(milstein{});
    fixed(sriw1{});
    fixed(sosri{});
    if (o.adaptive_em) adapt(adaptive_euler_maruyama{});
    if constexpr (P::has_derivative) adapt(adaptive_milstein{});
    adapt(adaptive_rossler<sriw1>{});
    adapt(adaptive_rossler<sosri>{});
  }
  return r;
}

/// Parameters of the stochastic van der Pol problem (van_der_pol_problem): the one
/// set of defaults of the library, the program (`ito work-precision --mu`) and Python.
struct van_der_pol_parameters {
  double mu = 20;      ///< stiffness: time scales mu (slow branches) and 1/mu (jumps)
  double sigma = 0.1;  ///< multiplicative noise intensity
  /// Final time (the start is 0). At mu = 20 the period is about (3 - 2 ln 2) mu ~ 32 and the
  /// noise-free path from (2, 0) first jumps at t ~ 16.9: t1 = 20 takes it through one jump (with
  /// t1 = 10 it would not jump at all); with the noise about 70 % of the paths jump before t1.
  double t1 = 20;

  void validate() const {
    detail::require_positive("mu", mu);
    detail::require(std::isfinite(sigma) && sigma >= 0, "sigma", sigma, "a finite number >= 0");
    detail::require_positive("t1", t1);
  }
};

/// The stochastic van der Pol oscillator with multiplicative diagonal noise,
///   dX = Y dt + sigma X dW_1,
///   dY = (mu (1 - X^2) Y - X) dt + sigma Y dW_2,
/// from (X, Y) = (2, 0) on [0, t1]: a relaxation oscillator for large mu: slow drifts along the
/// branches |X| > 1 alternate with fast jumps between them (time scales mu and 1/mu), so a
/// fixed step is set by the jumps and by the stiff branches far out (eigenvalue ~ -mu (X^2 - 1)
/// of the drift's Jacobian) while most of the time needs far less.
/// (g_i = sigma x_i depends on x_i only: diagonal noise; (g.grad)g = sigma^2 x.)
template <class S = double>
auto van_der_pol_problem(const van_der_pol_parameters& v = {}) {
  v.validate();
  const S mu = S(v.mu), sigma = S(v.sigma);
  vector_t<S> x0(2);
  x0 << S(2), S(0);
  auto p = make_diagonal_problem<S>(
      [mu](const ensemble<S>& x, S, ensemble<S>& f) {
        f.resize(2, x.cols());
        f.row(0) = x.row(1);
        f.row(1) = (mu * (S(1) - x.row(0).array().square()) * x.row(1).array() - x.row(0).array()).matrix();
      },
      [sigma](const ensemble<S>& x, S, ensemble<S>& g) { g = sigma * x; }, ensemble<S>(x0), S(0), S(v.t1),
      [sigma](const ensemble<S>& x, S, ensemble<S>& gg) { gg = (sigma * sigma) * x; });
  p.autonomous = true;
  return p;
}

}  // namespace ito::sde
