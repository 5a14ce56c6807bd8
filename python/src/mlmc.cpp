// ito.mlmc: multilevel Monte Carlo estimates of E payoff(X) for the built-in problems
// (ito/sde/mlmc.hpp: Giles 2008 adaptive algorithm, or a fixed level table).
#include <ito/sde/mlmc.hpp>

#include "simulate.hpp"

namespace ito::python {
namespace {

ito::sde::mlmc_payoff payoff_of(const std::string& name, double strike, double barrier, double discount) {
  using ito::sde::mlmc_payoff_kind;
  ito::sde::mlmc_payoff p;
  ito::detail::require_finite("strike", strike);
  ito::detail::require_finite("barrier", barrier);
  ito::detail::require_finite("discount", discount);
  p.strike = strike;
  p.barrier = barrier;
  p.discount = discount;
  for (auto k : {mlmc_payoff_kind::terminal, mlmc_payoff_kind::second_moment, mlmc_payoff_kind::call,
                 mlmc_payoff_kind::average, mlmc_payoff_kind::barrier})
    if (name == ito::sde::to_string(k)) {
      p.kind = k;
      return p;
    }
  throw ito::invalid_argument("payoff = " + name + ": expected one of mean, second-moment, call, average, barrier");
}

py::dict mlmc_py(const std::string& problem, const std::string& method, const std::string& payoff, double rmse,
                 double t1, double strike, double barrier, double discount, bool antithetic, long long refinement,
                 long long min_levels, long long max_levels, long long initial_samples, long long base_steps,
                 double rate_alpha, double rate_beta, double rate_gamma, std::uint64_t seed, unsigned threads, long long block_size,
                 py::handle levels, py::handle samples, const py::kwargs& kw) {
  using namespace ito::sde;
  const params p(problem, defaults_of(problem), kw);
  ito::detail::require_positive("t1", t1);
  if (method != "em" && method != "milstein")
    throw ito::invalid_argument("method = " + method + ": expected em or milstein for mlmc");
  const mlmc_payoff pay = payoff_of(payoff, strike, barrier, discount);
  mlmc_options o;
  o.rmse = rmse;
  o.refinement = refinement;
  o.min_levels = min_levels;
  o.max_levels = max_levels;
  o.initial_samples = initial_samples;
  o.base_steps = base_steps;
  o.alpha = rate_alpha;
  o.beta = rate_beta;
  o.gamma = rate_gamma;
  o.coupling = antithetic ? mlmc_coupling::antithetic : mlmc_coupling::standard;
  o.seed = seed;
  o.threads = threads;
  o.block_size = block_size;
  if (levels.is_none() != samples.is_none())
    throw ito::invalid_argument("levels and samples: give both (a fixed level table) or neither (adaptive)");
  auto run = [&](const auto& prob, auto m) {
    if (!levels.is_none()) {
      const auto L = levels.cast<index_t>(), N = samples.cast<index_t>();
      py::gil_scoped_release nogil;
      return mlmc_level_table(prob, m, pay, L, N, o);
    }
    py::gil_scoped_release nogil;
    return ito::sde::mlmc(prob, m, pay, o);
  };
  // Only em and milstein: the couplings of mlmc.hpp are those of these two methods.
  const mlmc_result r = with_builtin<double>(p, t1, [&](const auto& prob) {
    using P = std::decay_t<decltype(prob)>;
    if (method == "em") return run(prob, euler_maruyama{});
    if constexpr (milstein::template accepts<P> && P::noise != noise_kind::scalar) {
      return run(prob, milstein{});
    } else {
      throw ito::invalid_argument("method = " + method + ": expected em, or milstein for a problem with diagonal or "
                                  "additive noise (problem " + problem + ")");
      return mlmc_result{};
    }
  });
  py::dict d;
  d["method"] = r.method;
  d["estimate"] = r.estimate;
  d["stderr"] = r.stderr_;
  d["bias_estimate"] = r.bias_estimate;
  d["cost"] = r.cost;
  d["plain_mc_cost"] = r.plain_mc_cost;
  d["alpha"] = r.alpha;
  d["beta"] = r.beta;
  d["gamma"] = r.gamma;
  d["converged"] = r.converged;
  py::list lv;
  for (const auto& l : r.levels) {
    py::dict e;
    e["level"] = l.level;
    e["steps"] = l.steps;
    e["samples"] = l.samples;
    e["mean"] = l.mean;
    e["variance"] = l.variance;
    e["cost"] = l.cost;
    e["kurtosis"] = l.kurtosis;
    e["mean_fine"] = l.mean_fine;
    e["variance_fine"] = l.variance_fine;
    e["consistency"] = l.consistency;
    lv.append(e);
  }
  d["levels"] = lv;
  return d;
}

}  // namespace

void init_mlmc(py::module_& m) {
  const ito::sde::mlmc_options def;
  const ito::sde::mlmc_payoff pdef;
  m.def("mlmc", &mlmc_py, py::arg("problem") = "gbm", py::kw_only(), py::arg("method") = "milstein",
        py::arg("payoff") = "call", py::arg("rmse") = def.rmse, py::arg("t1") = 1.0, py::arg("strike") = pdef.strike,
        py::arg("barrier") = pdef.barrier, py::arg("discount") = pdef.discount, py::arg("antithetic") = false,
        py::arg("refinement") = def.refinement, py::arg("min_levels") = def.min_levels,
        py::arg("max_levels") = def.max_levels, py::arg("initial_samples") = def.initial_samples,
        py::arg("base_steps") = def.base_steps, py::arg("rate_alpha") = def.alpha,
        py::arg("rate_beta") = def.beta, py::arg("rate_gamma") = def.gamma, py::arg("seed") = def.seed, py::arg("threads") = def.threads,
        py::arg("block_size") = def.block_size, py::arg("levels") = py::none(), py::arg("samples") = py::none(),
        R"doc(mlmc(problem="gbm", *, method="milstein", payoff="call", rmse=0.01, t1=1.0, strike=1.0, barrier=2.0,
     discount=0.0, antithetic=False, refinement=2, min_levels=3, max_levels=20, initial_samples=1000,
     base_steps=1, rate_alpha=0, rate_beta=0, rate_gamma=0, seed=1, threads=0, block_size=256, levels=None,
     samples=None, **params) -> dict

Multilevel Monte Carlo (Giles 2008; Giles 2015, Algorithm 1) estimate of E P, P = e^{-discount t1}
phi(X), for a built-in problem of ito.simulate (parameters by name, first component):
  payoff "mean" phi = X(t1), "second-moment" X(t1)^2, "call" max(X(t1) - strike, 0),
         "average" (1/t1) int X dt (trapezoidal), "barrier" 1{max_k X(t_k) >= barrier}.
Level l uses h_l = t1 / (base_steps refinement^l); its correction Y_l = P_l - P_{l-1} is sampled on
coupled fine/coarse paths (antithetic=True: Giles & Szpruch 2014). The adaptive algorithm adds
levels and samples N_l = ceil(2 eps^-2 sqrt(V_l / C_l) sum_k sqrt(V_k C_k)) until the estimated
RMSE is at most rmse = eps. rate_alpha, rate_beta, rate_gamma (the weak, variance and cost rates
alpha, beta, gamma; named so to leave alpha, beta to the problems' parameters) are fitted when 0.
levels=L, samples=N instead: a fixed table of N samples on each of the levels 0..L-1 (Giles'
mlmc_test), with the fitted rates.
method "em" or "milstein" (milstein: diagonal or additive noise, so not cir).
Returns {"method", "estimate", "stderr", "bias_estimate", "cost" (path-steps), "plain_mc_cost"
(plain Monte Carlo at the same RMSE), "alpha", "beta", "gamma", "converged", "levels": [{"level",
"steps", "samples", "mean", "variance", "cost", "kurtosis", "mean_fine", "variance_fine",
"consistency"}, ...]}. Same seed -> same numbers for any `threads`.)doc");
}

}  // namespace ito::python
