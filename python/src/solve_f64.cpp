// ito.solve with fixed steps in double (solve_fixed.hpp; one translation unit per scalar type).
#include "solve_fixed.hpp"

namespace ito::python {
template py::object solve_fixed<double>(const user_sde&, const std::string&, ito::sde::solve_options<double>);
}  // namespace ito::python
