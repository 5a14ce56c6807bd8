// ito metrics: sliced W1, MMD^2 and energy distance between two CSV sample sets,
// and with --ref the data-vs-data floor (ref against b).
#include <iostream>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/metrics.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace {
struct options {
  std::string a, b, ref;
  ito::diffusion::metric_options metric;
  bool json = false;
};

nlohmann::json to_json(const ito::diffusion::sample_metrics& s) {
  return {{"sw1", s.sw1}, {"mmd", s.mmd}, {"energy", s.energy}, {"bandwidth", s.bandwidth}};
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand(
      "metrics", "Distances between two sample sets: sliced W1, unbiased RBF MMD^2 (median heuristic), energy distance");
  sub->add_option("--a", o->a, "CSV of samples (e.g. a sampler's output)")->required();
  sub->add_option("--b", o->b, "CSV of samples (e.g. data)")->required();
  sub->add_option("--ref", o->ref, "CSV of an independent data sample: also report ref vs b (the floor)");
  sub->add_option("--projections", o->metric.projections, "sliced W1 directions")->capture_default_str();
  sub->add_option("--seed", o->metric.seed, "seed of the directions and subsampling")->capture_default_str();
  sub->add_option("--max-points", o->metric.max_points, "per-set cap for MMD and energy (seeded subsample)")
      ->capture_default_str();
  sub->add_option("--bandwidth", o->metric.bandwidth, "RBF bandwidth (0 = median heuristic)")->capture_default_str();
  sub->add_flag("--json", o->json, "print JSON");
  return ito::cli::command{sub, [o]() {
    using namespace ito::diffusion;
    const auto A = read_csv(o->a), B = read_csv(o->b);
    ito::detail::require(A.rows() == B.rows(), "--a/--b dimensions", std::to_string(A.rows()) + " vs " +
                         std::to_string(B.rows()), "the same number of columns in both CSV files");
    std::optional<sample_metrics> floor;
    const sample_metrics v = compare(A, B, o->metric);
    if (!o->ref.empty()) {
      const auto R = read_csv(o->ref);
      ito::detail::require(R.rows() == B.rows(), "--ref dimension", R.rows(), "the dimension of --b");
      floor = compare(R, B, o->metric);
    }
    if (o->json) {
      nlohmann::json j = to_json(v);
      j["n_a"] = A.cols();
      j["n_b"] = B.cols();
      j["projections"] = o->metric.projections;
      j["seed"] = o->metric.seed;
      if (floor) {
        j["floor"] = to_json(*floor);
        j["sw1_ratio"] = v.sw1 / floor->sw1;
      }
      ito::cli::print_json(j);
    } else {
      std::cout << "a: " << o->a << " (" << A.cols() << "), b: " << o->b << " (" << B.cols() << ")\n"
                << "sw1    " << v.sw1 << (floor ? "   floor " + std::to_string(floor->sw1) : "") << '\n'
                << "mmd    " << v.mmd << (floor ? "   floor " + std::to_string(floor->mmd) : "") << '\n'
                << "energy " << v.energy << (floor ? "   floor " + std::to_string(floor->energy) : "") << '\n';
    }
    return 0;
  }};
});
}  // namespace
