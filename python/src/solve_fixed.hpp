#pragma once
// ito.solve with fixed steps: the body that solve_f32.cpp and solve_f64.cpp instantiate, one
// translation unit per scalar type (they compile in parallel). The Brownian increments and the
// stepping run in C++; the GIL is released except inside the callables.
#include "solve_problem.hpp"

namespace ito::python {

template <class S>
py::object solve_fixed(const user_sde& u, const std::string& method, ito::sde::solve_options<S> opt) {
  return with_user_problem<S>(u, [&](const auto& prob) {
    return with_method(method, prob, [&](auto m) {
      ito::sde::solution<S> sol;
      {
        py::gil_scoped_release nogil;
        sol = ito::sde::solve(prob, m, opt);
      }
      return py::cast(std::move(sol));
    });
  });
}

}  // namespace ito::python
