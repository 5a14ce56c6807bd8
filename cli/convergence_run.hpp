#pragma once
// Shared by `ito convergence` and the demo: run a convergence study by names.
#include <iomanip>
#include <ostream>
#include <string>

#include <ito/sde/convergence.hpp>
#include <ito/sde/problems.hpp>

#include "methods.hpp"

namespace ito::cli {

inline constexpr const char* convergence_problem_names = "gbm|gbm-stratonovich|sinh|additive|double-well|diagonal";

/// Run `method` on the named test problem. The double well has no closed form:
/// its reference is SRA1 on a 16x finer grid of the same path. Defined in
/// convergence_run.cpp: every problem x method pair is instantiated there once.
ito::sde::convergence_result run_convergence(const std::string& problem, const std::string& method,
                                             const ito::sde::convergence_options& o);

/// The table: dt, strong error +- se, weak error +- se, then the fitted orders.
inline void print_convergence(std::ostream& os, const ito::sde::convergence_result& r) {
  os << std::setw(12) << "dt" << std::setw(26) << "strong error +- se" << std::setw(26) << "weak error +- se" << '\n';
  for (const auto& l : r.levels) {
    os << std::setw(12) << std::setprecision(5) << l.dt << std::setw(13) << std::scientific << std::setprecision(4)
       << l.strong << " +- " << std::setw(9) << std::setprecision(2) << l.strong_se << std::setw(13)
       << std::setprecision(4) << l.weak << " +- " << std::setw(9) << std::setprecision(2) << l.weak_se
       << std::defaultfloat << '\n';
  }
  os << "fitted strong order " << std::fixed << std::setprecision(3) << r.strong_order << ", weak order "
     << r.weak_order << std::defaultfloat << "  (" << r.method << ", " << r.paths << " paths)\n";
}

}  // namespace ito::cli
