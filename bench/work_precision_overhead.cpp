// Overhead of adaptive stepping (issue 14 target: at most 30 %): the adaptive loop
// with a tolerance so loose that no step is rejected and the step pinned to T/K
// (dt_initial = dt_max = T/K), against the fixed-step method with K steps on the
// same Brownian tree, run side by side and interleaved; prints the median of the
// time ratios adaptive/fixed over the repetitions (never an absolute time target).
//
//   work_precision_overhead [--paths 4096] [--steps 64] [--reps 7] [--threads 1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <ito/sde.hpp>
#include <ito/sde/adaptive.hpp>
#include <ito/sde/steppers/sosra.hpp>
#include <ito/sde/steppers/sriw1.hpp>

using namespace ito::sde;

namespace {
double seconds_of(const auto& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Runs fixed `fixed` and adaptive `adapt` (pinned to K steps) alternately; prints the ratio.
template <class P, class Fixed, class Adapt>
void compare(const char* label, const P& p, Fixed fixed, Adapt adapt, ito::sde::index_t paths, ito::sde::index_t K, int reps,
             unsigned threads) {
  using S = typename P::scalar_type;
  solve_options<S> so;
  so.paths = paths;
  so.seed = 3;
  so.threads = threads;
  so.block_size = 512;
  adaptive_options ao;
  ao.rtol = 1e6;
  ao.atol = 1e6;
  ao.dt_initial = ao.dt_max = double(p.t1 - p.t0) / double(K);
  solve_options<S> sf = so;
  sf.steps = K;
  std::vector<double> ratios;
  double acc = 0, rej = 0;
  for (int r = 0; r < reps; ++r) {
    const double tf = seconds_of([&] { (void)solve<P, Fixed, tree_brownian<S>>(p, fixed, sf); });
    const double ta = seconds_of([&] {
      const auto s = solve_adaptive(p, adapt, so, ao);
      acc = s.steps.accepted_mean;
      rej = s.steps.rejected_mean;
    });
    ratios.push_back(ta / tf);
  }
  std::printf("%-34s K = %ld: adaptive %.1f accepted / %.1f rejected steps per path; time ratio adaptive/fixed "
              "median %.3f (min %.3f, max %.3f over %d pairs)\n",
              label, long(K), acc, rej, median(ratios), *std::min_element(ratios.begin(), ratios.end()),
              *std::max_element(ratios.begin(), ratios.end()), reps);
}
}  // namespace

int main(int argc, char** argv) {
  ito::sde::index_t paths = 4096, K = 64;
  int reps = 7;
  unsigned threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--paths") paths = std::stol(v);
    else if (k == "--steps") K = std::stol(v);
    else if (k == "--reps") reps = std::stoi(v);
    else if (k == "--threads") threads = unsigned(std::stoul(v));
    else { std::cerr << "unknown option " << k << "\n"; return 2; }
  }
  auto gbm = gbm_problem<double>();
  gbm.problem.autonomous = true;
  compare("sriw1 on GBM (diagonal)", gbm.problem, sriw1{}, adaptive_rossler<sriw1>{}, paths, K, reps, threads);
  auto dw = double_well_problem<double>();
  dw.autonomous = true;
  compare("sosra on the double well (additive)", dw, sosra{}, adaptive_rossler<sosra>{}, paths, K, reps, threads);
  compare("euler_maruyama on GBM (2 evals/step)", gbm.problem, euler_maruyama{}, adaptive_euler_maruyama{}, paths, K,
          reps, threads);
  return 0;
}
