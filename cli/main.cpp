// The `ito` program: one binary, one sub-command per task (see registry.hpp).
// Errors: one line "ito: error: ..." on stderr, exit status 2.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include <ito/sde/error.hpp>

#include "registry.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ito: stochastic differential equations and diffusion models", "ito"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  std::vector<ito::cli::command> commands;
  try {
    for (auto& factory : ito::cli::command_factories()) commands.push_back(factory(app));
    // Name an unknown command rather than CLI11's "A subcommand is required".
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands([&](CLI::App* s) { return s->get_name() == argv[1]; }).empty())
      throw ito::invalid_argument(std::string("unknown command '") + argv[1] + "' (see ito --help)");
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    for (auto& c : what) if (c == '\n') c = ' ';
    std::cerr << "ito: error: " << what << " (see ito --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ito: error: " << e.what() << '\n';
    return 2;
  }
  try {
    for (auto& c : commands) {
      if (c.app->parsed()) return c.run();
    }
    std::cerr << "ito: error: no command given (see ito --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::string what = e.what();
    for (auto& c : what) if (c == '\n') c = ' ';
    std::cerr << "ito: error: " << what << '\n';
    return 2;
  }
}
