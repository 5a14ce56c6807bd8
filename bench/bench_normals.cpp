// Normals per second per core, side by side: the counter-based Box-Muller
// normals (ito/sde/random/normal.hpp) in double and float, and their two
// parts, Philox4x32-10 alone and the transform alone, against the legacy
// Boost mt19937_64 + ziggurat stream. One thread. Counters:
// normals_per_s (or calls_per_s for Philox), and cycles_per_normal at the
// nominal clock given by --ghz (default: /proc/cpuinfo "cpu MHz").
//
//   bench_normals [--ghz=G] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ito/sde/random/normal.hpp>
#include <string>
#include <vector>

namespace {

namespace sde = ito::sde;
constexpr std::int64_t paths = 1024, rows = 16;  // one fill: 16 x 1024 normals (128 KiB double)
double ghz = 0;

void counters(benchmark::State& state, double per_iteration, const char* name = "normals_per_s") {
  state.counters[name] = benchmark::Counter(per_iteration * double(state.iterations()), benchmark::Counter::kIsRate);
  if (ghz > 0)
    state.counters["cycles_per_item"] =
        benchmark::Counter(per_iteration * double(state.iterations()) / (ghz * 1e9),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <class S>
void counter_fill(benchmark::State& state) {
  const sde::counter_key key(1, sde::stream_id::brownian);
  std::vector<S> out(std::size_t(paths * rows));
  std::uint64_t k = 0;
  for (auto _ : state) {
    sde::fill_counter_normals<S>(key, 0, paths, k, rows, out.data(), paths);
    k += rows;
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  counters(state, double(paths * rows));
}

#if ITO_RANDOM_LANES > 1
void philox_only(benchmark::State& state) {
  const sde::counter_key key(1, sde::stream_id::brownian);
  sde::random_detail::u64v acc{};
  const sde::random_detail::philox_schedule ks(key.key);
  std::uint64_t q = 0;
  for (auto _ : state) {
    for (std::int64_t j = 0; j < paths; j += sde::random_lanes) {
      sde::random_detail::u64v w[4];
      sde::random_detail::philox_lanes(ks, std::uint64_t(j), q, w);
      acc ^= w[0] ^ w[1] ^ w[2] ^ w[3];
    }
    ++q;
    benchmark::DoNotOptimize(acc);
  }
  counters(state, double(paths), "calls_per_s");
}

template <class S>
void transform_only(benchmark::State& state) {
  // the Box-Muller transform of fixed words (no Philox): the cost of log, sincospi, sqrt
  using zv = std::conditional_t<sizeof(S) == 8, sde::random_detail::f64v, sde::random_detail::f32v>;
  constexpr std::int64_t n = sde::normals_per_counter<S>;
  sde::random_detail::u64v w[4];
  for (int i = 0; i < 4; ++i)
    for (int l = 0; l < sde::random_lanes; ++l) w[i][l] = 0x9E3779B9u * std::uint64_t(i * 8 + l + 1) & 0xFFFFFFFFu;
  zv acc{};
  for (auto _ : state) {
    for (std::int64_t j = 0; j < paths; j += sde::random_lanes) {
      zv z[n] = {};
      sde::random_detail::box_muller_lanes(w, z);
      for (std::int64_t e = 0; e < n; ++e) acc += z[e];
      w[0] += 1;  // a new radius uniform each time
    }
    benchmark::DoNotOptimize(acc);
  }
  counters(state, double(paths * n));
}
#endif

template <class S>
void ziggurat(benchmark::State& state) {
  boost::random::mt19937_64 engine(1);
  boost::random::normal_distribution<S> normal;
  std::vector<S> out(std::size_t(paths * rows));
  for (auto _ : state) {
    for (auto& x : out) x = normal(engine);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  counters(state, double(paths * rows));
}

double cpuinfo_ghz() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("cpu MHz", 0) == 0) return std::atof(line.substr(line.find(':') + 1).c_str()) / 1000;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  ghz = cpuinfo_ghz();
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strncmp(argv[i], "--ghz=", 6) == 0) ghz = std::atof(argv[i] + 6);
    else rest.push_back(argv[i]);
  }
  benchmark::RegisterBenchmark("normals/counter/double", counter_fill<double>);
  benchmark::RegisterBenchmark("normals/counter/float", counter_fill<float>);
  benchmark::RegisterBenchmark("normals/ziggurat_mt19937/double", ziggurat<double>);
  benchmark::RegisterBenchmark("normals/ziggurat_mt19937/float", ziggurat<float>);
#if ITO_RANDOM_LANES > 1
  benchmark::RegisterBenchmark("normals/philox4x32_10_only", philox_only);
  benchmark::RegisterBenchmark("normals/box_muller_only/double", transform_only<double>);
  benchmark::RegisterBenchmark("normals/box_muller_only/float", transform_only<float>);
#endif
  int n = int(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
