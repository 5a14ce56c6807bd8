#pragma once
/// \file validate/mpi.hpp
/// \brief ito::mpi::validate: validate() over the ranks of an MPI
/// communicator, bit-identical to one process (link ito::mpi; without MPI's
/// headers this file declares nothing).
///
/// The chunks of the plan (validate/run.hpp) are split statically over the
/// ranks (ito::mpi::partition: contiguous, in rank order); each rank simulates
/// its chunks with its own threads; rank 0 gathers the chunk states in rank
/// order (= chunk order) and folds them as one process does, sums the KS
/// histograms exactly (integers) or gathers the exact-KS samples in path
/// order. So rank 0's report equals the one-process report, bit for bit
/// (except `seconds`). The other ranks get a report with no rows. Every rank
/// must call it with the same arguments; an error on any rank is raised on
/// every rank.

#if defined(ITO_WITH_MPI) || __has_include(<mpi.h>)
#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include "../mpi.hpp"
#include "run.hpp"

namespace ito::mpi {

/// validate(p, method, law, options) over the ranks of `comm` (see the file comment).
/// `options.threads == 0` means the node's hardware threads divided among the node's ranks.
template <class P, class Method>
sde::validation_report validate(const communicator& comm, const P& p, const Method& method,
                                const sde::multivariate_law& law, const sde::validate_options& options = {}) {
  const auto start = std::chrono::steady_clock::now();
  sde::validate_options o = options;
  if (o.threads == 0)
    o.threads = std::max(1u, std::max(1u, std::thread::hardware_concurrency()) / unsigned(std::max(1, comm.node_size())));
  sde::validation_plan pl;
  sde::validation_partial mine;
  std::exception_ptr err;
  try {
    pl = sde::plan_validation(p, law, o);
    const block_range share = partition(0, pl.chunks, comm.rank(), comm.size());
    mine = sde::accumulate_validation(p, method, law, pl, share.begin, share.end);
  } catch (...) {
    err = std::current_exception();
  }
  detail::raise_if_any(err, comm);  // before the collectives below

  std::vector<double> flat;
  for (const auto& s : mine.chunks) s.pack(flat);
  const std::vector<double> all = gather_concat(flat, comm);
  sde::validation_partial ks;
  for (std::size_t q = 0; q < pl.ks_components.size(); ++q) {
    if (pl.exact_ks) {
      ks.ks_samples.push_back(gather_concat(mine.ks_samples[q], comm));
    } else {
      reduce(mine.ks_histograms[q], comm);
      ks.ks_histograms.push_back(std::move(mine.ks_histograms[q]));
    }
  }
  if (!comm.is_root()) return {};

  sde::validation_state total(pl.dim, pl.times.size());
  sde::validation_state chunk(pl.dim, pl.times.size());
  const std::size_t width = chunk.packed_size();
  for (std::size_t at = 0; at + width <= all.size(); at += width) {  // chunk order
    chunk.unpack(all.data() + at);
    total.merge(chunk);
  }
  sde::validation_report r = sde::evaluate_validation(law, pl, total, ks, Method::name);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ito::mpi

#endif  // MPI available
