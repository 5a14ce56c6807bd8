#pragma once
/// \file samplers/adaptive_dpmpp_sde.hpp
/// \brief Adaptive SDE-DPM-Solver++(2M): the reverse SDE in data-prediction form
/// (Lu et al. 2022b, arXiv:2211.01095, sec. 5; samplers/dpmpp_sde.hpp) with
/// per-sample steps chosen by an embedded error estimate and the mixed tolerance of
/// Jolicoeur-Martineau et al. 2021 ("Gotta Go Fast", Algorithm 1). Strong order 1,
/// weak order up to 2 on smooth problems; one score evaluation per accepted step,
/// rejected steps cost none.
///
/// With y = x - b, lambda = log(a/s), a step from s to t (h = lambda_t - lambda_s > 0)
/// and the last two data predictions m0 (at s) and m1 (at the step before,
/// r0 = (lambda_s - lambda_1)/h):
///   y_t = (s_t/s_s) e^{-h} y_s + a_t (1 - e^{-2h}) m0 + c1 (m0 - m1) + s_t sqrt(1 - e^{-2h}) z,
///   c1 = a_t (1 - e^{-2h}) / (2 r0).
/// Without the c1 term this is SDE-DPM-Solver++1 (exact for constant x0_hat); the
/// c1 term is the second-order multistep correction. Its size |c1 (m0 - m1)| is the
/// embedded estimate of the first-order step's local error (local extrapolation:
/// the second-order value is kept), scaled per component by
/// atol + rtol max(|y_s|, |E y_t|) and combined as a root mean square (the mixed
/// tolerance of Jolicoeur-Martineau et al.). The estimate uses only predictions
/// already computed and not the step's noise z: a step is accepted or shortened
/// before any score evaluation or draw, so rejections are free and cannot bias the
/// noise (the decision is predictable). The step size in t follows the core's PI
/// controller (ito/sde/adaptive.hpp) with error order 2 (the estimate is O(h^2)).
/// The first step has no estimate: it is first order with dt_initial
/// (0: (T - t_end)/64).
///
/// Each sample's noise is a pure function of (seed, sample index, step number)
/// (stream `sampler`, draw 0 the prior as for every sampler, draw k the k-th
/// accepted step), and its steps depend only on its own path, so the samples are
/// the same for any thread count and block size. `nfe` is the mean number of score
/// evaluations per sample: one at T and one after every accepted step except the
/// last (the prediction at t_end is not needed).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <ito/sde/adaptive.hpp>

#include "../samplers.hpp"
#include "adaptive.hpp"
#include "exponential.hpp"

namespace ito::diffusion {

/// n samples of dimension d from the reverse SDE of f with `score` by adaptive
/// SDE-DPM-Solver++(2M) from T to opt.t_end (opt.steps is not used; the prior and
/// the seed as for the other samplers). control: rtol, atol, dt_initial, dt_min,
/// dt_max, max_steps and the controller's gains (drift_weight is not used).
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_adaptive_dpmpp_sde(const F& f, const Score& score, index_t d, index_t n,
                                           const sampler_options& opt,
                                           const sde::adaptive_options& control = default_adaptive_sampler_control()) {
  opt.validate();
  control.validate();
  detail::require(opt.save_times.empty(), "save_times", opt.save_times.size(),
                  "none: the adaptive sampler keeps only the samples");
  const auto start = std::chrono::steady_clock::now();
  const double T = f.T();
  const double t_end = opt.t_end >= 0 ? opt.t_end : f.eps();
  detail::require(t_end > 0 && t_end < T, "t_end", t_end, "in (0, T) (the data prediction needs s(t) > 0)");
  const double span = T - t_end;
  const double hmin = control.dt_min > 0 ? control.dt_min : span * 0x1p-32;
  const double hmax = control.dt_max > 0 ? control.dt_max : span;
  const double h0 = std::clamp(control.dt_initial > 0 ? control.dt_initial : span / 64, hmin, hmax);
  constexpr double q = 2;  // order of the error estimate in h
  const sde::detail::pi_controller controller(control, q);
  const marginal_coeffs mT = marginal_at(f, T);
  auto res = detail::make_result<S>("adaptive-dpmpp-sde", d, n, {});

  auto body = [&](auto& sc, index_t, index_t first, index_t B) {
    ensemble<S> x = detail::block_prior<S>(f, d, B, opt.seed, first);
    std::vector<double> t(std::size_t(B), T), h(std::size_t(B), h0), eprev(std::size_t(B), 1.0);
    std::vector<double> lam1(std::size_t(B), 0.0);
    std::vector<marginal_coeffs> mc(std::size_t(B), mT);  // a(t), s(t), lambda(t) at each sample's time
    std::vector<std::uint64_t> steps(std::size_t(B), 0);
    ensemble<S> m0(d, B), m1(d, B), out(d, B), mean(d, 1), z(d, 1);
    sc(x, S(T), out);
    detail::data_prediction(mT, x, out, m0);
    std::vector<index_t> moved, cols;
    ensemble<S> xa, sa, xg, og, ma;
    sde::detail::time_row<S> ta;
    for (;;) {
      moved.clear();
      for (index_t j = 0; j < B; ++j) {
        const auto uj = std::size_t(j);
        if (t[uj] <= t_end) continue;
        const marginal_coeffs ms = mc[uj];
        const bool second = steps[uj] > 0;
        bool rejected = false;
        double e = 0, tn = t_end;
        marginal_coeffs mt;
        double cy = 0, c0 = 0, c1 = 0, cz = 0, cb = 0;
        for (index_t attempt = 0;; ++attempt) {
          if (attempt > control.max_steps)
            throw ito::numerical_error("adaptive-dpmpp-sde: sample " + std::to_string(first + j) +
                                       " could not meet the tolerance at t = " + detail::to_text(t[uj]));
          const double want = std::clamp(h[uj], hmin, hmax);
          tn = t[uj] - want <= t_end + hmin ? t_end : t[uj] - want;
          mt = marginal_at(f, tn);
          const double hl = mt.lambda - ms.lambda;
          const double e2 = -std::expm1(-2 * hl);  // 1 - e^{-2h}
          cy = mt.s / ms.s * std::exp(-hl);
          c0 = mt.a * e2;
          cz = mt.s * std::sqrt(e2);
          cb = mt.b - cy * ms.b;
          c1 = second ? 0.5 * c0 * hl / (ms.lambda - lam1[uj]) : 0.0;
          for (index_t i = 0; i < d; ++i)
            mean(i) = S(cy) * x(i, j) + S(c0 + c1) * m0(i, j) - S(c1) * m1(i, j) + S(cb);
          if (!second) break;
          double e2sum = 0;
          for (index_t i = 0; i < d; ++i) {
            const double est = std::abs(c1 * double(m0(i, j) - m1(i, j)));
            const double scale = control.atol + control.rtol * std::max(std::abs(double(x(i, j))), std::abs(double(mean(i))));
            e2sum += (est / scale) * (est / scale);
          }
          e = std::sqrt(e2sum / double(d));
          if (!std::isfinite(e))
            throw ito::numerical_error("adaptive-dpmpp-sde: non-finite error estimate in sample " +
                                       std::to_string(first + j) + " at t = " + detail::to_text(t[uj]));
          if (e <= 1.0 || t[uj] - tn <= hmin * (1 + 1e-12)) break;
          rejected = true;
          h[uj] = std::max((t[uj] - tn) * std::clamp(control.safety * std::pow(e, -1.0 / q), control.shrink_min, 1.0), hmin);
        }
        // accept: draw this step's noise, move the sample
        ++steps[uj];
        detail::path_normals(opt.seed, first + j, steps[uj], z);
        x.col(j) = mean + S(cz) * z;
        const double taken = t[uj] - tn;
        if (second) {
          const double ee = std::max(e, 1e-10);
          double fac = controller.factor(ee, eprev[uj]);
          if (rejected) fac = std::min(fac, 1.0);
          h[uj] = taken * std::clamp(fac, control.shrink_min, control.grow_max);
          eprev[uj] = ee;
        }
        lam1[uj] = ms.lambda;
        mc[uj] = mt;
        t[uj] = tn;
        if (tn > t_end) moved.push_back(j);
      }
      if (moved.empty()) break;
      // one score evaluation per moved sample at its own time
      const index_t na = index_t(moved.size());
      xa.resize(d, na);
      ta.resize(na);
      for (index_t k = 0; k < na; ++k) {
        xa.col(k) = x.col(moved[std::size_t(k)]);
        ta(k) = S(t[std::size_t(moved[std::size_t(k)])]);
      }
      const auto call = [&sc](const ensemble<S>& X, S time, ensemble<S>& o) { sc(X, time, o); };
      sde::detail::eval_at_times(call, false, xa, ta, d, sa, xg, og, cols);
      for (index_t k = 0; k < na; ++k) {
        const index_t j = moved[std::size_t(k)];
        const marginal_coeffs& mk = mc[std::size_t(j)];
        m1.col(j) = m0.col(j);
        m0.col(j) = (xa.col(k).array() - S(mk.b) + S(mk.s * mk.s) * sa.col(k).array()) / S(mk.a);
        if (!m0.col(j).allFinite())
          throw ito::numerical_error("adaptive-dpmpp-sde: non-finite score in sample " + std::to_string(first + j) +
                                     " at t = " + detail::to_text(t[std::size_t(j)]));
      }
    }
    res.samples.middleCols(first, B) = x;
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  detail::finish(res, cnt, n, start);
  return res;
}

/// The adaptive sampler for runtime_forward_sde and any_score<double>, compiled once in the
/// library (src/samplers.cpp).
extern template sample_result<double> sample_adaptive_dpmpp_sde<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&,
    const sde::adaptive_options&);

/// The two adaptive reverse-SDE samplers: the Euler / improved-Euler pair of
/// Jolicoeur-Martineau et al. ("adaptive", samplers/adaptive.hpp; two evaluations per
/// attempted step) and adaptive SDE-DPM-Solver++(2M) ("adaptive-dpmpp-sde", this file;
/// one per accepted step).
enum class adaptive_sampler { euler_heun, dpmpp_sde };

/// The adaptive sampler called `name` ("adaptive" or "adaptive-dpmpp-sde"), or nullopt
/// for any other sampler name.
inline std::optional<adaptive_sampler> parse_adaptive_sampler(const std::string& name) {
  if (name == "adaptive") return adaptive_sampler::euler_heun;
  if (name == "adaptive-dpmpp-sde") return adaptive_sampler::dpmpp_sde;
  return std::nullopt;
}

/// sample_adaptive or sample_adaptive_dpmpp_sde, by `kind`.
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_adaptive(adaptive_sampler kind, const F& f, const Score& score, index_t d, index_t n,
                                 const sampler_options& opt,
                                 const sde::adaptive_options& control = default_adaptive_sampler_control()) {
  if (kind == adaptive_sampler::dpmpp_sde) return sample_adaptive_dpmpp_sde<F, Score, S>(f, score, d, n, opt, control);
  return sample_adaptive<F, Score, S>(f, score, d, n, opt, control);
}

}  // namespace ito::diffusion
