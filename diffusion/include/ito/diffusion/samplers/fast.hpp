#pragma once
/// \file samplers/fast.hpp
/// \brief The fast samplers behind one call: DPM-Solver (dpm.hpp), DPM-Solver++
/// multistep (dpmpp.hpp), SDE-DPM-Solver++(2M) (dpmpp_sde.hpp), UniPC (unipc.hpp)
/// and EDM Heun/Euler (edm.hpp), on any step schedule (step_schedules.hpp), for any
/// forward SDE and any score, with an exact budget of score evaluations.
///
/// The plan (make_fast_plan) fixes the grid and the order of every step so that the
/// number of score evaluations per sample is known before running:
///  - dpm: a step of order k costs k; with --nfe N and order 3 the steps are
///    [3, ..., 3, 2, 1] (N = 0 mod 3), [3, ..., 3, 1] (1 mod 3), [3, ..., 3, 2] (2 mod 3),
///    order 2: [2, ..., 2(, 1)] (Lu et al. 2022, sec. 3.4 "DPM-Solver-fast");
///  - dpmpp, dpmpp-sde, unipc: one evaluation per step (multistep), K = N; orders
///    min(p, i) in warm-up and, with lower_order_final, min(p, K - i + 1) at the end
///    (dpmpp/dpmpp-sde: only for K < 10, as the official code; unipc: always, as UniPC's);
///  - edm: Heun 2 per step, Euler 1; with --nfe N and the final step to sigma = 0, the
///    grid has ceil((N - 1)/2) steps, the last one Euler if N - 1 is odd;
///  - denoise_final adds one evaluation: x <- x0_hat(x, t_end) (Tweedie). For edm it is
///    on by default and is the Euler step to sigma = 0 of Karras et al.
///  - unipc with final_corrector (and without denoise_final) spends that evaluation on
///    UniC for the last step instead (x0_hat at the predicted end point corrects it).
/// Noise: the prior of path j is draw 0 of path j on the Philox stream `sampler`
/// (exponential.hpp), the r-th noise vector is step r of path j's counter-based stream
/// (seed, sampler), drawn in vectorized blocks (model.hpp): results do not depend on the
/// block size or the thread count.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ito/sde/parallel.hpp>

#include "../samplers.hpp"
#include "../score.hpp"
#include "../step_schedules.hpp"
#include "dpm.hpp"
#include "dpmpp.hpp"
#include "dpmpp_sde.hpp"
#include "edm.hpp"
#include "unipc.hpp"

namespace ito::diffusion {

enum class fast_method { dpm, dpmpp, dpmpp_sde, unipc, edm };

inline const char* to_string(fast_method m) {
  switch (m) {
    case fast_method::dpm: return "dpm";
    case fast_method::dpmpp: return "dpmpp";
    case fast_method::dpmpp_sde: return "dpmpp-sde";
    case fast_method::unipc: return "unipc";
    case fast_method::edm: return "edm";
  }
  return "?";
}

/// dpm | dpmpp | dpmpp-sde | unipc | edm, or nullopt for another name.
inline std::optional<fast_method> find_fast_method(const std::string& s) {
  for (auto m : {fast_method::dpm, fast_method::dpmpp, fast_method::dpmpp_sde, fast_method::unipc, fast_method::edm})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

/// taylor | released (the D2 coefficient of DPM-Solver++ 3M, dpmpp.hpp).
inline dpmpp3_coefficients parse_dpmpp3_coefficients(const std::string& s) {
  if (s == "taylor") return dpmpp3_coefficients::taylor;
  if (s == "released") return dpmpp3_coefficients::released;
  throw ito::invalid_argument("dpmpp3 = " + s + ": expected taylor or released");
}

/// bh1 | bh2 (UniPC's B(h), unipc.hpp).
inline unipc_variant parse_unipc_variant(const std::string& s) {
  if (s == "bh1") return unipc_variant::bh1;
  if (s == "bh2") return unipc_variant::bh2;
  throw ito::invalid_argument("unipc variant = " + s + ": expected bh1 or bh2");
}

inline fast_method parse_fast_method(const std::string& s) {
  if (auto m = find_fast_method(s)) return *m;
  throw ito::invalid_argument("sampler = " + s + ": expected dpm, dpmpp, dpmpp-sde, unipc or edm");
}

/// The default order: dpm 3, dpmpp 3 (3M), dpmpp-sde 2, unipc 3, edm 2 (Heun).
inline int default_order(fast_method m) {
  switch (m) {
    case fast_method::dpm: return 3;
    case fast_method::dpmpp: return 3;
    case fast_method::dpmpp_sde: return 2;
    case fast_method::unipc: return 3;
    case fast_method::edm: return 2;
  }
  return 2;
}

/// The highest order of each method.
inline int max_order(fast_method m) {
  return m == fast_method::dpmpp_sde || m == fast_method::edm ? 2 : 3;
}

/// The default schedule: karras for edm, logsnr for the others.
inline step_schedule default_schedule(fast_method m) {
  return m == fast_method::edm ? step_schedule::karras : step_schedule::logsnr;
}

struct fast_sampler_options {
  fast_method method = fast_method::dpmpp;
  int order = 0;                        ///< 0: default_order(method)
  std::optional<step_schedule> schedule;  ///< nullopt: default_schedule(method)
  double rho = 7;                       ///< karras schedule exponent
  std::vector<double> times;            ///< an explicit grid (schedule optimized): K + 1 times
  index_t steps = 0;                    ///< K grid steps (or)
  index_t nfe = 0;                      ///< exact score evaluations per sample (one of steps/nfe > 0)
  double t_end = -1;                    ///< last grid time; < 0: the SDE's eps()
  std::optional<bool> denoise_final;    ///< nullopt: true for edm, false otherwise
  bool lower_order_final = true;
  dpmpp3_coefficients dpmpp3 = dpmpp3_coefficients::taylor;  ///< dpmpp order 3: D2 coefficient (dpmpp.hpp)
  unipc_variant unipc = unipc_variant::bh2;                   ///< unipc: B(h) (unipc.hpp)
  bool final_corrector = false;  ///< unipc: UniC on the last step too (one more evaluation, in place of denoise_final)
  edm_churn churn{};                    ///< edm only
  std::uint64_t seed = 0;
  unsigned threads = 0;                 ///< 0 = all cores
  index_t block_size = 512;

  int resolved_order() const { return order > 0 ? order : default_order(method); }
  step_schedule resolved_schedule() const {
    if (!times.empty()) return step_schedule::optimized;
    return schedule.value_or(default_schedule(method));
  }
  bool resolved_denoise() const { return denoise_final.value_or(method == fast_method::edm); }

  void validate() const {
    const int p = resolved_order();
    ito::detail::require(p >= 1 && p <= max_order(method), "order", p,
                         std::string("1..") + std::to_string(max_order(method)) + " for " + to_string(method));
    ito::detail::require((steps > 0) != (nfe > 0) || (!times.empty() && steps == 0 && nfe == 0), "steps/nfe",
                         std::to_string(steps) + "/" + std::to_string(nfe),
                         "exactly one of steps > 0 and nfe > 0 (or an explicit grid)");
    ito::detail::require(steps >= 0 && nfe >= 0, "steps/nfe", std::to_string(steps) + "/" + std::to_string(nfe), ">= 0");
    ito::detail::require(std::isfinite(rho) && rho > 0, "rho", rho, "> 0");
    ito::detail::require(!final_corrector || (method == fast_method::unipc && !resolved_denoise()), "final_corrector",
                         "true", "unipc without denoise_final (the corrector's evaluation takes its place)");
    ito::detail::require(block_size >= 1, "block_size", block_size, ">= 1");
    churn.validate();
  }
};

/// The grid, the order of every step and the exact number of evaluations.
struct fast_plan {
  std::vector<double> times;  ///< K + 1 decreasing times
  std::vector<int> orders;    ///< K step orders
  bool denoise_final = false;
  index_t nfe = 0;            ///< score evaluations per sample
  step_schedule schedule = step_schedule::logsnr;
  index_t steps() const { return index_t(orders.size()); }
};

namespace detail {
/// DPM-Solver-fast orders for a budget of N evaluations at order p (Lu et al. 2022, sec. 3.4).
inline std::vector<int> dpm_fast_orders(index_t N, int p) {
  std::vector<int> o;
  if (p == 1) return std::vector<int>(std::size_t(N), 1);
  if (p == 2) {
    o.assign(std::size_t(N / 2), 2);
    if (N % 2) o.push_back(1);
    return o;
  }
  if (N % 3 == 0) {
    if (N >= 6) o.assign(std::size_t(N / 3 - 1), 3), o.push_back(2), o.push_back(1);
    else o.assign(1, 3);
  } else {
    o.assign(std::size_t(N / 3), 3);
    o.push_back(int(N % 3));
  }
  return o;
}
}  // namespace detail

/// The plan of a run (throws ito::invalid_argument for an impossible budget).
template <forward_sde F>
fast_plan make_fast_plan(const F& f, const fast_sampler_options& o) {
  o.validate();
  fast_plan plan;
  plan.denoise_final = o.resolved_denoise();
  plan.schedule = o.resolved_schedule();
  const int p = o.resolved_order();
  const double t_end = o.t_end >= 0 ? o.t_end : f.eps();
  ito::detail::require(t_end > 0 && t_end < f.T(), "t_end", t_end, "in (0, T) for the fast samplers");
  index_t K = o.steps;
  if (K == 0 && !o.times.empty() && o.nfe == 0) K = index_t(o.times.size()) - 1;
  const bool multistep = o.method == fast_method::dpmpp || o.method == fast_method::dpmpp_sde ||
                         o.method == fast_method::unipc;
  if (K > 0) {
    if (o.method == fast_method::dpm) plan.orders.assign(std::size_t(K), p);
    else if (o.method == fast_method::edm) plan.orders.assign(std::size_t(K), p);
    else plan.orders.assign(std::size_t(K), p);
  } else {
    const bool extra = plan.denoise_final || o.final_corrector;
    const index_t budget = o.nfe - (extra ? 1 : 0);
    ito::detail::require(budget >= 1, "nfe", o.nfe, extra ? ">= 2 (one is the final denoising or corrector)" : ">= 1");
    if (o.method == fast_method::dpm) {
      plan.orders = detail::dpm_fast_orders(budget, p);
    } else if (o.method == fast_method::edm) {
      if (p == 1) plan.orders.assign(std::size_t(budget), 1);
      else {
        plan.orders.assign(std::size_t((budget + 1) / 2), 2);
        if (budget % 2) plan.orders.back() = 1;
      }
    } else {
      plan.orders.assign(std::size_t(budget), p);
    }
  }
  K = index_t(plan.orders.size());
  if (multistep) {
    const bool final_low = o.lower_order_final && (o.method == fast_method::unipc || K < 10);
    for (index_t i = 1; i <= K; ++i) {
      int q = std::min<int>(p, int(i));
      if (final_low) q = std::min<int>(q, int(K - i + 1));
      plan.orders[std::size_t(i - 1)] = q;
    }
  }
  if (!o.times.empty()) {
    check_step_times(f, o.times);
    ito::detail::require(index_t(o.times.size()) == K + 1, "step times", o.times.size(),
                         std::to_string(K + 1) + " times for " + std::to_string(K) + " steps");
    plan.times = o.times;
  } else {
    plan.times = step_times(f, plan.schedule, K, t_end, o.rho);
  }
  plan.nfe = plan.denoise_final || o.final_corrector ? 1 : 0;
  for (int q : plan.orders) plan.nfe += (o.method == fast_method::dpm || o.method == fast_method::edm) ? q : 1;
  return plan;
}

/// Run the plan on one block: x (d x cols) from the prior to the samples.
template <class Model, class S>
void run_fast_block(Model& model, const fast_sampler_options& o, const fast_plan& plan, ensemble<S>& x) {
  const index_t d = x.rows(), cols = x.cols();
  ensemble<S> a(d, cols), b(d, cols), c(d, cols), e(d, cols);
  const auto& t = plan.times;
  const index_t K = plan.steps();
  prediction_history<S> H;
  switch (o.method) {
    case fast_method::dpm:
      for (index_t k = 0; k < K; ++k)
        dpm_solver_step(model, model.at(t[std::size_t(k)]), model.at(t[std::size_t(k + 1)]), plan.orders[std::size_t(k)], x, a, b, c);
      break;
    case fast_method::dpmpp:
    case fast_method::dpmpp_sde:
      for (index_t k = 0; k < K; ++k) {
        const marginal_coeffs ms = model.at(t[std::size_t(k)]), mt = model.at(t[std::size_t(k + 1)]);
        model.x0(x, ms, H.push(ms.lambda));
        if (o.method == fast_method::dpmpp) {
          dpmpp_step(H, ms, mt, plan.orders[std::size_t(k)], x, a, b, o.dpmpp3);
        } else {
          model.normals(c);
          dpmpp_sde_step(H, ms, mt, plan.orders[std::size_t(k)], c, x);
        }
      }
      break;
    case fast_method::unipc: {
      if (K > 0) {
        const marginal_coeffs m0 = model.at(t[0]);
        model.x0(x, m0, H.push(m0.lambda));
      }
      for (index_t k = 0; k < K; ++k) {
        const marginal_coeffs ms = model.at(t[std::size_t(k)]), mt = model.at(t[std::size_t(k + 1)]);
        const bool corrector = k + 1 < K || o.final_corrector;
        if (unipc_step(model, H, ms, mt, plan.orders[std::size_t(k)], corrector, x, a, b, e, o.unipc))
          std::swap(H.push(mt.lambda), e);
      }
      break;
    }
    case fast_method::edm: {
      const double sigma_cap = model.at(model.sde.T()).sigma();
      for (index_t k = 0; k < K; ++k)
        edm_step(model, t[std::size_t(k)], t[std::size_t(k + 1)], plan.orders[std::size_t(k)], o.churn, K, sigma_cap, x, a, b, c);
      break;
    }
  }
  if (plan.denoise_final) {
    model.x0(x, model.at(t.back()), a);
    x = a;
  }
}

/// \brief n samples of dimension d with a fast sampler (see the file comment).
/// The result's nfe is the measured number of score evaluations per sample (equal to
/// make_fast_plan(f, o).nfe).
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_fast(const F& f, const Score& score, index_t d, index_t n, const fast_sampler_options& o) {
  ito::detail::require(d >= 1, "d", d, ">= 1");
  ito::detail::require(n >= 1, "n", n, ">= 1");
  const fast_plan plan = make_fast_plan(f, o);
  const auto start = std::chrono::steady_clock::now();
  sample_result<S> res;
  res.sampler = to_string(o.method);
  res.samples.resize(d, n);
  using local_t = std::remove_cvref_t<Score>;
  const index_t nblocks = (n + o.block_size - 1) / o.block_size;
  const unsigned workers = ito::resolve_threads(o.threads, nblocks);
  std::vector<std::unique_ptr<local_t>> scores(workers);
  std::vector<evaluation_count> counts(static_cast<std::size_t>(nblocks));
  ito::parallel_for(nblocks, o.threads, [&](std::int64_t blk, unsigned w) {
    if (!scores[w]) scores[w] = std::make_unique<local_t>(score);
    counted_score<local_t> counted(*scores[w]);
    const index_t first = blk * o.block_size, cols = std::min(o.block_size, n - first);
    ensemble<S> x(d, cols);
    detail::path_normals(o.seed, first, 0, x);
    x.array() = S(f.prior_mean()) + S(f.prior_std()) * x.array();
    prediction_model<F, counted_score<local_t>, S> model{f, counted, o.seed, first};
    run_fast_block(model, o, plan, x);
    res.samples.middleCols(first, cols) = x;
    counts[std::size_t(blk)].add(counted.calls, counted.columns);
  });
  evaluation_count total;
  for (const auto& c : counts) total.add(c.calls, c.columns);
  res.nfe = double(total.columns) / double(n);
  res.score_calls = total.calls;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

/// The fast samplers for runtime_forward_sde and any_score<double>, compiled once in the
/// library (src/samplers.cpp).
extern template sample_result<double> sample_fast<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const fast_sampler_options&);

}  // namespace ito::diffusion
