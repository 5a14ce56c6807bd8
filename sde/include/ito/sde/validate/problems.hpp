#pragma once
/// \file problems.hpp
/// \brief The built-in validation problems (ou, tv-ou, gbm, cir): their parameters with
/// defaults and their run defaults (method, paths, steps), the one set that `ito validate`
/// and Python's ito.validate both use.
///
///   ou     dX = kappa (theta - X) dt + sigma dW               kappa 1, theta 0, sigma 1, x0 1
///   tv-ou  dX = beta(t)/(2 sigma^2) (mu - X) dt + sqrt(beta(t)) dW, beta linear from beta_min
///          to beta_max on [0, t1]                              mu 0, sigma 1, beta_min 0.1, beta_max 20, x0 1
///   gbm    dX = mu X dt + sigma X dW                           mu 1, sigma 0.5, x0 1
///   cir    dX = kappa (theta - X) dt + sigma sqrt(X) dW        kappa 2, theta 1, sigma 1, x0 0.5
///
/// Run defaults: ou and tv-ou exact sampling with validate_options' paths and steps (10^6, 10);
/// gbm Milstein with 10^5 paths and 1000 steps (no exact stepper; its weak bias O(dt) stays far
/// below 5 standard errors); cir exact sampling with 10^5 paths (a noncentral chi-square quantile
/// per path and step) on a grid holding just the check times (2 steps), 100 steps for em.
///
/// Example:
/// \code
///   const auto d = ito::sde::builtin_validation_defaults("cir");  // d.method == "exact", d.steps == 2
///   const ito::sde::cir_process cir(d.params.at("kappa"), d.params.at("theta"), d.params.at("sigma"));
/// \endcode

#include <map>
#include <optional>
#include <string>

#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>
#include <ito/sde/validate/run.hpp>

namespace ito::sde {

/// A built-in validation problem's parameters and run defaults.
struct builtin_validation {
  std::map<std::string, double> params;  ///< every parameter of the problem, at its default
  std::string method;                    ///< default method
  index_t paths = 0;                     ///< default Monte Carlo paths
  index_t steps = 0;                     ///< default uniform steps on [0, t1] (for `method` if given)
};

/// The names of the built-in validation problems.
inline constexpr const char* builtin_validation_names = "ou, tv-ou, gbm, cir";

/// Parameters and run defaults of the built-in validation problem `problem` (see the file
/// comment); `method`, when given, is the method that will run (cir's default steps depend on
/// it). ito::invalid_argument naming `problem` for an unknown one.
inline builtin_validation builtin_validation_defaults(const std::string& problem,
                                                      const std::optional<std::string>& method = std::nullopt) {
  const validate_options v;
  if (problem == "ou") return {{{"kappa", 1}, {"theta", 0}, {"sigma", 1}, {"x0", 1}}, "exact", v.paths, v.steps};
  if (problem == "tv-ou")
    return {{{"mu", 0}, {"sigma", 1}, {"beta_min", 0.1}, {"beta_max", 20}, {"x0", 1}}, "exact", v.paths, v.steps};
  if (problem == "gbm") return {{{"mu", 1}, {"sigma", 0.5}, {"x0", 1}}, "milstein", 100000, 1000};
  if (problem == "cir")
    return {{{"kappa", 2}, {"theta", 1}, {"sigma", 1}, {"x0", 0.5}}, "exact", 100000,
            method.value_or("exact") == "exact" ? 2 : 100};
  throw ito::invalid_argument("problem = " + problem + ": expected one of " + builtin_validation_names);
}

}  // namespace ito::sde
