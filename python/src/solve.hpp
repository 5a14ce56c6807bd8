#pragma once
// ito.solve: a user-defined SDE whose drift and diffusion are Python callables on the whole
// batch. The arguments that define the SDE, and the integrations (compiled in separate
// translation units: solve_f64.cpp, solve_f32.cpp, solve_adaptive.cpp).
#include "common.hpp"

namespace ito::python {

/// The keyword arguments of ito.solve that define the SDE (handles borrowed from the call).
struct user_sde {
  py::handle drift, diffusion, x0, noise_dim, derivative;
  std::string noise, calculus;
  double t0 = 0, t1 = 1;
};

/// ito.solve with fixed steps.
template <class S>
py::object solve_fixed(const user_sde& u, const std::string& method, ito::sde::solve_options<S> opt);
extern template py::object solve_fixed<double>(const user_sde&, const std::string&, ito::sde::solve_options<double>);
extern template py::object solve_fixed<float>(const user_sde&, const std::string&, ito::sde::solve_options<float>);

/// ito.solve with adaptive steps (float64).
py::object solve_adaptive(const user_sde& u, const std::string& method, ito::sde::solve_options<double> opt,
                          const ito::sde::adaptive_options& control);

}  // namespace ito::python
