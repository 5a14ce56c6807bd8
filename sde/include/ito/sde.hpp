#pragma once
/// \file sde.hpp
/// \brief Umbrella header of ito::sde, the generic SDE core.
#include "sde/brownian.hpp"
#include "sde/error.hpp"
#include "sde/integrate.hpp"
#include "sde/observers.hpp"
#include "sde/problem.hpp"
#include "sde/solve.hpp"
#include "sde/steppers/euler_maruyama.hpp"
#include "sde/steppers/heun.hpp"
#include "sde/steppers/milstein.hpp"
#include "sde/steppers/sra1.hpp"
#include "sde/types.hpp"
#include "sde/convergence.hpp"
#include "sde/problems.hpp"
