#pragma once
/// \file samplers/exponential.hpp
/// \brief What the fast samplers share: the marginal a(t), b(t), s(t), the
/// log-SNR lambda(t) = log(a/s) and its inverse for any forward SDE, the
/// data and noise predictions of a score, and the counter-based noise of a path.
///
/// Every forward SDE of the library has the Gaussian transition
///   q(x_t | x_0) = N(a(t) x_0 + b(t), s(t)^2 I)        (forward_sde.hpp),
/// so with y = x - b(t) the probability-flow ODE is the semi-linear ODE of
/// Lu et al. 2022 (DPM-Solver, eq. 2.4 and 3.1) with alpha_t = a(t),
/// sigma_t = s(t):  dy/dt = f(t) y + g(t)^2 / (2 s) eps_hat(y, t),
/// f = d log a / dt, g^2 = d s^2/dt - 2 f s^2. Its exact solution from s to t
/// (Lu et al. 2022, eq. 3.4, written in lambda = log(a/s), decreasing in t)
///   y_t = (a_t / a_s) y_s - a_t int_{lambda_s}^{lambda_t} e^{-lambda} eps_hat d lambda
///       = (s_t / s_s) y_s + s_t int_{lambda_s}^{lambda_t} e^{lambda} x0_hat d lambda
/// (the second form is DPM-Solver++, Lu et al. 2022b, eq. 8) is what every
/// sampler under samplers/ approximates. The predictions come from any score
/// (oracle or network through the parametrization adapters of parametrization.hpp):
///   eps_hat = -s score,   x0_hat = (y + s^2 score) / a     (Tweedie, seed 004 TW).
/// OU with mu != 0 (b != 0) is the same ODE in y; VE has a = 1; sub-VP has its own s.

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include <ito/sde/error.hpp>
#include <ito/sde/random/philox.hpp>
#include <ito/sde/types.hpp>

#include "../forward_sde.hpp"

namespace ito::diffusion {

/// a(t), b(t), s(t) and lambda(t) = log(a/s) at one time.
struct marginal_coeffs {
  double t = 0, a = 1, b = 0, s = 0, lambda = 0;
  double sigma() const { return s / a; }  ///< Karras et al.'s sigma = s/a = exp(-lambda)
};

template <forward_sde F>
marginal_coeffs marginal_at(const F& f, double t) {
  marginal_coeffs m;
  m.t = t;
  m.a = f.mean_coeff(t);
  m.b = f.mean_offset(t);
  m.s = f.std(t);
  m.lambda = m.s > 0 ? std::log(m.a / m.s) : std::numeric_limits<double>::infinity();
  return m;
}

/// lambda(t) = log(a(t)/s(t)) (+infinity at t = 0, where s = 0).
template <forward_sde F>
double log_snr(const F& f, double t) {
  return marginal_at(f, t).lambda;
}

/// \brief The time t in [0, T] with lambda(t) = lambda (lambda is strictly
/// decreasing for every forward SDE of the library). Bisection to machine
/// precision (at most 200 halvings: per step, never per sample). Values of
/// lambda above lambda(0+) or below lambda(T) give 0 or T.
template <forward_sde F>
double time_of_log_snr(const F& f, double lambda) {
  ito::detail::require(!std::isnan(lambda), "lambda", lambda, "a number");
  double lo = 0, hi = f.T();
  if (lambda <= log_snr(f, hi)) return hi;
  for (int i = 0; i < 200 && hi - lo > 4 * std::numeric_limits<double>::epsilon() * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (log_snr(f, mid) > lambda) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/// The time t with Karras et al.'s sigma(t) = s(t)/a(t) = exp(-lambda(t)) equal to `sigma` (0 at sigma = 0).
template <forward_sde F>
double time_of_sigma(const F& f, double sigma) {
  ito::detail::require(sigma >= 0, "sigma", sigma, ">= 0");
  return sigma == 0 ? 0.0 : time_of_log_snr(f, -std::log(sigma));
}

namespace detail {

/// x0_hat = (x - b + s^2 score)/a (Tweedie) from the score `sc` already evaluated at (x, t).
template <class S>
void data_prediction(const marginal_coeffs& m, const ensemble<S>& x, const ensemble<S>& score, ensemble<S>& x0) {
  x0.array() = (x.array() - S(m.b) + S(m.s * m.s) * score.array()) / S(m.a);
}

/// eps_hat = -s score.
template <class S>
void noise_prediction(const marginal_coeffs& m, const ensemble<S>& score, ensemble<S>& eps) {
  eps.array() = S(-m.s) * score.array();
}

/// The standard normals of one path: a pure function of (seed, path, draw, i),
/// Philox4x32-10 on stream `sampler` (ito/sde/random/philox.hpp), Box-Muller on
/// two 53-bit uniforms. Draw 0 is the prior; draw r >= 1 is the r-th noise vector.
inline std::array<double, 2> philox_normal_pair(std::uint64_t seed, std::uint64_t path, std::uint64_t position) {
  const auto w = sde::philox_words(seed, sde::stream_id::sampler, path, position);
  const auto u53 = [](std::uint32_t hi, std::uint32_t lo) {
    return (double((std::uint64_t(hi) << 21) ^ (lo >> 11)) + 0.5) * 0x1p-53;  // in (0, 1)
  };
  const double u1 = u53(w[0], w[1]), u2 = u53(w[2], w[3]);
  const double r = std::sqrt(-2.0 * std::log(u1)), phi = 2 * std::numbers::pi * u2;
  return {r * std::cos(phi), r * std::sin(phi)};
}

/// Fill z (d x cols) with draw `draw` of paths first .. first + cols - 1.
template <class S>
void path_normals(std::uint64_t seed, index_t first, std::uint64_t draw, ensemble<S>& z) {
  const index_t d = z.rows();
  const std::uint64_t per_draw = std::uint64_t((d + 1) / 2);
  for (index_t j = 0; j < z.cols(); ++j)
    for (index_t i = 0; i < d; i += 2) {
      const auto p = philox_normal_pair(seed, std::uint64_t(first + j), draw * per_draw + std::uint64_t(i / 2));
      z(i, j) = S(p[0]);
      if (i + 1 < d) z(i + 1, j) = S(p[1]);
    }
}

}  // namespace detail
}  // namespace ito::diffusion
