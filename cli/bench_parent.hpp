#pragma once
// The `ito bench` parent command; each benchmark registers a sub-command of it:
//   auto* sub = ito::cli::bench_parent(app).add_subcommand("em-ou", "...");
#include <CLI/CLI.hpp>

namespace ito::cli {

inline CLI::App& bench_parent(CLI::App& app) {
  for (auto* sub : app.get_subcommands([](CLI::App* a) { return a->get_name() == "bench"; })) return *sub;
  auto* bench = app.add_subcommand("bench", "Measure ito's own speed (see ./run bench for the side-by-side table)");
  bench->require_subcommand(1);
  return *bench;
}

}  // namespace ito::cli
