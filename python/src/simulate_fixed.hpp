#pragma once
// ito.simulate with fixed steps; instantiated once per scalar type (simulate_f64.cpp, simulate_f32.cpp).
#include <ito/sde/steppers/cir_exact.hpp>
#include <ito/sde/steppers/ou_exact.hpp>

#include "simulate.hpp"

namespace ito::python {

template <class S>
py::object simulate_fixed(const params& p, double t1, const std::string& method, const ito::sde::solve_options<S>& opt) {
  ito::sde::solution<S> sol = with_builtin<S>(p, S(t1), [&](const auto& prob) {
    using P = std::decay_t<decltype(prob)>;
    if (method == "exact") {
      if constexpr (ito::sde::is_ou_drift<typename P::drift_type>::value) {
        py::gil_scoped_release nogil;
        return ito::sde::solve(prob, ito::sde::ou_exact{}, opt);
      } else if constexpr (ito::sde::cir_exact::accepts<P>) {
        py::gil_scoped_release nogil;
        return ito::sde::solve(prob, ito::sde::cir_exact{}, opt);
      } else {
        throw ito::invalid_argument("method = exact: only problems 'ou' and 'cir' have an exact sampler");
      }
    }
    return with_method(method, prob, [&](auto m) {
      py::gil_scoped_release nogil;
      return ito::sde::solve(prob, m, opt);
    });
  });
  return py::cast(std::move(sol));
}

}  // namespace ito::python
