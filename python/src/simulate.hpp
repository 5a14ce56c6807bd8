#pragma once
// The built-in problems of ito.simulate (and of ito.mlmc, ito.convergence) by name, with their
// parameters by keyword; the integrations themselves are compiled in separate translation
// units (simulate_fixed.hpp: simulate_f64.cpp, simulate_f32.cpp; simulate_adaptive.cpp).
#include <ito/sde/cir.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/problems.hpp>

#include <map>

#include "common.hpp"

namespace ito::python {

/// Named parameters of a built-in problem with their defaults; unknown names are an error.
struct params {
  std::string problem;
  std::map<std::string, double> values;
  params(std::string p, std::map<std::string, double> defaults, const py::kwargs& kw)
      : problem(std::move(p)), values(std::move(defaults)) {
    for (auto item : kw) {
      const auto key = py::str(item.first).cast<std::string>();
      if (!values.count(key)) {
        std::string known;
        for (const auto& [k, v] : values) known += (known.empty() ? "" : ", ") + k;
        throw ito::invalid_argument(key + ": not a parameter of problem '" + problem + "' (its parameters: " + known +
                                    ")");
      }
      try {
        values[key] = item.second.cast<double>();
      } catch (const py::cast_error&) {
        throw ito::invalid_argument(key + " = " + std::string(py::repr(item.second)) + ": expected a number");
      }
      ito::detail::require_finite(key.c_str(), values[key]);
    }
  }
  double operator[](const std::string& k) const { return values.at(k); }
};

inline constexpr const char* problem_names = "ou, gbm, sinh, additive, double_well, cir";

/// The parameters of a built-in problem and their defaults.
inline std::map<std::string, double> defaults_of(const std::string& problem) {
  if (problem == "ou") return {{"kappa", 2}, {"theta", 0.5}, {"sigma", 0.8}, {"x0", 1.5}};
  if (problem == "gbm") return {{"alpha", 1.01}, {"beta", 0.87}, {"x0", 0.5}};
  if (problem == "sinh") return {{"a", 1}, {"x0", 0.5}};
  if (problem == "additive") return {{"alpha", 1}, {"beta", 1}, {"x0", 1}};
  if (problem == "double_well") return {{"sigma", 0.5}, {"x0", 0.5}};
  if (problem == "cir") return {{"kappa", 2}, {"theta", 1}, {"sigma", 1}, {"x0", 0.5}};
  throw ito::invalid_argument("problem = " + problem + ": expected one of " + problem_names);
}

/// fn(problem) for the named built-in problem with scalar type S on [0, t1].
template <class S, class Fn>
auto with_builtin(const params& p, S t1, Fn&& fn) {
  using namespace ito::sde;
  const auto& name = p.problem;
  if (name == "ou") {
    ito::detail::require(p["sigma"] >= 0, "sigma", p["sigma"], "a finite number >= 0");
    ito::detail::require(p["kappa"] >= 0, "kappa", p["kappa"], "a finite number >= 0");
    const scalar_ou ou(p["kappa"], p["theta"], p["sigma"]);
    return fn(make_ou_problem<S>(ou, ensemble<S>::Constant(1, 1, S(p["x0"])), S(0), t1));
  }
  if (name == "gbm") return fn(gbm_problem<S>(S(p["alpha"]), S(p["beta"]), S(p["x0"]), t1).problem);
  if (name == "sinh") return fn(sinh_problem<S>(S(p["a"]), S(p["x0"]), t1).problem);
  if (name == "additive") return fn(additive_problem<S>(S(p["alpha"]), S(p["beta"]), S(p["x0"]), t1).problem);
  if (name == "double_well") return fn(double_well_problem<S>(S(p["sigma"]), S(p["x0"]), t1));
  if (name == "cir")
    return fn(make_cir_problem<S>(cir_process(p["kappa"], p["theta"], p["sigma"]),
                                  ensemble<S>::Constant(1, 1, S(p["x0"])), S(0), t1));
  throw ito::invalid_argument("problem = " + name + ": expected one of " + problem_names);
}

/// ito.simulate with fixed steps (method: a name of with_method, or "exact" for ou and cir).
template <class S>
py::object simulate_fixed(const params& p, double t1, const std::string& method, const ito::sde::solve_options<S>& opt);
extern template py::object simulate_fixed<double>(const params&, double, const std::string&,
                                                  const ito::sde::solve_options<double>&);
extern template py::object simulate_fixed<float>(const params&, double, const std::string&,
                                                 const ito::sde::solve_options<float>&);

/// ito.simulate with adaptive steps (float64).
py::object simulate_adaptive(const params& p, double t1, const std::string& method,
                             const ito::sde::solve_options<double>& opt, const ito::sde::adaptive_options& control);

}  // namespace ito::python
