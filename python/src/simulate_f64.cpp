// ito.simulate with fixed steps in double (one translation unit per scalar type: they compile in parallel).
#include "simulate_fixed.hpp"

namespace ito::python {
template py::object simulate_fixed<double>(const params&, double, const std::string&, const ito::sde::solve_options<double>&);
}  // namespace ito::python
