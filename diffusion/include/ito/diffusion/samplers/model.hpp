#pragma once
/// \file samplers/model.hpp
/// \brief The view of a score that the fast samplers step with: data prediction
/// x0_hat and noise prediction eps_hat at (x, t), the marginal coefficients at a
/// time or a log-SNR, and the counter-based noise of the block's paths.
///
/// Noise: the r-th noise vector (r >= 1) of path p is step r of the counter-based
/// stream (seed, sampler) of path p (sde::counter_brownian, random/normal.hpp): drawn
/// a few steps ahead for the whole block in one vectorized fill into a persistent
/// buffer, as Euler-Maruyama draws its noise (samplers.hpp). Step 0 of that stream is
/// never used (the prior is path_normals draw 0, exponential.hpp). A pure function of
/// (seed, path, r): not of the block size or the thread count.

#include <cstdint>
#include <optional>

#include <ito/sde/brownian.hpp>

#include "exponential.hpp"

namespace ito::diffusion {

/// One block of paths (columns first .. first + cols - 1) seen by a fast sampler.
template <forward_sde F, class Score, class S>
struct prediction_model {
  const F& sde;
  Score& score;
  std::uint64_t seed = 0;
  index_t first = 0;          ///< global index of the block's first path
  std::uint64_t draw = 1;     ///< next noise draw (draw 0 is the prior)
  ensemble<S> buffer{};       ///< the score at the last evaluation
  std::optional<sde::counter_brownian<S>> noise{};  ///< made at the first normals() call

  marginal_coeffs at(double t) const { return marginal_at(sde, t); }
  marginal_coeffs at_log_snr(double lambda) const { return marginal_at(sde, time_of_log_snr(sde, lambda)); }

  /// out = x0_hat(x, t) = (x - b + s^2 score)/a: one score evaluation.
  void x0(const ensemble<S>& x, const marginal_coeffs& m, ensemble<S>& out) {
    buffer.resize(x.rows(), x.cols());
    score(x, S(m.t), buffer);
    out.resize(x.rows(), x.cols());
    detail::data_prediction(m, x, buffer, out);
  }
  /// out = eps_hat(x, t) = -s score: one score evaluation.
  void eps(const ensemble<S>& x, const marginal_coeffs& m, ensemble<S>& out) {
    buffer.resize(x.rows(), x.cols());
    score(x, S(m.t), buffer);
    out.resize(x.rows(), x.cols());
    detail::noise_prediction(m, buffer, out);
  }
  /// z = the next standard normal draw of every path of the block.
  void normals(ensemble<S>& z) {
    if (!noise) {
      noise.emplace(seed, std::uint64_t(first), z.rows(), z.cols(), sde::stream_id::sampler);
      noise->normals(z);  // step 0: not used (see the file comment)
    }
    noise->normals(z);
    ++draw;
  }
};

}  // namespace ito::diffusion
