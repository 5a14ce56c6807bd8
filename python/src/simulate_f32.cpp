// ito.simulate with fixed steps in float (one translation unit per scalar type: they compile in parallel).
#include "simulate_fixed.hpp"

namespace ito::python {
template py::object simulate_fixed<float>(const params&, double, const std::string&, const ito::sde::solve_options<float>&);
}  // namespace ito::python
