// ito bench normals: the counter-based normals (ito/sde/random/normal.hpp) per
// second for the whole process, on K threads (ito::parallel_for over blocks of
// 1024 paths x 64 normals). The side-by-side table with the legacy stream is
// bench/bench_normals (./run bench).
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include <ito/sde/error.hpp>
#include <ito/sde/parallel.hpp>
#include <ito/sde/random/normal.hpp>

#include "bench_parent.hpp"
#include "registry.hpp"

namespace cmd_bench_normals {
struct options {
  unsigned threads = 0;
  double normals = 4e8;
  std::string dtype = "double";
  std::uint64_t seed = 1;
  bool json = false;
};

template <class S>
double seconds_for(const options& o, std::int64_t tasks, std::int64_t paths, std::int64_t rows) {
  const ito::sde::counter_key key(o.seed, ito::sde::stream_id::brownian);
  const unsigned workers = ito::resolve_threads(o.threads, tasks);
  std::vector<std::vector<S>> buf(workers, std::vector<S>(std::size_t(paths * rows)));
  std::vector<double> check(std::size_t(tasks), 0.0);
  const auto t0 = std::chrono::steady_clock::now();
  ito::parallel_for(tasks, o.threads, [&](std::int64_t task, unsigned w) {
    // task = (path block, normal chunk): 64 normals of 1024 paths
    const std::int64_t blocks = 64;
    const std::uint64_t path0 = std::uint64_t(task % blocks) * std::uint64_t(paths);
    const std::uint64_t k0 = std::uint64_t(task / blocks) * std::uint64_t(rows);
    ito::sde::fill_counter_normals<S>(key, path0, paths, k0, rows, buf[w].data(), paths);
    check[std::size_t(task)] = double(buf[w][0]);
  });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double sum = 0;
  for (double c : check) sum += c;
  if (!(sum == sum)) throw ito::numerical_error("bench normals: NaN");
  return s;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = ito::cli::bench_parent(app).add_subcommand(
      "normals", "Counter-based standard normals (Philox4x32-10 + Box-Muller) per second, whole process");
  sub->add_option("--threads", o->threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--normals", o->normals, "how many normals to draw")->capture_default_str();
  sub->add_option("--dtype", o->dtype, "double|float")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    ito::detail::require(o->normals >= 65536 && o->normals <= 1e13, "--normals", o->normals, "in [65536, 1e13]");
    ito::detail::require(o->dtype == "double" || o->dtype == "float", "--dtype", o->dtype, "double|float");
    const std::int64_t paths = 1024, rows = 64;
    const std::int64_t tasks = std::max<std::int64_t>(1, std::int64_t(o->normals / double(paths * rows)));
    const double s = o->dtype == "double" ? seconds_for<double>(*o, tasks, paths, rows)
                                          : seconds_for<float>(*o, tasks, paths, rows);
    const double n = double(tasks * paths * rows);
    const unsigned threads = ito::resolve_threads(o->threads, tasks);
    if (o->json) {
      std::cout << nlohmann::json{{"normals_per_s", n / s}, {"normals", n},     {"seconds", s},
                                  {"threads", threads},     {"dtype", o->dtype}, {"vector_lanes", ito::sde::random_lanes}}
                       .dump()
                << '\n';
    } else {
      std::cout << "normals (" << o->dtype << "): " << n << " in " << s << " s on " << threads
                << " thread(s): " << n / s << " normals/s\n";
    }
    return 0;
  }};
});
}  // namespace cmd_bench_normals
