// ito bench train / ito bench sample: ito's own figures for benchmarks W2 and W3
// (issue 5, sec. 5) on the reference network 2 + 32 -> 128 -> 128 -> 128 -> 2 (float).
//   W2: one training step (minibatch, forward, backward, Adam, EMA) at batch 512.
//   W3: reverse-SDE Euler-Maruyama sampling (VP SDE) with the MLP score.
// The side-by-side table with PyTorch is ./run bench (bench/peers/torch_nn.py).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/samplers.hpp>

#include "bench_parent.hpp"
#include "common.hpp"
#include "registry.hpp"

namespace cmd_bench_nn {

namespace d = ito::diffusion;
using clock_type = std::chrono::steady_clock;

struct train_opts {
  ito::sde::index_t batch = 512, width = 128, depth = 3;
  std::int64_t steps = 500, warmup_steps = 20;
  unsigned threads = 2;
  int repeats = 3;
  bool json = false;
};

struct sample_opts {
  ito::sde::index_t n = 10000, steps = 100, width = 128, depth = 3, block = 512;
  unsigned threads = 2;
  int repeats = 3;
  bool json = false;
};

// forward + backward flops of one step of the network on one column
double flops_per_column(const d::nn::mlp_config& c, bool backward) {
  double f = 0;
  for (ito::sde::index_t l = 0; l <= c.depth; ++l) f += 2.0 * double(c.layer_in(l)) * double(c.layer_out(l));
  return backward ? 3 * f - 2.0 * double(c.layer_in(0)) * double(c.width) : f;
}

const bool registered_train = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<train_opts>();
  auto* sub = ito::cli::bench_parent(app).add_subcommand(
      "train", "W2: one DSM training step (forward, backward, Adam, EMA) of the MLP: ms/step");
  sub->add_option("--batch", o->batch, "minibatch size")->capture_default_str();
  sub->add_option("--steps", o->steps, "timed steps")->capture_default_str();
  sub->add_option("--width", o->width, "hidden width")->capture_default_str();
  sub->add_option("--depth", o->depth, "hidden layers")->capture_default_str();
  sub->add_option("--threads", o->threads, "threads")->capture_default_str();
  sub->add_option("--repeats", o->repeats, "timed runs; the fastest is reported")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    ito::detail::require(o->steps > 0, "steps", o->steps, "> 0");
    ito::detail::require(o->repeats > 0, "repeats", o->repeats, "> 0");
    const auto X = d::make_dataset("moons", 20000, 1);
    d::train_options t;
    t.arch.width = o->width;
    t.arch.depth = o->depth;
    t.arch.x_frequencies = 0;  // the reference network: raw x and 32 time features
    t.batch = o->batch;
    t.threads = std::max(1u, o->threads);
    t.val_fraction = 0;
    d::trainer<d::vp_sde> tr(d::vp_sde{}, X, t);
    for (std::int64_t i = 0; i < o->warmup_steps; ++i) tr.step();
    double best = 1e300;
    for (int r = 0; r < o->repeats; ++r) {
      const auto s0 = clock_type::now();
      for (std::int64_t i = 0; i < o->steps; ++i) tr.step();
      best = std::min(best, std::chrono::duration<double>(clock_type::now() - s0).count());
    }
    const double ms = 1e3 * best / double(o->steps);
    const double gflop = flops_per_column(tr.options().arch, true) * double(o->batch) / 1e9;
    if (o->json) {
      std::cout << nlohmann::json{{"ms_per_step", ms},       {"batch", o->batch},
                                  {"steps", o->steps},       {"threads", t.threads},
                                  {"params", tr.network().num_params()},
                                  {"gflop_per_step", gflop}, {"gflops", gflop / (ms / 1e3)}}
                       .dump()
                << '\n';
    } else {
      std::cout << "bench train: " << ms << " ms/step at batch " << o->batch << " on " << t.threads
                << " thread(s) (" << gflop / (ms / 1e3) << " GFLOP/s in the network)\n";
    }
    return 0;
  }};
});

const bool registered_sample = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<sample_opts>();
  auto* sub = ito::cli::bench_parent(app).add_subcommand(
      "sample", "W3: reverse-SDE Euler-Maruyama sampling with the MLP score: Msample-steps/s");
  sub->add_option("--n", o->n, "samples")->capture_default_str();
  sub->add_option("--steps", o->steps, "Euler-Maruyama steps")->capture_default_str();
  sub->add_option("--width", o->width, "hidden width")->capture_default_str();
  sub->add_option("--depth", o->depth, "hidden layers")->capture_default_str();
  sub->add_option("--threads", o->threads, "threads")->capture_default_str();
  sub->add_option("--block-size", o->block, "samples per block")->capture_default_str();
  sub->add_option("--repeats", o->repeats, "timed runs; the fastest is reported")->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object");
  return ito::cli::command{sub, [o]() {
    ito::detail::require(o->repeats > 0, "repeats", o->repeats, "> 0");
    d::nn::mlp_config c;
    c.width = o->width;
    c.depth = o->depth;
    c.x_frequencies = 0;  // the reference network
    d::network_score<d::vp_sde> score(d::vp_sde{}, d::nn::mlp<float>(c, 1), d::prediction::eps);
    d::sampler_options so;
    so.steps = o->steps;
    so.threads = std::max(1u, o->threads);
    so.block_size = o->block;
    double best = 1e300;
    double mean0 = 0;
    for (int r = 0; r < o->repeats; ++r) {
      const auto s0 = clock_type::now();
      const auto res = d::sample(d::sampler_kind::em, d::vp_sde{}, score, 2, o->n, so);
      best = std::min(best, std::chrono::duration<double>(clock_type::now() - s0).count());
      mean0 = res.samples.row(0).mean();
    }
    const double rate = double(o->n) * double(o->steps) / best / 1e6;
    const double gflop = flops_per_column(c, false) * double(o->n) * double(o->steps) / 1e9;
    if (o->json) {
      std::cout << nlohmann::json{{"msample_steps_per_s", rate}, {"seconds", best},   {"n", o->n},
                                  {"steps", o->steps},           {"threads", so.threads},
                                  {"gflops", gflop / best},      {"mean_x0", mean0}}
                       .dump()
                << '\n';
    } else {
      std::cout << "bench sample: " << rate << " Msample-steps/s (" << o->n << " samples x " << o->steps
                << " steps in " << best << " s on " << so.threads << " thread(s), " << gflop / best
                << " GFLOP/s in the network)\n";
    }
    return 0;
  }};
});

}  // namespace cmd_bench_nn
