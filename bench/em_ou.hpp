#pragma once
/// \file em_ou.hpp
/// \brief Workload W1's side-by-side rows for bench/bench_em_ou.cpp: ito's
/// solve (cli/em_ou_workload.hpp, the same code `ito bench em-ou` times), the
/// obvious hand-written loop and the floor of drawing the normals. Each row
/// returns a checksum of what it computed so the compiler cannot drop the work.

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <vector>

#include "../cli/em_ou_workload.hpp"

namespace ito::bench {

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

}  // namespace ito::bench
