// run_convergence (convergence_run.hpp): compiled once for `ito convergence` and the demo.
#include "convergence_run.hpp"

#include <string>

#include <ito/sde/error.hpp>

namespace ito::cli {

ito::sde::convergence_result run_convergence(const std::string& problem, const std::string& method,
                                             const ito::sde::convergence_options& o) {
  using namespace ito::sde;
  auto with_known = [&](const auto& k) {
    return with_method(method, k.problem, [&](auto m) { return convergence_study(k.problem, m, k.exact, o); });
  };
  if (problem == "gbm") return with_known(gbm_problem<double>());
  if (problem == "gbm-stratonovich") return with_known(gbm_stratonovich_problem<double>());
  if (problem == "sinh") return with_known(sinh_problem<double>());
  if (problem == "additive") return with_known(additive_problem<double>());
  if (problem == "diagonal") return with_known(diagonal_gbm_problem<double>());
  if (problem == "double-well") {
    auto p = double_well_problem<double>(1.0, 0.5, 1.0);
    return with_method(method, p, [&](auto m) {
      return convergence_study(p, m, reference_solution<sra1>{sra1{}, 4}, o);
    });
  }
  throw ito::invalid_argument("--problem = " + problem + ": expected one of " + convergence_problem_names);
}

}  // namespace ito::cli
