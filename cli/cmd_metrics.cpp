// ito metrics: sliced W1, MMD^2 and energy distance between two CSV sample sets
// (--b, with --ref the data-vs-data value ref vs b), and the honest quality
// measurement against an exact mixture (--reference gmm.json): SW1 to a large exact
// reference beside the floor's distribution over exact draws of the same size
// (ratio, z), the hard-assignment weights with their floor, and with --paired the
// paired error to a converged solution from the same prior noise (quality.hpp).
#include <iostream>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/quality.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_metrics {
struct options {
  std::string a, b, ref, reference, paired;
  ito::diffusion::metric_options metric;
  ito::diffusion::quality_options quality;
  bool json = false;
};

nlohmann::json to_json(const ito::diffusion::sample_metrics& s) {
  return {{"sw1", s.sw1}, {"mmd", s.mmd}, {"energy", s.energy}, {"bandwidth", s.bandwidth}};
}

nlohmann::json to_json(const ito::diffusion::quality_report& q) {
  return {{"n", q.n},
          {"sw1", q.sw1},
          {"floor_mean", q.floor_mean},
          {"floor_sd", q.floor_sd},
          {"ratio", q.ratio},
          {"z", q.z},
          {"floor_draws", q.floor_draws},
          {"reference_size", q.reference_size},
          {"projections", q.projections},
          {"weights", q.weights},
          {"weights_floor_mean", q.weights_floor_mean},
          {"weights_floor_sd", q.weights_floor_sd},
          {"weights_z", q.weights_z},
          {"weights_max_abs_z", q.weights_max_abs_z}};
}

/// --reference gmm.json: the quality report of --a (and --paired).
int run_reference(const options& o) {
  using namespace ito::diffusion;
  const auto A = read_csv(o.a);
  const gaussian_mixture g = load_gmm(o.reference);
  ito::detail::require(A.rows() == g.dim(), "--a dimension", A.rows(),
                       "the dimension of --reference (" + std::to_string(g.dim()) + ")");
  const mixture_judge judge(g, A.cols(), o.quality);
  const quality_report q = judge.assess(A);
  nlohmann::json j = to_json(q);
  j["a"] = o.a;
  j["reference"] = o.reference;
  j["seed"] = o.quality.seed;
  std::optional<paired_distance> pd;
  if (!o.paired.empty()) {
    const auto B = read_csv(o.paired);
    pd = paired_error(A, B);
    j["paired"] = {{"file", o.paired}, {"rms", pd->rms}, {"max", pd->max}, {"sw1", sliced_wasserstein1(A, B)}};
  }
  if (o.json) {
    ito::cli::print_json(j);
  } else {
    std::cout << "a: " << o.a << " (n = " << q.n << ") against " << o.reference << " (" << q.reference_size
              << " exact draws, " << q.projections << " directions)\n"
              << "sw1 " << q.sw1 << "   floor " << q.floor_mean << " +- " << q.floor_sd << " (" << q.floor_draws
              << " exact draws of size n)   ratio " << q.ratio << "   z " << q.z << '\n'
              << "hard-assignment weights (sample / exact mean +- sd / z):\n";
    for (std::size_t k = 0; k < q.weights.size(); ++k)
      std::cout << "  " << k << "  " << q.weights[k] << " / " << q.weights_floor_mean[k] << " +- "
                << q.weights_floor_sd[k] << " / " << q.weights_z[k] << '\n';
    if (pd) std::cout << "paired error to " << o.paired << ": rms " << pd->rms << ", max " << pd->max << '\n';
  }
  return 0;
}

int run_pair(const options& o) {
  using namespace ito::diffusion;
  ito::detail::require(!o.b.empty(), "--b", "(none)", "a CSV of samples to compare with (or --reference gmm.json)");
  const auto A = read_csv(o.a), B = read_csv(o.b);
  ito::detail::require(A.rows() == B.rows(), "--a/--b dimensions", std::to_string(A.rows()) + " vs " +
                       std::to_string(B.rows()), "the same number of columns in both CSV files");
  std::optional<sample_metrics> floor;
  const sample_metrics v = compare(A, B, o.metric);
  if (!o.ref.empty()) {
    const auto R = read_csv(o.ref);
    ito::detail::require(R.rows() == B.rows(), "--ref dimension", R.rows(), "the dimension of --b");
    floor = compare(R, B, o.metric);
  }
  if (o.json) {
    nlohmann::json j = to_json(v);
    j["n_a"] = A.cols();
    j["n_b"] = B.cols();
    j["projections"] = o.metric.projections;
    j["seed"] = o.metric.seed;
    if (floor) {
      j["floor"] = to_json(*floor);
      j["sw1_ratio"] = v.sw1 / floor->sw1;
    }
    ito::cli::print_json(j);
  } else {
    std::cout << "a: " << o.a << " (" << A.cols() << "), b: " << o.b << " (" << B.cols() << ")\n"
              << "sw1    " << v.sw1 << (floor ? "   floor " + std::to_string(floor->sw1) : "") << '\n'
              << "mmd    " << v.mmd << (floor ? "   floor " + std::to_string(floor->mmd) : "") << '\n'
              << "energy " << v.energy << (floor ? "   floor " + std::to_string(floor->energy) : "") << '\n';
  }
  return 0;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand(
      "metrics",
      "Sample quality: against an exact mixture (--reference gmm.json: SW1 beside the floor's distribution, z), or "
      "between two sets (--b: sliced W1, unbiased RBF MMD^2, energy distance)");
  sub->add_option("--a", o->a, "CSV of samples (e.g. a sampler's output)")->required();
  auto* b = sub->add_option("--b", o->b, "CSV of samples (e.g. data)");
  auto* reference = sub->add_option("--reference", o->reference,
                                    "Gaussian-mixture JSON: judge --a against exact draws (floor distribution, z)");
  reference->excludes(b);
  sub->add_option("--ref", o->ref, "with --b: CSV of an independent data sample, also report ref vs b")->excludes(reference);
  sub->add_option("--paired", o->paired,
                  "with --reference: CSV of a converged solution from the same prior noise (paired error)")
      ->needs(reference);
  sub->add_option("--reference-size", o->quality.reference_size, "with --reference: exact draws of the reference")
      ->capture_default_str();
  sub->add_option("--floor-draws", o->quality.floor_draws, "with --reference: exact draws of size n making the floor")
      ->capture_default_str();
  sub->add_option("--quality-projections", o->quality.projections, "with --reference: sliced-W1 directions")
      ->capture_default_str();
  sub->add_option("--threads", o->quality.threads, "with --reference: threads (0 = all cores)")->capture_default_str();
  sub->add_option("--projections", o->metric.projections, "with --b: sliced W1 directions")->capture_default_str();
  sub->add_option("--seed", o->metric.seed, "seed of the directions, subsampling and (--reference) exact draws")
      ->capture_default_str();
  sub->add_option("--max-points", o->metric.max_points, "per-set cap for MMD and energy (seeded subsample)")
      ->capture_default_str();
  sub->add_option("--bandwidth", o->metric.bandwidth, "RBF bandwidth (0 = median heuristic)")->capture_default_str();
  sub->add_flag("--json", o->json, "print JSON");
  return ito::cli::command{sub, [o]() {
    if (!o->reference.empty()) {
      options q = *o;
      q.quality.seed = o->metric.seed;
      return run_reference(q);
    }
    return run_pair(*o);
  }};
});
}  // namespace cmd_metrics
