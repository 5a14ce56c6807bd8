#pragma once
/// \file diffusion.hpp
/// \brief Umbrella header of ito::diffusion: every public diffusion header, and
/// the core's umbrella ito/sde.hpp (tests/support/headers_check.sh fails when a
/// header is missing here).
#include "sde.hpp"
#include "diffusion/atomic_file.hpp"
#include "diffusion/checkpoint.hpp"
#include "diffusion/csv.hpp"
#include "diffusion/datasets.hpp"
#include "diffusion/ddpm.hpp"
#include "diffusion/forward_sde.hpp"
#include "diffusion/gmm.hpp"
#include "diffusion/likelihood.hpp"
#include "diffusion/metrics.hpp"
#include "diffusion/model.hpp"
#include "diffusion/nn/adam.hpp"
#include "diffusion/nn/mlp.hpp"
#include "diffusion/nn/gemm.hpp"
#include "diffusion/parametrization.hpp"
#include "diffusion/probability_flow.hpp"
#include "diffusion/reverse_sde.hpp"
#include "diffusion/samplers.hpp"
#include "diffusion/score.hpp"
#include "diffusion/train.hpp"
