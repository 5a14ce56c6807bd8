#pragma once
/// \file parametrization.hpp
/// \brief eps-, x0-, score- and v-prediction for any forward SDE (seed 004 sec. 1.6),
/// and adapters that turn a predictor into a score and back.
///
/// With x_t = a x_0 + b + s eps (q(x_t | x_0) = N(a x_0 + b, s^2 I)), write y = x_t - b:
///   score = -eps / s                                  (grad log q(x_t | x_0), seed 004 DDPM-C)
///   x0    = (y - s eps) / a,   eps = (y - a x0) / s   (seed 004 NP)
///   Tweedie (seed 004 TW): E[x0 | x_t] = (y + s^2 score) / a
///   v     = a eps - s x0                              (Salimans & Ho 2022; a^2 + s^2 = 1 for VP)
///   x0 = (a y - s v)/(a^2 + s^2),  eps = (s y + a v)/(a^2 + s^2).
/// Applied to the conditional expectations (the optimal predictors) these are the
/// exact relations between the four targets, so a sampler needs only a score.
///
/// A score is any callable score(const ensemble<S>& X, S t, ensemble<S>& out) on a
/// d x N batch (out is resized by the caller to d x N).

#include <string>

#include <ito/sde/error.hpp>

#include "forward_sde.hpp"

namespace ito::diffusion {

enum class prediction { eps, x0, score, v };

inline const char* to_string(prediction p) {
  switch (p) {
    case prediction::eps: return "eps";
    case prediction::x0: return "x0";
    case prediction::score: return "score";
    case prediction::v: return "v";
  }
  return "?";
}

inline prediction parse_prediction(const std::string& s) {
  if (s == "eps") return prediction::eps;
  if (s == "x0") return prediction::x0;
  if (s == "score") return prediction::score;
  if (s == "v") return prediction::v;
  throw ito::invalid_argument("prediction = " + s + ": expected eps, x0, score or v");
}

/// out = the `to` target of the network output P (a `from` target) at state X, time t.
/// Every conversion goes through eps: eps = E_from(X, P), then to = T_to(X, eps).
/// Needs a(t) > 0 and s(t) > 0 (t in (0, T]); out may alias P.
template <forward_sde F, class S>
void convert_prediction(const F& f, prediction from, prediction to, const ensemble<S>& X, S t,
                        const ensemble<S>& P, ensemble<S>& out) {
  detail::require(P.rows() == X.rows() && P.cols() == X.cols(), "prediction rows", P.rows(),
                  "the shape of X (" + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) + ")");
  const S a = S(f.mean_coeff(double(t))), b = S(f.mean_offset(double(t))), s = S(f.std(double(t)));
  detail::require(s > S(0) && a > S(0), "t", t, "a time with mean_coeff > 0 and std > 0");
  const S r2 = a * a + s * s;
  if (from == to) {
    if (&out != &P) out = P;
    return;
  }
  ensemble<S> e(X.rows(), X.cols());
  switch (from) {
    case prediction::eps: e = P; break;
    case prediction::score: e = -s * P; break;
    case prediction::x0: e = ((X.array() - b) - a * P.array()) / s; break;
    case prediction::v: e = (s * (X.array() - b) + a * P.array()) / r2; break;
  }
  out.resize(X.rows(), X.cols());
  switch (to) {
    case prediction::eps: out = e; break;
    case prediction::score: out = e / (-s); break;
    case prediction::x0: out = ((X.array() - b) - s * e.array()) / a; break;
    case prediction::v: out = a * e.array() - s * ((X.array() - b) - s * e.array()) / a; break;
  }
}

/// A callable that evaluates `model` (a predictor of kind `from`) and returns the
/// `to` target: prediction_adapter{sde, model, prediction::eps, prediction::score}(X, t, out)
/// is a score from an eps-model. Holds the model by pointer: it must outlive the adapter.
template <forward_sde F, class Model>
struct prediction_adapter {
  F sde;
  Model* model;
  prediction from = prediction::eps;
  prediction to = prediction::score;

  prediction_adapter(const F& f, Model& m, prediction from_, prediction to_)
      : sde(f), model(&m), from(from_), to(to_) {}

  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) const {
    out.resize(X.rows(), X.cols());
    (*model)(X, t, out);
    if (from != to) convert_prediction(sde, from, to, X, t, out, out);
  }
};

/// A score from a predictor of kind `kind` (eps, x0, v or score).
template <forward_sde F, class Model>
prediction_adapter<F, Model> score_from(const F& f, Model& m, prediction kind) {
  return {f, m, kind, prediction::score};
}

/// A predictor of kind `kind` from a score (e.g. an eps-model for ddpm_elbo_terms).
template <forward_sde F, class Score>
prediction_adapter<F, Score> predictor_from_score(const F& f, Score& s, prediction kind) {
  return {f, s, prediction::score, kind};
}

/// Tweedie's denoiser (seed 004 TW): x0_hat = (X - b + s^2 score) / a.
template <forward_sde F, class S>
void tweedie_denoise(const F& f, const ensemble<S>& X, S t, const ensemble<S>& score, ensemble<S>& out) {
  convert_prediction(f, prediction::score, prediction::x0, X, t, score, out);
}

}  // namespace ito::diffusion
