// ito weak-convergence: weak errors |E f(X_T^h) - E f(X_T)| against dt and the fitted weak order.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include <ito/sde/problems.hpp>
#include <ito/sde/weak_convergence.hpp>

#include "methods.hpp"
#include "registry.hpp"

namespace cmd_weak_convergence {
constexpr const char* problem_names = "gbm|ou|sinh|additive";

struct options {
  std::string problem = "gbm", method = "em";
  ito::sde::weak_convergence_options study;
  bool json = false;
};

// The named test problems (the parameters are fixed; see docs/weak-and-mlmc.md).
ito::sde::weak_convergence_result run(const options& o) {
  using namespace ito::sde;
  auto go = [&](const auto& p, const weak_reference& ref) {
    return ito::cli::with_method(o.method, p, [&](auto m) { return weak_convergence_study(p, m, ref, o.study); });
  };
  if (o.problem == "gbm") return go(gbm_problem<double>(1.0, 0.5, 0.5, 1.0).problem, gbm_weak_reference(1.0, 0.5, 0.5, 1.0));
  if (o.problem == "sinh") return go(sinh_problem<double>(1.0, 0.5, 1.0).problem, sinh_weak_reference(1.0, 0.5, 1.0));
  if (o.problem == "additive")
    return go(additive_problem<double>(1.0, 1.0, 1.0, 1.0).problem, additive_weak_reference(1.0, 1.0, 1.0, 1.0));
  if (o.problem == "ou") {
    const double kappa = 2.0, theta = 0.5, sigma = 1.0, x0 = 2.0;
    auto p = make_additive_problem<double>(
        [=](const ensemble<double>& x, double, ensemble<double>& f) { f = (kappa * (theta - x.array())).matrix(); },
        [=](double, matrix_t<double>& g) { g(0, 0) = sigma; }, ensemble<double>::Constant(1, 1, x0), 0.0, 1.0, 1);
    return go(p, ou_weak_reference(kappa, theta, sigma, x0, 1.0));
  }
  throw ito::invalid_argument("--problem = " + o.problem + ": expected one of " + problem_names);
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("weak-convergence",
                                 "Weak errors |E f(X_T^h) - E f(X_T)| (f = x, x^2, softplus(x-1)) and the fitted weak order");
  sub->add_option("--problem", o->problem, problem_names)->capture_default_str();
  sub->add_option("--method", o->method, ito::cli::method_names)->capture_default_str();
  sub->add_option("--paths", o->study.paths, "Monte Carlo paths per level")->capture_default_str();
  sub->add_option("--levels", o->study.levels, "number of step sizes (halving)")->capture_default_str();
  sub->add_option("--coarsest", o->study.coarsest_steps, "steps of the coarsest level")->capture_default_str();
  sub->add_option("--seed", o->study.seed, "seed")->capture_default_str();
  sub->add_option("--threads", o->study.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    const auto r = run(*o);
    if (o->json) {
      nlohmann::json levels = nlohmann::json::array();
      for (const auto& l : r.levels) {
        nlohmann::json errs = nlohmann::json::object();
        for (std::size_t f = 0; f < r.functionals.size(); ++f)
          errs[r.functionals[f]] = {{"estimate", l.estimate[f]}, {"error", l.error[f]}, {"stderr", l.stderr_[f]}};
        levels.push_back({{"dt", l.dt}, {"steps", l.steps}, {"functionals", errs}});
      }
      nlohmann::json orders = nlohmann::json::object();
      for (std::size_t f = 0; f < r.functionals.size(); ++f)
        orders[r.functionals[f]] = {{"order", r.order[f]}, {"stderr", r.order_se[f]}, {"exact", r.exact[f]}};
      nlohmann::json j{{"problem", o->problem},
                       {"method", r.method},
                       {"paths", r.paths},
                       {"control_variate", r.control_variate},
                       {"levels", levels},
                       {"orders", orders},
                       {"weak_order_functional", r.functionals[std::size_t(r.primary)]},
                       {"weak_order", r.weak_order},
                       {"weak_order_stderr", r.weak_order_se}};
      std::cout << j.dump(2) << '\n';
    } else {
      std::cout << "problem " << o->problem << ", method " << r.method << ", " << r.paths << " paths per level"
                << (r.control_variate ? ", exact-solution control variate" : ", plain Monte Carlo") << '\n';
      std::cout << std::setw(10) << "dt";
      for (const auto& n : r.functionals) std::cout << std::setw(28) << ("error " + n + " +- se");
      std::cout << '\n';
      for (const auto& l : r.levels) {
        std::cout << std::setw(10) << std::setprecision(4) << l.dt << std::scientific;
        for (std::size_t f = 0; f < l.error.size(); ++f)
          std::cout << std::setw(15) << std::setprecision(3) << l.error[f] << " +- " << std::setw(9)
                    << std::setprecision(2) << l.stderr_[f];
        std::cout << std::defaultfloat << '\n';
      }
      std::cout << "fitted weak order";
      for (std::size_t f = 0; f < r.functionals.size(); ++f)
        std::cout << "  " << r.functionals[f] << ": " << std::fixed << std::setprecision(3) << r.order[f] << " +- "
                  << r.order_se[f] << std::defaultfloat;
      std::cout << "\nweak order (" << r.functionals[std::size_t(r.primary)] << ") " << std::fixed
                << std::setprecision(3) << r.weak_order << " +- " << r.weak_order_se << std::defaultfloat << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_weak_convergence
