// ito.solve(..., adaptive=True): the user's SDE with adaptive steps (ito/sde/adaptive.hpp). The
// callables get t as an (n, 1) array of per-path times (one call per attempted step and stage).
#include "solve_problem.hpp"

namespace ito::python {

py::object solve_adaptive(const user_sde& u, const std::string& method, ito::sde::solve_options<double> opt,
                          const ito::sde::adaptive_options& control) {
  return with_user_problem<double>(u, [&](const auto& prob) {
    return with_adaptive_method(method, prob, control, [&](const auto& m) {
      ito::sde::adaptive_solution<double> sol;
      {
        py::gil_scoped_release nogil;
        sol = ito::sde::solve(prob, m, opt);
      }
      return py::cast(std::move(sol));
    });
  });
}

}  // namespace ito::python
