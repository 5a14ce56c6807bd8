#pragma once
/// \file sde.hpp
/// \brief Umbrella header of ito::sde, the generic SDE core: includes every
/// public core header except ito/sde/mpi.hpp, which needs MPI (its headers and
/// the `ito::mpi` target); include that one yourself when you link ito::mpi.
/// (tests/support/headers_check.sh fails when a header is missing here.)
#include "sde/atomic_file.hpp"
#include "sde/brownian.hpp"
#include "sde/convergence.hpp"
#include "sde/error.hpp"
#include "sde/fokker_planck.hpp"
#include "sde/histogram.hpp"
#include "sde/integrate.hpp"
#include "sde/ito_calculus.hpp"
#include "sde/moments.hpp"
#include "sde/observers.hpp"
#include "sde/ou.hpp"
#include "sde/ou_problems.hpp"
#include "sde/parallel.hpp"
#include "sde/problem.hpp"
#include "sde/problems.hpp"
#include "sde/random/philox.hpp"
#include "sde/solve.hpp"
#include "sde/stats.hpp"
#include "sde/steppers/euler_maruyama.hpp"
#include "sde/steppers/heun.hpp"
#include "sde/steppers/milstein.hpp"
#include "sde/steppers/ou_exact.hpp"
#include "sde/steppers/sra1.hpp"
#include "sde/steppers/stepper.hpp"
#include "sde/types.hpp"
