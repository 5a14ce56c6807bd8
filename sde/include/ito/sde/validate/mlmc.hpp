#pragma once
/// \file validate/mlmc.hpp
/// \brief Expectation checks by multilevel Monte Carlo: estimate E phi(X_T)
/// for payoffs phi with a closed form (mean, second moment, a call) by Giles'
/// adaptive MLMC (mlmc.hpp) to a target RMSE and test each estimate against
/// its closed form.
///
///   auto checks = ito::sde::mlmc_expectations(ito::sde::gbm_law(mu, sigma, x0), t1, {"lognormal", K});
///   auto v = ito::sde::validate_mlmc(problem, ito::sde::milstein{}, checks);
///   v.print(std::cout);  return v.passed() ? 0 : 1;
///
/// The test. MLMC's error has two parts: the sampling error, with standard
/// error s = sqrt(sum_l V_l / N_l), and the bias E P_L - E phi(X_T) of the
/// finest level, which Giles' algorithm estimates by
///   b = max(|E Y_L|, |E Y_{L-1}| / M^alpha, |E Y_{L-2}| / M^(2 alpha)) / (M^alpha - 1)
/// (Giles 2008, Oper. Res. 56(3), eq. (10); Giles 2015, Acta Numerica 24,
/// sec. 2.1) and drives below eps / sqrt(2). A check therefore uses the
/// combined error scale sqrt(s^2 + b^2) (at most ~eps):
///   z = (estimate - closed form) / sqrt(s^2 + b^2),  pass when |z| <= max_z,
/// and the row's test_result::stderr_ is that combined scale (so z =
/// (estimate - expected) / stderr_ as in every validation row); the sampling
/// standard error and the bias estimate are kept apart in the row.
///
/// The bias estimate is only as good as the coarsest levels are asymptotic:
/// set mlmc.base_steps so that level 0 resolves the drift's time scale (e.g.
/// ceil(2 kappa T) for a mean-reverting drift of rate kappa, as `ito validate
/// --mlmc` does); with kappa h_0 > 1 the first corrections oscillate, the
/// fitted alpha is too large and the bias is underestimated.
///
/// The target: eps = rmse * |closed form| (relative, the default) or eps =
/// rmse (absolute), per check. A wrong closed form by more than a few eps
/// fails. Bit-identical for any thread count; validate_mlmc_with takes the
/// MLMC runner, e.g. ito::mpi::mlmc for any process count.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../mlmc.hpp"
#include "../stats.hpp"
#include "law.hpp"
#include "report.hpp"

namespace ito::sde {

/// One expectation to check: E payoff(X) and its closed form.
struct mlmc_expectation {
  std::string name;     ///< e.g. "E X_T"
  mlmc_payoff payoff;   ///< what MLMC estimates
  double exact = 0;     ///< the closed form
};

/// E max(X - K, 0) for X ~ N(m, v) (Bachelier): (m - K) Phi(d) + sqrt(v) phi(d), d = (m - K)/sqrt(v).
inline double normal_call(double m, double v, double K) {
  detail::require(std::isfinite(v) && v >= 0, "variance", v, "a finite number >= 0");
  if (v == 0) return std::max(m - K, 0.0);
  const double s = std::sqrt(v), d = (m - K) / s;
  return (m - K) * 0.5 * std::erfc(-d / std::sqrt(2.0)) + s * std::exp(-0.5 * d * d) / std::sqrt(2 * std::numbers::pi);
}

/// E max(X - K, 0) for a lognormal X with mean m > 0 and variance v (Black 1976):
/// s^2 = log(1 + v/m^2), m Phi(d1) - K Phi(d1 - s), d1 = (log(m/K) + s^2/2)/s.
inline double lognormal_call(double m, double v, double K) {
  detail::require(std::isfinite(m) && m > 0, "mean", m, "a finite number > 0 (lognormal)");
  detail::require(std::isfinite(v) && v >= 0, "variance", v, "a finite number >= 0");
  detail::require(std::isfinite(K) && K > 0, "strike", K, "a finite number > 0");
  if (v == 0) return std::max(m - K, 0.0);
  const double s = std::sqrt(std::log1p(v / (m * m))), d1 = (std::log(m / K) + 0.5 * s * s) / s;
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  return m * Phi(d1) - K * Phi(d1 - s);
}

/// A call to add to mlmc_expectations: the law at t1 is normal or lognormal, K the strike.
struct mlmc_call_check {
  std::string shape;  ///< "normal" or "lognormal"
  double strike = 1;  ///< K
};

/// The expectations of the first component at time t1 that a law gives in
/// closed form: E X (law.mean), E X^2 = Var X + (E X)^2 (law.mean and
/// law.covariance), and optionally E max(X - K, 0) when the law at t1 is
/// normal (OU) or lognormal (GBM), from the same mean and variance.
inline std::vector<mlmc_expectation> mlmc_expectations(const multivariate_law& law, double t1,
                                                       std::optional<mlmc_call_check> call = std::nullopt) {
  detail::require_finite("t1", t1);
  std::vector<mlmc_expectation> out;
  if (!law.mean) return out;
  const double m = law.mean(t1)(0);
  mlmc_expectation e;
  e.name = "E X_T";
  e.payoff.kind = mlmc_payoff_kind::terminal;
  e.exact = m;
  out.push_back(e);
  if (!law.covariance) return out;
  const double v = law.covariance(t1)(0, 0);
  e.name = "E X_T^2";
  e.payoff.kind = mlmc_payoff_kind::second_moment;
  e.exact = v + m * m;
  out.push_back(e);
  if (call) {
    detail::require(call->shape == "normal" || call->shape == "lognormal", "call shape", call->shape,
                    "normal or lognormal");
    e.name = "E max(X_T - K, 0)";
    e.payoff.kind = mlmc_payoff_kind::call;
    e.payoff.strike = call->strike;
    e.exact = call->shape == "normal" ? normal_call(m, v, call->strike) : lognormal_call(m, v, call->strike);
    out.push_back(e);
  }
  return out;
}

/// Options of validate_mlmc.
struct mlmc_validate_options {
  double rmse = 1e-3;         ///< target RMSE per check (relative to |closed form| when `relative`)
  bool relative = true;       ///< eps = rmse * |closed form| (rmse when the closed form is 0); else eps = rmse
  double max_z = default_max_z;  ///< pass when |z| <= max_z
  mlmc_options mlmc;          ///< everything else of MLMC (seed, threads, refinement, ...); its rmse is set per check

  void validate() const {
    detail::require(std::isfinite(rmse) && rmse > 0, "rmse", rmse, "a finite number > 0");
    detail::require(std::isfinite(max_z) && max_z > 0, "max_z", max_z, "a finite number > 0");
  }
};

/// One checked expectation.
struct mlmc_check_row {
  /// name, expected (closed form), estimate, stderr_ = sqrt(s^2 + b^2), z, p_value, level, pass.
  test_result result;
  double sampling_stderr = 0;  ///< s = sqrt(sum_l V_l / N_l)
  double bias_estimate = 0;    ///< b, Giles' estimate of |E P_L - E phi(X_T)|
  double rmse = 0;             ///< the target eps of this check
  double cost = 0;             ///< MLMC's path-steps
  double plain_mc_cost = 0;    ///< plain Monte Carlo's path-steps at the same RMSE
  index_t levels = 0;          ///< levels used
  bool converged = true;       ///< false when MLMC hit max_levels with the bias above eps/sqrt(2)
};

/// What validate_mlmc returns.
struct mlmc_validation {
  std::vector<mlmc_check_row> rows;
  std::string method;  ///< the stepper's name
  std::uint64_t seed = 0;
  double max_z = default_max_z;

  /// True when every row passes (and there is at least one).
  bool passed() const {
    if (rows.empty()) return false;
    for (const auto& r : rows)
      if (!r.result.pass) return false;
    return true;
  }
  /// The table: check, closed form, estimate, stderr (sampling), bias estimate, z, levels, pass.
  void print(std::ostream& os) const {
    os << "MLMC expectation checks, method " << method << ", seed " << seed
       << "; z = (estimate - closed form) / sqrt(stderr^2 + bias^2), pass: |z| <= "
       << validation_report::format(max_z, 3) << "\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-20s %13s %13s %10s %10s %10s %8s %7s  %s\n", "check", "closed form",
                  "estimate", "eps", "stderr", "bias est.", "z", "levels", "pass");
    os << line;
    for (const auto& row : rows) {
      const auto& r = row.result;
      std::snprintf(line, sizeof line, "%-20s %13s %13s %10s %10s %10s %8s %7lld  %s\n", r.name.c_str(),
                    validation_report::format(r.expected).c_str(), validation_report::format(r.estimate).c_str(),
                    validation_report::format(row.rmse, 3).c_str(),
                    validation_report::format(row.sampling_stderr, 3).c_str(),
                    validation_report::format(row.bias_estimate, 3).c_str(), validation_report::format(r.z, 3).c_str(),
                    static_cast<long long>(row.levels), r.pass ? "yes" : "NO");
      os << line;
    }
    os << (passed() ? "all checks pass\n" : "some checks FAIL\n");
  }
};

/// validate_mlmc with a given MLMC runner: run(payoff, mlmc_options) -> mlmc_result
/// (e.g. a lambda calling ito::sde::mlmc, or ito::mpi::mlmc under MPI).
template <class Run>
mlmc_validation validate_mlmc_with(const std::vector<mlmc_expectation>& checks, const mlmc_validate_options& o,
                                   Run&& run) {
  o.validate();
  detail::require(!checks.empty(), "checks", checks.size(), "at least one expectation");
  mlmc_validation v;
  v.seed = o.mlmc.seed;
  v.max_z = o.max_z;
  for (const auto& c : checks) {
    detail::require_finite("closed form of " + c.name, c.exact);
    mlmc_options mo = o.mlmc;
    mo.rmse = o.relative && c.exact != 0 ? o.rmse * std::abs(c.exact) : o.rmse;
    const mlmc_result r = run(c.payoff, mo);
    v.method = r.method;
    mlmc_check_row row;
    const double scale = std::hypot(r.stderr_, r.bias_estimate);
    row.result = detail::z_check(c.name, c.exact, r.estimate, scale, o.max_z);
    row.sampling_stderr = r.stderr_;
    row.bias_estimate = r.bias_estimate;
    row.rmse = mo.rmse;
    row.cost = r.cost;
    row.plain_mc_cost = r.plain_mc_cost;
    row.levels = index_t(r.levels.size());
    row.converged = r.converged;
    v.rows.push_back(std::move(row));
  }
  return v;
}

/// Estimate each E payoff(X) of `checks` by MLMC (ito::sde::mlmc with `method`)
/// on problem p and test it against its closed form (see the file comment).
template <class P, class Method>
mlmc_validation validate_mlmc(const P& p, const Method& method, const std::vector<mlmc_expectation>& checks,
                              const mlmc_validate_options& o = {}) {
  return validate_mlmc_with(checks, o, [&](const mlmc_payoff& payoff, const mlmc_options& mo) {
    return mlmc(p, method, payoff, mo);
  });
}

}  // namespace ito::sde
