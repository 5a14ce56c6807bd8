#pragma once
/// \file report.hpp
/// \brief The result of validate(): one row per check (name, closed form,
/// estimate, standard error, z or p, the scheme's own prediction, pass) and
/// what was run; passed() and a text printer.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "../stats.hpp"
#include "../types.hpp"
#include "state.hpp"

namespace ito::sde {

/// One check of a validation report.
struct validation_row {
  /// name, expected (the closed form; KS: 0), estimate (KS: D), stderr_ (KS: NaN),
  /// z (KS: NaN), p_value, level, pass.
  test_result result;
  /// What the numerical scheme itself converges to (validate_options::scheme), if given.
  std::optional<double> scheme;
  /// Binned KS only: the bracket of the exact statistic.
  std::optional<ks_bracket> bracket;
};

/// What validate() returns.
struct validation_report {
  std::vector<validation_row> rows;
  std::string method;            ///< the stepper's name
  index_t dim = 0, paths = 0, steps = 0;
  std::uint64_t seed = 0;
  std::vector<double> times;     ///< the check times
  bool exact_ks = true;          ///< KS from the sorted sample (else binned, "streaming")
  index_t block_size = 0, chunk_blocks = 0, ks_bins = 0;
  double max_z = default_max_z;  ///< pass when |z| <= max_z (KS: p >= level_of(max_z))
  double seconds = 0;            ///< wall time

  /// True when every row passes (and there is at least one).
  bool passed() const {
    if (rows.empty()) return false;
    for (const auto& r : rows)
      if (!r.result.pass) return false;
    return true;
  }
  /// The row named `name`, or nullptr.
  const validation_row* find(const std::string& name) const {
    for (const auto& r : rows)
      if (r.result.name == name) return &r;
    return nullptr;
  }

  /// A number as the printer shows it ("-" for NaN/Inf).
  static std::string format(double v, int precision = 6) {
    if (!std::isfinite(v)) return "-";
    std::ostringstream os;
    os << std::setprecision(precision) << v;
    return os.str();
  }

  /// The run line, the table of checks, notes on binned KS rows and the verdict:
  ///   method em, classic mode, 100000 paths, 10 steps, seed 1, 0.2 s; pass: |z| <= 5 (KS: p >= 5.73e-07)
  ///   check  closed form  estimate  stderr  z / p  scheme  pass
  void print(std::ostream& os) const {
    os << "method " << method << ", " << (exact_ks ? "classic" : "streaming") << " mode, " << paths << " paths, "
       << steps << " steps, seed " << seed << ", " << format(seconds, 3) << " s; pass: |z| <= " << format(max_z, 3)
       << " (KS: p >= " << format(level_of(max_z), 3) << ")\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-20s %13s %13s %11s %10s %13s  %s\n", "check", "closed form", "estimate",
                  "stderr", "z / p", "scheme", "pass");
    os << line;
    for (const auto& row : rows) {
      const auto& r = row.result;
      const std::string zp = std::isfinite(r.z) ? format(r.z, 3) : "p=" + format(r.p_value, 3);
      std::snprintf(line, sizeof line, "%-20s %13s %13s %11s %10s %13s  %s\n", r.name.c_str(),
                    format(r.expected).c_str(), format(r.estimate).c_str(), format(r.stderr_, 3).c_str(),
                    zp.c_str(), row.scheme ? format(*row.scheme).c_str() : "", r.pass ? "yes" : "NO");
      os << line;
    }
    for (const auto& row : rows)
      if (row.bracket)
        os << row.result.name << " is binned (" << row.bracket->bins << " bins of u = F(x)): exact D in ["
           << format(row.result.estimate) << ", " << format(row.bracket->estimate_upper) << "], p in ["
           << format(row.bracket->p_value_lower, 3) << ", " << format(row.result.p_value, 3) << "]\n";
    os << (passed() ? "all checks pass\n" : "some checks FAIL\n");
  }
};

inline std::ostream& operator<<(std::ostream& os, const validation_report& r) {
  r.print(os);
  return os;
}

}  // namespace ito::sde
