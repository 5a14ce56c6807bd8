#pragma once
// The one place where an `ito` command chooses between one process and MPI.
//
//   auto sol = ito::cli::run_solve(problem, method, options);  // instead of ito::sde::solve
//   if (ito::cli::is_root()) { print, write files }
//
// Built with MPI (ITO_WITH_MPI) and launched by mpirun/srun (the launcher's
// environment variables OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK are set),
// MPI is initialised once per process (at start-up, see cmd_mpi_info.cpp, so
// that even argument errors are printed once), finalised at exit, ranks other
// than 0 have std::cout/std::cerr muted, and
// run_solve is ito::mpi::solve over MPI_COMM_WORLD: rank 0 gets the result a
// single process computes, bit for bit. Otherwise (no MPI in the build, or a
// plain `ito ...` without a launcher) it is ito::sde::solve and is_root() is
// true. Only rank 0 should print or write.
//
// For commands that fold their own statistics over a static partition of the
// work (validate-ou's streaming mode): local_threads, raise_everywhere,
// gather_to_root (rank order) and reduce_to_root (histograms, exact); without
// MPI they are the one-process identities.
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <ito/sde/histogram.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>

#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
#include <iostream>
#include <optional>

#include <ito/sde/mpi.hpp>
#endif

namespace ito::cli {

#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
inline constexpr bool built_with_mpi = true;
#else
inline constexpr bool built_with_mpi = false;
#endif

/// Started by an MPI launcher (Open MPI's mpirun, or a PMI/PMIx launcher such as srun or MPICH's).
inline bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}

#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
namespace detail {
/// MPI for this process: initialised on first use when launched by MPI, finalised at exit.
struct mpi_process {
  std::optional<ito::mpi::environment> env;
  mpi_process() {
    if (!launched_by_mpi()) return;
    env.emplace();
    // Only rank 0 speaks: the other ranks' std::cout and std::cerr are muted
    // (errors are raised on every rank by ito::mpi::solve, so rank 0 reports
    // them; a rank's exit status still reaches mpirun).
    if (ito::mpi::communicator{}.rank() != 0) {
      std::cout.setstate(std::ios::badbit);
      std::cerr.setstate(std::ios::badbit);
    }
  }
};
inline std::optional<ito::mpi::environment>& mpi_session() {
  static mpi_process process;
  return process.env;
}
inline bool mpi_active() { return mpi_session().has_value() && ito::mpi::environment::initialized(); }
}  // namespace detail
#endif

/// This process's rank and the number of ranks (0 and 1 without MPI).
inline int world_rank() {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::communicator{}.rank();
#endif
  return 0;
}
inline int world_size() {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::communicator{}.size();
#endif
  return 1;
}
/// Only rank 0 prints and writes files.
inline bool is_root() { return world_rank() == 0; }

/// ito::sde::solve, or ito::mpi::solve over all ranks when running under MPI
/// (identical results on rank 0; other ranks get only the summary).
template <class P, class Method>
ito::sde::solution<typename P::scalar_type> run_solve(const P& p, const Method& method,
                                                      const ito::sde::solve_options<typename P::scalar_type>& opt) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::solve(ito::mpi::communicator{}, p, method, opt);
#endif
  return ito::sde::solve(p, method, opt);
}

/// Threads for this process: `requested`, or for 0 the hardware threads divided among this node's ranks
/// (under MPI a collective call: every rank must call it).
inline unsigned local_threads(unsigned requested) {
  if (requested > 0) return requested;
  unsigned node = 1;
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) node = unsigned(std::max(1, ito::mpi::communicator{}.node_size()));
#endif
  return std::max(1u, std::max(1u, std::thread::hardware_concurrency()) / node);
}

/// Every rank raises the lowest failing rank's exception (one process: rethrows err if set).
/// Call it before a collective that a failed rank would otherwise miss.
inline void raise_everywhere(const std::exception_ptr& err) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::detail::raise_if_any(err, ito::mpi::communicator{});
#endif
  if (err) std::rethrow_exception(err);
}

/// Rank 0: every rank's values concatenated in rank order (other ranks: empty; one process: mine).
inline std::vector<double> gather_to_root(const std::vector<double>& mine) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::gather_concat(mine, ito::mpi::communicator{});
#endif
  return mine;
}
inline std::vector<ito::sde::welford> gather_to_root(const std::vector<ito::sde::welford>& mine) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) return ito::mpi::gather_welford(mine, ito::mpi::communicator{});
#endif
  return mine;
}

/// Rank 0's histogram becomes the exact sum over all ranks (one process: unchanged).
inline void reduce_to_root(ito::sde::histogram& h) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (detail::mpi_active()) ito::mpi::reduce(h, ito::mpi::communicator{});
#endif
  (void)h;
}

}  // namespace ito::cli
