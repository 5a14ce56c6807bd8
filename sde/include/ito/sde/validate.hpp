#pragma once
/// \file validate.hpp
/// \brief Validation as a library: test a simulation against closed forms.
///
///   auto report = ito::sde::validate(problem, method, law, options);
///   report.print(std::cout);  return report.passed() ? 0 : 1;
///
/// validate/law.hpp     the law (any subset of mean, variance, covariance between two times, CDF)
/// validate/laws.hpp    built-in laws: OU (scalar, time-varying, multivariate), GBM, CIR,
///                      Euler–Maruyama on OU, and any stepper on a linear additive problem
/// validate/state.hpp   the mergeable streaming states and the KS tests
/// validate/report.hpp  the report (rows, passed(), print)
/// validate/run.hpp     validate() itself (chunked, bit-identical for any thread count)
/// validate/mlmc.hpp    validate_mlmc: expectations E phi(X_T) by multilevel Monte Carlo vs closed forms
/// validate/mpi.hpp     ito::mpi::validate (bit-identical for any process count; needs MPI)
#include "validate/law.hpp"
#include "validate/laws.hpp"
#include "validate/mlmc.hpp"
#include "validate/report.hpp"
#include "validate/run.hpp"
#include "validate/state.hpp"
