#pragma once
/// \file forward_sdes.hpp (example)
/// \brief Example 6: the VP, VE and OU forward SDEs side by side (seed 004
/// section 3.1; seed 000 eq. 1 for OU): their marginal mean coefficient a(t),
/// offset b(t) and std s(t), and what each does to the same 2-D data.
///
///   VP:  dX = -beta(t)/2 X dt + sqrt(beta(t)) dW,   a = e^{-B/2}, s^2 = 1 - e^{-B}, B = int beta
///   VE:  dX = sqrt(d sigma^2(t)/dt) dW,              a = 1, s^2 = sigma(t)^2 - sigma_min^2
///   OU:  dX = g^2/(2 sig^2) (mu - X) dt + g dW,      a = e^{-G/(2 sig^2)}, b = mu (1 - a),
///                                                    s^2 = sig^2 (1 - e^{-G/sig^2}), G = int g^2
/// so q(x_t | x_0) = N(a x_0 + b, s^2 I), and for data with mean m0 and variance v0
///   E X_t = a m0 + b,   Var X_t = a^2 v0 + s^2.
/// VP forgets the data and ends at N(0, I); VE keeps the data's mean and drowns it
/// in noise of std sigma_max; OU pulls it towards its own stationary N(mu, sig^2).
///
/// Check: the two moons are pushed through each SDE by Euler–Maruyama (4000 steps;
/// the SDE, not the closed form), and at three times spaced uniformly in the VP's
/// log-SNR lambda = log(a/s) between t = 0.01 and 1 (rounded to the EM grid; most of the
/// change of the linear VP happens at t < 0.25) and at t = 1 the mean and variance of each
/// coordinate agree with a m0 + b and a^2 v0 + s^2 (|z| < 5). The coefficient curves are
/// sampled at times uniform in the VP's log-SNR too.
/// Files: sdes_coeffs.csv, sdes_moments.csv, sdes_samples.csv.

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/step_schedules.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

#include "example_common.hpp"

namespace ito::examples {

inline bool forward_sdes(const options& opt, std::ostream& out) {
  namespace sde = ito::sde;
  namespace dif = ito::diffusion;
  const dif::vp_sde vp;                                                          // beta 0.1 .. 20
  const dif::ve_sde ve;                                                          // sigma 0.01 .. 50
  const dif::ou_sde<dif::constant_beta> ou(1.0, 0.5, dif::constant_beta{1.5}, 1.0, 1e-3, "ou");  // N(1, 0.25)
  const sde::index_t N = opt.quick ? 4000 : 20000;
  const sde::index_t steps = opt.quick ? 1000 : 4000;
  // three snapshot times uniform in the VP's log-SNR between t = 0.01 and 1, on the EM grid
  std::vector<double> times;
  {
    const auto grid = dif::step_times(vp, dif::step_schedule::logsnr, 4, 0.01);
    for (std::size_t k = 3; k >= 1; --k) times.push_back(std::round(grid[k] * double(steps)) / double(steps));
  }
  // coefficient curves at 201 times uniform in the VP's log-SNR (t from 1e-3 to 1)
  const std::vector<double> curve_times = dif::step_times(vp, dif::step_schedule::logsnr, 200, 1e-3);
  const sde::ensemble<> data = dif::datasets::two_moons(N, 61);
  const Eigen::Vector2d m0 = data.rowwise().mean();
  const Eigen::Vector2d v0 = (data.colwise() - m0).array().square().rowwise().mean();
  out << "Two moons (" << N << " points, mean (" << fixed(m0(0)) << ", " << fixed(m0(1)) << "), variance ("
      << fixed(v0(0)) << ", " << fixed(v0(1)) << ")) through VP (beta 0.1..20), VE (sigma 0.01..50) and OU (mu = 1, "
      << "sigma = 0.5, beta = 1.5) by Euler-Maruyama, " << steps << " steps\n";

  csv coeffs("sde,t,mean_coeff,mean_offset,std,diffusion");
  csv moments("sde,t,coord,mean_mc,mean_exact,mean_z,var_mc,var_exact,var_z");
  csv samples("sde,t,x,y");
  const sde::index_t shown = std::min<sde::index_t>(N, 800);
  for (sde::index_t j = 0; j < shown; ++j) samples.row("data", 0.0, data(0, j), data(1, j));
  bool ok = true;
  double worst = 0;
  auto run = [&](const auto& f) {
    const std::string name = f.name();
    for (auto it = curve_times.rbegin(); it != curve_times.rend(); ++it) {
      const double t = *it;
      coeffs.row(name, t, f.mean_coeff(t), f.mean_offset(t), f.std(t), f.diffusion(t));
    }
    sde::solve_options<> o;
    o.steps = steps;
    o.seed = 62;
    o.threads = opt.threads;
    o.save_times = times;
    o.keep_paths = true;
    const auto sol = sde::solve(f.as_problem(data), sde::euler_maruyama{}, o);
    out << "  " << std::left << std::setw(3) << name << std::right;
    for (std::size_t k = 0; k <= times.size(); ++k) {
      const double t = k < times.size() ? sol.times[k] : f.T();  // the last is the terminal state
      const auto& X = k < times.size() ? sol.snapshots[k] : sol.terminal;
      const double a = f.mean_coeff(t), b = f.mean_offset(t), s = f.std(t);
      for (sde::index_t i = 0; i < 2; ++i) {
        sde::welford w;
        w.add_all(X.row(i));
        const double me = a * m0(i) + b, ve_ = a * a * v0(i) + s * s;
        const auto tm = sde::mean_test(w, me), tv = sde::variance_test(w, ve_);
        moments.row(name, t, i, w.mean, me, tm.z, w.variance(), ve_, tv.z);
        ok = ok && tm.pass && tv.pass;
        worst = std::max({worst, std::abs(tm.z), std::abs(tv.z)});
      }
      for (sde::index_t j = 0; j < shown; ++j) samples.row(name, t, X(0, j), X(1, j));
      out << "   t=" << fixed(t, 3) << ": a=" << fixed(a) << " b=" << fixed(b) << " s=" << fixed(s, 2);
    }
    out << '\n';
  };
  run(vp);
  run(ve);
  run(ou);
  coeffs.save(opt.dir, "sdes_coeffs.csv");
  moments.save(opt.dir, "sdes_moments.csv");
  samples.save(opt.dir, "sdes_samples.csv");
  report_check(out, ok,
               "simulated mean and variance of each coordinate = a m0 + b and a^2 v0 + s^2 at 3 log-SNR-spaced times and 1 for "
               "all three SDEs (16 z-tests per SDE), largest |z| = " + fixed(worst, 2));
  out << "files: sdes_coeffs.csv, sdes_moments.csv, sdes_samples.csv\n";
  return ok;
}

}  // namespace ito::examples
