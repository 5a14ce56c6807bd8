// Benchmark W1 (issue 2, sec. 5): Euler–Maruyama on the 1-D OU process,
// 100000 paths x 1000 steps, double. Rows: ito on 1 and 2 threads (the
// default counter-based source), ito with the legacy mt19937_64 + ziggurat
// source, ito with the Brownian tree, ito in float, the obvious hand-written
// loop, and the floors: drawing the increments alone through each source
// (stepping overhead = ito / floor - 1 on one thread). Each row reports the
// counter mpath_steps_per_s (million path-steps per wall second).
//
//   bench_em_ou [--paths=N] [--steps=M] [--block-size=B] [google benchmark flags,
//                e.g. --benchmark_format=json]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "em_ou.hpp"

namespace {

ito::bench::em_ou_params params;
ito::sde::index_t block_size = 0;  // 0: solve_options' default

template <class F>
void run_row(benchmark::State& state, F&& f) {
  for (auto _ : state) benchmark::DoNotOptimize(f());
  state.counters["mpath_steps_per_s"] = benchmark::Counter(
      params.path_steps() * double(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
  state.counters["paths"] = double(params.paths);
  state.counters["steps"] = double(params.steps);
}

void ito_threads(benchmark::State& state, unsigned threads) {
  run_row(state, [&] { return ito::bench::em_ou_ito(params, threads, block_size); });
}

template <class S, class Source>
void ito_source(benchmark::State& state, unsigned threads) {
  run_row(state, [&] {
    return double(ito::bench::em_ou_ito_solve_with<S, Source>(params, threads, block_size).terminal_moments().mean(0));
  });
}

template <class S, class Source>
void source_floor(benchmark::State& state) {
  run_row(state, [] { return ito::bench::em_ou_source_floor<S, Source>(params); });
}

void hand_loop(benchmark::State& state) {
  run_row(state, [] { return ito::bench::em_ou_hand_loop(params); });
}

void normals_floor(benchmark::State& state) {
  run_row(state, [] { return ito::bench::em_ou_normals_floor(params); });
}

// Strip our own --name=value flags; the rest goes to Google Benchmark.
bool take_flag(const char* arg, const char* name, long long& value) {
  const std::size_t len = std::strlen(name);
  if (std::strncmp(arg, name, len) != 0 || arg[len] != '=') return false;
  value = std::atoll(arg + len + 1);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    long long v = 0;
    if (i > 0 && take_flag(argv[i], "--paths", v)) params.paths = v;
    else if (i > 0 && take_flag(argv[i], "--steps", v)) params.steps = v;
    else if (i > 0 && take_flag(argv[i], "--block-size", v)) block_size = v;
    else rest.push_back(argv[i]);
  }
  if (params.paths <= 0 || params.steps <= 0 || block_size < 0) {
    std::fprintf(stderr, "bench_em_ou: --paths, --steps must be > 0 and --block-size >= 0\n");
    return 2;
  }
  // Wall-clock rates: ito's threads are its own, so CPU time of the caller is meaningless.
  for (unsigned threads : {1u, 2u})
    benchmark::RegisterBenchmark(("em_ou/ito/threads:" + std::to_string(threads)).c_str(), ito_threads, threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  using ito::sde::brownian_block;
  using ito::sde::counter_brownian;
  using ito::sde::tree_brownian;
  for (unsigned threads : {1u, 2u})
    benchmark::RegisterBenchmark(("em_ou/ito_legacy_mt19937/threads:" + std::to_string(threads)).c_str(),
                                 ito_source<double, brownian_block<double>>, threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("em_ou/ito_tree/threads:1", ito_source<double, tree_brownian<double>>, 1u)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (unsigned threads : {1u, 2u})
    benchmark::RegisterBenchmark(("em_ou/ito_float/threads:" + std::to_string(threads)).c_str(),
                                 ito_source<float, counter_brownian<float>>, threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("em_ou/counter_increments_floor", source_floor<double, counter_brownian<double>>)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("em_ou/tree_increments_floor", source_floor<double, tree_brownian<double>>)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("em_ou/hand_loop", hand_loop)->UseRealTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("em_ou/normals_floor", normals_floor)->UseRealTime()->Unit(benchmark::kMillisecond);
  int n = int(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
