#pragma once
// The samplers over the type-erased score, for one forward SDE type: each translation unit that
// includes this instantiates run_sampler for some of the five forward SDEs.
#include <ito/diffusion/samplers/adaptive.hpp>

#include "forward.hpp"

namespace ito::python {

template <class F>
dif::sample_result<double> run_sampler(const F& sde, const erased_score& score, index_t d, index_t n,
                                       const std::string& sampler, const dif::sampler_options& opt,
                                       const std::optional<ito::sde::adaptive_options>& adaptive) {
  if (adaptive) return dif::sample_adaptive<F, erased_score, double>(sde, score, d, n, opt, *adaptive);
  return dif::sample<F, erased_score, double>(dif::parse_sampler(sampler), sde, score, d, n, opt);
}

/// Explicit instantiation of run_sampler for the forward SDE type F.
#define ITO_PY_RUN_SAMPLER(F)                                                                                       \
  template dif::sample_result<double> run_sampler<F>(const F&, const erased_score&, index_t, index_t,             \
                                                     const std::string&, const dif::sampler_options&,            \
                                                     const std::optional<ito::sde::adaptive_options>&);

}  // namespace ito::python
