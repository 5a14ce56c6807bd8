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
