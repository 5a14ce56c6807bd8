#pragma once
/// \file convergence.hpp (example)
/// \brief Example 2: strong and weak error against the step dt on log-log axes,
/// with fitted slopes for Euler–Maruyama, Milstein and SRA1 against the
/// theoretical orders (seed 004, "Euler–Maruyama discretisation": Y_{n+1} =
/// Y_n + mu(Y_n) dt + sigma(Y_n) dW_n; Kloeden & Platen 1992 for the orders).
///
///   strong error e_s(dt) = E |X_T^dt - X(T)|       ~ C dt^p (strong order p)
///   weak error   e_w(dt) = |E X_T^dt - E X(T)|     ~ C dt^q (weak order q)
/// Every method sees the same Brownian paths at every dt (the coarse increments
/// are sums of the fine ones: ito::sde::convergence_study), so the differences
/// between levels are discretisation error, not sampling noise.
///  - geometric Brownian motion dX = a X dt + b X dW, X(T) = x0 exp((a - b^2/2) T + b W_T):
///    Euler–Maruyama p = 1/2, q = 1; Milstein p = 1, q = 1;
///  - the double well dX = (X - X^3) dt + dW (additive noise), reference SRA1 on a
///    16x finer grid of the same path: Euler–Maruyama p = 1 (additive noise), SRA1 p = 3/2, q = 2.
/// The check: every fitted strong order within 0.15 of its theory.
/// Files: convergence_errors.csv (one row per method and dt), convergence_orders.csv.

#include <cmath>
#include <ostream>
#include <string>

#include <ito/sde/convergence.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/sra1.hpp>

#include "example_common.hpp"

namespace ito::examples {

inline bool convergence(const options& opt, std::ostream& out) {
  namespace sde = ito::sde;
  sde::convergence_options o;
  o.paths = opt.quick ? 2000 : 20000;
  o.levels = 6;
  o.coarsest_steps = 8;  // dt = 1/8 .. 1/256
  o.seed = 11;
  o.threads = opt.threads;

  csv errors("problem,method,dt,strong_error,strong_se,weak_error,weak_se");
  csv orders("problem,method,strong_order,strong_theory,weak_order,weak_theory");
  bool ok = true;
  out << "Strong and weak error at T = 1 for dt = 1/8 .. 1/256, " << o.paths
      << " paths, the same Brownian paths at every dt\n";
  out << "  problem       method           strong order (theory)   weak order (theory)\n";
  auto record = [&](const char* problem, const sde::convergence_result& r, double p, double q) {
    for (const auto& l : r.levels) errors.row(problem, r.method, l.dt, l.strong, l.strong_se, l.weak, l.weak_se);
    orders.row(problem, r.method, r.strong_order, p, r.weak_order, q);
    const bool pass = std::abs(r.strong_order - p) < 0.15;
    ok = ok && pass;
    out << "  " << std::left << std::setw(14) << problem << std::setw(17) << r.method << std::right << std::setw(7)
        << fixed(r.strong_order) << "  (" << p << ")" << std::setw(17) << fixed(r.weak_order) << "  (" << q << ")"
        << (pass ? "" : "   <- strong order outside +-0.15") << '\n';
  };

  const auto gbm = sde::gbm_problem<double>();
  record("gbm", sde::convergence_study(gbm.problem, sde::euler_maruyama{}, gbm.exact, o), 0.5, 1.0);
  record("gbm", sde::convergence_study(gbm.problem, sde::milstein{}, gbm.exact, o), 1.0, 1.0);
  const auto well = sde::double_well_problem<double>(1.0, 0.5, 1.0);
  const sde::reference_solution<sde::sra1> ref{sde::sra1{}, 4};
  record("double-well", sde::convergence_study(well, sde::euler_maruyama{}, ref, o), 1.0, 1.0);
  record("double-well", sde::convergence_study(well, sde::sra1{}, ref, o), 1.5, 2.0);

  errors.save(opt.dir, "convergence_errors.csv");
  orders.save(opt.dir, "convergence_orders.csv");
  report_check(out, ok, "every fitted strong order within +-0.15 of theory (weak orders are shown, not checked: "
                        "at small dt the weak errors reach their Monte Carlo noise)");
  out << "files: convergence_errors.csv, convergence_orders.csv\n";
  return ok;
}

}  // namespace ito::examples
