// ito convergence: strong/weak errors against dt and the fitted orders.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "convergence_run.hpp"
#include "registry.hpp"

namespace cmd_convergence {
struct options {
  std::string problem = "gbm", method = "em";
  ito::sde::convergence_options study;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("convergence", "Strong and weak convergence orders on a problem with a known solution");
  sub->add_option("--problem", o->problem, ito::cli::convergence_problem_names)->capture_default_str();
  sub->add_option("--method", o->method, ito::cli::method_names)->capture_default_str();
  sub->add_option("--paths", o->study.paths, "Monte Carlo paths")->capture_default_str();
  sub->add_option("--levels", o->study.levels, "number of step sizes (halving)")->capture_default_str();
  sub->add_option("--coarsest", o->study.coarsest_steps, "steps of the coarsest level")->capture_default_str();
  sub->add_option("--seed", o->study.seed, "Brownian seed")->capture_default_str();
  sub->add_option("--threads", o->study.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    const auto r = ito::cli::run_convergence(o->problem, o->method, o->study);
    if (o->json) {
      nlohmann::json levels = nlohmann::json::array();
      for (const auto& l : r.levels)
        levels.push_back({{"dt", l.dt}, {"steps", l.steps}, {"strong_error", l.strong}, {"strong_stderr", l.strong_se},
                          {"weak_error", l.weak}, {"weak_stderr", l.weak_se}});
      nlohmann::json j{{"problem", o->problem}, {"method", r.method},       {"paths", r.paths},
                       {"levels", levels},      {"strong_order", r.strong_order}, {"weak_order", r.weak_order}};
      std::cout << j.dump(2) << '\n';
    } else {
      std::cout << "problem " << o->problem << ", method " << r.method << '\n';
      ito::cli::print_convergence(std::cout, r);
    }
    return 0;
  }};
});
}  // namespace cmd_convergence
