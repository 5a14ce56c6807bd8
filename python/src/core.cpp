// ito.simulate (built-in problems), ito.OU (closed forms), ito.convergence.
#include <ito/sde/convergence.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/ou_exact.hpp>

#include <map>
#include <set>

#include "results.hpp"

namespace ito::python {
namespace {

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

const char* problem_names = "ou, gbm, sinh, additive, double_well";

std::map<std::string, double> defaults_of(const std::string& problem) {
  if (problem == "ou") return {{"kappa", 2}, {"theta", 0.5}, {"sigma", 0.8}, {"x0", 1.5}};
  if (problem == "gbm") return {{"alpha", 1.01}, {"beta", 0.87}, {"x0", 0.5}};
  if (problem == "sinh") return {{"a", 1}, {"x0", 0.5}};
  if (problem == "additive") return {{"alpha", 1}, {"beta", 1}, {"x0", 1}};
  if (problem == "double_well") return {{"sigma", 0.5}, {"x0", 0.5}};
  throw ito::invalid_argument("problem = " + problem + ": expected one of " + problem_names);
}

/// fn(problem, exact-or-nullptr) for the named built-in problem with scalar type S.
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
  throw ito::invalid_argument("problem = " + name + ": expected one of " + problem_names);
}

template <class S>
py::object simulate_t(const std::string& problem, const std::string& method, long long paths, long long steps,
                      double t1, std::uint64_t seed, unsigned threads, const std::vector<double>& save_times,
                      long long block_size, bool keep_paths, bool keep_terminal, const std::string& on_nan,
                      const py::kwargs& kw) {
  const params p(problem, defaults_of(problem), kw);
  require_count("paths", paths);
  require_count("steps", steps);
  require_count("block_size", block_size);
  ito::detail::require_positive("t1", t1);
  ito::sde::solve_options<S> opt;
  opt.paths = paths;
  opt.steps = steps;
  opt.seed = seed;
  opt.threads = threads;
  opt.block_size = block_size;
  opt.keep_paths = keep_paths;
  opt.keep_terminal = keep_terminal;
  for (double t : save_times) opt.save_times.push_back(S(t));
  if (on_nan == "raise") opt.on_nan = ito::sde::nan_policy::throw_error;
  else if (on_nan == "stop") opt.on_nan = ito::sde::nan_policy::stop;
  else if (on_nan == "ignore") opt.on_nan = ito::sde::nan_policy::ignore;
  else throw ito::invalid_argument("on_nan = " + on_nan + ": expected raise, stop or ignore");
  ito::sde::solution<S> sol = with_builtin<S>(p, S(t1), [&](const auto& prob) {
    using P = std::decay_t<decltype(prob)>;
    if (method == "exact") {
      if constexpr (ito::sde::is_ou_drift<typename P::drift_type>::value) {
        py::gil_scoped_release nogil;
        return ito::sde::solve(prob, ito::sde::ou_exact{}, opt);
      } else {
        throw ito::invalid_argument("method = exact: only problem 'ou' has an exact sampler");
      }
    }
    return with_method(method, prob, [&](auto m) {
      py::gil_scoped_release nogil;
      return ito::sde::solve(prob, m, opt);
    });
  });
  return py::cast(std::move(sol));
}

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
  else throw ito::invalid_argument("problem = " + problem + ": convergence needs a closed form: gbm, sinh or additive");
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

}  // namespace

void init_core(py::module_& m) {
  bind_solution<double>(m, "Solution");
  bind_solution<float>(m, "Solution32");

  m.def(
      "simulate",
      [](const std::string& problem, const std::string& method, long long paths, long long steps, double t1,
         std::uint64_t seed, unsigned threads, const std::vector<double>& save_times, long long block_size,
         bool keep_paths, bool keep_terminal, const std::string& on_nan, const std::string& dtype,
         const py::kwargs& kw) -> py::object {
        if (dtype == "float64" || dtype == "double")
          return simulate_t<double>(problem, method, paths, steps, t1, seed, threads, save_times, block_size,
                                    keep_paths, keep_terminal, on_nan, kw);
        if (dtype == "float32" || dtype == "float")
          return simulate_t<float>(problem, method, paths, steps, t1, seed, threads, save_times, block_size,
                                   keep_paths, keep_terminal, on_nan, kw);
        throw ito::invalid_argument("dtype = " + dtype + ": expected float64 or float32");
      },
      py::arg("problem") = "ou", py::kw_only(), py::arg("method") = "em", py::arg("paths") = 10000,
      py::arg("steps") = 100, py::arg("t1") = 1.0, py::arg("seed") = 0, py::arg("threads") = 0,
      py::arg("save_times") = std::vector<double>{}, py::arg("block_size") = 512, py::arg("keep_paths") = true,
      py::arg("keep_terminal") = true, py::arg("on_nan") = "raise", py::arg("dtype") = "float64",
      R"doc(simulate(problem="ou", *, method="em", paths=10000, steps=100, t1=1.0, seed=0, threads=0,
         save_times=[], block_size=512, keep_paths=True, keep_terminal=True, on_nan="raise",
         dtype="float64", **params) -> Solution

Integrate `paths` copies of a built-in SDE on [0, t1] with `steps` uniform steps.

Problems and their parameters (defaults), Ito calculus:
  "ou"          dX = kappa (theta - X) dt + sigma dW       kappa=2, theta=0.5, sigma=0.8, x0=1.5
  "gbm"         dX = alpha X dt + beta X dW                 alpha=1.01, beta=0.87, x0=0.5
  "sinh"        dX = a^2/2 X dt + a sqrt(1 + X^2) dW        a=1, x0=0.5
  "additive"    dX = (beta/sqrt(1+t) - X/(2(1+t))) dt + alpha beta/sqrt(1+t) dW   alpha=1, beta=1, x0=1
  "double_well" dX = (X - X^3) dt + sigma dW                sigma=0.5, x0=0.5
Methods: "em" (strong order 1/2), "milstein" (1), "milstein-df" (derivative-free, 1), "heun"
(Stratonovich / additive), "sra1" (additive noise, strong 1.5), "exact" (ou only: exact transition).
Units: time in the problem's own units; t1 > 0. Same seed -> same numbers for any `threads`
(0 = all cores); `block_size` paths share one random stream and are part of its identity.
save_times must lie on the grid t_k = k t1 / steps. dtype "float32" integrates in single
precision (arrays are float32). The GIL is released while integrating.
Raises ValueError naming the bad argument, ito.NumericalError on a non-finite state
(on_nan="raise"; "stop" records it in summary["blow_up"], "ignore" does not check).)doc");

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

  using ito::sde::scalar_ou;
  py::class_<scalar_ou>(m, "OU",
                        "Closed forms of the scalar Ornstein-Uhlenbeck process dX = kappa (theta - X) dt + sigma dW\n"
                        "(kappa >= 0, sigma >= 0; seed 004 appendix).")
      .def(py::init<double, double, double>(), py::kw_only(), py::arg("kappa") = 2.0, py::arg("theta") = 0.5,
           py::arg("sigma") = 0.8, "OU(*, kappa=2.0, theta=0.5, sigma=0.8) (the defaults of simulate('ou')).")
      .def_readonly("kappa", &scalar_ou::kappa)
      .def_readonly("theta", &scalar_ou::theta)
      .def_readonly("sigma", &scalar_ou::sigma)
      .def("mean", &scalar_ou::mean, py::arg("t"), py::arg("m0"), py::arg("t0") = 0.0,
           "mean(t, m0, t0=0) = theta + (m0 - theta) exp(-kappa (t - t0)): E X_t given E X_t0 = m0.")
      .def("variance", &scalar_ou::variance, py::arg("t"), py::arg("v0") = 0.0, py::arg("t0") = 0.0,
           "variance(t, v0=0, t0=0) = e^{-2 kappa h} v0 + sigma^2 (1 - e^{-2 kappa h}) / (2 kappa), h = t - t0\n"
           "(sigma^2 h when kappa = 0).")
      .def("covariance", &scalar_ou::covariance, py::arg("t"), py::arg("u"), py::arg("v0") = 0.0, py::arg("t0") = 0.0,
           "covariance(t, u, v0=0, t0=0) = e^{-kappa |u - t|} Var X_{min(t, u)}.")
      .def("autocorrelation", &scalar_ou::autocorrelation, py::arg("t"), py::arg("u"), py::arg("v0") = 0.0,
           py::arg("t0") = 0.0, "autocorrelation(t, u, v0=0, t0=0) = Cov(X_t, X_u) / sqrt(Var X_t Var X_u).")
      .def("transition_mean", &scalar_ou::transition_mean, py::arg("x"), py::arg("s"), py::arg("t"),
           "transition_mean(x, s, t) = E[X_t | X_s = x] = theta + (x - theta) e^{-kappa (t - s)}.")
      .def("transition_variance", &scalar_ou::transition_variance, py::arg("s"), py::arg("t"),
           "transition_variance(s, t) = Var[X_t | X_s] = sigma^2 (1 - e^{-2 kappa (t - s)}) / (2 kappa).")
      .def("stationary_mean", &scalar_ou::stationary_mean, "stationary_mean() = theta (needs kappa > 0).")
      .def("stationary_variance", &scalar_ou::stationary_variance,
           "stationary_variance() = sigma^2 / (2 kappa) (needs kappa > 0).")
      .def("em_mean", &scalar_ou::em_mean, py::arg("dt"), py::arg("n"), py::arg("m0"),
           "em_mean(dt, n, m0) = theta + (1 - kappa dt)^n (m0 - theta): the exact mean of Euler-Maruyama\n"
           "after n steps of size dt.")
      .def("em_variance", &scalar_ou::em_variance, py::arg("dt"), py::arg("n"), py::arg("v0") = 0.0,
           "em_variance(dt, n, v0=0): the exact variance of Euler-Maruyama after n steps,\n"
           "a^n v0 + (1 - a^n) sigma^2 dt / (1 - a), a = (1 - kappa dt)^2.")
      .def("__repr__", [](const scalar_ou& o) {
        return "ito.OU(kappa=" + ito::detail::to_text(o.kappa) + ", theta=" + ito::detail::to_text(o.theta) +
               ", sigma=" + ito::detail::to_text(o.sigma) + ")";
      });
}

}  // namespace ito::python
