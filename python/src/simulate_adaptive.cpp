// ito.simulate(..., adaptive=True): the built-in problems with adaptive steps (ito/sde/adaptive.hpp).
#include "simulate.hpp"

namespace ito::python {

py::object simulate_adaptive(const params& p, double t1, const std::string& method,
                             const ito::sde::solve_options<double>& opt, const ito::sde::adaptive_options& control) {
  return with_builtin<double>(p, t1, [&](const auto& prob) {
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
