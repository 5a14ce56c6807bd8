#pragma once
/// \file mlmc/mpi.hpp
/// \brief ito::mpi::mlmc and ito::mpi::mlmc_level_table: multilevel Monte
/// Carlo (mlmc.hpp) over the ranks of an MPI communicator, bit-identical to
/// one process for any number of ranks and threads (link ito::mpi; without
/// MPI's headers this file declares nothing).
///
/// Giles' adaptive algorithm asks for batches of N samples of a level l; the
/// batch is ceil(N / block_size) blocks, and block b draws from
/// brownian_block(seed_l, block0 + b), a function of the global sample index
/// only (mlmc_sample_blocks). Each batch's blocks are split statically over the
/// ranks (ito::mpi::partition: contiguous, in rank order); every rank sums its
/// blocks with its own threads; rank 0 gathers the per-block sums in rank order
/// (= block order, gather_concat), folds them in that order exactly as one
/// process does, and broadcasts the batch's 8 sums. So every rank holds the
/// same sums as a single process, takes the same decisions (new samples, new
/// levels) and returns the same result, bit for bit (same binary and
/// floating-point code). Communication per batch: 8 doubles per block to rank
/// 0, 8 doubles back. An error on any rank is raised on every rank.

#if defined(ITO_WITH_MPI) || __has_include(<mpi.h>)
#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#include "../mlmc.hpp"
#include "../mpi.hpp"

namespace ito::mpi {

namespace detail {
/// The sums of a batch of N samples of level l over the ranks (see the file comment); the same on every rank.
template <class P, class Method>
sde::mlmc_sums mlmc_sample_level(const communicator& comm, const P& p, const Method& method,
                                 const sde::mlmc_payoff& payoff, index_t l, index_t N, index_t block0,
                                 const sde::mlmc_options& o) {
  constexpr std::size_t width = 8;  // n, y1..y4, f1, f2, cost
  const index_t nblocks = (N + o.block_size - 1) / o.block_size;
  const block_range share = partition(0, nblocks, comm.rank(), comm.size());
  std::vector<double> flat;
  std::exception_ptr err;
  try {
    for (const auto& s : sde::mlmc_sample_blocks(p, method, payoff, l, N, block0, share.begin, share.end, o))
      flat.insert(flat.end(), {s.n, s.y1, s.y2, s.y3, s.y4, s.f1, s.f2, s.cost});
  } catch (...) {
    err = std::current_exception();
  }
  raise_if_any(err, comm);  // before the collectives below
  const std::vector<double> all = gather_concat(flat, comm);
  double total[width] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (comm.is_root()) {
    sde::mlmc_sums t;
    for (std::size_t at = 0; at + width <= all.size(); at += width) {  // block order
      const double* b = all.data() + at;
      t.add(sde::mlmc_sums{b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]});
    }
    const double packed[width] = {t.n, t.y1, t.y2, t.y3, t.y4, t.f1, t.f2, t.cost};
    std::copy(packed, packed + width, total);
  }
  check(MPI_Bcast(total, int(width), MPI_DOUBLE, 0, comm.get()), "MPI_Bcast");
  return sde::mlmc_sums{total[0], total[1], total[2], total[3], total[4], total[5], total[6], total[7]};
}

/// The problem and options checked on every rank (an error raised everywhere), and the options
/// with threads = 0 resolved to the node's hardware threads divided among its ranks.
template <class P, class Method>
sde::mlmc_options checked_options(const communicator& comm, const P& p, sde::mlmc_options o) {
  std::exception_ptr err;
  try {
    p.validate();
    o.validate();
  } catch (...) {
    err = std::current_exception();
  }
  raise_if_any(err, comm);
  Method::check(p);
  if (o.threads == 0)
    o.threads = std::max(1u, std::max(1u, std::thread::hardware_concurrency()) / unsigned(std::max(1, comm.node_size())));
  return o;
}
}  // namespace detail

/// ito::sde::mlmc(p, method, payoff, o) over the ranks of `comm` (see the file
/// comment): every rank must call it with the same arguments and every rank
/// gets the single-process result, bit for bit. `o.threads == 0` means the
/// node's hardware threads divided among the node's ranks.
template <class P, class Method>
sde::mlmc_result mlmc(const communicator& comm, const P& p, const Method& method, const sde::mlmc_payoff& payoff,
                      const sde::mlmc_options& options) {
  const sde::mlmc_options o = detail::checked_options<P, Method>(comm, p, options);
  return sde::detail::mlmc_adaptive(Method::name, o, [&](index_t l, index_t N, index_t block0) {
    return detail::mlmc_sample_level(comm, p, method, payoff, l, N, block0, o);
  });
}

/// ito::sde::mlmc_level_table over the ranks of `comm` (the same result on every rank, bit for bit).
template <class P, class Method>
sde::mlmc_result mlmc_level_table(const communicator& comm, const P& p, const Method& method,
                                  const sde::mlmc_payoff& payoff, index_t L, index_t N,
                                  const sde::mlmc_options& options) {
  const sde::mlmc_options o = detail::checked_options<P, Method>(comm, p, options);
  return sde::detail::mlmc_table(Method::name, L, N, o, [&](index_t l, index_t n, index_t block0) {
    return detail::mlmc_sample_level(comm, p, method, payoff, l, n, block0, o);
  });
}

}  // namespace ito::mpi

#endif  // MPI available
