#pragma once
/// \file samplers.hpp
/// \brief Samplers over batches for any forward SDE and any score (score.hpp).
///
/// Each sampler starts from the prior at T (except Langevin, which also does),
/// runs on a grid t_k = T - k (T - t_end)/K, k = 0..K (K = options.steps), and returns
/// the samples, the trajectory at the requested times and the number of score
/// evaluations per sample (NFE). Work is split into blocks of `block_size`
/// samples; block b draws its prior and noise from engines seeded by (seed, b),
/// so the result is bit-identical for any thread count.
///
/// Notation: a = a(t), b = b(t), s = s(t) at the current time t, primes at the
/// next time t' < t; alpha = a/a', off = b - alpha b', G^2 = s^2 - alpha^2 s'^2
/// (x_t = alpha x_t' + off + G z: the exact one-step forward kernel), and
/// x0_hat = (x - b + s^2 score)/a (Tweedie, seed 004 TW).
///  - em / sra1: the reverse SDE (reverse_sde.hpp) through the core's
///    euler_maruyama / sra1 steppers (strong order 1 / 1.5 for additive noise).
///  - reverse_diffusion: score_sde's ReverseDiffusionPredictor,
///    x' = (2 - alpha) x - off + G^2 score + G z (the discretisation of the
///    forward step reversed; for VP it is Song et al.'s eq. 47, for VE the SMLD one).
///  - pc: predictor–corrector (Song et al. 2021 Alg. 2/3): `corrector_steps`
///    Langevin steps at t with step 2 alpha^2 (snr |z| / |score|)^2 (norms
///    averaged over the block, as score_sde's LangevinCorrector, alpha^2 = 1 - beta_i
///    for VP and 1 for VE), then a reverse_diffusion predictor step.
///  - ddpm: ancestral sampling (seed 004 "Inf"): x' ~ q(x_t' | x_t, x0_hat),
///    mean (G^2 (a' x0_hat + b') + alpha s'^2 (x - off)) / s^2, variance
///    s'^2 G^2 / s^2 (reverse_variance::small, beta_tilde) or G^2 (large, beta).
///    On a DDPM schedule's forward() with K = T steps this is exactly Ho et al.'s sampler.
///  - ddim: Song, Meng & Ermon 2021 eq. 12: x' = a' x0_hat + b' + sqrt(s'^2 - sigma^2) eps_hat
///    + sigma z, eps_hat = -s score, sigma^2 = eta^2 s'^2 G^2 / s^2 (eta = 1: ddpm).
///  - langevin: seed 004 (L), x <- x + e score(x, t_end) + sqrt(2 e) z, K iterations from the prior.
///  - ald: annealed Langevin, seed 004 Algorithm 1: noise levels sigma_i = s(t_i) on the
///    grid, `corrector_steps` steps each of size alpha_i = e sigma_i^2 / sigma_L^2,
///    x <- x + alpha_i/2 score + sqrt(alpha_i) z.
///  - ode: the probability-flow ODE (probability_flow.hpp), dopri5 or RK4.
/// The last step of reverse_diffusion, pc, ddpm and ddim adds no noise (score_sde's
/// `denoise`, DDPM's t = 1 step); the last step of em/sra1 is the core's.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/random/mersenne_twister.hpp>
#include <ito/sde/brownian.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/sra1.hpp>

#include "any_score.hpp"
#include "ddpm.hpp"
#include "forward_sde.hpp"
#include "probability_flow.hpp"
#include "reverse_sde.hpp"
#include "score.hpp"

namespace ito::diffusion {

enum class sampler_kind { em, sra1, reverse_diffusion, pc, ddpm, ddim, langevin, ald, ode };

inline const char* to_string(sampler_kind k) {
  switch (k) {
    case sampler_kind::em: return "em";
    case sampler_kind::sra1: return "sra1";
    case sampler_kind::reverse_diffusion: return "rd";
    case sampler_kind::pc: return "pc";
    case sampler_kind::ddpm: return "ddpm";
    case sampler_kind::ddim: return "ddim";
    case sampler_kind::langevin: return "langevin";
    case sampler_kind::ald: return "ald";
    case sampler_kind::ode: return "ode";
  }
  return "?";
}

/// Parse em | sra1 | rd | pc | ddpm | ddim | langevin | ald | ode.
inline sampler_kind parse_sampler(const std::string& s) {
  for (auto k : {sampler_kind::em, sampler_kind::sra1, sampler_kind::reverse_diffusion, sampler_kind::pc,
                 sampler_kind::ddpm, sampler_kind::ddim, sampler_kind::langevin, sampler_kind::ald, sampler_kind::ode})
    if (s == to_string(k)) return k;
  throw ito::invalid_argument("sampler = " + s + ": expected em, sra1, rd, pc, ddpm, ddim, langevin, ald or ode");
}

/// The default number of sampler steps K (library and `ito sample` alike).
inline constexpr index_t default_sampler_steps = 500;

struct sampler_options {
  index_t steps = default_sampler_steps;  ///< K: grid steps (levels for ald, iterations for langevin)
  std::uint64_t seed = 0;         ///< seeds the prior and the noise (per block)
  unsigned threads = 0;           ///< 0 = all cores
  index_t block_size = 512;         ///< samples per block (part of the random stream's identity)
  double t_end = -1;              ///< last time; < 0: sde.eps() (0 for ddpm and ddim)
  std::vector<double> save_times; ///< forward times t on the grid at which to keep the state
  // predictor–corrector / annealed Langevin
  double snr = 0.16;              ///< pc: target signal-to-noise ratio (score_sde default)
  index_t corrector_steps = 1;      ///< pc: Langevin steps per level; ald: steps per noise level
  // ddpm / ddim
  reverse_variance variance = reverse_variance::small;  ///< ddpm: beta_tilde (small) or beta (large)
  double eta = 0.0;               ///< ddim: 0 deterministic, 1 = ddpm
  // langevin / ald
  double step_size = -1;          ///< langevin: e (< 0: 1e-2 prior_std^2); ald: e = alpha_L (< 0: s(t_end)^2, so alpha_i = s(t_i)^2)
  // ode
  ode_options ode{};              ///< probability-flow ODE integration (ode.steps ignored: uses steps)

  void validate() const {
    detail::require(steps >= 1, "steps", steps, ">= 1");
    detail::require(block_size >= 1, "block_size", block_size, ">= 1");
    detail::require(std::isfinite(snr) && snr > 0, "snr", snr, "> 0");
    detail::require(corrector_steps >= 0, "corrector_steps", corrector_steps, ">= 0");
    detail::require(std::isfinite(eta) && eta >= 0, "eta", eta, ">= 0");
    detail::require(std::isfinite(step_size), "step_size", step_size, "a finite number");
  }
};

template <class S = double>
struct sample_result {
  ensemble<S> samples;                  ///< d x N at t_end
  std::vector<double> times;            ///< the save times
  std::vector<ensemble<S>> trajectory;  ///< d x N at each save time
  double nfe = 0;                       ///< score evaluations per sample
  std::uint64_t score_calls = 0;        ///< batch score calls (all blocks)
  double seconds = 0;
  std::string sampler;
};

namespace detail {

/// The prior draw of the paths held by `noise` (its next d normals: step 0 of
/// the counter-based stream (seed, sampler) of each sample, random/normal.hpp),
/// N(prior_mean, prior_std^2 I); later steps of `noise` are the sampler's noise.
template <class S, class F>
ensemble<S> prior_from(const F& f, sde::counter_brownian<S>& noise) {
  ensemble<S> z;
  noise.normals(z);
  return (S(f.prior_mean()) + S(f.prior_std()) * z.array()).matrix();
}
/// The prior of samples [first, first + cols): a pure function of (seed, sample index).
template <class S, class F>
ensemble<S> block_prior(const F& f, index_t d, index_t cols, std::uint64_t seed, index_t first) {
  sde::counter_brownian<S> noise(seed, std::uint64_t(first), d, cols, sde::stream_id::sampler);
  return prior_from<S>(f, noise);
}

/// Grid t_k = T - k (T - t_end)/K.
struct reverse_grid {
  double T, t_end;
  index_t K;
  double t(index_t k) const { return k >= K ? t_end : T - double(k) * (T - t_end) / double(K); }
  /// k with t(k) == time, or -1.
  index_t find(double time) const {
    const double k = std::round((T - time) / (T - t_end) * double(K));
    if (k < 0 || k > double(K)) return -1;
    return std::abs(t(index_t(k)) - time) <= 1e-9 * (T - t_end) ? index_t(k) : -1;
  }
};

/// Map save times to grid indices (throws if not on the grid).
inline std::vector<index_t> save_indices(const reverse_grid& g, const std::vector<double>& times) {
  std::vector<index_t> ks;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const index_t k = g.find(times[i]);
    ito::detail::require(k >= 0, "save_times[" + std::to_string(i) + "]", times[i],
                         "a time on the sampler grid t_k = T - k (T - t_end)/K");
    ks.push_back(k);
  }
  return ks;
}

/// The coefficients of one step from t to t' (see the file comment).
template <class F>
struct step_coeffs {
  double a, b, s, a1, b1, s1, alpha, off, G2;
  step_coeffs(const F& f, double t, double t1) {
    a = f.mean_coeff(t), b = f.mean_offset(t), s = f.std(t);
    a1 = f.mean_coeff(t1), b1 = f.mean_offset(t1), s1 = f.std(t1);
    alpha = a / a1;
    off = b - alpha * b1;
    G2 = std::max(0.0, s * s - alpha * alpha * s1 * s1);
  }
};

/// A result of n samples of dimension d with room for the trajectory at `times`.
template <class S>
sample_result<S> make_result(std::string name, index_t d, index_t n, const std::vector<double>& times) {
  sample_result<S> res;
  res.sampler = std::move(name);
  res.samples.resize(d, n);
  res.times = times;
  res.trajectory.assign(times.size(), ensemble<S>(d, n));
  return res;
}

/// Record the evaluation counts and the elapsed time.
template <class S>
void finish(sample_result<S>& res, const evaluation_count& cnt, index_t n,
            std::chrono::steady_clock::time_point start) {
  res.nfe = double(cnt.columns) / double(n);
  res.score_calls = cnt.calls;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace detail

/// Run a grid sampler (everything except em, sra1 and ode) on n samples of dimension d.
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_grid(sampler_kind kind, const F& f, const Score& score, index_t d, index_t n,
                             const sampler_options& opt) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const bool discrete = kind == sampler_kind::ddpm || kind == sampler_kind::ddim;
  const double t_end = opt.t_end >= 0 ? opt.t_end : (discrete ? 0.0 : f.eps());
  ito::detail::require(t_end >= 0 && t_end < f.T(), "t_end", t_end, "in [0, T)");
  const detail::reverse_grid grid{f.T(), t_end, opt.steps};
  const auto save_k = detail::save_indices(grid, opt.save_times);
  auto res = detail::make_result<S>(to_string(kind), d, n, opt.save_times);

  auto body = [&](auto& sc, index_t /*block*/, index_t first, index_t cols) {
    sde::counter_brownian<S> bm(opt.seed, std::uint64_t(first), d, cols, sde::stream_id::sampler);
    ensemble<S> x = detail::prior_from<S>(f, bm);
    ensemble<S> s(d, cols), z(d, cols), x0(d, cols);
    auto save = [&](index_t k) {
      for (std::size_t i = 0; i < save_k.size(); ++i)
        if (save_k[i] == k) res.trajectory[i].middleCols(first, cols) = x;
    };
    save(0);
    // Langevin step x <- x + h score + sqrt(2 h) z at time t
    auto langevin = [&](double t, double h) {
      sc(x, S(t), s);
      bm.normals(z);
      x.array() += S(h) * s.array() + S(std::sqrt(2 * h)) * z.array();
    };
    if (kind == sampler_kind::langevin) {
      const double h = opt.step_size > 0 ? opt.step_size : 1e-2 * f.prior_std() * f.prior_std();
      for (index_t k = 0; k < opt.steps; ++k) {
        langevin(t_end, h);
        save(k + 1);
      }
    } else if (kind == sampler_kind::ald) {
      const double sL = f.std(grid.t(opt.steps));
      const double e = opt.step_size > 0 ? opt.step_size : sL * sL;
      for (index_t k = 0; k <= opt.steps; ++k) {
        const double t = grid.t(k), si = f.std(t);
        const double ai = e * si * si / (sL * sL);  // Algorithm 1 line 3
        for (index_t j = 0; j < std::max<index_t>(opt.corrector_steps, 1); ++j) langevin(t, ai / 2);
        if (k > 0) save(k);
      }
    } else {
      for (index_t k = 0; k < opt.steps; ++k) {
        const double t = grid.t(k), t1 = grid.t(k + 1);
        const bool last = k + 1 == opt.steps;
        const detail::step_coeffs<F> c(f, t, t1);
        if (kind == sampler_kind::pc) {
          for (index_t j = 0; j < opt.corrector_steps; ++j) {
            sc(x, S(t), s);
            bm.normals(z);
            const double gn = s.colwise().norm().mean(), zn = z.colwise().norm().mean();
            const double h = 2 * c.alpha * c.alpha * std::pow(opt.snr * zn / std::max(gn, 1e-300), 2);
            x.array() += S(h) * s.array() + S(std::sqrt(2 * h)) * z.array();
          }
        }
        sc(x, S(t), s);
        if (!last) bm.normals(z);
        if (kind == sampler_kind::reverse_diffusion || kind == sampler_kind::pc) {
          x.array() = S(2 - c.alpha) * x.array() - S(c.off) + S(c.G2) * s.array();
          if (!last) x.array() += S(std::sqrt(c.G2)) * z.array();
        } else {
          // Tweedie x0_hat, then ddpm / ddim
          x0.array() = (x.array() - S(c.b) + S(c.s * c.s) * s.array()) / S(c.a);
          const double var_small = c.s > 0 ? c.s1 * c.s1 * c.G2 / (c.s * c.s) : 0.0;
          if (kind == sampler_kind::ddpm) {
            const double w0 = c.G2 / (c.s * c.s), wx = c.alpha * c.s1 * c.s1 / (c.s * c.s);
            x.array() = S(w0) * (S(c.a1) * x0.array() + S(c.b1)) + S(wx) * (x.array() - S(c.off));
            const double var = opt.variance == reverse_variance::small ? var_small : c.G2;
            if (!last) x.array() += S(std::sqrt(var)) * z.array();
          } else {
            const double sig2 = opt.eta * opt.eta * var_small;
            const double ce = std::sqrt(std::max(0.0, c.s1 * c.s1 - sig2));
            // eps_hat = -s score
            x.array() = S(c.a1) * x0.array() + S(c.b1) - S(ce * c.s) * s.array();
            if (!last && sig2 > 0) x.array() += S(std::sqrt(sig2)) * z.array();
          }
        }
        save(k + 1);
      }
    }
    res.samples.middleCols(first, cols) = x;
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  detail::finish(res, cnt, n, start);
  return res;
}

/// The reverse SDE through a core stepper (euler_maruyama, sra1, ...): each block is
/// one sde::solve over its block range with its own copy of the score.
template <class Method, forward_sde F, class Score, class S = double>
sample_result<S> sample_reverse_sde(const Method& method, const F& f, const Score& score, index_t d, index_t n,
                                    const sampler_options& opt) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const double t_end = opt.t_end >= 0 ? opt.t_end : f.eps();
  const detail::reverse_grid grid{f.T(), t_end, opt.steps};
  const auto save_k = detail::save_indices(grid, opt.save_times);
  ensemble<S> xT(d, n);
  const index_t nblocks = (n + opt.block_size - 1) / opt.block_size;
  for (index_t b = 0; b < nblocks; ++b) {
    const index_t first = b * opt.block_size, cols = std::min(opt.block_size, n - first);
    xT.middleCols(first, cols) = detail::block_prior<S>(f, d, cols, opt.seed, first);
  }
  auto res = detail::make_result<S>(Method::name, d, n, opt.save_times);
  sde::solve_options<S> so;
  so.steps = opt.steps;
  so.seed = opt.seed;
  so.threads = 1;
  so.block_size = opt.block_size;
  so.paths = n;
  for (index_t k : save_k) so.save_times.push_back(S(double(k) * (f.T() - t_end) / double(opt.steps)));  // s = T - t_k
  so.keep_paths = !save_k.empty();  // the trajectory is read from the snapshots
  auto body = [&](auto& sc, index_t b, index_t first, index_t cols) {
    reverse_sde<F, std::remove_reference_t<decltype(sc)>&> rev{f, sc};
    auto p = rev.template problem<S>(xT, t_end);
    sde::solve_options<S> o = so;
    o.block_begin = b;
    o.block_end = b + 1;
    const auto sol = sde::solve(p, method, o);
    res.samples.middleCols(first, cols) = sol.terminal;
    for (std::size_t i = 0; i < save_k.size(); ++i) res.trajectory[i].middleCols(first, cols) = sol.snapshots[i];
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  detail::finish(res, cnt, n, start);
  return res;
}

/// The probability-flow ODE from the prior at T to t_end (dopri5 or RK4 with `steps` steps).
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_ode(const F& f, const Score& score, index_t d, index_t n, const sampler_options& opt) {
  opt.validate();
  const auto start = std::chrono::steady_clock::now();
  const double t_end = opt.t_end >= 0 ? opt.t_end : f.eps();
  ito::detail::require(t_end >= 0 && t_end < f.T(), "t_end", t_end, "in [0, T)");
  for (std::size_t i = 0; i < opt.save_times.size(); ++i)
    ito::detail::require(opt.save_times[i] < f.T() && opt.save_times[i] > t_end &&
                             (i == 0 || opt.save_times[i] < opt.save_times[i - 1]),
                         "save_times[" + std::to_string(i) + "]", opt.save_times[i],
                         "decreasing times in (t_end, T) for the ode sampler");
  auto res = detail::make_result<S>(opt.ode.adaptive ? "ode-dopri5" : "ode-rk4", d, n, opt.save_times);
  ode_options oo = opt.ode;
  oo.steps = opt.steps;
  auto body = [&](auto& sc, index_t /*block*/, index_t first, index_t cols) {
    ensemble<S> x = detail::block_prior<S>(f, d, cols, opt.seed, first);
    probability_flow<F, std::remove_reference_t<decltype(sc)>&> pf{f, sc};
    auto rhs = [&](const ensemble<S>& X, S t, ensemble<S>& out) { pf.drift(X, t, out); };
    integrate_ode<S>(rhs, x, f.T(), t_end, oo, opt.save_times,
                     [&](index_t k, double, const ensemble<S>& xs) { res.trajectory[std::size_t(k)].middleCols(first, cols) = xs; });
    res.samples.middleCols(first, cols) = x;
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  detail::finish(res, cnt, n, start);
  return res;
}

/// Any sampler by kind: n samples of dimension d from `score` under forward SDE f.
template <forward_sde F, class Score, class S = double>
sample_result<S> sample(sampler_kind kind, const F& f, const Score& score, index_t d, index_t n,
                        const sampler_options& opt = {}) {
  switch (kind) {
    case sampler_kind::em: return sample_reverse_sde<sde::euler_maruyama, F, Score, S>({}, f, score, d, n, opt);
    case sampler_kind::sra1: return sample_reverse_sde<sde::sra1, F, Score, S>({}, f, score, d, n, opt);
    case sampler_kind::ode: return sample_ode<F, Score, S>(f, score, d, n, opt);
    default: return sample_grid<F, Score, S>(kind, f, score, d, n, opt);
  }
}

/// Any sampler by kind, with the dimension taken from the score (score.dim(), e.g.
/// network_score, gmm_score).
template <forward_sde F, class Score, class S = double>
  requires has_dimension<Score>
sample_result<S> sample(sampler_kind kind, const F& f, const Score& score, index_t n, const sampler_options& opt = {}) {
  return sample<F, Score, S>(kind, f, score, static_cast<index_t>(score.dim()), n, opt);
}

/// Every sampler for a forward SDE chosen at run time (runtime_forward_sde) and any score
/// (any_score<double>): compiled once in the library (src/samplers.cpp), so a program that
/// picks the SDE, the score and the sampler by name instantiates none of them.
extern template sample_result<double> sample<runtime_forward_sde, any_score<double>, double>(
    sampler_kind, const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&);

}  // namespace ito::diffusion
