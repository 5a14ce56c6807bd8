// ito work-precision: strong error at t1 against drift evaluations per path, for
// fixed-step and adaptive methods on the same Brownian paths (sde/work_precision.hpp).
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include <ito/diffusion/work_precision.hpp>

#include "registry.hpp"

namespace cmd_work_precision {
struct options {
  std::string problem = "gbm";
  std::string mixture = std::string(ITO_SOURCE_DIR) + "/bench/data/thin2d.json";
  ito::sde::work_precision_options study;
  ito::sde::van_der_pol_parameters vdp;
  std::vector<ito::sde::index_t> steps;
  std::vector<double> rtols;
  std::optional<ito::sde::index_t> reference_steps;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("work-precision",
                                 "Strong error against drift evaluations: fixed-step and adaptive methods on the "
                                 "same Brownian paths");
  sub->add_option("--problem", o->problem, "double-well | vdp | gbm | vp-reverse")
      ->check(CLI::IsMember(ito::diffusion::work_precision_problems()))
      ->capture_default_str();
  sub->add_option("--mu", o->vdp.mu, "vdp: stiffness mu (time scales mu and 1/mu)")->capture_default_str();
  sub->add_option("--sigma", o->vdp.sigma, "vdp: noise intensity")->capture_default_str();
  sub->add_option("--t1", o->vdp.t1, "vdp: final time")->capture_default_str();
  sub->add_option("--mixture", o->mixture, "Gaussian mixture JSON of vp-reverse")->capture_default_str();
  sub->add_option("--paths", o->study.paths, "Brownian paths")->capture_default_str();
  sub->add_option("--seed", o->study.seed, "seed of the Brownian tree")->capture_default_str();
  sub->add_option("--threads", o->study.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--steps", o->steps, "fixed-step ladder, powers of two (default per problem; vdp: per mu and t1)")
      ->delimiter(',');
  sub->add_option("--rtols", o->rtols, "tolerance ladder, atol = rtol (default per problem)")->delimiter(',');
  sub->add_option("--reference-steps", o->reference_steps,
                  "steps of the fine reference (default 16384; vdp: 64 times its coarsest fixed step count)");
  sub->add_option("--atol-ratio", o->study.atol_ratio, "atol = atol_ratio * rtol")->capture_default_str();
  sub->add_option("--grow-max", o->study.control.grow_max,
                  "largest step growth factor of the adaptive runs (StochasticDiffEq's qmax is 9/8)")
      ->capture_default_str();
  sub->add_option("--safety", o->study.control.safety, "safety factor of the controller")->capture_default_str();
  sub->add_option("--drift-weight", o->study.control.drift_weight,
                  "delta: weight of the drift part of the Rossler/Milstein/EM error estimates")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o, sub]() {
    if (o->problem != "vdp")
      for (const char* v : {"--mu", "--sigma", "--t1"})
        ito::detail::require(sub->count(v) == 0, v, sub->get_option(v)->as<std::string>(),
                             "only with --problem vdp");
    ito::diffusion::default_work_precision_ladders(o->problem, o->study, o->vdp);
    if (!o->steps.empty()) o->study.steps = o->steps;
    if (!o->rtols.empty()) o->study.rtols = o->rtols;
    if (o->reference_steps) o->study.reference_steps = *o->reference_steps;
    std::optional<ito::diffusion::gaussian_mixture> mixture;
    if (o->problem == "vp-reverse") mixture = ito::diffusion::load_gmm(o->mixture);
    const auto r = ito::diffusion::work_precision_study(o->problem, o->study, mixture ? &*mixture : nullptr, o->vdp);
    if (o->json) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& w : r.rows) {
        nlohmann::json j{{"method", w.method},        {"adaptive", w.adaptive}, {"nfe", w.nfe},
                         {"strong_error", w.strong_error}, {"stderr", w.stderr_},   {"steps", w.steps},
                         {"rejected", w.rejected}};
        if (w.adaptive) j["rtol"] = w.rtol;
        else j["dt"] = w.dt;
        rows.push_back(j);
      }
      nlohmann::json j{{"problem", o->problem},
                       {"paths", r.paths},
                       {"error", "mean over paths of |X(t1) - X_ref(t1)|"},
                       {"reference", r.reference},
                       {"reference_dt", r.reference_dt},
                       {"reference_change", r.reference_change},
                       {"unstable", r.unstable},
                       {"rows", rows}};
      if (o->problem == "vdp") j["vdp"] = {{"mu", o->vdp.mu}, {"sigma", o->vdp.sigma}, {"t1", o->vdp.t1}};
      std::cout << j.dump(2) << '\n';
    } else {
      std::cout << "problem " << o->problem;
      if (o->problem == "vdp")
        std::cout << " (mu " << o->vdp.mu << ", sigma " << o->vdp.sigma << ", t1 " << o->vdp.t1 << ")";
      std::cout << ", " << r.paths << " paths; strong error = mean |X(t1) - X_ref(t1)| "
                << "(+- standard error); reference: " << r.reference;
      if (r.reference_dt > 0)
        std::cout << " (dt " << r.reference_dt << "; mean change against half the steps " << r.reference_change
                  << ")";
      std::cout << '\n';
      for (const auto& u : r.unstable) std::cout << "unstable (no row): " << u << '\n';
      std::printf("%-26s %-8s %12s %12s %12s %10s %9s\n", "method", "mode", "dt | rtol", "nfe/path", "error",
                  "stderr", "rejected");
      for (const auto& w : r.rows)
        std::printf("%-26s %-8s %12.4g %12.1f %12.4g %10.2g %9.1f\n", w.method.c_str(),
                    w.adaptive ? "adaptive" : "fixed", w.adaptive ? w.rtol : w.dt, w.nfe, w.strong_error,
                    w.stderr_, w.rejected);
    }
    return 0;
  }};
});
}  // namespace cmd_work_precision
