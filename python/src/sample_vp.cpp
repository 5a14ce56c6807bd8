// The samplers for the VP family (vp, vp-cosine, subvp): one instantiation per forward SDE.
#include "sample_run.hpp"

namespace ito::python {
ITO_PY_RUN_SAMPLER(dif::vp_sde)
ITO_PY_RUN_SAMPLER(dif::vp_cosine_sde)
ITO_PY_RUN_SAMPLER(dif::subvp_sde)
}  // namespace ito::python
