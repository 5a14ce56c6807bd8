#pragma once
/// \file adaptive.hpp
/// \brief Adaptive reverse-SDE sampling: the Euler / improved-Euler pair with a
/// mixed tolerance (Jolicoeur-Martineau, Li, Piché-Taillefer, Kachman &
/// Mitliagkas 2021, "Gotta Go Fast When Generating Data with Score-Based
/// Models", Algorithm 1), run by the core's adaptive stepping.
///
/// The reverse SDE in s = T - t (reverse_sde.hpp) has additive noise, so each
/// sample takes the steps
///   X'  = X + F(X, s) h + g(s) dW,
///   X'' = X + (F(X, s) + F(X', s + h)) h/2 + (g(s) + g(s + h)) dW/2,
/// with the error |X'' - X'| scaled per component by atol + rtol max(|X|, |X''|)
/// (the paper's mixed tolerance), the root mean square over the components
/// compared with 1, and X'' kept on acceptance. The step sizes follow the core's
/// PI controller (ito/sde/adaptive.hpp); each sample has its own steps, and a
/// rejected step re-queries the same Brownian path (the virtual Brownian tree),
/// so the result for a seed is the same for any thread count and block size.
/// Every attempted step costs two score evaluations per sample; `nfe` reports
/// the mean number per sample.

#include <chrono>

#include <ito/sde/adaptive.hpp>

#include "../reverse_sde.hpp"
#include "../samplers.hpp"
#include "../score.hpp"

namespace ito::diffusion {

/// Tolerances of the adaptive sampler (the core's adaptive_options, with
/// defaults for samples of unit scale).
inline sde::adaptive_options default_adaptive_sampler_control() {
  sde::adaptive_options c;
  c.rtol = 1e-2;
  c.atol = 1e-2;
  return c;
}

/// n samples of dimension d from the reverse SDE of f with `score`, with
/// adaptive steps from T to opt.t_end (opt.steps is not used; the prior and the
/// seed as for the other samplers).
template <forward_sde F, class Score, class S = double>
sample_result<S> sample_adaptive(const F& f, const Score& score, index_t d, index_t n, const sampler_options& opt,
                                 const sde::adaptive_options& control = default_adaptive_sampler_control()) {
  opt.validate();
  control.validate();
  detail::require(opt.save_times.empty(), "save_times", opt.save_times.size(),
                  "none: the adaptive sampler keeps only the samples");
  const auto start = std::chrono::steady_clock::now();
  const double t_end = opt.t_end >= 0 ? opt.t_end : f.eps();
  ensemble<S> xT(d, n);
  const index_t nblocks = (n + opt.block_size - 1) / opt.block_size;
  for (index_t b = 0; b < nblocks; ++b) {
    const index_t first = b * opt.block_size, cols = std::min(opt.block_size, n - first);
    xT.middleCols(first, cols) = detail::block_prior<S>(f, d, cols, opt.seed, first);
  }
  auto res = detail::make_result<S>("adaptive", d, n, {});
  sde::solve_options<S> so;
  so.seed = opt.seed;
  so.threads = 1;
  so.block_size = opt.block_size;
  so.paths = n;
  auto body = [&](auto& sc, index_t b, index_t first, index_t cols) {
    reverse_sde<F, std::remove_reference_t<decltype(sc)>&> rev{f, sc};
    auto p = rev.template problem<S>(xT, t_end);
    sde::solve_options<S> o = so;
    o.block_begin = b;
    o.block_end = b + 1;
    const auto sol = sde::solve(p, sde::adaptive(sde::euler_maruyama{}, control), o);
    res.samples.middleCols(first, cols) = sol.terminal;
  };
  const auto cnt = detail::parallel_blocks(n, opt.block_size, opt.threads, score, body);
  detail::finish(res, cnt, n, start);
  return res;
}

/// The adaptive sampler for runtime_forward_sde and any_score<double>, compiled once in the
/// library (src/samplers.cpp).
extern template sample_result<double> sample_adaptive<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&,
    const sde::adaptive_options&);

}  // namespace ito::diffusion
