#pragma once
/// \file diffusion.hpp
/// \brief Umbrella header of ito::diffusion.
#include "diffusion/ddpm.hpp"
#include "diffusion/forward_sde.hpp"
#include "diffusion/likelihood.hpp"
#include "diffusion/parametrization.hpp"
#include "diffusion/probability_flow.hpp"
#include "diffusion/reverse_sde.hpp"
#include "diffusion/samplers.hpp"
#include "diffusion/score.hpp"
