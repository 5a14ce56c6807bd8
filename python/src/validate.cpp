// ito.validate: simulate a process with a known law (ou, tv-ou, gbm, cir) and test the sample
// against its closed forms with the library's validate() (ito/sde/validate.hpp): mean,
// variance, covariance between the first and last check time, Kolmogorov-Smirnov at the last.
#include <ito/sde/steppers/cir_exact.hpp>
#include <ito/sde/steppers/ou_exact.hpp>
#include <ito/sde/validate.hpp>
#include <ito/sde/validate/problems.hpp>

#include <optional>
#include <sstream>

#include "simulate.hpp"

namespace ito::python {
namespace {

using namespace ito::sde;

/// fn(method) for the methods that can integrate an additive (OU) problem.
template <class Fn>
validation_report with_ou_method(const std::string& name, Fn&& fn) {
  if (name == "exact") return fn(ou_exact{});
  if (name == "em") return fn(euler_maruyama{});
  if (name == "milstein") return fn(milstein{});
  if (name == "heun") return fn(heun{});
  if (name == "sra1") return fn(sra1{});
  throw ito::invalid_argument("method = " + name + ": expected one of exact, em, milstein, heun, sra1");
}

/// An OU-type problem's report, with the scheme's own law (scheme column) for discretising methods.
template <class P>
validation_report validate_ou_type(const std::string& method, const P& p, const multivariate_law& law, double x0,
                                   validate_options v) {
  return with_ou_method(method, [&](auto m) {
    if (method != "exact")
      v.scheme = scheme_law(p, m, time_grid<double>::uniform(p.t0, p.t1, v.steps), Eigen::VectorXd::Constant(1, x0));
    py::gil_scoped_release nogil;
    return validate(p, m, law, v);
  });
}

template <class P, class M>
validation_report run(const P& p, const M& m, const multivariate_law& law, const validate_options& v) {
  py::gil_scoped_release nogil;
  return validate(p, m, law, v);
}

py::dict report_dict(const validation_report& r) {
  py::dict d;
  d["passed"] = r.passed();
  d["method"] = r.method;
  d["dim"] = r.dim;
  d["paths"] = r.paths;
  d["steps"] = r.steps;
  d["seed"] = r.seed;
  d["times"] = r.times;
  d["mode"] = r.exact_ks ? "classic" : "streaming";
  d["max_z"] = r.max_z;
  d["level"] = level_of(r.max_z);
  d["seconds"] = r.seconds;
  py::list rows;
  for (const auto& row : r.rows) {
    const auto& t = row.result;
    py::dict e;
    e["name"] = t.name;
    e["closed_form"] = t.expected;
    e["estimate"] = t.estimate;
    e["stderr"] = t.stderr_;
    e["z"] = t.z;
    e["p_value"] = t.p_value;
    e["level"] = t.level;
    e["pass"] = t.pass;
    e["scheme"] = row.scheme ? py::object(py::float_(*row.scheme)) : py::object(py::none());
    if (row.bracket) {
      e["bins"] = row.bracket->bins;
      e["estimate_upper"] = row.bracket->estimate_upper;
      e["p_value_lower"] = row.bracket->p_value_lower;
    }
    rows.append(e);
  }
  d["rows"] = rows;
  std::ostringstream text;
  r.print(text);
  d["text"] = text.str();
  return d;
}

py::dict validate_py(const std::string& problem, py::handle method_obj, py::handle paths, py::handle steps, double t1,
                     const std::vector<double>& times, std::uint64_t seed, unsigned threads, double max_z,
                     long long block_size, const std::string& mode, const py::kwargs& kw) {
  const std::optional<std::string> method_given =
      method_obj.is_none() ? std::nullopt : std::optional<std::string>(method_obj.cast<std::string>());
  const builtin_validation def = builtin_validation_defaults(problem, method_given);
  const params p(problem, def.params, kw);
  const std::string method = method_given.value_or(def.method);
  ito::detail::require_positive("t1", t1);
  validate_options v;
  v.paths = paths.is_none() ? def.paths : paths.cast<index_t>();
  v.steps = steps.is_none() ? def.steps : steps.cast<index_t>();
  v.times = times;
  v.seed = seed;
  v.threads = threads;
  v.max_z = max_z;
  v.block_size = block_size;
  if (mode == "auto") v.ks = ks_method::automatic;
  else if (mode == "classic") v.ks = ks_method::exact;
  else if (mode == "streaming") v.ks = ks_method::binned;
  else throw ito::invalid_argument("mode = " + mode + ": expected auto, classic or streaming");
  v.validate();
  const double x0 = p["x0"];
  const auto x0m = ensemble<double>::Constant(1, 1, x0);
  validation_report r;
  if (problem == "ou") {
    const scalar_ou ou(p["kappa"], p["theta"], p["sigma"]);
    r = validate_ou_type(method, make_ou_problem(ou, x0m, 0.0, t1), ou_law(ou, x0), x0, v);
  } else if (problem == "tv-ou") {
    ito::detail::require(p["beta_min"] >= 0, "beta_min", p["beta_min"], ">= 0");
    ito::detail::require(p["beta_max"] >= 0, "beta_max", p["beta_max"], ">= 0");
    const auto ou = make_time_varying_ou(linear_beta_schedule{p["beta_min"], p["beta_max"], t1}, p["mu"], p["sigma"]);
    r = validate_ou_type(method, make_ou_problem(ou, x0m, 0.0, t1), ou_law(ou, x0), x0, v);
  } else if (problem == "gbm") {
    const auto prob = gbm_problem<double>(p["mu"], p["sigma"], x0, t1).problem;
    const multivariate_law law = gbm_law(p["mu"], p["sigma"], x0);
    if (method == "em") r = run(prob, euler_maruyama{}, law, v);
    else if (method == "milstein") r = run(prob, milstein{}, law, v);
    else if (method == "milstein-df") r = run(prob, milstein_df{}, law, v);
    else throw ito::invalid_argument("method = " + method + ": expected one of em, milstein, milstein-df for gbm");
  } else {
    const cir_process cir(p["kappa"], p["theta"], p["sigma"]);
    const auto prob = make_cir_problem(cir, x0m, 0.0, t1);
    const multivariate_law law = cir_law(cir, x0);
    if (method == "exact") r = run(prob, cir_exact{}, law, v);
    else if (method == "em") r = run(prob, euler_maruyama{}, law, v);
    else throw ito::invalid_argument("method = " + method + ": expected one of exact, em for cir");
  }
  py::dict d = report_dict(r);
  d["problem"] = problem;
  d["params"] = p.values;
  d["t1"] = t1;
  return d;
}

}  // namespace

void init_validate(py::module_& m) {
  const validate_options def;
  m.def("validate", &validate_py, py::arg("problem") = "ou", py::kw_only(), py::arg("method") = py::none(),
        py::arg("paths") = py::none(), py::arg("steps") = py::none(), py::arg("t1") = 1.0,
        py::arg("times") = std::vector<double>{}, py::arg("seed") = def.seed, py::arg("threads") = def.threads,
        py::arg("max_z") = def.max_z, py::arg("block_size") = def.block_size, py::arg("mode") = "auto",
        R"doc(validate(problem="ou", *, method=None, paths=None, steps=None, t1=1.0, times=[], seed=1, threads=0,
         max_z=5.0, block_size=512, mode="auto", **params) -> dict

Simulate a process with a known law from X(0) = x0 and test the sample against the closed forms
(the library's validate(), as `ito validate`): the mean and variance at each check time, the
covariance between the first and last, and the law at the last (Kolmogorov-Smirnov). A moment
row passes when |z| = |estimate - closed form| / stderr <= max_z; the KS row when p >= the
two-sided normal level of max_z.
Problems, parameters (defaults) and run defaults (method, paths, steps):
  "ou"     dX = kappa (theta - X) dt + sigma dW     kappa=1, theta=0, sigma=1, x0=1; exact, 10^6, 10
  "tv-ou"  dX = beta(t)/(2 sigma^2) (mu - X) dt + sqrt(beta(t)) dW, beta linear from beta_min to
           beta_max on [0, t1]                       mu=0, sigma=1, beta_min=0.1, beta_max=20, x0=1;
                                                     exact, 10^6, 10
  "gbm"    dX = mu X dt + sigma X dW                 mu=1, sigma=0.5, x0=1; milstein, 10^5, 1000
  "cir"    dX = kappa (theta - X) dt + sigma sqrt(X) dW   kappa=2, theta=1, sigma=1, x0=0.5;
                                                     exact, 10^5, 2 (100 for em)
Methods: ou, tv-ou: exact, em, milstein, heun, sra1 (the scheme's own exact moments are shown in
each row's "scheme"); gbm: em, milstein, milstein-df; cir: exact, em (full truncation).
times: check times on the grid (default: the grid point nearest t1/2 and t1). mode: "classic" (KS
on the sorted sample), "streaming" (binned KS, memory independent of paths) or "auto".
Returns {"passed", "problem", "params", "t1", "method", "dim", "paths", "steps", "seed", "times",
"mode", "max_z", "level", "seconds", "rows": [{"name", "closed_form", "estimate", "stderr", "z",
"p_value", "level", "pass", "scheme"}, ...], "text": the printed report}. Same seed -> same
numbers for any `threads`.)doc");
}

}  // namespace ito::python
