// ito schedule: a discrete DDPM beta schedule (Ho et al. linear, Nichol & Dhariwal cosine) and alpha_bar.
#include <iostream>
#include <memory>

#include <ito/diffusion/ddpm.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_schedule {
struct options {
  std::string kind = "linear";
  long long steps = 1000;
  double beta_start = 1e-4, beta_end = 0.02, s = 0.008, max_beta = 0.999;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("schedule", "DDPM beta_t and alpha_bar_t, t = 1..T (linear: Ho et al. 2020; cosine: Nichol & Dhariwal 2021)");
  sub->add_option("--kind", o->kind, "linear | cosine")->capture_default_str();
  sub->add_option("--steps", o->steps, "T, the number of steps")->capture_default_str();
  sub->add_option("--beta-start", o->beta_start, "linear: beta_1 (scaled by 1000/T)")->capture_default_str();
  sub->add_option("--beta-end", o->beta_end, "linear: beta_T (scaled by 1000/T)")->capture_default_str();
  sub->add_option("--s", o->s, "cosine: offset s")->capture_default_str();
  sub->add_option("--max-beta", o->max_beta, "cosine: clip of beta_t")->capture_default_str();
  sub->add_flag("--json", o->json, "print JSON {beta: [...], alpha_bar: [...]}");
  return ito::cli::command{sub, [o]() {
    using ito::diffusion::ddpm_schedule;
    ito::cli::require_count("--steps", o->steps);
    ddpm_schedule sch = o->kind == "linear"   ? ddpm_schedule::linear(o->steps, o->beta_start, o->beta_end)
                        : o->kind == "cosine" ? ddpm_schedule::cosine(o->steps, o->s, o->max_beta)
                                              : throw ito::invalid_argument("--kind = " + o->kind + ": expected linear or cosine");
    // drop index 0 (beta_0 = 0, alpha_bar_0 = 1): arrays are t = 1..T
    const std::vector<double> beta(sch.betas().begin() + 1, sch.betas().end());
    const std::vector<double> alpha_bar(sch.alpha_bars().begin() + 1, sch.alpha_bars().end());
    if (o->json) {
      ito::cli::print_json({{"kind", o->kind}, {"steps", o->steps}, {"beta", beta}, {"alpha_bar", alpha_bar}});
    } else {
      std::cout << o->kind << " schedule, T = " << o->steps << ": beta_1 = " << beta.front()
                << ", beta_T = " << beta.back() << ", alpha_bar_T = " << alpha_bar.back() << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_schedule
