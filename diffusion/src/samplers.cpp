/// \file samplers.cpp
/// \brief Every sampler and the likelihood for a forward SDE chosen at run time
/// (runtime_forward_sde) and any score (any_score<double>), compiled once here.
///
/// The headers declare these instantiations `extern`, so the program, the Python module,
/// sample_model / model_log_likelihood (src/model.cpp) and any user who picks the forward
/// SDE and the score at run time call this one copy instead of compiling the samplers again.
/// Code that names a concrete forward SDE and score type still instantiates its own (and
/// inlines the score).
#include "ito/diffusion/likelihood.hpp"
#include "ito/diffusion/samplers.hpp"
#include "ito/diffusion/samplers/adaptive.hpp"
#include "ito/diffusion/samplers/adaptive_dpmpp_sde.hpp"
#include "ito/diffusion/samplers/fast.hpp"

namespace ito::diffusion {

template sample_result<double> sample<runtime_forward_sde, any_score<double>, double>(
    sampler_kind, const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&);

template sample_result<double> sample_adaptive<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&,
    const sde::adaptive_options&);

template sample_result<double> sample_adaptive_dpmpp_sde<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const sampler_options&,
    const sde::adaptive_options&);

template sample_result<double> sample_fast<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, index_t, index_t, const fast_sampler_options&);

template likelihood_result log_likelihood<runtime_forward_sde, any_score<double>, double>(
    const runtime_forward_sde&, const any_score<double>&, const ensemble<double>&, const likelihood_options&);

}  // namespace ito::diffusion
