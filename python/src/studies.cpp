// ito.convergence (strong and weak errors on the same Brownian paths against a pathwise closed form),
// ito.weak_convergence (weak errors of weak-order methods against the terminal law) and
// ito.work_precision (strong error against drift evaluations, fixed and adaptive steps).
#include <cmath>
#include <tuple>

#include <ito/diffusion/work_precision.hpp>
#include <ito/sde/convergence.hpp>
#include <ito/sde/weak_convergence.hpp>

#include "simulate.hpp"

namespace ito::python {
namespace {

py::dict convergence_py(const std::string& problem, const std::string& method, long long paths, long long levels,
                        long long coarsest_steps, double t1, std::uint64_t seed, unsigned threads,
                        const py::kwargs& kw) {
  using namespace ito::sde;
  const params p(problem, defaults_of(problem), kw);
  ito::detail::require_positive("t1", t1);
  convergence_options o;
  o.paths = paths;
  o.levels = levels;
  o.coarsest_steps = coarsest_steps;
  o.seed = seed;
  o.threads = threads;
  auto run = [&](const auto& k) {
    return with_method(method, k.problem, [&](auto m) {
      py::gil_scoped_release nogil;
      return convergence_study(k.problem, m, k.exact, o);
    });
  };
  convergence_result r;
  if (problem == "gbm") r = run(gbm_problem<double>(p["alpha"], p["beta"], p["x0"], t1));
  else if (problem == "sinh") r = run(sinh_problem<double>(p["a"], p["x0"], t1));
  else if (problem == "additive") r = run(additive_problem<double>(p["alpha"], p["beta"], p["x0"], t1));
  else throw ito::invalid_argument("problem = " + problem + ": convergence needs a pathwise closed form: gbm, sinh or additive");
  py::dict d;
  d["method"] = r.method;
  d["paths"] = r.paths;
  d["strong_order"] = r.strong_order;
  d["weak_order"] = r.weak_order;
  py::list lv;
  for (const auto& l : r.levels) {
    py::dict e;
    e["dt"] = l.dt;
    e["steps"] = l.steps;
    e["strong"] = l.strong;
    e["strong_se"] = l.strong_se;
    e["weak"] = l.weak;
    e["weak_se"] = l.weak_se;
    lv.append(e);
  }
  d["levels"] = lv;
  return d;
}

py::dict weak_convergence_py(const std::string& problem, const std::string& method, long long paths,
                             long long levels, long long coarsest_steps, double t1, std::uint64_t seed,
                             unsigned threads, long long block_size, long long primary, const py::kwargs& kw) {
  using namespace ito::sde;
  const params p(problem, defaults_of(problem), kw);
  ito::detail::require_positive("t1", t1);
  weak_convergence_options o;
  o.paths = paths;
  o.levels = levels;
  o.coarsest_steps = coarsest_steps;
  o.seed = seed;
  o.threads = threads;
  o.block_size = block_size;
  o.primary = primary;
  auto run = [&](const auto& prob, const weak_reference& ref) {
    return with_method(method, prob, [&](auto m) {
      py::gil_scoped_release nogil;
      return weak_convergence_study(prob, m, ref, o);
    });
  };
  weak_convergence_result r;
  if (problem == "gbm")
    r = run(gbm_problem<double>(p["alpha"], p["beta"], p["x0"], t1).problem,
            gbm_weak_reference(p["alpha"], p["beta"], p["x0"], t1));
  else if (problem == "sinh")
    r = run(sinh_problem<double>(p["a"], p["x0"], t1).problem, sinh_weak_reference(p["a"], p["x0"], t1));
  else if (problem == "additive")
    r = run(additive_problem<double>(p["alpha"], p["beta"], p["x0"], t1).problem,
            additive_weak_reference(p["alpha"], p["beta"], p["x0"], t1));
  else if (problem == "ou")
    r = run(make_ou_problem<double>(scalar_ou(p["kappa"], p["theta"], p["sigma"]),
                                    ensemble<double>::Constant(1, 1, p["x0"]), 0.0, t1),
            ou_weak_reference(p["kappa"], p["theta"], p["sigma"], p["x0"], t1));
  else
    throw ito::invalid_argument("problem = " + problem + ": weak_convergence needs a terminal law: gbm, sinh, additive or ou");
  py::dict d;
  d["method"] = r.method;
  d["paths"] = r.paths;
  d["control_variate"] = r.control_variate;
  d["functionals"] = r.functionals;
  d["exact"] = r.exact;
  d["order"] = r.order;
  d["order_se"] = r.order_se;
  d["primary"] = r.primary;
  d["weak_order"] = r.weak_order;
  d["weak_order_se"] = r.weak_order_se;
  py::list lv;
  for (const auto& l : r.levels) {
    py::dict e;
    e["dt"] = l.dt;
    e["steps"] = l.steps;
    e["estimate"] = l.estimate;
    e["error"] = l.error;
    e["stderr"] = l.stderr_;
    lv.append(e);
  }
  d["levels"] = lv;
  return d;
}

py::dict work_precision_py(const std::string& problem, long long paths, std::uint64_t seed, unsigned threads,
                           const std::optional<std::vector<long long>>& steps,
                           const std::optional<std::vector<double>>& rtols,
                           const std::optional<long long>& reference_steps,
                           const std::optional<ito::diffusion::gaussian_mixture>& mixture, double atol_ratio,
                           const std::optional<double>& grow_max, const std::optional<double>& safety,
                           const std::optional<double>& drift_weight, const std::optional<double>& mu,
                           const std::optional<double>& sigma, const std::optional<double>& t1) {
  ito::sde::work_precision_options o;
  ito::sde::van_der_pol_parameters vdp;
  for (const auto& [name, value, field] : {std::tuple{"mu", &mu, &vdp.mu}, std::tuple{"sigma", &sigma, &vdp.sigma},
                                           std::tuple{"t1", &t1, &vdp.t1}}) {
    if (!*value) continue;
    ito::detail::require(problem == "vdp", name, **value, "only with problem \"vdp\"");
    *field = **value;
  }
  require_count("paths", paths);
  o.paths = paths;
  o.seed = seed;
  o.threads = threads;
  o.atol_ratio = atol_ratio;
  if (grow_max) o.control.grow_max = *grow_max;
  if (safety) o.control.safety = *safety;
  if (drift_weight) o.control.drift_weight = *drift_weight;
  ito::detail::require(std::isfinite(atol_ratio) && atol_ratio >= 0, "atol_ratio", atol_ratio, "a finite number >= 0");
  o.control.validate();
  ito::diffusion::default_work_precision_ladders(problem, o, vdp);
  if (steps) o.steps.assign(steps->begin(), steps->end());
  if (rtols) o.rtols = *rtols;
  if (reference_steps) {
    require_count("reference_steps", *reference_steps);
    o.reference_steps = *reference_steps;
  }
  ito::sde::work_precision_result r;
  {
    py::gil_scoped_release nogil;
    r = ito::diffusion::work_precision_study(problem, o, mixture ? &*mixture : nullptr, vdp);
  }
  py::list rows;
  for (const auto& w : r.rows) {
    py::dict e;
    e["method"] = w.method;
    e["adaptive"] = w.adaptive;
    if (w.adaptive) e["rtol"] = w.rtol;
    else e["dt"] = w.dt;
    e["nfe"] = w.nfe;
    e["strong_error"] = w.strong_error;
    e["stderr"] = w.stderr_;
    e["steps"] = w.steps;
    e["rejected"] = w.rejected;
    rows.append(e);
  }
  py::dict d;
  d["problem"] = problem;
  if (problem == "vdp")
    d["vdp"] = py::dict(py::arg("mu") = vdp.mu, py::arg("sigma") = vdp.sigma, py::arg("t1") = vdp.t1);
  d["paths"] = r.paths;
  d["reference"] = r.reference;
  d["reference_dt"] = r.reference_dt;
  d["reference_change"] = r.reference_change;
  d["unstable"] = r.unstable;
  d["rows"] = rows;
  return d;
}

}  // namespace

void init_studies(py::module_& m) {
  m.def("work_precision", &work_precision_py, py::arg("problem") = "gbm", py::kw_only(), py::arg("paths") = 200,
        py::arg("seed") = 1, py::arg("threads") = 0, py::arg("steps") = py::none(), py::arg("rtols") = py::none(),
        py::arg("reference_steps") = py::none(), py::arg("mixture") = py::none(), py::arg("atol_ratio") = 1.0,
        py::arg("grow_max") = py::none(), py::arg("safety") = py::none(), py::arg("drift_weight") = py::none(),
        py::arg("mu") = py::none(), py::arg("sigma") = py::none(), py::arg("t1") = py::none(),
        R"doc(work_precision(problem="gbm", *, paths=200, seed=1, threads=0, steps=None, rtols=None,
               reference_steps=None, mixture=None, atol_ratio=1.0, grow_max=None, safety=None,
               drift_weight=None, mu=None, sigma=None, t1=None) -> dict

Strong error at t1 against drift evaluations per path for the fixed-step methods at dt = T/steps
and the adaptive ones at each rtol (atol = rtol), all on the same `paths` paths of the Brownian
tree (as `ito work-precision`). Problems "double-well", "vdp", "gbm", "vp-reverse" (the VP reverse
SDE with the exact score of `mixture`, an ito.GMM: required there); steps and rtols default to
the problem's ladders (vdp: scaled with mu and t1); atol = atol_ratio rtol; grow_max, safety and
drift_weight change the adaptive runs' controller (None: the library's defaults, as
`ito work-precision`); mu, sigma and t1 are the van der Pol problem's (only with "vdp"; None: the
library's defaults mu 20, sigma 0.1, t1 20; mu <= 0 or not finite raises ValueError). The reference
is exact (gbm) or SRA1/SRIW1 at reference_steps steps (None: 16384; vdp: 64 times its coarsest
fixed step count).
Returns {"problem", "vdp" (problem "vdp" only: {"mu", "sigma", "t1"}), "paths", "reference",
"reference_dt", "reference_change", "unstable",
"rows": [{"method", "adaptive", "dt" or "rtol", "nfe", "strong_error", "stderr", "steps",
"rejected"}, ...]}: strong_error = mean over paths of |X(t1) - X_ref(t1)|, with its standard error.)doc");

  m.def("convergence", &convergence_py, py::arg("problem") = "gbm", py::kw_only(), py::arg("method") = "em",
        py::arg("paths") = 10000, py::arg("levels") = 5, py::arg("coarsest_steps") = 4, py::arg("t1") = 1.0,
        py::arg("seed") = 1, py::arg("threads") = 0,
        R"doc(convergence(problem="gbm", *, method="em", paths=10000, levels=5, coarsest_steps=4, t1=1.0,
            seed=1, threads=0, **params) -> dict

Strong and weak errors of `method` at step sizes h_l = t1 / (coarsest_steps 2^l), l < levels, all
on the same Brownian paths, against the problem's closed form X(t) = F(x0, t, W_t)
(problems "gbm", "sinh", "additive"; parameters as in ito.simulate).
Returns {"method", "paths", "strong_order", "weak_order", "levels": [{"dt", "steps", "strong",
"strong_se", "weak", "weak_se"}, ...]}: strong = E|X^h(t1) - X(t1)|, weak = |E(X^h(t1) - X(t1))|,
each with its standard error; the orders are least-squares slopes of log error on log h.)doc");

  m.def("weak_convergence", &weak_convergence_py, py::arg("problem") = "gbm", py::kw_only(),
        py::arg("method") = "dri1", py::arg("paths") = 200000, py::arg("levels") = 4, py::arg("coarsest_steps") = 4,
        py::arg("t1") = 1.0, py::arg("seed") = 1, py::arg("threads") = 0, py::arg("block_size") = 1024,
        py::arg("primary") = 1,
        R"doc(weak_convergence(problem="gbm", *, method="dri1", paths=200000, levels=4, coarsest_steps=4,
                 t1=1.0, seed=1, threads=0, block_size=1024, primary=1, **params) -> dict

Weak errors e_l(f) = E f(X^h(t1)) - E f(X(t1)) of `method` for h_l = t1 / (coarsest_steps 2^l),
l < levels, for the test functions f = x, x^2, softplus(x - 1), against the exact terminal law
(problems "gbm", "sinh", "additive", "ou"; parameters as in ito.simulate). Where X(t1) is a
function of W(t1) (gbm, sinh, additive) it is used as a control variate on the same paths.
Methods as in ito.simulate: "dri1" and "weak2" have weak order 2, "em" weak order 1.
Returns {"method", "paths", "control_variate", "functionals", "exact", "order", "order_se",
"primary", "weak_order", "weak_order_se", "levels": [{"dt", "steps", "estimate", "error",
"stderr"}, ...]}: order[i] is the weighted least-squares slope of log |e_l| on log h for
functional i, with its standard error; weak_order is that of functional `primary` (x^2).)doc");
}

}  // namespace ito::python
