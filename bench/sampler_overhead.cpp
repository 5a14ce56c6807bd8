// Sampler overhead apart from the score (issue 16, targets): the time a fast sampler
// spends per score evaluation outside the score, as a fraction of one Euler-Maruyama
// step with the reference score network (2 + 32 -> 128 -> 128 -> 128 -> 2, float).
// Side by side in one process, alternating, on one thread:
//   A = EM, K steps, network score: time per step (whole ensemble of n samples);
//   B = each fast sampler at NFE K with a zero-cost score (writes zeros): its time per
//       evaluation is all overhead (coefficients, linear combinations, noise, history);
//   overhead = B / A. Medians over R alternating rounds, with the min-max of the ratio.
// Times are the process's CPU time (CLOCK_PROCESS_CPUTIME_ID) around each call: on a
// loaded machine wall time mostly measures waiting for a core.
//
//   sampler_overhead [--n 10000] [--nfe 20] [--rounds 7]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <ito/diffusion/nn/mlp.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/train.hpp>

using namespace ito::diffusion;

namespace {
// A score that costs (almost) nothing: the sampler's own work is all that is timed.
struct zero_score {
  template <class T>
  void operator()(const ensemble<T>& X, T, ensemble<T>& out) const {
    out.setZero(X.rows(), X.cols());
  }
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// CPU seconds of fn().
template <class Fn>
double cpu_time(Fn&& fn) {
  const double t0 = cpu_seconds();
  fn();
  return cpu_seconds() - t0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  index_t n = 10000, K = 20;
  int rounds = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--n") n = std::stol(v);
    else if (k == "--nfe") K = std::stol(v);
    else if (k == "--rounds") rounds = std::stoi(v);
    else { std::cerr << "unknown option " << k << "\n"; return 2; }
  }
  const vp_sde f;
  const index_t d = 2;
  nn::mlp_config c;
  c.x_frequencies = 0;  // the reference network
  const network_score<vp_sde, float> net(f, nn::mlp<float>(c, 1), prediction::eps);

  struct fast_case {
    std::string name;
    fast_method m;
    int order;
  };
  const std::vector<fast_case> cases{{"dpm3", fast_method::dpm, 3},        {"dpmpp2", fast_method::dpmpp, 2},
                                     {"dpmpp3", fast_method::dpmpp, 3},    {"dpmpp-sde2", fast_method::dpmpp_sde, 2},
                                     {"unipc3", fast_method::unipc, 3},    {"edm2", fast_method::edm, 2}};
  std::vector<double> em_net, em_zero;
  std::vector<std::vector<double>> fast(cases.size());
  for (int r = 0; r < rounds; ++r) {
    sampler_options so;
    so.steps = K;
    so.threads = 1;
    so.seed = std::uint64_t(r);
    em_net.push_back(cpu_time([&] { sample(sampler_kind::em, f, net, d, n, so); }) / double(K));
    em_zero.push_back(cpu_time([&] { sample(sampler_kind::em, f, zero_score{}, d, n, so); }) / double(K));
    for (std::size_t i = 0; i < cases.size(); ++i) {
      fast_sampler_options o;
      o.method = cases[i].m;
      o.order = cases[i].order;
      o.nfe = K;
      o.threads = 1;
      o.seed = std::uint64_t(r);
      double nfe = 0;
      fast[i].push_back(cpu_time([&] { nfe = sample_fast(f, zero_score{}, d, n, o).nfe; }) / double(K));
      if (nfe != double(K)) std::cerr << cases[i].name << ": nfe " << nfe << " != " << K << "\n";
    }
  }
  const double A = median(em_net);
  std::printf("n = %ld, d = 2, one thread, %d rounds, CPU time; EM step with the reference network: median %.3g ms\n",
              long(n), rounds, 1e3 * A);
  std::printf("| sampler (zero-cost score) | overhead per evaluation / EM step with the network | min-max over rounds |\n");
  std::printf("|---|---|---|\n");
  auto line = [&](const std::string& name, const std::vector<double>& t) {
    std::vector<double> ratio(t.size());
    for (std::size_t r = 0; r < t.size(); ++r) ratio[r] = t[r] / em_net[r];
    std::printf("| %s | %.2f %% | %.2f-%.2f %% |\n", name.c_str(), 100 * median(t) / A,
                100 * *std::min_element(ratio.begin(), ratio.end()), 100 * *std::max_element(ratio.begin(), ratio.end()));
  };
  line("em (zero-cost score, for scale)", em_zero);
  for (std::size_t i = 0; i < cases.size(); ++i) line(cases[i].name, fast[i]);
  return 0;
}
