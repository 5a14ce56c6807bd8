// ito bench em-ou: ito's own figure for benchmark W1 (issue 2, sec. 5),
// Euler–Maruyama on the 1-D OU process, in million path-steps per second.
// The side-by-side table with the peers is ./run bench (bench/run_all.sh).
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "bench_parent.hpp"
#include "em_ou_workload.hpp"
#include "registry.hpp"

namespace cmd_bench {
struct options {
  ito::bench::em_ou_params params;
  unsigned threads = 0;
  ito::sde::index_t block_size = 0;
  int repeats = 1;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = ito::cli::bench_parent(app).add_subcommand(
      "em-ou", "Euler-Maruyama on dX = 2 (0.5 - X) dt + 0.8 dW, x0 = 1.5, T = 1: Mpath-steps/s");
  sub->add_option("--paths", o->params.paths, "paths N")->capture_default_str();
  sub->add_option("--steps", o->params.steps, "steps M on [0, 1]")->capture_default_str();
  sub->add_option("--threads", o->threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--block-size", o->block_size, "paths per block (0 = solve's default)")->capture_default_str();
  sub->add_option("--seed", o->params.seed, "Brownian seed")->capture_default_str();
  sub->add_option("--repeats", o->repeats, "timed runs; the fastest is reported")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    ito::detail::require(o->params.paths > 0, "paths", o->params.paths, "> 0");
    ito::detail::require(o->params.steps > 0, "steps", o->params.steps, "> 0");
    ito::detail::require(o->block_size >= 0, "block-size", o->block_size, ">= 0 (0 = solve's default)");
    ito::detail::require(o->repeats > 0, "repeats", o->repeats, "> 0");
    double best = 0, mean = 0;
    ito::sde::solve_summary summary;
    for (int r = 0; r < o->repeats; ++r) {
      ito::sde::solution<double> sol;
      const double s = ito::bench::seconds_of([&] { sol = ito::bench::em_ou_ito_solve(o->params, o->threads, o->block_size); });
      if (r == 0 || s < best) best = s;
      mean = sol.terminal_moments().mean(0);
      summary = sol.summary;
    }
    const double rate = o->params.path_steps() / best / 1e6;
    if (o->json) {
      nlohmann::json j{{"mpath_steps_per_s", rate},        {"seconds", best},
                       {"paths", summary.paths},           {"steps", summary.steps},
                       {"threads", summary.threads},       {"block_size", summary.block_size},
                       {"terminal_mean", mean}};
      std::cout << j.dump() << '\n';
    } else {
      std::cout << "em-ou: " << summary.paths << " paths x " << summary.steps << " steps on " << summary.threads
                << " thread(s), block size " << summary.block_size << ": " << rate << " Mpath-steps/s (" << best
                << " s; E X_T = " << mean << ")\n";
    }
    return 0;
  }};
});
}  // namespace cmd_bench
