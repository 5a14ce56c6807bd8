#pragma once
// The `ito` program's command registry. Each cmd_*.cpp file registers one or
// more sub-commands at static-initialisation time:
//
//   static const bool registered = ito::cli::add_command([](CLI::App& app) {
//     auto* sub = app.add_subcommand("simulate", "Simulate an ensemble ...");
//     auto opts = std::make_shared<Options>();
//     sub->add_option("--paths", opts->paths, "...");
//     return ito::cli::command{sub, [opts]() -> int { ...; return 0; }};
//   });
//
// main() parses, runs the chosen command and turns any exception into one line
// "ito: error: <message>" on stderr and exit status 2 (see main.cpp). A command
// returns its own exit status (e.g. 1 when a validation check fails).
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace ito::cli {

struct command {
  CLI::App* app;              ///< the sub-command
  std::function<int()> run;   ///< runs it after parsing; returns the exit status
};

using command_factory = std::function<command(CLI::App&)>;

inline std::vector<command_factory>& command_factories() {
  static std::vector<command_factory> factories;
  return factories;
}

inline bool add_command(command_factory f) {
  command_factories().push_back(std::move(f));
  return true;
}

}  // namespace ito::cli
