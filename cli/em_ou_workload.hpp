#pragma once
/// \file em_ou_workload.hpp
/// \brief Workload W1 (issue 2, sec. 5) as `ito bench em-ou` runs it: Euler–Maruyama
/// on the 1-D OU process
///   dX = kappa (theta - X) dt + sigma dW,  kappa = 2, theta = 0.5, sigma = 0.8,
///   x0 = 1.5, T = 1, N = 100000 paths, M = 1000 steps, double
/// (seed 000, OU process; seed 004, Euler–Maruyama discretisation).
///
/// The program's own figure; bench/em_ou.hpp adds the side-by-side baselines
/// (hand-written loop, normals floor) and includes this file, so the program
/// does not depend on bench/.

#include <chrono>
#include <cstdint>

#include <ito/sde/problem.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

namespace ito::bench {

using sde::index_t;

struct em_ou_params {
  double kappa = 2.0, theta = 0.5, sigma = 0.8, x0 = 1.5, t1 = 1.0;
  index_t paths = 100000;
  index_t steps = 1000;
  std::uint64_t seed = 1;
  double path_steps() const { return double(paths) * double(steps); }
};

/// The OU problem as an additive-noise ito::sde problem (scalar type S).
template <class S = double>
inline auto em_ou_problem(const em_ou_params& q) {
  using namespace ito::sde;
  const S kappa = S(q.kappa), theta = S(q.theta), sigma = S(q.sigma);
  return make_additive_problem<S>(
      [kappa, theta](const ensemble<S>& x, S, ensemble<S>& f) { f = (kappa * (theta - x.array())).matrix(); },
      [sigma](S, matrix_t<S>& g) { g(0, 0) = sigma; }, ensemble<S>::Constant(1, 1, S(q.x0)), S(0), S(q.t1), 1);
}

/// ito: solve(problem, euler_maruyama, keep_terminal) on `threads` threads
/// (0 = all cores). block_size 0 keeps solve_options' default.
inline sde::solution<double> em_ou_ito_solve(const em_ou_params& q, unsigned threads, index_t block_size = 0) {
  auto p = em_ou_problem(q);
  sde::solve_options<> opt;
  opt.steps = q.steps;
  opt.paths = q.paths;
  opt.seed = q.seed;
  opt.threads = threads;
  opt.keep_terminal = true;
  opt.keep_paths = false;
  if (block_size > 0) opt.block_size = block_size;
  return sde::solve(p, sde::euler_maruyama{}, opt);
}

/// The same, returning the terminal mean.
inline double em_ou_ito(const em_ou_params& q, unsigned threads, index_t block_size = 0) {
  return em_ou_ito_solve(q, threads, block_size).terminal_moments().mean(0);
}

/// Seconds taken by f().
template <class F>
double seconds_of(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace ito::bench
