#pragma once
/// \file em_ou.hpp
/// \brief Workload W1 (issue 2, sec. 5): Euler–Maruyama on the 1-D OU process
///   dX = kappa (theta - X) dt + sigma dW,  kappa = 2, theta = 0.5, sigma = 0.8,
///   x0 = 1.5, T = 1, N = 100000 paths, M = 1000 steps, double
/// (seed 000, OU process; seed 004, Euler–Maruyama discretisation).
///
/// Shared by bench/bench_em_ou.cpp (the side-by-side rows) and
/// `ito bench em-ou` (ito's own figure). Each row returns a checksum of what it
/// computed so the compiler cannot drop the work.

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

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

/// ito with a chosen Brownian source (sde::counter_brownian<S>, the default;
/// sde::tree_brownian<S>; the legacy sde::brownian_block<S>) and scalar type S.
template <class S, class Source>
inline sde::solution<S> em_ou_ito_solve_with(const em_ou_params& q, unsigned threads, index_t block_size = 0) {
  auto p = em_ou_problem<S>(q);
  sde::solve_options<S> opt;
  opt.steps = q.steps;
  opt.paths = q.paths;
  opt.seed = q.seed;
  opt.threads = threads;
  opt.keep_terminal = true;
  opt.keep_paths = false;
  if (block_size > 0) opt.block_size = block_size;
  return sde::solve<decltype(p), sde::euler_maruyama, Source>(p, sde::euler_maruyama{}, opt);
}

/// The floor of a Brownian source: the increments of every block of 512 paths
/// over every step, drawn through the source exactly as solve's loop asks for
/// them, and nothing else (one thread). Returns a checksum.
template <class S, class Source>
inline double em_ou_source_floor(const em_ou_params& q, index_t block = 512) {
  sde::ensemble<S> dW;
  double total = 0;
  const S h = S(q.t1 / double(q.steps));
  for (index_t first = 0; first < q.paths; first += block) {
    sde::brownian_setup s;
    s.seed = q.seed;
    s.block = first / block;
    s.first_path = first;
    s.paths = std::min(block, q.paths - first);
    s.t0 = 0;
    s.t1 = q.t1;
    s.steps = q.steps;
    s.dt = q.t1 / double(q.steps);
    s.min_step = s.dt;
    Source src(s);
    for (index_t k = 0; k < q.steps; ++k) {
      if constexpr (requires { src.increment_between(S(0), S(0), dW); })
        src.increment_between(S(double(k) * s.dt), S(double(k + 1) * s.dt), dW);
      else
        src.increment(h, dW);
      total += double(dW(0, 0));
    }
  }
  return total;
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

/// The obvious hand-written loop: one engine, paths x steps, one thread.
/// Returns the terminal mean.
inline double em_ou_hand_loop(const em_ou_params& q) {
  boost::random::mt19937_64 engine(q.seed);
  boost::random::normal_distribution<double> normal;
  const double h = q.t1 / double(q.steps), sqrt_h = std::sqrt(h);
  double sum = 0;
  for (index_t i = 0; i < q.paths; ++i) {
    double x = q.x0;
    for (index_t k = 0; k < q.steps; ++k) x += q.kappa * (q.theta - x) * h + q.sigma * sqrt_h * normal(engine);
    sum += x;
  }
  return sum / double(q.paths);
}

/// The floor: draw paths x steps normals with the same engine and
/// distribution into a buffer of `chunk` values, as the solver does, and
/// nothing else. Returns the sum of the last buffer.
inline double em_ou_normals_floor(const em_ou_params& q, index_t chunk = 512) {
  boost::random::mt19937_64 engine(q.seed);
  boost::random::normal_distribution<double> normal;
  std::vector<double> buf(std::size_t(chunk), 0.0);
  double total = 0;
  const index_t chunks = (q.paths + chunk - 1) / chunk;
  for (index_t c = 0; c < chunks; ++c) {
    const index_t len = std::min(chunk, q.paths - c * chunk);
    for (index_t k = 0; k < q.steps; ++k) {
      for (index_t i = 0; i < len; ++i) buf[std::size_t(i)] = normal(engine);
      total += buf[std::size_t(len - 1)];
    }
  }
  return total;
}

/// Seconds taken by f().
template <class F>
double seconds_of(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace ito::bench
