// The samplers for ve and ou: one instantiation per forward SDE.
#include "sample_run.hpp"

namespace ito::python {
ITO_PY_RUN_SAMPLER(dif::ve_sde)
ITO_PY_RUN_SAMPLER(ou_linear_sde)
}  // namespace ito::python
