// Demo parts of the SDE core: an Euler–Maruyama OU ensemble against the exact
// moments, and the convergence table of every stepper.
#include <cmath>
#include <fstream>
#include <iomanip>

#include <ito/sde/atomic_file.hpp>
#include <ito/sde/solve.hpp>

#include "convergence_run.hpp"
#include "demo.hpp"

namespace demo_core {
using namespace ito::sde;

// seed 004 appendix: E X_t = theta + (x0 - theta) e^{-kappa t}, Var X_t = sigma^2 (1 - e^{-2 kappa t}) / (2 kappa)
bool ou_ensemble(ito::cli::demo_context& c) {
  const double kappa = 2, theta = 0.5, sigma = 0.8, x0 = 1.5;
  auto p = make_additive_problem<double>(
      [=](const ensemble<>& x, double, ensemble<>& f) { f = (kappa * (theta - x.array())).matrix(); },
      [=](double, matrix_t<>& g) { g(0, 0) = sigma; }, ensemble<>::Constant(1, 1, x0), 0.0, 1.0, 1);
  solve_options<> o;
  o.steps = 1000;
  o.paths = c.quick ? 20000 : 200000;
  o.seed = 2026;
  o.threads = c.threads;
  o.keep_paths = false;
  o.save_times = {0.1, 0.25, 0.5, 0.75, 1.0};
  const auto sol = solve(p, euler_maruyama{}, o);
  c.out << "dX = " << kappa << " (" << theta << " - X) dt + " << sigma << " dW, X0 = " << x0 << ": " << o.paths
        << " Euler-Maruyama paths, dt = 1e-3, " << sol.summary.seconds << " s on " << sol.summary.threads
        << " threads\n";
  c.out << "     t   exact mean     MC mean     z(mean)   exact var      MC var     z(var)\n";
  std::string csv = "t,exact_mean,mc_mean,mean_se,exact_var,mc_var,var_se\n";
  bool ok = true;
  for (std::size_t i = 0; i < sol.times.size(); ++i) {
    const double t = sol.times[i];
    const double mean = theta + (x0 - theta) * std::exp(-kappa * t);
    const double var = sigma * sigma * -std::expm1(-2 * kappa * t) / (2 * kappa);
    const auto& m = sol.moments[i];
    const double se_m = std::sqrt(m.variance()(0) / double(m.count));
    const double se_v = m.variance()(0) * std::sqrt(2.0 / double(m.count - 1));
    const double zm = (m.mean(0) - mean) / se_m, zv = (m.variance()(0) - var) / se_v;
    // EM's variance bias at dt = 1e-3 is about kappa dt relative: well inside 5 sigma at these sizes
    ok = ok && std::abs(zm) < 5 && std::abs(zv) < 5;
    c.out << std::fixed << std::setprecision(3) << std::setw(6) << t << std::setprecision(6) << std::setw(13) << mean
          << std::setw(12) << m.mean(0) << std::setprecision(2) << std::setw(11) << zm << std::setprecision(6)
          << std::setw(12) << var << std::setw(12) << m.variance()(0) << std::setprecision(2) << std::setw(11) << zv
          << std::defaultfloat << '\n';
    csv += ito::detail::to_text(t) + "," + ito::detail::to_text(mean) + "," + ito::detail::to_text(m.mean(0)) + "," +
           ito::detail::to_text(se_m) + "," + ito::detail::to_text(var) + "," +
           ito::detail::to_text(m.variance()(0)) + "," + ito::detail::to_text(se_v) + "\n";
  }
  ito::write_file_atomically(c.dir + "/ou_em_moments.csv", csv);
  c.out << "all |z| < 5: " << (ok ? "yes" : "NO") << "; table in " << c.dir << "/ou_em_moments.csv\n";
  return ok;
}

bool convergence_table(ito::cli::demo_context& c) {
  struct row {
    const char *problem, *method;
    double strong;
  };
  const row rows[] = {{"gbm", "em", 0.5},          {"gbm", "milstein", 1.0},      {"sinh", "milstein-df", 1.0},
                      {"additive", "em", 1.0},     {"double-well", "sra1", 1.5}};
  convergence_options o;
  o.paths = c.quick ? 2000 : 10000;
  o.levels = 5;
  o.coarsest_steps = 16;
  o.seed = 7;
  o.threads = c.threads;
  std::string csv = "problem,method,dt,strong_error,strong_se,weak_error,weak_se\n";
  bool ok = true;
  c.out << "Strong error E|X_T - X(T)| on the same Brownian path, dt = 1/16 .. 1/256 (seed 004, EM discretisation)\n";
  c.out << "  problem       method        strong order (theory)   weak order\n";
  for (const auto& r : rows) {
    const auto res = ito::cli::run_convergence(r.problem, r.method, o);
    const bool pass = std::abs(res.strong_order - r.strong) < 0.15;
    ok = ok && pass;
    c.out << "  " << std::left << std::setw(14) << r.problem << std::setw(14) << r.method << std::right << std::fixed
          << std::setprecision(3) << std::setw(8) << res.strong_order << "  (" << r.strong << ")" << std::setw(16)
          << res.weak_order << (pass ? "" : "   <- outside +-0.15") << std::defaultfloat << '\n';
    for (const auto& l : res.levels)
      csv += std::string(r.problem) + "," + r.method + "," + ito::detail::to_text(l.dt) + "," +
             ito::detail::to_text(l.strong) + "," + ito::detail::to_text(l.strong_se) + "," +
             ito::detail::to_text(l.weak) + "," + ito::detail::to_text(l.weak_se) + "\n";
  }
  ito::write_file_atomically(c.dir + "/convergence.csv", csv);
  c.out << "every fitted strong order within +-0.15 of theory: " << (ok ? "yes" : "NO") << "; errors in " << c.dir
        << "/convergence.csv\n";
  return ok;
}

const bool r1 = ito::cli::add_demo_part({10, "ou-em", "Euler-Maruyama OU ensemble against the exact moments", ou_ensemble});
const bool r2 = ito::cli::add_demo_part({20, "convergence", "Convergence orders of the steppers", convergence_table});
}  // namespace demo_core
