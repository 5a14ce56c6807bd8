#pragma once
/// \file mlmc.hpp
/// \brief Multilevel Monte Carlo for expectations of path functionals
/// (M. B. Giles 2008, "Multilevel Monte Carlo path simulation", Oper. Res.
/// 56(3), 607–617; M. B. Giles 2015, "Multilevel Monte Carlo methods", Acta
/// Numerica 24, 259–328, Algorithm 1).
///
/// Level l uses h_l = T / M^l. Its correction Y_l = P_l - P_{l-1} (Y_0 = P_0)
/// is sampled on coupled paths: the fine path takes M^l steps, the coarse path
/// M^(l-1) steps driven by the sums of M consecutive fine increments, so both
/// follow the same Brownian path and Var Y_l -> 0 (as h_l for Euler–Maruyama,
/// h_l^2 for Milstein with a Lipschitz payoff). The antithetic coupling
/// (Giles & Szpruch 2014, Ann. Appl. Probab. 24(4)) averages the fine payoff
/// with that of its twin whose M fine increments in each coarse step are
/// taken in reverse order: Y_l = (P_l + P_l^a)/2 - P_{l-1}; with Milstein's
/// method without Lévy areas this keeps Var Y_l = O(h_l^2) for
/// multi-dimensional noise where the plain coupling only reaches O(h_l).
///
/// The adaptive algorithm (Giles 2008, sec. 3; 2015, Algorithm 1): start with
/// levels 0..min_levels-1 and N_init samples each; estimate V_l and C_l (cost
/// in path-steps per sample); take
///   N_l = ceil(2 eps^-2 sqrt(V_l / C_l) sum_k sqrt(V_k C_k))
/// (variance eps^2/2); once every level has its samples, estimate the bias by
/// max(|E Y_L|, |E Y_{L-1}| / M^alpha, |E Y_{L-2}| / M^(2 alpha)) / (M^alpha - 1)
/// (Giles 2015's test over the last three levels, as in his mlmc.m; less likely than
/// the last two to stop on a correction that is small by chance) and add a level
/// while it exceeds eps / sqrt(2) (so the RMSE is at most eps). alpha, beta (and the
/// cost rate) are fitted to the levels l >= 1 unless given.
///
/// Determinism: the samples of level l are drawn in blocks of `block_size`
/// paths; block k of level l draws from brownian_block(seed_l, k) with
/// seed_l = splitmix64(seed + l * golden), and blocks are reduced in order, so
/// the result is bit-identical for any thread count.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "brownian.hpp"
#include "error.hpp"
#include "parallel.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// Path functionals of the first state component.
enum class mlmc_payoff_kind {
  terminal,       ///< X_T
  second_moment,  ///< X_T^2
  call,           ///< max(X_T - K, 0)
  average,        ///< (1/T) int_0^T X_t dt (trapezoidal rule on the level's grid)
  barrier         ///< 1{max_k X_{t_k} >= B} (monitored on the level's grid)
};

inline const char* to_string(mlmc_payoff_kind k) {
  switch (k) {
    case mlmc_payoff_kind::terminal: return "mean";
    case mlmc_payoff_kind::second_moment: return "second-moment";
    case mlmc_payoff_kind::call: return "call";
    case mlmc_payoff_kind::average: return "average";
    case mlmc_payoff_kind::barrier: return "barrier";
  }
  return "?";
}

/// A payoff P = e^{-r T} phi(path) with phi one of mlmc_payoff_kind.
struct mlmc_payoff {
  mlmc_payoff_kind kind = mlmc_payoff_kind::terminal;
  double strike = 1;    ///< K of the call
  double barrier = 2;   ///< B of the barrier indicator
  double discount = 0;  ///< r: the payoff is multiplied by e^{-r T}

  /// phi from the terminal value, the trapezoidal time-average and the running maximum.
  double value(double terminal, double average, double maximum, double T) const {
    double v = 0;
    switch (kind) {
      case mlmc_payoff_kind::terminal: v = terminal; break;
      case mlmc_payoff_kind::second_moment: v = terminal * terminal; break;
      case mlmc_payoff_kind::call: v = std::max(terminal - strike, 0.0); break;
      case mlmc_payoff_kind::average: v = average; break;
      case mlmc_payoff_kind::barrier: v = maximum >= barrier ? 1.0 : 0.0; break;
    }
    return discount != 0 ? std::exp(-discount * T) * v : v;
  }
};

enum class mlmc_coupling {
  standard,   ///< coarse increment = sum of the M fine ones
  antithetic  ///< and the fine twin with the fine increments reversed (Giles & Szpruch 2014)
};

struct mlmc_options {
  double rmse = 1e-2;          ///< target root-mean-square error eps
  index_t refinement = 2;      ///< M: h_l = T / M^l
  index_t min_levels = 3;      ///< levels 0..min_levels-1 to start with (Giles: L = 2 -> 3 levels)
  index_t max_levels = 20;     ///< at most this many levels
  index_t initial_samples = 1000;  ///< N_init per new level
  index_t base_steps = 1;      ///< steps of level 0 (h_0 = T / base_steps)
  double alpha = 0, beta = 0, gamma = 0;  ///< weak, variance and cost rates (0 = fit them; gamma: C_l ~ M^(gamma l))
  mlmc_coupling coupling = mlmc_coupling::standard;
  std::uint64_t seed = 1;
  unsigned threads = 0;        ///< 0 = all hardware threads
  index_t block_size = 256;    ///< paths per task (part of the random stream's identity)

  void validate() const {
    detail::require(std::isfinite(rmse) && rmse > 0, "rmse", rmse, "a finite number > 0");
    detail::require(refinement >= 2 && refinement <= 16, "refinement", refinement, "in [2, 16]");
    detail::require(min_levels >= 2, "min_levels", min_levels, ">= 2 (the bias estimate needs two corrections)");
    detail::require(max_levels >= min_levels && max_levels <= 30, "max_levels", max_levels,
                    "in [min_levels, 30]");
    detail::require(initial_samples >= 10, "initial_samples", initial_samples, ">= 10");
    detail::require(base_steps >= 1, "base_steps", base_steps, ">= 1");
    detail::require(alpha >= 0 && beta >= 0 && gamma >= 0, "alpha/beta/gamma", alpha, ">= 0 (0 = estimate)");
    detail::require(block_size >= 1, "block_size", block_size, ">= 1");
  }
};

/// Sums over the samples of one level (Giles' mlmc_test sums: Y, Y^2, Y^3, Y^4, P_f, P_f^2).
struct mlmc_sums {
  double n = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, f1 = 0, f2 = 0, cost = 0;
  void add(const mlmc_sums& o) {
    n += o.n, y1 += o.y1, y2 += o.y2, y3 += o.y3, y4 += o.y4, f1 += o.f1, f2 += o.f2, cost += o.cost;
  }
};

/// One level's statistics.
struct mlmc_level {
  index_t level = 0;
  index_t steps = 0;       ///< fine steps M^l base_steps
  index_t samples = 0;     ///< N_l
  double mean = 0;         ///< E Y_l
  double variance = 0;     ///< V_l = Var Y_l
  double cost = 0;         ///< C_l, path-steps per sample (fine + coarse (+ antithetic twin))
  double kurtosis = 0;     ///< of Y_l (large values make V_l unreliable)
  double mean_fine = 0;    ///< E P_l
  double variance_fine = 0;  ///< Var P_l
  double consistency = 0;  ///< |E Y_l - (E P_l - E P_{l-1})| / (3 sigma): > 1 flags an inconsistent coupling
};

struct mlmc_result {
  std::string method;
  double estimate = 0;      ///< sum_l E Y_l
  double stderr_ = 0;       ///< sqrt(sum_l V_l / N_l)
  double bias_estimate = 0; ///< the final bias estimate
  double cost = 0;          ///< total path-steps sum_l N_l C_l
  double plain_mc_cost = 0; ///< 2 Var(P_L) / eps^2 * (steps of level L): plain MC at the same RMSE
  double alpha = 0, beta = 0, gamma = 0;  ///< the rates used at the end
  bool converged = true;    ///< false when max_levels was reached with the bias still above eps/sqrt(2)
  std::vector<mlmc_level> levels;
};

namespace detail {

/// Slope of log2|y_l| against l over l = 1..L-1 (Giles' regression), in units of log2 M.
inline double mlmc_rate(const std::vector<double>& y, double M) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t l = 1; l < y.size(); ++l) {
    if (!(y[l] > 0)) continue;
    const double x = double(l), v = std::log(y[l]) / std::log(M);
    sx += x, sy += v, sxx += x * x, sxy += x * v;
    ++n;
  }
  if (n < 2) return 0;
  return -(n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/// The payoff of one path from its accumulators.
struct path_accumulator {
  ensemble<double> sum, max;  // 1 x B: trapezoid sum of X_1, running maximum
  void start(const ensemble<double>& x0row) {
    sum = 0.5 * x0row;
    max = x0row;
  }
  void after_step(const ensemble<double>& xrow) {
    sum += xrow;
    max = max.cwiseMax(xrow);
  }
};

}  // namespace detail

/// The sums of each block b in [b_begin, b_end) of a batch of N samples of
/// level l whose first block is block0 of the level's stream: block b holds
/// the samples b * block_size .. min((b + 1) * block_size, N) - 1 of the
/// batch and draws from brownian_block(seed_l, block0 + b), so its sums depend
/// only on (seed, l, block0 + b, N) and not on which thread or process draws
/// it. Level 0 has no coarse path. (Used by ito::mpi::mlmc to split a batch.)
template <class P, class Method>
std::vector<mlmc_sums> mlmc_sample_blocks(const P& p, const Method& method, const mlmc_payoff& payoff, index_t l,
                                          index_t N, index_t block0, index_t b_begin, index_t b_end,
                                          const mlmc_options& o) {
  using S = typename P::scalar_type;
  static_assert(!Method::uses_dz, "mlmc: methods using I_(1,0) are not coupled here; use euler_maruyama or milstein");
  const index_t M = o.refinement, m = p.noise_dim;
  index_t nf = o.base_steps;
  for (index_t i = 0; i < l; ++i) nf *= M;
  const index_t nc = l > 0 ? nf / M : 0;
  const double T = double(p.t1 - p.t0);
  const S hf = S(T / double(nf)), hc = S(T / double(std::max<index_t>(nc, 1)));
  const bool anti = o.coupling == mlmc_coupling::antithetic && l > 0;
  const std::uint64_t seed_l = splitmix64(o.seed + 0x9E3779B97F4A7C15ull * std::uint64_t(l + 1));
  const index_t nblocks = (N + o.block_size - 1) / o.block_size;
  detail::require(b_begin >= 0 && b_begin <= b_end && b_end <= nblocks, "block range end", b_end,
                  "0 <= begin <= end <= ceil(N / block_size) = " + std::to_string(nblocks));
  std::vector<mlmc_sums> slots(static_cast<std::size_t>(b_end - b_begin));
  ito::parallel_for(b_end - b_begin, o.threads, [&](std::int64_t bi, unsigned) {
    const std::int64_t b = b_begin + bi;
    const index_t first = index_t(b) * o.block_size, cols = std::min(o.block_size, N - first);
    brownian_block<S> bm(seed_l, std::uint64_t(block0 + index_t(b)), m, cols);
    ensemble<S> xf = p.x0.col(0).replicate(1, cols), xa = xf, xc = xf, dZ;
    std::vector<ensemble<S>> dWs(static_cast<std::size_t>(M));
    ensemble<S> dWc;
    stepper_workspace<S> wf, wa, wc;
    detail::path_accumulator af, aa, ac;
    af.start(xf.row(0).template cast<double>());
    aa.start(xa.row(0).template cast<double>());
    ac.start(xc.row(0).template cast<double>());
    const index_t outer = l > 0 ? nc : nf, inner = l > 0 ? M : 1;
    for (index_t k = 0; k < outer; ++k) {
      for (index_t i = 0; i < inner; ++i) bm.increment(hf, dWs[std::size_t(i)]);
      for (index_t i = 0; i < inner; ++i) {
        const index_t j = k * inner + i;
        method.step(p, xf, p.t0 + S(j) * hf, hf, dWs[std::size_t(i)], dZ, wf);
        af.after_step(xf.row(0).template cast<double>());
        if (anti) {
          method.step(p, xa, p.t0 + S(j) * hf, hf, dWs[std::size_t(inner - 1 - i)], dZ, wa);
          aa.after_step(xa.row(0).template cast<double>());
        }
      }
      if (l > 0) {
        dWc = dWs[0];
        for (index_t i = 1; i < inner; ++i) dWc += dWs[std::size_t(i)];
        method.step(p, xc, p.t0 + S(k) * hc, hc, dWc, dZ, wc);
        ac.after_step(xc.row(0).template cast<double>());
      }
    }
    mlmc_sums s;
    for (index_t j = 0; j < cols; ++j) {
      auto value = [&](const ensemble<S>& x, const detail::path_accumulator& a, index_t steps) {
        const double xT = double(x(0, j));
        const double avg = (a.sum(0, j) - 0.5 * xT) / double(steps);
        return payoff.value(xT, avg, a.max(0, j), T);
      };
      double pf = value(xf, af, nf);
      if (anti) pf = 0.5 * (pf + value(xa, aa, nf));
      const double pc = l > 0 ? value(xc, ac, nc) : 0.0;
      const double y = pf - pc;
      s.n += 1, s.y1 += y, s.y2 += y * y, s.y3 += y * y * y, s.y4 += y * y * y * y;
      s.f1 += pf, s.f2 += pf * pf;
      if (!std::isfinite(y))
        throw ito::numerical_error(std::string("mlmc: non-finite payoff on level ") + std::to_string(l) + ", path " +
                                   std::to_string(first + j) + " (method " + Method::name + ")");
    }
    s.cost = double(cols) * double(nf * (anti ? 2 : 1) + nc);
    slots[std::size_t(bi)] = s;
  });
  return slots;
}

/// Draw N samples of level l (blocks [block0, block0 + ceil(N / block_size)) of its stream)
/// and return their sums, folded in block order (((0 + s_0) + s_1) + ...).
template <class P, class Method>
mlmc_sums mlmc_sample_level(const P& p, const Method& method, const mlmc_payoff& payoff, index_t l, index_t N,
                            index_t block0, const mlmc_options& o) {
  mlmc_sums total;
  for (const auto& s : mlmc_sample_blocks(p, method, payoff, l, N, block0, 0, (N + o.block_size - 1) / o.block_size, o))
    total.add(s);
  return total;
}

namespace detail {
inline mlmc_level level_stats(index_t l, index_t steps, const mlmc_sums& s) {
  mlmc_level v;
  v.level = l;
  v.steps = steps;
  v.samples = index_t(s.n);
  const double n = s.n;
  const double m1 = s.y1 / n, m2 = s.y2 / n, m3 = s.y3 / n, m4 = s.y4 / n;
  v.mean = m1;
  v.variance = std::max(0.0, (m2 - m1 * m1) * n / std::max(1.0, n - 1));
  const double var = m2 - m1 * m1;
  v.kurtosis = var > 0 ? (m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1) / (var * var) : 0;
  v.cost = s.cost / n;
  v.mean_fine = s.f1 / n;
  v.variance_fine = std::max(0.0, (s.f2 / n - v.mean_fine * v.mean_fine) * n / std::max(1.0, n - 1));
  return v;
}
/// Giles' consistency check on level l >= 1 (mlmc_test): |E Y_l + E P_{l-1} - E P_l| against 3 standard errors.
inline void consistency(std::vector<mlmc_level>& lv) {
  for (std::size_t l = 1; l < lv.size(); ++l) {
    const auto &a = lv[l], &b = lv[l - 1];
    const double se = std::sqrt(a.variance / double(a.samples)) + std::sqrt(b.variance_fine / double(b.samples)) +
                      std::sqrt(a.variance_fine / double(a.samples));
    lv[l].consistency = se > 0 ? std::abs(a.mean + b.mean_fine - a.mean_fine) / (3 * se) : 0;
  }
}
}  // namespace detail

namespace detail {
/// Giles' adaptive algorithm (see the file comment) over a level sampler:
/// sample(l, N, block0) returns the sums of N samples of level l drawn from
/// blocks block0.. of the level's stream (mlmc_sample_level, or its MPI
/// version). Every decision depends only on these sums, so two samplers that
/// return the same sums give the same result, bit for bit.
template <class Sampler>
mlmc_result mlmc_adaptive(const char* method_name, const mlmc_options& o, Sampler&& sample) {
  const double eps = o.rmse, M = double(o.refinement);
  index_t L = o.min_levels - 1;
  std::vector<mlmc_sums> sums(static_cast<std::size_t>(L + 1));
  std::vector<index_t> blocks(static_cast<std::size_t>(L + 1), 0), dN(static_cast<std::size_t>(L + 1), o.initial_samples);
  std::vector<double> ml, Vl, Cl;
  auto steps_of = [&](index_t l) {
    index_t n = o.base_steps;
    for (index_t i = 0; i < l; ++i) n *= o.refinement;
    return n;
  };
  double alpha = o.alpha, beta = o.beta, gamma = o.gamma, bias = 0;
  bool converged = true;
  for (int guard = 0; guard < 1000; ++guard) {
    // draw the extra samples
    for (index_t l = 0; l <= L; ++l) {
      const index_t n = dN[std::size_t(l)];
      if (n <= 0) continue;
      sums[std::size_t(l)].add(sample(l, n, blocks[std::size_t(l)]));
      blocks[std::size_t(l)] += (n + o.block_size - 1) / o.block_size;
    }
    // estimates (with Giles' fix against spuriously small values on fine levels)
    ml.assign(std::size_t(L + 1), 0);
    Vl.assign(std::size_t(L + 1), 0);
    Cl.assign(std::size_t(L + 1), 0);
    for (index_t l = 0; l <= L; ++l) {
      const auto v = detail::level_stats(l, steps_of(l), sums[std::size_t(l)]);
      ml[std::size_t(l)] = std::abs(v.mean);
      Vl[std::size_t(l)] = v.variance;
      Cl[std::size_t(l)] = v.cost;
    }
    const double a_fit = o.alpha > 0 ? o.alpha : std::max(0.5, detail::mlmc_rate(ml, M));
    const double b_fit = o.beta > 0 ? o.beta : std::max(0.5, detail::mlmc_rate(Vl, M));
    alpha = a_fit, beta = b_fit;
    for (index_t l = 2; l <= L; ++l) {
      ml[std::size_t(l)] = std::max(ml[std::size_t(l)], 0.5 * ml[std::size_t(l - 1)] / std::pow(M, alpha));
      Vl[std::size_t(l)] = std::max(Vl[std::size_t(l)], 0.5 * Vl[std::size_t(l - 1)] / std::pow(M, beta));
    }
    gamma = o.gamma > 0 ? o.gamma : std::log(Cl[std::size_t(L)] / Cl[std::size_t(L - 1)]) / std::log(M);
    // optimal samples for variance eps^2 / 2
    double sum_vc = 0;
    for (index_t l = 0; l <= L; ++l) sum_vc += std::sqrt(Vl[std::size_t(l)] * Cl[std::size_t(l)]);
    bool pending = false;
    for (index_t l = 0; l <= L; ++l) {
      const double Ns = std::ceil(2 / (eps * eps) * std::sqrt(Vl[std::size_t(l)] / Cl[std::size_t(l)]) * sum_vc);
      const double have = sums[std::size_t(l)].n;
      const double extra = std::max(0.0, Ns - have);
      detail::require(extra < 1e15, "rmse", eps, "a target reachable with fewer than 1e15 samples per level");
      dN[std::size_t(l)] = index_t(extra);
      if (extra > 0.01 * have) pending = true;
    }
    if (pending) continue;
    // bias estimate from the last three levels (Giles 2015, Algorithm 1, as his mlmc.m:
    // max over l = L-2..L of |E Y_l| M^(alpha (l - L)); at L = 2 this includes E Y_0 = E P_0,
    // which keeps the algorithm from stopping at three levels unless the target is coarse)
    double rem = 0;
    for (index_t k = 0; k <= std::min<index_t>(2, L); ++k)
      rem = std::max(rem, ml[std::size_t(L - k)] / std::pow(M, alpha * double(k)));
    bias = rem / (std::pow(M, alpha) - 1);
    if (bias <= eps / std::sqrt(2.0)) break;
    if (L + 1 >= o.max_levels) {
      converged = false;
      break;
    }
    ++L;
    sums.emplace_back();
    blocks.push_back(0);
    Vl.push_back(Vl.back() / std::pow(M, beta));
    Cl.push_back(Cl.back() * std::pow(M, gamma > 0 ? gamma : 1));
    sum_vc = 0;
    for (index_t l = 0; l <= L; ++l) sum_vc += std::sqrt(Vl[std::size_t(l)] * Cl[std::size_t(l)]);
    dN.assign(std::size_t(L + 1), 0);
    for (index_t l = 0; l <= L; ++l) {
      const double Ns = std::ceil(2 / (eps * eps) * std::sqrt(Vl[std::size_t(l)] / Cl[std::size_t(l)]) * sum_vc);
      dN[std::size_t(l)] = index_t(std::max(0.0, Ns - sums[std::size_t(l)].n));
    }
    dN[std::size_t(L)] = std::max(dN[std::size_t(L)], index_t(std::min<double>(double(o.initial_samples), 100)));
  }
  mlmc_result r;
  r.method = method_name;
  r.alpha = alpha, r.beta = beta, r.gamma = gamma;
  r.bias_estimate = bias;
  r.converged = converged;
  double var = 0;
  for (index_t l = 0; l <= L; ++l) {
    auto v = detail::level_stats(l, steps_of(l), sums[std::size_t(l)]);
    r.estimate += v.mean;
    var += v.variance / double(v.samples);
    r.cost += sums[std::size_t(l)].cost;
    r.levels.push_back(v);
  }
  detail::consistency(r.levels);
  r.stderr_ = std::sqrt(var);
  r.plain_mc_cost = 2 * r.levels.back().variance_fine / (eps * eps) * double(r.levels.back().steps);
  return r;
}

/// Giles' mlmc_test first part over a level sampler (see mlmc_adaptive).
template <class Sampler>
mlmc_result mlmc_table(const char* method_name, index_t L, index_t N, const mlmc_options& o, Sampler&& sample) {
  require(L >= 2 && L <= o.max_levels, "levels", L, "in [2, max_levels]");
  require(N >= 10, "samples", N, ">= 10");
  mlmc_result r;
  r.method = method_name;
  std::vector<double> ml, Vl, Cl;
  index_t steps = o.base_steps;
  for (index_t l = 0; l < L; ++l, steps *= o.refinement) {
    auto v = detail::level_stats(l, steps, sample(l, N, index_t(0)));
    ml.push_back(std::abs(v.mean));
    Vl.push_back(v.variance);
    Cl.push_back(v.cost);
    r.estimate += v.mean;
    r.cost += v.cost * double(N);
    r.levels.push_back(v);
  }
  detail::consistency(r.levels);
  const double M = double(o.refinement);
  r.alpha = detail::mlmc_rate(ml, M);
  r.beta = detail::mlmc_rate(Vl, M);
  r.gamma = -detail::mlmc_rate(Cl, M);
  double var = 0;
  for (const auto& v : r.levels) var += v.variance / double(v.samples);
  r.stderr_ = std::sqrt(var);
  return r;
}
}  // namespace detail

/// Giles' adaptive MLMC (see the file comment) for E payoff(X) of problem p with `method`:
/// the estimate to RMSE o.rmse, its standard error, the level table and the costs.
/// Bit-identical for any o.threads (and, through ito::mpi::mlmc, any number of processes).
template <class P, class Method>
mlmc_result mlmc(const P& p, const Method& method, const mlmc_payoff& payoff, const mlmc_options& o) {
  p.validate();
  o.validate();
  Method::check(p);
  return detail::mlmc_adaptive(Method::name, o, [&](index_t l, index_t N, index_t block0) {
    return mlmc_sample_level(p, method, payoff, l, N, block0, o);
  });
}

/// Giles' mlmc_test first part: N samples on each of the levels 0..L-1, with
/// the per-level table and fitted alpha, beta, gamma (no adaptivity).
template <class P, class Method>
mlmc_result mlmc_level_table(const P& p, const Method& method, const mlmc_payoff& payoff, index_t L, index_t N,
                             const mlmc_options& o) {
  p.validate();
  o.validate();
  Method::check(p);
  return detail::mlmc_table(Method::name, L, N, o, [&](index_t l, index_t n, index_t block0) {
    return mlmc_sample_level(p, method, payoff, l, n, block0, o);
  });
}

}  // namespace ito::sde
