// ito demo: runs every registered demo part in order (see demo.hpp).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include <ito/sde/error.hpp>

#include "demo.hpp"
#include "registry.hpp"

namespace cmd_demo {
struct options {
  std::string out = "out/demo";
  bool quick = false;
  unsigned threads = 0;
  std::vector<std::string> only;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("demo", "Run the teaching demo: checks, tables, CSV and figures in --out");
  sub->add_option("--out", o->out, "output directory")->capture_default_str();
  sub->add_flag("--quick", o->quick, "smaller sizes (seconds instead of minutes)");
  sub->add_option("--threads", o->threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--only", o->only, "run only these parts (by name)");
  return ito::cli::command{sub, [o]() {
    std::error_code ec;
    std::filesystem::create_directories(o->out, ec);
    if (ec || !std::filesystem::is_directory(o->out))
      throw ito::io_error("--out = " + o->out + ": cannot create the directory (" + ec.message() + ")");
    auto parts = ito::cli::demo_parts();
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
    ito::cli::demo_context ctx{o->out, o->quick, std::cout, o->threads};
    int failed = 0, ran = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& part : parts) {
      if (!o->only.empty() && std::find(o->only.begin(), o->only.end(), part.name) == o->only.end()) continue;
      std::cout << "\n== " << part.title << " ==\n";
      const auto t0 = std::chrono::steady_clock::now();
      const bool ok = part.run(ctx);
      ++ran;
      if (!ok) ++failed;
      std::cout << "-> " << (ok ? "ok" : "CHECK FAILED") << " (" << std::fixed << std::setprecision(1)
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s)\n"
                << std::defaultfloat << std::setprecision(6);
    }
    std::cout << "\ndemo: " << ran - failed << " of " << ran << " parts passed their checks in " << std::fixed
              << std::setprecision(1) << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s; files in " << o->out << "\n";
    return failed == 0 ? 0 : 1;
  }};
});
}  // namespace cmd_demo
