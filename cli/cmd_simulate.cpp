// ito simulate: an ensemble of one of the built-in problems; terminal states to CSV.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include <ito/diffusion/csv.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/solve.hpp>

#include "methods.hpp"
#include "registry.hpp"
#include "solve_dispatch.hpp"

namespace cmd_simulate {
struct options {
  std::string problem = "ou", method = "em", out;
  double kappa = 2, theta = 0.5, sigma = 0.8, alpha = 1.01, beta = 0.87, a = 1, t1 = 1;
  std::optional<double> x0;
  ito::sde::solve_options<double> solve;
  bool json = false;
};

ito::sde::solve_summary run(const options& o) {
  using namespace ito::sde;
  ito::detail::require_finite("--kappa", o.kappa);
  ito::detail::require_finite("--theta", o.theta);
  ito::detail::require(std::isfinite(o.sigma) && o.sigma >= 0, "--sigma", o.sigma, "a finite number >= 0");
  ito::detail::require_positive("--t1", o.t1);
  ito::detail::require(o.solve.paths > 0, "--paths", o.solve.paths, "> 0");
  ito::detail::require(o.solve.steps > 0, "--steps", o.solve.steps, "> 0");
  if (o.x0) ito::detail::require_finite("--x0", *o.x0);
  auto go = [&](const auto& p) {
    return ito::cli::with_method(o.method, p, [&](auto m) {
      auto opt = o.solve;
      opt.keep_terminal = !o.out.empty();  // d x N doubles only when written (and gathered under MPI)
      auto sol = ito::cli::run_solve(p, m, opt);
      if (!o.out.empty() && ito::cli::is_root()) ito::diffusion::write_csv(o.out, sol.terminal);
      return sol.summary;
    });
  };
  if (o.problem == "ou") {
    const double kappa = o.kappa, theta = o.theta, sigma = o.sigma;
    return go(make_additive_problem<double>(
        [kappa, theta](const ensemble<>& x, double, ensemble<>& f) { f = (kappa * (theta - x.array())).matrix(); },
        [sigma](double, matrix_t<>& g) { g(0, 0) = sigma; }, ensemble<>::Constant(1, 1, o.x0.value_or(1.5)), 0.0, o.t1,
        1));
  }
  if (o.problem == "gbm") return go(gbm_problem<double>(o.alpha, o.beta, o.x0.value_or(0.5), o.t1).problem);
  if (o.problem == "sinh") return go(sinh_problem<double>(o.a, o.x0.value_or(0.5), o.t1).problem);
  throw ito::invalid_argument("--problem = " + o.problem + ": expected ou|gbm|sinh");
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  o->solve.paths = 10000;
  o->solve.steps = 100;
  o->solve.keep_paths = false;
  auto* sub = app.add_subcommand("simulate", "Simulate an ensemble and write the terminal states (one path per row)");
  sub->add_option("--problem", o->problem, "ou: dX = kappa (theta - X) dt + sigma dW; gbm: dX = alpha X dt + beta X dW; "
                                           "sinh: dX = a^2/2 X dt + a sqrt(1+X^2) dW")->capture_default_str();
  sub->add_option("--kappa", o->kappa, "OU mean-reversion rate")->capture_default_str();
  sub->add_option("--theta", o->theta, "OU long-run mean")->capture_default_str();
  sub->add_option("--sigma", o->sigma, "OU noise")->capture_default_str();
  sub->add_option("--alpha", o->alpha, "GBM drift")->capture_default_str();
  sub->add_option("--beta", o->beta, "GBM volatility")->capture_default_str();
  sub->add_option("--a", o->a, "sinh problem's a")->capture_default_str();
  sub->add_option("--x0", o->x0, "initial state (ou 1.5, gbm 0.5, sinh 0.5)");
  sub->add_option("--t1", o->t1, "final time")->capture_default_str();
  sub->add_option("--method", o->method, ito::cli::method_names)->capture_default_str();
  sub->add_option("--paths", o->solve.paths, "number of paths")->capture_default_str();
  sub->add_option("--steps", o->solve.steps, "number of steps")->capture_default_str();
  sub->add_option("--seed", o->solve.seed, "Brownian seed")->capture_default_str();
  sub->add_option("--threads", o->solve.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--block-size", o->solve.block_size,
                  "paths per block: a batching choice; the counter-based Brownian stream, and so every path, does not "
                  "depend on it")
      ->capture_default_str();
  sub->add_option("--out", o->out, "CSV file for the terminal states");
  sub->add_flag("--json", o->json, "print the summary as JSON");
  return ito::cli::command{sub, [o]() {
    const auto s = run(*o);
    if (!ito::cli::is_root()) return 0;
    if (o->json) {
      std::cout << nlohmann::json{{"paths", s.paths}, {"steps", s.steps}, {"threads", s.threads}, {"seed", s.seed},
                                  {"block_size", s.block_size}, {"seconds", s.seconds}, {"method", s.method}, {"out", o->out}}
                       .dump(2)
                << '\n';
    } else {
      std::cout << s.method << ": " << s.paths << " paths x " << s.steps << " steps in " << s.seconds << " s on "
                << s.threads << " threads" << (o->out.empty() ? "" : ", terminal states in " + o->out) << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_simulate
