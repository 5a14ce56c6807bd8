// Complexity study (issue 15, point 5): cost in path-steps against the target
// RMSE eps for
//   plain Monte Carlo with Euler-Maruyama,
//   plain Monte Carlo with the explicit weak order 2 scheme (weak2_explicit),
//   MLMC with Milstein (Giles' adaptive algorithm, measured cost),
// on a GBM (dS = r S dt + sigma S dW, r = 0.05, sigma = 0.4, S0 = 1, T = 1) with
// the discounted call payoff (K = 1) and with the second moment S_T^2, and on the
// nonlinear sinh problem dX = a^2/2 X dt + a sqrt(1 + X^2) dW, a = 0.5
// (X_T = sinh(a W_T + asinh 0.5)) with the call payoff max(X_T - 0.5, 0). MLMC: M = 4.
//
// Plain MC at RMSE eps needs bias <= eps/sqrt(2) and N = 2 V / eps^2 paths of
// n steps: cost = N n. The bias of each scheme is c h^p with c, p fitted by
// weak_convergence_study (exact-solution control variate) on the same payoff,
// n(eps) = ceil(T / h(eps)) with c h^p = eps/sqrt(2), and V the payoff variance.
// MLMC's cost is the measured sum_l N_l C_l; its own plain_mc_cost is reported too.
// Prints one JSON object (bench/mlmc_complexity.py turns it into the figure and table).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ito/sde/mlmc.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/weak2_explicit.hpp>
#include <ito/sde/weak_convergence.hpp>

using namespace ito::sde;
using nlohmann::json;

namespace {

struct bias_model {
  double c = 0, p = 0, p_se = 0, variance = 0;
};

template <class P, class Method>
bias_model fit_bias(const P& p, const Method& m, const weak_reference& ref, const weak_functional& f, index_t coarsest,
                    index_t levels, index_t paths) {
  weak_convergence_options o;
  o.paths = paths;
  o.levels = levels;
  o.coarsest_steps = coarsest;
  o.functionals = {f, {"f^2", [g = f.f](double x) { return g(x) * g(x); }}};
  o.primary = 0;
  o.seed = 17;
  const auto r = weak_convergence_study(p, m, ref, o);
  bias_model b;
  b.p = r.order[0];
  b.p_se = r.order_se[0];
  // c from the finest level: |e_L| = c h_L^p
  const auto& last = r.levels.back();
  b.c = std::abs(last.error[0]) / std::pow(last.dt, b.p);
  b.variance = last.estimate[1] - last.estimate[0] * last.estimate[0];
  std::fprintf(stderr, "  %s: fitted bias %.3g h^%.3f (+- %.3f), payoff variance %.4g\n", Method::name, b.c, b.p,
               b.p_se, b.variance);
  return b;
}

double plain_cost(const bias_model& b, double eps, double T) {
  const double h = std::pow(eps / std::sqrt(2.0) / b.c, 1 / b.p);
  const double n = std::max(1.0, std::ceil(T / h));
  return 2 * b.variance / (eps * eps) * n;
}

double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = double(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

template <class P>
json study(const std::string& name, const P& p, const weak_reference& ref, mlmc_payoff payoff,
           const std::vector<double>& epss, index_t bias_paths) {
  std::fprintf(stderr, "%s\n", name.c_str());
  const double T = double(p.t1 - p.t0);
  const weak_functional call{"payoff", [=](double x) { return payoff.value(x, 0, 0, T); }};
  const double exact = normal_expectation([&](double z) { return call.f(ref.terminal_of_normal(z)); });
  const auto em = fit_bias(p, euler_maruyama{}, ref, call, 8, 5, bias_paths);
  const auto w2 = fit_bias(p, weak2_explicit{}, ref, call, 4, 4, bias_paths);
  json rows = json::array();
  std::vector<double> e, c_em, c_w2, c_ml;
  for (double eps : epss) {
    mlmc_options o;
    o.rmse = eps;
    o.refinement = 4;
    o.seed = 1;
    o.threads = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = mlmc(p, milstein{}, payoff, o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double pem = plain_cost(em, eps, T), pw2 = plain_cost(w2, eps, T);
    std::fprintf(stderr, "  eps %.0e: MLMC %.6f +- %.2g (exact %.6f, %.2f eps), cost %.3g, own plain %.3g (x%.1f), "
                 "plain EM %.3g, plain weak2 %.3g, %zu levels, %.1f s\n",
                 eps, r.estimate, r.stderr_, exact, (r.estimate - exact) / eps, r.cost, r.plain_mc_cost,
                 r.plain_mc_cost / r.cost, pem, pw2, r.levels.size(), sec);
    json lv = json::array();
    for (const auto& l : r.levels)
      lv.push_back({{"level", l.level}, {"steps", l.steps}, {"samples", l.samples}, {"mean", l.mean},
                    {"variance", l.variance}, {"cost", l.cost}, {"kurtosis", l.kurtosis},
                    {"consistency", l.consistency}});
    rows.push_back({{"eps", eps}, {"mlmc_estimate", r.estimate}, {"mlmc_stderr", r.stderr_},
                    {"mlmc_cost", r.cost}, {"mlmc_plain_mc_cost", r.plain_mc_cost}, {"plain_em_cost", pem},
                    {"plain_weak2_cost", pw2}, {"levels", lv}, {"seconds", sec}});
    e.push_back(eps), c_em.push_back(pem), c_w2.push_back(pw2), c_ml.push_back(r.cost);
  }
  // exponents over all eps and over eps <= 1e-3 (where the initial samples no longer dominate MLMC)
  std::vector<double> e3, m3, em3, w3;
  for (std::size_t i = 0; i < e.size(); ++i)
    if (e[i] <= 1.0001e-3) e3.push_back(e[i]), m3.push_back(c_ml[i]), em3.push_back(c_em[i]), w3.push_back(c_w2[i]);
  json fine = e3.size() >= 2 ? json{{"plain_em", slope(e3, em3)}, {"plain_weak2", slope(e3, w3)}, {"mlmc_milstein", slope(e3, m3)}}
                             : json(nullptr);
  return {{"problem", name},
          {"exponents_eps_le_1e-3", fine},
          {"exact", exact},
          {"em_bias", {{"c", em.c}, {"order", em.p}, {"order_stderr", em.p_se}}},
          {"weak2_bias", {{"c", w2.c}, {"order", w2.p}, {"order_stderr", w2.p_se}}},
          {"payoff_variance", em.variance},
          {"rows", rows},
          {"exponents", {{"plain_em", slope(e, c_em)}, {"plain_weak2", slope(e, c_w2)}, {"mlmc_milstein", slope(e, c_ml)}}}};
}

}  // namespace

int main(int argc, char** argv) {
  // ./mlmc_complexity [smallest eps (default 1e-4)] [paths for the bias fits (default 400000)] [smallest eps for sinh (3e-4)]
  const double smallest = argc > 1 ? std::atof(argv[1]) : 1e-4;
  const index_t bias_paths = argc > 2 ? std::atol(argv[2]) : 400000;
  std::vector<double> epss;
  for (double e : {1e-2, 3e-3, 1e-3, 3e-4, 1e-4})
    if (e >= smallest * 0.999) epss.push_back(e);
  const double sinh_smallest = argc > 3 ? std::atof(argv[3]) : 3e-4;
  json out = json::array();
  const double r = 0.05, sigma = 0.4;
  auto gbm = gbm_problem<double>(r, sigma, 1.0, 1.0);
  mlmc_payoff call;
  call.kind = mlmc_payoff_kind::call;
  call.strike = 1.0;
  call.discount = r;
  out.push_back(study("gbm_call", gbm.problem, gbm_weak_reference(r, sigma, 1.0, 1.0), call, epss, bias_paths));
  mlmc_payoff second;
  second.kind = mlmc_payoff_kind::second_moment;
  out.push_back(study("gbm_second_moment", gbm.problem, gbm_weak_reference(r, sigma, 1.0, 1.0), second, epss, bias_paths));
  std::vector<double> sinh_eps;
  for (double e : epss)
    if (e >= sinh_smallest * 0.999) sinh_eps.push_back(e);
  auto sh = sinh_problem<double>(0.5, 0.5, 1.0);
  mlmc_payoff sinh_call;
  sinh_call.kind = mlmc_payoff_kind::call;
  sinh_call.strike = 0.5;
  out.push_back(study("sinh_call", sh.problem, sinh_weak_reference(0.5, 0.5, 1.0), sinh_call, sinh_eps, bias_paths));
  std::cout << json{{"studies", out}}.dump(2) << '\n';
}
