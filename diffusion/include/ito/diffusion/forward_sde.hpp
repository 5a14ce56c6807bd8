#pragma once
/// \file forward_sde.hpp
/// \brief Forward (noising) SDEs of diffusion models: OU with a schedule (seed 000),
/// VP with linear or cosine beta, sub-VP and VE (Song et al. 2021, seed 004 sec. 3).
///
/// Every forward SDE has a linear drift and a scalar, state-independent diffusion,
///   dX = (drift_coeff(t) X + drift_offset(t)) dt + g(t) dW,
/// so its transition from a point x0 at time 0 is Gaussian,
///   q(x_t | x_0) = N(a(t) x_0 + b(t), s(t)^2 I)     (mean_coeff, mean_offset, std),
/// with prior N(prior_mean, prior_std^2 I) at t = T. Constants follow score_sde
/// `sde_lib.py` (yang-song/score_sde_pytorch: VPSDE beta_min = 0.1, beta_max = 20,
/// subVPSDE, VESDE sigma_min = 0.01, sigma_max = 50, N = 1000) with one deliberate
/// difference: the VE std is the exact sqrt(sigma(t)^2 - sigma_min^2) of the SDE
/// started at t = 0 (score_sde uses sigma(t)), so the SDE and its marginal agree.

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <concepts>
#include <numbers>
#include <optional>
#include <utility>
#include <string>
#include <variant>
#include <vector>

#include <ito/sde/error.hpp>
#include <ito/sde/problem.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using sde::ensemble;
using sde::index_t;
using sde::matrix_t;
using sde::vector_t;

/// What every forward SDE provides (the interface shared by samplers, the
/// Gaussian-mixture oracle, training and the CLI).
template <class F>
concept forward_sde = requires(const F& f, double t, const ensemble<double>& X, ensemble<double>& out,
                               boost::random::mt19937_64& eng) {
  { f.mean_coeff(t) } -> std::convertible_to<double>;
  { f.mean_offset(t) } -> std::convertible_to<double>;
  { f.std(t) } -> std::convertible_to<double>;
  { f.diffusion(t) } -> std::convertible_to<double>;
  { f.drift_coeff(t) } -> std::convertible_to<double>;
  { f.drift_offset(t) } -> std::convertible_to<double>;
  { f.T() } -> std::convertible_to<double>;
  { f.eps() } -> std::convertible_to<double>;
  { f.prior_mean() } -> std::convertible_to<double>;
  { f.prior_std() } -> std::convertible_to<double>;
  { f.name() } -> std::convertible_to<std::string>;
  f.drift(X, 0.5, out);
  { f.template prior_sample<double>(index_t{1}, index_t{1}, eng) } -> std::same_as<ensemble<double>>;
  { f.prior_logp(X) } -> std::same_as<vector_t<double>>;
};

/// The members all forward SDEs share, written once in terms of the
/// coefficients of the derived class (CRTP).
template <class Derived>
struct forward_sde_base {
  /// out = f(X, t) = drift_coeff(t) X + drift_offset(t), column by column.
  template <class S>
  void drift(const ensemble<S>& X, S t, ensemble<S>& out) const {
    const S c = S(self().drift_coeff(double(t)));
    const S o = S(self().drift_offset(double(t)));
    out.resize(X.rows(), X.cols());
    out.array() = c * X.array() + o;
  }

  /// n samples (d x n) of the prior N(prior_mean, prior_std^2 I) at T.
  template <class S, class Engine>
  ensemble<S> prior_sample(index_t d, index_t n, Engine& eng) const {
    detail::require(d > 0, "d", d, "> 0");
    detail::require(n >= 0, "n", n, ">= 0");
    boost::random::normal_distribution<S> normal;
    ensemble<S> X(d, n);
    const S m = S(self().prior_mean()), sd = S(self().prior_std());
    for (index_t i = 0; i < X.size(); ++i) X.data()[i] = m + sd * normal(eng);
    return X;
  }

  /// Log-density of the prior at each column of X (nats), as score_sde's prior_logp.
  template <class S>
  vector_t<S> prior_logp(const ensemble<S>& X) const {
    const double m = self().prior_mean(), sd = self().prior_std();
    const double d = double(X.rows());
    vector_t<S> out(X.cols());
    for (index_t j = 0; j < X.cols(); ++j) {
      const double r2 = (X.col(j).template cast<double>().array() - m).square().sum();
      out(j) = S(-0.5 * d * std::log(2 * std::numbers::pi * sd * sd) - 0.5 * r2 / (sd * sd));
    }
    return out;
  }

  /// Draw x_t ~ q(x_t | x_0) = N(a x0 + b, s^2 I) for every column of x0.
  template <class S, class Engine>
  ensemble<S> marginal_sample(const ensemble<S>& x0, double t, Engine& eng) const {
    boost::random::normal_distribution<S> normal;
    ensemble<S> X(x0.rows(), x0.cols());
    const S a = S(self().mean_coeff(t)), b = S(self().mean_offset(t)), s = S(self().std(t));
    for (index_t i = 0; i < X.size(); ++i) X.data()[i] = a * x0.data()[i] + b + s * normal(eng);
    return X;
  }

  /// The forward SDE as an ito::sde additive-noise problem on [t0, t1]
  /// (default [0, T]), G(t) = g(t) I_d: integrate it with any core stepper.
  template <class S = double>
  auto as_problem(const ensemble<S>& x0, S t0 = S(0), S t1 = S(-1)) const {
    const Derived f = self();
    if (t1 < S(0)) t1 = S(f.T());
    auto drift = [f](const ensemble<S>& X, S t, ensemble<S>& out) { f.drift(X, t, out); };
    auto diffusion = [f](S t, matrix_t<S>& G) {
      G.setZero();
      G.diagonal().setConstant(S(f.diffusion(double(t))));
    };
    return sde::make_additive_problem<S>(drift, diffusion, x0, t0, t1, x0.rows());
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

// ---------------------------------------------------------------------------
// Schedules beta(t) = g(t)^2 of an OU/VP process and their integrals B(t).

/// beta(t) = beta_min + t (beta_max - beta_min), B(t) = beta_min t + (beta_max - beta_min) t^2 / 2
/// (score_sde VPSDE; Song et al. 2021 eq. 32).
struct linear_schedule {
  double beta_min = 0.1;
  double beta_max = 20.0;
  double beta(double t) const { return beta_min + t * (beta_max - beta_min); }
  double integral(double t) const { return beta_min * t + 0.5 * (beta_max - beta_min) * t * t; }
  void validate() const {
    detail::require(std::isfinite(beta_min) && beta_min >= 0, "beta_min", beta_min, "a finite number >= 0");
    detail::require(std::isfinite(beta_max) && beta_max >= beta_min, "beta_max", beta_max, ">= beta_min");
    detail::require(beta_max > 0, "beta_max", beta_max, "> 0");
  }
};

/// Cosine schedule (Nichol & Dhariwal 2021): alpha_bar(t) = f(t)/f(0),
/// f(t) = cos^2((t + s)/(1 + s) pi/2), so B(t) = -log alpha_bar(t) and
/// beta(t) = pi/(1+s) tan((t + s)/(1 + s) pi/2), which diverges at t = 1: use T < 1
/// (vp_cosine_sde defaults to T = 0.995, where alpha_bar ~ 6e-5).
struct cosine_schedule {
  double s = 0.008;
  double phase(double t) const { return (t + s) / (1 + s) * std::numbers::pi / 2; }
  double beta(double t) const { return std::numbers::pi / (1 + s) * std::tan(phase(t)); }
  double integral(double t) const {
    return -2.0 * (std::log(std::cos(phase(t))) - std::log(std::cos(phase(0.0))));
  }
  void validate() const { detail::require(std::isfinite(s) && s >= 0, "s", s, "a finite number >= 0"); }
};

/// Constant beta(t) = value, so g(t) = sqrt(value) (a time-homogeneous OU process,
/// seed 004 appendix). Not to be confused with ito::sde::constant_schedule{c}, whose
/// c is the diffusion g itself.
struct constant_beta {
  double value = 1.0;
  double beta(double) const { return value; }
  double integral(double t) const { return value * t; }
  void validate() const { detail::require_positive("beta", value); }
};

// ---------------------------------------------------------------------------

/// Ornstein–Uhlenbeck forward process (seed 000 eq. 1):
///   dX = g(t)^2 / (2 sigma^2) (mu - X) dt + g(t) dW,   g(t)^2 = beta(t),
/// stationary law N(mu, sigma^2). With G(t) = int_0^t g^2 (seed 000, m_{s,t}, sigma^2_{s,t}):
///   a(t) = exp(-G / (2 sigma^2)), b(t) = mu (1 - a), s(t)^2 = sigma^2 (1 - exp(-G / sigma^2)).
/// VP is the case mu = 0, sigma = 1 (vp_sde). Prior N(mu, sigma^2).
template <class Schedule = linear_schedule>
struct ou_sde : forward_sde_base<ou_sde<Schedule>> {
  double mu = 0.0;
  double sigma = 1.0;
  Schedule schedule{};
  double t_end = 1.0;      ///< T
  double t_eps = 1e-3;     ///< smallest time used by samplers (score_sde's sampling eps)
  std::string label = "ou";

  ou_sde() = default;
  ou_sde(double mu_, double sigma_, Schedule sch = {}, double T_ = 1.0, double eps_ = 1e-3,
         std::string name_ = "ou")
      : mu(mu_), sigma(sigma_), schedule(sch), t_end(T_), t_eps(eps_), label(std::move(name_)) {
    validate();
  }

  void validate() const {
    detail::require_finite("mu", mu);
    detail::require_positive("sigma", sigma);
    schedule.validate();
    detail::require_positive("T", t_end);
    detail::require(std::isfinite(t_eps) && t_eps >= 0 && t_eps < t_end, "eps", t_eps, "in [0, T)");
  }

  double beta(double t) const { return schedule.beta(t); }
  double mean_coeff(double t) const { return std::exp(-0.5 * schedule.integral(t) / (sigma * sigma)); }
  double mean_offset(double t) const { return mu * (1.0 - mean_coeff(t)); }
  double std(double t) const {
    return sigma * std::sqrt(-std::expm1(-schedule.integral(t) / (sigma * sigma)));
  }
  double diffusion(double t) const { return std::sqrt(schedule.beta(t)); }
  double drift_coeff(double t) const { return -0.5 * schedule.beta(t) / (sigma * sigma); }
  double drift_offset(double t) const { return 0.5 * schedule.beta(t) / (sigma * sigma) * mu; }
  double T() const { return t_end; }
  double eps() const { return t_eps; }
  double prior_mean() const { return mu; }
  double prior_std() const { return sigma; }
  std::string name() const { return label; }
};

/// Variance-preserving SDE dX = -beta(t)/2 X dt + sqrt(beta(t)) dW (seed 004 sec. 3.1,
/// "VP SDE"; score_sde VPSDE): mean_coeff = exp(-B/2), std = sqrt(1 - exp(-B)).
/// Continuous alpha_bar(1) = mean_coeff(1)^2 = exp(-(beta_min + beta_max)/2) ~ 4.5e-5.
struct vp_sde : ou_sde<linear_schedule> {
  explicit vp_sde(double beta_min = 0.1, double beta_max = 20.0, double T = 1.0, double eps = 1e-3)
      : ou_sde<linear_schedule>(0.0, 1.0, linear_schedule{beta_min, beta_max}, T, eps, "vp") {}
};

/// VP SDE with the cosine schedule (see cosine_schedule; T < 1 because beta(1) is infinite).
struct vp_cosine_sde : ou_sde<cosine_schedule> {
  explicit vp_cosine_sde(double s = 0.008, double T = 0.995, double eps = 1e-3)
      : ou_sde<cosine_schedule>(0.0, 1.0, cosine_schedule{s}, T, eps, "vp-cosine") {
    detail::require(T < 1.0, "T", T, "< 1 for the cosine schedule (beta(1) is infinite)");
  }
};

/// sub-VP SDE (Song et al. 2021 eq. 34; score_sde subVPSDE):
///   dX = -beta/2 X dt + sqrt(beta (1 - exp(-2 B(t)))) dW,
///   mean_coeff = exp(-B/2), std = 1 - exp(-B) (the std, not the variance). Prior N(0, 1).
template <class Schedule = linear_schedule>
struct subvp_sde_t : forward_sde_base<subvp_sde_t<Schedule>> {
  Schedule schedule{};
  double t_end = 1.0;
  double t_eps = 1e-3;

  subvp_sde_t() = default;
  explicit subvp_sde_t(Schedule sch, double T_ = 1.0, double eps_ = 1e-3) : schedule(sch), t_end(T_), t_eps(eps_) {
    schedule.validate();
    detail::require_positive("T", t_end);
    detail::require(std::isfinite(t_eps) && t_eps >= 0 && t_eps < t_end, "eps", t_eps, "in [0, T)");
  }

  double mean_coeff(double t) const { return std::exp(-0.5 * schedule.integral(t)); }
  double mean_offset(double) const { return 0.0; }
  double std(double t) const { return -std::expm1(-schedule.integral(t)); }
  double diffusion(double t) const {
    return std::sqrt(schedule.beta(t) * -std::expm1(-2.0 * schedule.integral(t)));
  }
  double drift_coeff(double t) const { return -0.5 * schedule.beta(t); }
  double drift_offset(double) const { return 0.0; }
  double T() const { return t_end; }
  double eps() const { return t_eps; }
  double prior_mean() const { return 0.0; }
  double prior_std() const { return 1.0; }
  std::string name() const { return "subvp"; }
};

/// sub-VP with the linear schedule (defaults beta_min = 0.1, beta_max = 20).
struct subvp_sde : subvp_sde_t<linear_schedule> {
  explicit subvp_sde(double beta_min = 0.1, double beta_max = 20.0, double T = 1.0, double eps = 1e-3)
      : subvp_sde_t<linear_schedule>(linear_schedule{beta_min, beta_max}, T, eps) {}
};

/// Variance-exploding SDE (seed 004 sec. 3.1, "VE SDE"; score_sde VESDE):
///   sigma(t) = sigma_min (sigma_max/sigma_min)^t,  dX = sqrt(d sigma^2/dt) dW,
///   g(t) = sigma(t) sqrt(2 ln(sigma_max/sigma_min))  (g(1) ~ 206.36 for the defaults),
///   mean_coeff = 1, std = sqrt(sigma(t)^2 - sigma_min^2) (exact; score_sde uses sigma(t)).
/// Prior N(0, sigma_max^2) as in score_sde.
struct ve_sde : forward_sde_base<ve_sde> {
  double sigma_min = 0.01;
  double sigma_max = 50.0;
  double t_end = 1.0;
  double t_eps = 1e-3;

  explicit ve_sde(double smin = 0.01, double smax = 50.0, double T_ = 1.0, double eps_ = 1e-3)
      : sigma_min(smin), sigma_max(smax), t_end(T_), t_eps(eps_) {
    detail::require_positive("sigma_min", sigma_min);
    detail::require(std::isfinite(sigma_max) && sigma_max > sigma_min, "sigma_max", sigma_max, "> sigma_min");
    detail::require_positive("T", t_end);
    detail::require(std::isfinite(t_eps) && t_eps >= 0 && t_eps < t_end, "eps", t_eps, "in [0, T)");
  }

  double log_ratio() const { return std::log(sigma_max / sigma_min); }
  double sigma(double t) const { return sigma_min * std::exp(t * log_ratio()); }
  double mean_coeff(double) const { return 1.0; }
  double mean_offset(double) const { return 0.0; }
  double std(double t) const { return sigma_min * std::sqrt(std::expm1(2.0 * t * log_ratio())); }
  double diffusion(double t) const { return sigma(t) * std::sqrt(2.0 * log_ratio()); }
  double drift_coeff(double) const { return 0.0; }
  double drift_offset(double) const { return 0.0; }
  double T() const { return t_end; }
  double eps() const { return t_eps; }
  double prior_mean() const { return 0.0; }
  double prior_std() const { return sigma_max; }
  std::string name() const { return "ve"; }
};

static_assert(forward_sde<vp_sde>);
static_assert(forward_sde<vp_cosine_sde>);
static_assert(forward_sde<subvp_sde>);
static_assert(forward_sde<ve_sde>);
static_assert(forward_sde<ou_sde<constant_beta>>);

// ---------------------------------------------------------------------------
// A forward SDE by name and parameters: what a checkpoint stores and what the
// program's --sde options describe.

/// The forward SDEs that can be named (by forward_sde_spec::kind).
using any_forward_sde = std::variant<vp_sde, vp_cosine_sde, subvp_sde, ve_sde, ou_sde<linear_schedule>>;

/// The kind and every parameter of a nameable forward SDE. Parameters a kind does
/// not use keep their defaults; T and eps default to the SDE's own (1 and 1e-3;
/// T = 0.995 for vp-cosine).
struct forward_sde_spec {
  std::string kind = "vp";                  ///< vp, vp-cosine, subvp, ve, ou
  double beta_min = 0.1, beta_max = 20.0;   ///< vp, subvp, ou: linear beta schedule
  double cosine_s = 0.008;                  ///< vp-cosine: offset s
  double sigma_min = 0.01, sigma_max = 50;  ///< ve
  double mu = 0.0, sigma = 1.0;             ///< ou: stationary mean and std
  std::optional<double> T, eps;             ///< final time, smallest sampler time

  static constexpr const char* kinds = "vp, vp-cosine, subvp, ve, ou";

  /// The forward SDE; ito::invalid_argument naming `kind` if unknown, or the bad parameter.
  any_forward_sde make() const {
    const double e = eps.value_or(1e-3);
    if (kind == "vp") return vp_sde(beta_min, beta_max, T.value_or(1.0), e);
    if (kind == "vp-cosine") return vp_cosine_sde(cosine_s, T.value_or(0.995), e);
    if (kind == "subvp") return subvp_sde(beta_min, beta_max, T.value_or(1.0), e);
    if (kind == "ve") return ve_sde(sigma_min, sigma_max, T.value_or(1.0), e);
    if (kind == "ou") return ou_sde<linear_schedule>(mu, sigma, linear_schedule{beta_min, beta_max}, T.value_or(1.0), e);
    throw ito::invalid_argument("forward SDE kind = '" + kind + "': expected one of " + kinds);
  }

  /// The nine numbers stored in a checkpoint, T and eps resolved:
  /// beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, sigma, T, eps.
  std::vector<double> to_numbers() const {
    const auto [t, e] = std::visit([](const auto& f) { return std::pair{f.T(), f.eps()}; }, make());
    return {beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, sigma, t, e};
  }

  /// Inverse of to_numbers(). Also reads the two numbers (beta_min, beta_max) that
  /// library-trained checkpoints of vp/subvp carried before format version 3 (T = 1,
  /// eps = 1e-3 then). ito::invalid_argument if the count or a value is wrong.
  static forward_sde_spec from_numbers(const std::string& kind, const std::vector<double>& p) {
    forward_sde_spec s;
    s.kind = kind;
    if (p.size() == 2 && (kind == "vp" || kind == "subvp")) {
      s.beta_min = p[0];
      s.beta_max = p[1];
    } else if (p.size() == 9) {
      s.beta_min = p[0];
      s.beta_max = p[1];
      s.cosine_s = p[2];
      s.sigma_min = p[3];
      s.sigma_max = p[4];
      s.mu = p[5];
      s.sigma = p[6];
      s.T = p[7];
      s.eps = p[8];
    } else {
      throw ito::invalid_argument("forward SDE '" + kind + "' parameters: " + std::to_string(p.size()) +
                                  " numbers, expected 9 (beta_min, beta_max, cosine_s, sigma_min, sigma_max, mu, "
                                  "sigma, T, eps)");
    }
    (void)s.make();  // validates kind and values
    return s;
  }
};

/// fn(sde) with the concrete forward-SDE type of `spec`.
template <class Fn>
decltype(auto) visit_forward_sde(const forward_sde_spec& spec, Fn&& fn) {
  return std::visit(std::forward<Fn>(fn), spec.make());
}

/// The spec of a nameable forward SDE (what trainer records in its checkpoint).
inline forward_sde_spec spec_of(const vp_sde& f) {
  forward_sde_spec s;
  s.kind = "vp";
  s.beta_min = f.schedule.beta_min;
  s.beta_max = f.schedule.beta_max;
  s.T = f.T();
  s.eps = f.eps();
  return s;
}
inline forward_sde_spec spec_of(const vp_cosine_sde& f) {
  forward_sde_spec s;
  s.kind = "vp-cosine";
  s.cosine_s = f.schedule.s;
  s.T = f.T();
  s.eps = f.eps();
  return s;
}
inline forward_sde_spec spec_of(const subvp_sde& f) {
  forward_sde_spec s;
  s.kind = "subvp";
  s.beta_min = f.schedule.beta_min;
  s.beta_max = f.schedule.beta_max;
  s.T = f.T();
  s.eps = f.eps();
  return s;
}
inline forward_sde_spec spec_of(const ve_sde& f) {
  forward_sde_spec s;
  s.kind = "ve";
  s.sigma_min = f.sigma_min;
  s.sigma_max = f.sigma_max;
  s.T = f.T();
  s.eps = f.eps();
  return s;
}
/// An ou_sde with the linear schedule: kind "ou", or "vp" when it is labelled so
/// (vp_sde is the case mu = 0, sigma = 1).
inline forward_sde_spec spec_of(const ou_sde<linear_schedule>& f) {
  forward_sde_spec s;
  s.kind = f.name() == "vp" && f.mu == 0 && f.sigma == 1 ? "vp" : "ou";
  s.beta_min = f.schedule.beta_min;
  s.beta_max = f.schedule.beta_max;
  s.mu = f.mu;
  s.sigma = f.sigma;
  s.T = f.T();
  s.eps = f.eps();
  return s;
}

/// Whether spec_of(f) exists for the forward SDE type F.
template <class F>
concept nameable_forward_sde = requires(const F& f) {
  { spec_of(f) } -> std::same_as<forward_sde_spec>;
};


/// \brief A forward SDE whose kind is chosen at run time (one of any_forward_sde: by
/// name, from a forward_sde_spec or a checkpoint), itself a forward_sde.
///
/// Every coefficient call (a(t), s(t), g(t), ...) dispatches on the held kind, once per
/// call and not per path, so a sampler, score or likelihood templated on the forward
/// SDE is compiled once for this type instead of once per kind, at the cost of one
/// indirect jump per coefficient per step. Results are bit-identical to the concrete
/// type's: the same member functions compute the same numbers.
class runtime_forward_sde : public forward_sde_base<runtime_forward_sde> {
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    return std::visit(std::forward<Fn>(fn), sde_);
  }

 public:
  runtime_forward_sde() : sde_(vp_sde{}) {}
  runtime_forward_sde(any_forward_sde sde) : sde_(std::move(sde)) {}  // NOLINT: implicit by design
  /// The SDE of `spec`; ito::invalid_argument naming the bad kind or parameter.
  explicit runtime_forward_sde(const forward_sde_spec& spec) : sde_(spec.make()) {}

  double mean_coeff(double t) const { return visit([t](const auto& f) { return f.mean_coeff(t); }); }
  double mean_offset(double t) const { return visit([t](const auto& f) { return f.mean_offset(t); }); }
  double std(double t) const { return visit([t](const auto& f) { return f.std(t); }); }
  double diffusion(double t) const { return visit([t](const auto& f) { return f.diffusion(t); }); }
  double drift_coeff(double t) const { return visit([t](const auto& f) { return f.drift_coeff(t); }); }
  double drift_offset(double t) const { return visit([t](const auto& f) { return f.drift_offset(t); }); }
  double T() const { return visit([](const auto& f) { return f.T(); }); }
  double eps() const { return visit([](const auto& f) { return f.eps(); }); }
  double prior_mean() const { return visit([](const auto& f) { return f.prior_mean(); }); }
  double prior_std() const { return visit([](const auto& f) { return f.prior_std(); }); }
  std::string name() const { return visit([](const auto& f) { return std::string(f.name()); }); }

  /// The concrete SDE held.
  const any_forward_sde& get() const { return sde_; }
  /// Its kind and parameters (what a checkpoint stores).
  forward_sde_spec spec() const { return visit([](const auto& f) { return spec_of(f); }); }

 private:
  any_forward_sde sde_;
};

inline forward_sde_spec spec_of(const runtime_forward_sde& f) { return f.spec(); }

static_assert(forward_sde<runtime_forward_sde>);
static_assert(nameable_forward_sde<runtime_forward_sde>);

}  // namespace ito::diffusion
