#pragma once
/// \file fokker_planck.hpp (example)
/// \brief Example 3: a double-well SDE's histogram evolving over time, over the
/// density of its Fokker–Planck equation (seed 001):
///
///   dX = (X - X^3) dt + sigma dW,
///   dp/dt = -d/dx [(x - x^3) p] + sigma^2/2 d^2p/dx^2 = -dJ/dx,
///   stationary p_inf(x) ~ exp(2 (x^2/2 - x^4/4) / sigma^2)  (J = 0).
///
/// The same initial law N(m0, s0^2) (just right of the barrier at 0) is pushed
/// forward twice: by Euler–Maruyama on N paths, and by the conservative
/// finite-volume solver ito::sde::fokker_planck_1d. Mass first runs into the
/// right well, then leaks over the barrier until both wells hold one half.
///
/// Check, at each time: the L1 distance sum_b |c_b/N - P_b| between the
/// histogram's bin masses c_b/N and the FP bin masses P_b is below
/// E + 5 sd + delta, where E = sum_b sqrt(2/pi) sqrt(P_b(1-P_b)/N) and
/// sd^2 = sum_b (1 - 2/pi) P_b(1-P_b)/N are the mean and spread of the L1 of a
/// perfect sampler (normal approximation of each bin count), and delta = 0.01
/// allows for EM's O(dt) weak error and the FP grid. The FP mass stays 1.
/// Files: fp_density.csv (fine FP grid), fp_hist.csv, fp_check.csv.

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <numbers>
#include <ostream>
#include <vector>

#include <ito/sde/brownian.hpp>
#include <ito/sde/fokker_planck.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

#include "example_common.hpp"

namespace ito::examples {

inline bool fokker_planck(const options& opt, std::ostream& out) {
  namespace sde = ito::sde;
  const double sigma = 0.7, m0 = 0.2, s0 = 0.1, dt = 1e-3;
  const std::vector<double> times{0.5, 1, 2, 4, 8};
  const double T = times.back();
  const sde::index_t N = opt.quick ? 20000 : 100000;
  const double a = -2.5, b = 2.5;
  const sde::index_t cells = 500, per_bin = 10, bins = cells / per_bin;  // histogram bins of 0.1
  out << "Double well dX = (X - X^3) dt + " << sigma << " dW, X0 ~ N(" << m0 << ", " << s0 * s0 << "); " << N
      << " Euler-Maruyama paths (dt = " << dt << ") against the Fokker-Planck density on [" << a << ", " << b
      << "] (" << cells << " cells, Crank-Nicolson dt = " << dt << ")\n";

  // ---- the SDE: N paths from the initial law ----
  boost::random::mt19937_64 eng(sde::splitmix64(31));
  boost::random::normal_distribution<double> normal(m0, s0);
  sde::ensemble<> x0(1, N);
  for (sde::index_t j = 0; j < N; ++j) x0(0, j) = normal(eng);
  const auto problem = sde::make_additive_problem<double>(
      [](const sde::ensemble<>& x, double, sde::ensemble<>& f) { f = (x.array() - x.array().cube()).matrix(); },
      [sigma](double, sde::matrix_t<>& g) { g(0, 0) = sigma; }, x0, 0.0, T, 1);
  sde::solve_options<> o;
  o.steps = sde::index_t(std::lround(T / dt));
  o.paths = N;
  o.seed = 32;
  o.threads = opt.threads;
  o.save_times.assign(times.begin(), times.end() - 1);
  o.keep_paths = true;
  const auto sol = sde::solve(problem, sde::euler_maruyama{}, o);

  // ---- the Fokker–Planck equation from the same law ----
  sde::fokker_planck_1d fp([](double x, double) { return x - x * x * x; }, [sigma](double, double) { return sigma; },
                           a, b, cells);
  fp.set_gaussian(m0, s0 * s0);
  const double U2 = 2 / (sigma * sigma);
  std::vector<double> p_inf(std::size_t(cells), 0.0);
  double z = 0;
  for (sde::index_t i = 0; i < cells; ++i) {
    const double x = fp.center(i);
    z += p_inf[std::size_t(i)] = std::exp(U2 * (x * x / 2 - x * x * x * x / 4));
  }
  for (auto& v : p_inf) v /= z * fp.dx();

  csv density("t,x,p_fp,p_stationary");
  csv hist("t,x,width,density_mc,density_fp");
  csv check("t,l1,l1_noise_mean,l1_noise_sd,l1_bound");
  bool ok = true;
  out << "      t    L1(hist, FP)   perfect-sampler L1 (mean +- sd)   bound   FP mass - 1\n";
  for (std::size_t k = 0; k <= times.size(); ++k) {
    const double t = k == 0 ? 0.0 : times[k - 1];
    if (k > 0) fp.advance(t, dt);
    const sde::ensemble<>& X = k == 0 ? x0 : (k == times.size() ? sol.terminal : sol.snapshots[k - 1]);
    for (sde::index_t i = 0; i < cells; ++i) density.row(t, fp.center(i), fp.density()(i), p_inf[std::size_t(i)]);
    std::vector<double> count(std::size_t(bins), 0.0);
    const double w = fp.dx() * double(per_bin);
    for (sde::index_t j = 0; j < X.cols(); ++j) {
      const auto bin = sde::index_t(std::floor((X(0, j) - a) / w));
      if (bin >= 0 && bin < bins) count[std::size_t(bin)] += 1;
    }
    double l1 = 0, mean = 0, var = 0;
    for (sde::index_t bin = 0; bin < bins; ++bin) {
      const double P = fp.density().segment(bin * per_bin, per_bin).sum() * fp.dx();
      const double c = count[std::size_t(bin)] / double(N);
      l1 += std::abs(c - P);
      mean += std::sqrt(2 / std::numbers::pi * P * (1 - P) / double(N));
      var += (1 - 2 / std::numbers::pi) * P * (1 - P) / double(N);
      hist.row(t, a + (double(bin) + 0.5) * w, w, c / w, P / w);
    }
    // mass outside [a, b] counts as error too
    double outside = 0;
    for (sde::index_t j = 0; j < X.cols(); ++j) outside += (X(0, j) < a || X(0, j) >= b) ? 1.0 : 0.0;
    l1 += outside / double(N);
    const double bound = mean + 5 * std::sqrt(var) + 0.01;
    check.row(t, l1, mean, std::sqrt(var), bound);
    const bool pass = l1 < bound && std::abs(fp.mass() - 1) < 1e-9;
    ok = ok && pass;
    out << std::setw(7) << t << std::setw(15) << fixed(l1, 4) << std::setw(20) << fixed(mean, 4) << " +- "
        << fixed(std::sqrt(var), 4) << std::setw(14) << fixed(bound, 4) << std::setw(14) << std::scientific
        << std::setprecision(1) << fp.mass() - 1 << std::defaultfloat << std::setprecision(6) << (pass ? "" : "   <- FAIL") << '\n';
  }
  double l1_inf = 0;
  for (sde::index_t i = 0; i < cells; ++i) l1_inf += std::abs(fp.density()(i) - p_inf[std::size_t(i)]) * fp.dx();
  density.save(opt.dir, "fp_density.csv");
  hist.save(opt.dir, "fp_hist.csv");
  check.save(opt.dir, "fp_check.csv");
  report_check(out, ok, "histogram within the perfect-sampler L1 + 5 sd + 0.01 of the FP density at every t; FP mass 1");
  out << "  at t = " << T << " the FP density is " << fixed(l1_inf, 3)
      << " (L1) from the stationary exp(-2U/sigma^2): the wells are still equalising\n";
  out << "files: fp_density.csv, fp_hist.csv, fp_check.csv\n";
  return ok;
}

}  // namespace ito::examples
