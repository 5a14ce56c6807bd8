// ito mlmc: multilevel Monte Carlo estimate of E payoff(X) (Giles' adaptive algorithm).
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include <ito/sde/cir.hpp>
#include <ito/sde/mlmc.hpp>
#include <ito/sde/problem.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>

#include "registry.hpp"
#include "solve_dispatch.hpp"

#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
#include <ito/sde/mlmc/mpi.hpp>
#endif

namespace cmd_mlmc {
constexpr const char* problem_names = "gbm|ou|cir";
constexpr const char* payoff_names = "mean|second-moment|call|average|barrier";

struct options {
  std::string problem = "gbm", payoff = "call", method = "milstein";
  double x0 = 1, mu = 0.05, sigma = 0.2, kappa = 1, t1 = 1, strike = 1, barrier = 1.5, discount = 0;
  bool antithetic = false, json = false;
  ito::sde::mlmc_options mlmc;
};

ito::sde::mlmc_payoff make_payoff(const options& o) {
  using ito::sde::mlmc_payoff_kind;
  ito::sde::mlmc_payoff p;
  p.strike = o.strike;
  p.barrier = o.barrier;
  p.discount = o.discount;
  if (o.payoff == "mean") p.kind = mlmc_payoff_kind::terminal;
  else if (o.payoff == "second-moment") p.kind = mlmc_payoff_kind::second_moment;
  else if (o.payoff == "call") p.kind = mlmc_payoff_kind::call;
  else if (o.payoff == "average") p.kind = mlmc_payoff_kind::average;
  else if (o.payoff == "barrier") p.kind = mlmc_payoff_kind::barrier;
  else throw ito::invalid_argument("--payoff = " + o.payoff + ": expected one of " + payoff_names);
  ito::detail::require_finite("--strike", o.strike);
  ito::detail::require_finite("--barrier", o.barrier);
  ito::detail::require_finite("--discount", o.discount);
  return p;
}

/// ito::sde::mlmc, or ito::mpi::mlmc over all ranks under mpirun (the same result, bit for bit).
template <class P, class Method>
ito::sde::mlmc_result run_mlmc(const P& p, const Method& method, const ito::sde::mlmc_payoff& payoff,
                               const ito::sde::mlmc_options& o) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (ito::cli::detail::mpi_active()) return ito::mpi::mlmc(ito::mpi::communicator{}, p, method, payoff, o);
#endif
  return ito::sde::mlmc(p, method, payoff, o);
}

template <class P>
ito::sde::mlmc_result run_method(const options& o, const P& p) {
  const auto payoff = make_payoff(o);
  if (o.method == "em") return run_mlmc(p, ito::sde::euler_maruyama{}, payoff, o.mlmc);
  if (o.method == "milstein") return run_mlmc(p, ito::sde::milstein{}, payoff, o.mlmc);
  throw ito::invalid_argument("--method = " + o.method + ": expected em or milstein");
}

ito::sde::mlmc_result run(const options& o) {
  using namespace ito::sde;
  using E = ensemble<double>;
  ito::detail::require_finite("--x0", o.x0);
  ito::detail::require_finite("--mu", o.mu);
  ito::detail::require(std::isfinite(o.sigma) && o.sigma >= 0, "--sigma", o.sigma, "a finite number >= 0");
  ito::detail::require_positive("--t1", o.t1);
  const E x0 = E::Constant(1, 1, o.x0);
  const double mu = o.mu, sigma = o.sigma, kappa = o.kappa;
  if (o.problem == "gbm")  // dX = mu X dt + sigma X dW (problems.hpp; Milstein's (g.grad)g = sigma^2 X)
    return run_method(o, gbm_problem<double>(mu, sigma, o.x0, o.t1).problem);
  ito::detail::require_positive("--kappa", kappa);
  if (o.problem == "ou") {  // dX = kappa (mu - X) dt + sigma dW
    auto p = make_additive_problem<double>([=](const E& x, double, E& f) { f = (kappa * (mu - x.array())).matrix(); },
                                           [=](double, matrix_t<double>& g) { g(0, 0) = sigma; }, x0, 0.0, o.t1, 1);
    return run_method(o, p);
  }
  if (o.problem == "cir") {
    // dX = kappa (mu - X) dt + sigma sqrt(X) dW with full truncation (cir.hpp: Lord, Koekkoek & van Dijk 2010)
    ito::detail::require(o.x0 >= 0, "--x0", o.x0, ">= 0 for cir");
    return run_method(o, make_cir_problem(cir_process(kappa, mu, sigma), x0, 0.0, o.t1));
  }
  throw ito::invalid_argument("--problem = " + o.problem + ": expected one of " + problem_names);
}

double black_scholes_call(double s0, double k, double r, double sigma, double t) {
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double sd = sigma * std::sqrt(t);
  const double d1 = (std::log(s0 / k) + (r + sigma * sigma / 2) * t) / sd;
  return s0 * Phi(d1) - k * std::exp(-r * t) * Phi(d1 - sd);
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("mlmc", "Multilevel Monte Carlo estimate of E payoff(X) to a target RMSE (Giles 2008)");
  sub->add_option("--problem", o->problem, problem_names)->capture_default_str();
  sub->add_option("--payoff", o->payoff, payoff_names)->capture_default_str();
  sub->add_option("--method", o->method, "em|milstein")->capture_default_str();
  sub->add_option("--x0", o->x0, "initial value")->capture_default_str();
  sub->add_option("--mu", o->mu, "gbm: drift rate; ou/cir: long-run mean")->capture_default_str();
  sub->add_option("--sigma", o->sigma, "volatility / noise scale")->capture_default_str();
  sub->add_option("--kappa", o->kappa, "ou/cir: mean-reversion rate")->capture_default_str();
  sub->add_option("--t1", o->t1, "final time T")->capture_default_str();
  sub->add_option("--strike", o->strike, "call strike K")->capture_default_str();
  sub->add_option("--barrier", o->barrier, "barrier level B (payoff 1{max X >= B})")->capture_default_str();
  sub->add_option("--discount", o->discount, "rate r: payoff times exp(-r T)")->capture_default_str();
  sub->add_option("--rmse", o->mlmc.rmse, "target root-mean-square error eps")->capture_default_str();
  sub->add_option("--refinement", o->mlmc.refinement, "M: h_l = T / M^l")->capture_default_str();
  sub->add_option("--max-levels", o->mlmc.max_levels, "at most this many levels")->capture_default_str();
  sub->add_flag("--antithetic", o->antithetic, "antithetic fine/coarse coupling (Giles & Szpruch 2014)");
  sub->add_option("--seed", o->mlmc.seed, "seed")->capture_default_str();
  sub->add_option("--threads", o->mlmc.threads, "threads (0 = all cores; the result does not depend on it, nor on the number of MPI processes)")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    o->mlmc.coupling = o->antithetic ? ito::sde::mlmc_coupling::antithetic : ito::sde::mlmc_coupling::standard;
    const auto r = run(*o);
    if (!ito::cli::is_root()) return 0;  // under MPI every rank has the result; rank 0 prints
    const bool bs = o->problem == "gbm" && o->payoff == "call" && o->discount == o->mu && o->sigma > 0 && o->x0 > 0;
    const double bs_price = bs ? black_scholes_call(o->x0, o->strike, o->mu, o->sigma, o->t1) : 0;
    if (o->json) {
      nlohmann::json levels = nlohmann::json::array();
      for (const auto& l : r.levels)
        levels.push_back({{"level", l.level}, {"steps", l.steps}, {"samples", l.samples}, {"mean", l.mean},
                          {"variance", l.variance}, {"cost", l.cost}, {"kurtosis", l.kurtosis},
                          {"mean_fine", l.mean_fine}, {"variance_fine", l.variance_fine},
                          {"consistency", l.consistency}});
      nlohmann::json j{{"problem", o->problem},       {"payoff", o->payoff},
                       {"method", r.method},          {"rmse", o->mlmc.rmse},
                       {"refinement", o->mlmc.refinement}, {"antithetic", o->antithetic},
                       {"seed", o->mlmc.seed},        {"estimate", r.estimate},
                       {"stderr", r.stderr_},         {"bias_estimate", r.bias_estimate},
                       {"cost", r.cost},              {"plain_mc_cost", r.plain_mc_cost},
                       {"alpha", r.alpha},            {"beta", r.beta},
                       {"gamma", r.gamma},            {"converged", r.converged},
                       {"levels", levels}};
      if (bs) j["black_scholes"] = bs_price;
      std::cout << j.dump(2) << '\n';
    } else {
      std::cout << "MLMC " << o->problem << " " << o->payoff << ", " << r.method << ", eps " << o->mlmc.rmse
                << ", M " << o->mlmc.refinement << (o->antithetic ? ", antithetic" : "") << '\n';
      std::cout << std::setw(3) << "l" << std::setw(8) << "steps" << std::setw(11) << "N_l" << std::setw(13)
                << "mean" << std::setw(13) << "variance" << std::setw(9) << "cost" << std::setw(10) << "kurtosis"
                << std::setw(8) << "check" << '\n';
      for (const auto& l : r.levels)
        std::cout << std::setw(3) << l.level << std::setw(8) << l.steps << std::setw(11) << l.samples
                  << std::scientific << std::setprecision(3) << std::setw(13) << l.mean << std::setw(13)
                  << l.variance << std::defaultfloat << std::setprecision(4) << std::setw(9) << l.cost
                  << std::setw(10) << std::setprecision(3) << l.kurtosis << std::setw(8) << l.consistency << '\n';
      std::cout << std::setprecision(8) << "estimate " << r.estimate << " +- " << std::setprecision(3) << r.stderr_
                << " (bias estimate " << r.bias_estimate << ")\n"
                << "cost " << r.cost << " path-steps; plain Monte Carlo at the same RMSE " << r.plain_mc_cost
                << " (ratio " << r.plain_mc_cost / r.cost << ")\n"
                << "alpha " << r.alpha << ", beta " << r.beta << ", gamma " << r.gamma
                << (r.converged ? "" : "  WARNING: max levels reached before the bias target") << '\n';
      if (bs)
        std::cout << std::setprecision(8) << "Black-Scholes " << bs_price << " (difference "
                  << std::setprecision(3) << r.estimate - bs_price << ")\n";
    }
    return 0;
  }};
});
}  // namespace cmd_mlmc
