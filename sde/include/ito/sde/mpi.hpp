#pragma once
/// \file mpi.hpp
/// \brief One ensemble across MPI processes, bit-identical to one process.
///
/// Link `ito::mpi` (configure with -DITO_WITH_MPI=ON); nothing else in ito
/// depends on MPI. Without MPI's headers this file declares nothing.
///
/// How: the blocks of an ensemble (`solve_options::block_size` paths each; the
/// default Brownian source is keyed by (seed, global path index), see
/// solve.hpp and brownian.hpp) are
/// split statically over the ranks, rank r taking the contiguous range
///   [B0 + nb r / P, B0 + nb (r + 1) / P)   (nb blocks, P ranks; a range may be empty),
/// and each rank runs the core ito::sde::solve on its range with its own
/// threads. The results are then combined so that rank 0 holds exactly what
/// one process would have computed:
///  - moments: the per-block Welford states (count, mean, M2) are folded in
///    global block order, the same left fold ((b0 + b1) + b2) + ... that
///    solve() does (Chan et al., see observers.hpp). The fold runs along the
///    ranks as a chain: rank r receives the state after rank r-1's blocks,
///    folds its own blocks and passes it on; the last rank sends it to rank 0.
///    Each hop carries (save times + 1, the last slot t1) x (1 + d + d^2) doubles, whatever the
///    number of paths, and the arithmetic is that of one process, so the
///    result is bit-identical (same binary, same floating-point code);
///  - terminal states and snapshots (if kept) are gathered into d x N
///    matrices on rank 0, column order = path order;
///  - the summary: blow-up = the earliest by step, then path, over all ranks;
///    threads = the sum over ranks; seconds = the slowest rank's wall time.
/// Also: reduce()/allreduce() of a histogram (integer sums: exact), and
/// gather_concat()/gather_welford() to collect per-chunk states on rank 0 in
/// rank order (= global order for a contiguous partition), for callers that
/// fold their own statistics (ito validate-ou's streaming mode).
/// An exception on any rank is raised on every rank (the lowest failing
/// rank's message), so no rank is left waiting in a collective.

#if defined(ITO_WITH_MPI) || __has_include(<mpi.h>)
// Only MPI's C API is used; skip the deprecated C++ bindings (faster to compile, no warnings).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "error.hpp"
#include "histogram.hpp"
#include "observers.hpp"
#include "solve.hpp"
#include "stats.hpp"
#include "types.hpp"

namespace ito::mpi {

using ito::sde::index_t;

namespace detail {
inline void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(what) + " failed: " + std::string(text, std::size_t(len)));
  }
}
}  // namespace detail

/// RAII MPI initialisation. Calls MPI_Init_thread (MPI_THREAD_FUNNELED: only
/// the thread that initialised MPI talks to it; solve's worker threads never
/// do) unless MPI is already initialised, and then MPI_Finalize on
/// destruction only if it did the initialisation.
class environment {
 public:
  explicit environment(int* argc = nullptr, char*** argv = nullptr) {
    if (!initialized()) {
      int provided = 0;
      detail::check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      owns_ = true;
    }
  }
  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;
  ~environment() {
    int done = 0;
    MPI_Finalized(&done);
    if (owns_ && !done) MPI_Finalize();
  }
  /// True when this object called MPI_Init (and will call MPI_Finalize).
  bool owns() const { return owns_; }
  /// MPI_Init has been called and MPI_Finalize has not.
  static bool initialized() {
    int init = 0, done = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&done);
    return init && !done;
  }

 private:
  bool owns_ = false;
};

/// A non-owning handle to an MPI communicator (MPI_COMM_WORLD by default).
class communicator {
 public:
  communicator() : comm_(MPI_COMM_WORLD) {}
  explicit communicator(MPI_Comm c) : comm_(c) {}
  MPI_Comm get() const { return comm_; }
  int rank() const {
    int r = 0;
    detail::check(MPI_Comm_rank(comm_, &r), "MPI_Comm_rank");
    return r;
  }
  int size() const {
    int s = 0;
    detail::check(MPI_Comm_size(comm_, &s), "MPI_Comm_size");
    return s;
  }
  bool is_root() const { return rank() == 0; }
  void barrier() const { detail::check(MPI_Barrier(comm_), "MPI_Barrier"); }
  /// Number of ranks of this communicator on this rank's node (shared memory).
  int node_size() const {
    MPI_Comm node;
    detail::check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank(), MPI_INFO_NULL, &node),
                  "MPI_Comm_split_type");
    int s = 1;
    MPI_Comm_size(node, &s);
    MPI_Comm_free(&node);
    return s;
  }

 private:
  MPI_Comm comm_;
};

/// A half-open range of block indices.
struct block_range {
  index_t begin = 0, end = 0;
  index_t size() const { return end - begin; }
};

/// Rank `rank` of `size`'s share of blocks [begin, end): contiguous, in rank
/// order, covering the range, sizes differing by at most one (empty when
/// there are more ranks than blocks).
inline block_range partition(index_t begin, index_t end, int rank, int size) {
  ito::detail::require(size > 0, "size", size, "> 0");
  ito::detail::require(rank >= 0 && rank < size, "rank", rank, "in [0, size)");
  ito::detail::require(end >= begin, "end", end, ">= begin = " + std::to_string(begin));
  const index_t n = end - begin;
  return {begin + n * rank / size, begin + n * (rank + 1) / size};
}

/// The MPI datatype of a scalar.
template <class T>
MPI_Datatype datatype() {
  if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else if constexpr (std::is_same_v<T, long double>) return MPI_LONG_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int64_t>) return MPI_INT64_T;
  else static_assert(sizeof(T) == 0, "no MPI datatype for this scalar");
}

namespace detail {

constexpr int tag_moments = 7301, tag_gather = 7302, tag_concat = 7303;
constexpr std::size_t max_message = std::size_t(1) << 28;  // elements per message (int counts)

/// Send n elements to `to` in messages of at most max_message elements.
template <class T>
void send(const T* data, std::size_t n, int to, MPI_Comm c) {
  for (std::size_t k = 0; k < n; k += max_message)
    check(MPI_Send(data + k, int(std::min(max_message, n - k)), datatype<T>(), to, tag_gather, c), "MPI_Send");
}
template <class T>
void recv(T* data, std::size_t n, int from, MPI_Comm c) {
  for (std::size_t k = 0; k < n; k += max_message)
    check(MPI_Recv(data + k, int(std::min(max_message, n - k)), datatype<T>(), from, tag_gather, c,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
}

/// Welford states as doubles: per slot [count, mean (d), M2 (d x d)]; count 0 = empty.
inline void pack(const std::vector<sde::running_moments>& m, index_t d, std::vector<double>& out) {
  const std::size_t w = std::size_t(1 + d + d * d);
  out.assign(m.size() * w, 0.0);
  for (std::size_t s = 0; s < m.size(); ++s) {
    if (m[s].count == 0) continue;
    double* o = out.data() + s * w;
    o[0] = double(m[s].count);  // exact below 2^53 paths
    std::copy(m[s].mean.data(), m[s].mean.data() + d, o + 1);
    std::copy(m[s].m2.data(), m[s].m2.data() + d * d, o + 1 + d);
  }
}
inline void unpack(const std::vector<double>& in, index_t d, std::vector<sde::running_moments>& m) {
  const std::size_t w = std::size_t(1 + d + d * d);
  for (std::size_t s = 0; s < m.size(); ++s) {
    const double* o = in.data() + s * w;
    m[s] = sde::running_moments{};
    if (o[0] == 0) continue;
    m[s].count = index_t(o[0]);
    m[s].mean = Eigen::Map<const Eigen::VectorXd>(o + 1, d);
    m[s].m2 = Eigen::Map<const Eigen::MatrixXd>(o + 1 + d, d, d);
  }
}

/// The global left fold of the block moments, along the ranks; the result on rank 0.
inline std::vector<sde::running_moments> fold_moments(const std::vector<std::vector<sde::running_moments>>& blocks,
                                                      std::size_t slots, index_t d, const communicator& comm) {
  const int r = comm.rank(), p = comm.size();
  const std::size_t len = slots * std::size_t(1 + d + d * d);
  std::vector<sde::running_moments> acc(slots);
  std::vector<double> buf(len);
  if (r > 0) {
    check(MPI_Recv(buf.data(), int(len), MPI_DOUBLE, r - 1, tag_moments, comm.get(), MPI_STATUS_IGNORE), "MPI_Recv");
    unpack(buf, d, acc);
  }
  for (const auto& b : blocks)
    for (std::size_t s = 0; s < slots; ++s) acc[s].merge(b[s]);
  if (p > 1) {  // to the next rank; the last rank closes the chain at rank 0
    pack(acc, d, buf);
    check(MPI_Send(buf.data(), int(len), MPI_DOUBLE, (r + 1) % p, tag_moments, comm.get()), "MPI_Send");
  }
  if (p > 1 && r == 0) {
    check(MPI_Recv(buf.data(), int(len), MPI_DOUBLE, p - 1, tag_moments, comm.get(), MPI_STATUS_IGNORE), "MPI_Recv");
    unpack(buf, d, acc);
  }
  return acc;
}

/// Gather the columns of each rank's d x n_r matrix into rank 0's d x sum(n_r) matrix.
template <class S>
void gather_columns(const sde::ensemble<S>& local, const std::vector<index_t>& cols, sde::ensemble<S>& out,
                    const communicator& comm) {
  const int r = comm.rank();
  if (r != 0) {
    send(local.data(), std::size_t(local.size()), 0, comm.get());
    return;
  }
  index_t total = 0;
  for (index_t c : cols) total += c;
  out.resize(local.rows(), total);
  index_t at = 0;
  for (std::size_t q = 0; q < cols.size(); ++q) {
    if (q == 0) out.middleCols(0, cols[0]) = local;
    else recv(out.data() + at * local.rows(), std::size_t(cols[q] * local.rows()), int(q), comm.get());
    at += cols[q];
  }
}

/// The lowest failing rank's exception, raised on every rank (after everyone has agreed).
inline void raise_if_any(const std::exception_ptr& err, const communicator& comm) {
  const int r = comm.rank(), p = comm.size();
  int first = err ? r : p;
  check(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm.get()), "MPI_Allreduce");
  if (first == p) return;
  // kind: 0 invalid_argument, 1 numerical_error, 2 io_error, 3 format_error, 4 other
  int head[2] = {4, 0};
  std::string msg;
  if (r == first) {
    try {
      std::rethrow_exception(err);
    } catch (const ito::invalid_argument& e) {
      head[0] = 0, msg = e.what();
    } catch (const ito::numerical_error& e) {
      head[0] = 1, msg = e.what();
    } catch (const ito::io_error& e) {
      head[0] = 2, msg = e.what();
    } catch (const ito::format_error& e) {
      head[0] = 3, msg = e.what();
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
      msg = "unknown exception";
    }
    head[1] = int(msg.size());
  }
  check(MPI_Bcast(head, 2, MPI_INT, first, comm.get()), "MPI_Bcast");
  msg.resize(std::size_t(head[1]));
  check(MPI_Bcast(msg.data(), head[1], MPI_CHAR, first, comm.get()), "MPI_Bcast");
  if (r == first) std::rethrow_exception(err);
  const std::string what = msg + " (on rank " + std::to_string(first) + ")";
  switch (head[0]) {
    case 0: throw ito::invalid_argument(what);
    case 1: throw ito::numerical_error(what);
    case 2: throw ito::io_error(what);
    case 3: throw ito::format_error(what);
    default: throw std::runtime_error(what);
  }
}

/// The earliest blow-up (by step, then path) over all ranks, known to every rank.
inline std::optional<sde::blow_up_info> earliest_blow_up(const std::optional<sde::blow_up_info>& mine,
                                                         const communicator& comm) {
  constexpr auto none = std::numeric_limits<std::int64_t>::max();
  std::int64_t step = mine ? std::int64_t(mine->step) : none;
  check(MPI_Allreduce(MPI_IN_PLACE, &step, 1, MPI_INT64_T, MPI_MIN, comm.get()), "MPI_Allreduce");
  if (step == none) return std::nullopt;
  std::int64_t path = mine && mine->step == step ? std::int64_t(mine->path) : none;
  check(MPI_Allreduce(MPI_IN_PLACE, &path, 1, MPI_INT64_T, MPI_MIN, comm.get()), "MPI_Allreduce");
  const bool owner = mine && mine->step == step && mine->path == path;
  double rest[2] = {owner ? double(mine->component) : -1.0, owner ? mine->time : -std::numeric_limits<double>::infinity()};
  check(MPI_Allreduce(MPI_IN_PLACE, rest, 2, MPI_DOUBLE, MPI_MAX, comm.get()), "MPI_Allreduce");
  sde::blow_up_info info;
  info.step = index_t(step);
  info.path = index_t(path);
  info.component = index_t(rest[0]);
  info.time = rest[1];
  return info;
}

}  // namespace detail

/// Rank 0 gets the concatenation of every rank's `mine` in rank order
/// (rank 0's first); the other ranks get an empty vector. Lengths may differ
/// between ranks (and be 0). With a contiguous partition in rank order
/// (partition()), rank order is global order, so rank 0 can fold the items in
/// the same order as one process. Messages of at most 2^28 elements.
template <class T>
std::vector<T> gather_concat(const std::vector<T>& mine, const communicator& comm) {
  static_assert(std::is_arithmetic_v<T>, "gather_concat: a vector of numbers");
  const int r = comm.rank(), p = comm.size();
  std::int64_t len = std::int64_t(mine.size());
  std::vector<std::int64_t> lens(r == 0 ? std::size_t(p) : 0);
  detail::check(MPI_Gather(&len, 1, MPI_INT64_T, r == 0 ? lens.data() : nullptr, 1, MPI_INT64_T, 0, comm.get()),
                "MPI_Gather");
  if (r != 0) {
    for (std::size_t k = 0; k < mine.size(); k += detail::max_message)
      detail::check(MPI_Send(mine.data() + k, int(std::min(detail::max_message, mine.size() - k)), datatype<T>(), 0,
                             detail::tag_concat, comm.get()),
                    "MPI_Send");
    return {};
  }
  std::int64_t total = 0;
  for (auto l : lens) total += l;
  std::vector<T> out(static_cast<std::size_t>(total));
  std::copy(mine.begin(), mine.end(), out.begin());
  std::size_t at = mine.size();
  for (int q = 1; q < p; ++q) {
    const std::size_t n = std::size_t(lens[std::size_t(q)]);
    for (std::size_t k = 0; k < n; k += detail::max_message)
      detail::check(MPI_Recv(out.data() + at + k, int(std::min(detail::max_message, n - k)), datatype<T>(), q,
                             detail::tag_concat, comm.get(), MPI_STATUS_IGNORE),
                    "MPI_Recv");
    at += n;
  }
  return out;
}

/// gather_concat for Welford states (ito::sde::welford: n, mean, m2, m3, m4;
/// n travels as a double, exact below 2^53): rank 0 gets every rank's states
/// in rank order, bit for bit; other ranks an empty vector.
inline std::vector<sde::welford> gather_welford(const std::vector<sde::welford>& mine, const communicator& comm) {
  std::vector<double> flat;
  flat.reserve(mine.size() * 5);
  for (const auto& w : mine) flat.insert(flat.end(), {double(w.n), w.mean, w.m2, w.m3, w.m4});
  const auto all = gather_concat(flat, comm);
  std::vector<sde::welford> out(all.size() / 5);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double* o = all.data() + 5 * i;
    out[i].n = static_cast<long long>(o[0]);
    out[i].mean = o[1], out[i].m2 = o[2], out[i].m3 = o[3], out[i].m4 = o[4];
  }
  return out;
}

namespace detail {
/// Every rank's histogram has rank 0's binning, else ito::invalid_argument on every rank.
inline void require_same_binning(const sde::histogram& h, const communicator& comm) {
  double b[3] = {h.lo(), h.hi(), double(h.bins())};
  double lo[3], hi[3];
  check(MPI_Allreduce(b, lo, 3, MPI_DOUBLE, MPI_MIN, comm.get()), "MPI_Allreduce");
  check(MPI_Allreduce(b, hi, 3, MPI_DOUBLE, MPI_MAX, comm.get()), "MPI_Allreduce");
  if (lo[0] != hi[0] || lo[1] != hi[1] || lo[2] != hi[2])
    throw ito::invalid_argument("histogram binning = [" + ito::detail::to_text(h.lo()) + ", " +
                                ito::detail::to_text(h.hi()) + ") x " + std::to_string(h.bins()) +
                                " on rank " + std::to_string(comm.rank()) +
                                ": expected the same lo, hi and bins on every rank");
}
/// op(pointer, count) over the histogram's counts in pieces of at most max_message.
template <class Op>
void for_count_pieces(sde::histogram& h, Op op) {
  auto& c = h.raw();
  for (std::size_t k = 0; k < c.size(); k += max_message) op(c.data() + k, int(std::min(max_message, c.size() - k)));
}
}  // namespace detail

/// Exact sum of every rank's histogram (integer counts), on rank `root` only;
/// the other ranks' histograms are left unchanged. All ranks must pass
/// histograms with the same lo, hi and bins (checked; invalid_argument on
/// every rank otherwise). Cost: one MPI_Reduce of (bins + 3) int64.
inline void reduce(sde::histogram& h, const communicator& comm, int root = 0) {
  ito::detail::require(root >= 0 && root < comm.size(), "root", root, "a rank in [0, size)");
  detail::require_same_binning(h, comm);
  const bool me = comm.rank() == root;
  detail::for_count_pieces(h, [&](std::int64_t* d, int n) {
    detail::check(MPI_Reduce(me ? MPI_IN_PLACE : d, me ? d : nullptr, n, MPI_INT64_T, MPI_SUM, root, comm.get()),
                  "MPI_Reduce");
  });
}

/// Exact sum of every rank's histogram on every rank (MPI_Allreduce of the counts).
inline void allreduce(sde::histogram& h, const communicator& comm) {
  detail::require_same_binning(h, comm);
  detail::for_count_pieces(h, [&](std::int64_t* d, int n) {
    detail::check(MPI_Allreduce(MPI_IN_PLACE, d, n, MPI_INT64_T, MPI_SUM, comm.get()), "MPI_Allreduce");
  });
}

/// \brief solve() over the ranks of `comm`: the blocks [block_begin, block_end)
/// of `opt` are split statically over the ranks (see the file comment).
///
/// Every rank must call it with the same arguments. Rank 0 gets what
/// ito::sde::solve(p, method, opt) returns in one process, bit for bit:
/// terminal, snapshots, times, moments and summary (except `threads`, the sum
/// over ranks, and `seconds`); its `block_moments` stays empty (the merged
/// `moments` are the point; gathering every block's state would cost
/// O(blocks) on rank 0). Other ranks get the same summary and times and no data.
/// `opt.threads == 0` means the node's hardware threads divided among the
/// node's ranks. `opt.on_save` runs on the rank that integrates the block.
/// Errors (including nan_policy::throw_error) are raised on every rank.
/// With one rank this is exactly ito::sde::solve.
template <class P, class Method, class Source = sde::counter_brownian<typename P::scalar_type>>
sde::solution<typename P::scalar_type> solve(const communicator& comm, const P& p, const Method& method,
                                             const sde::solve_options<typename P::scalar_type>& opt) {
  using S = typename P::scalar_type;
  const auto start = std::chrono::steady_clock::now();
  const int r = comm.rank(), np = comm.size();
  sde::solve_options<S> local = opt;
  if (opt.threads == 0) {
    const int node = comm.node_size();
    local.threads = std::max(1u, std::max(1u, std::thread::hardware_concurrency()) / unsigned(node));
  }
  if (np == 1) return sde::solve<P, Method, Source>(p, method, local);

  // The range to split; invalid options are passed through so that every rank throws the same error.
  const index_t n = opt.paths > 0 ? opt.paths : p.x0.cols();
  const index_t total = opt.block_size > 0 && n > 0 ? (n + opt.block_size - 1) / opt.block_size : 0;
  const index_t b0 = opt.block_begin, b1 = opt.block_end < 0 ? total : opt.block_end;
  std::vector<block_range> parts;
  if (b0 >= 0 && b1 >= b0 && b1 <= total) {
    for (int q = 0; q < np; ++q) parts.push_back(partition(b0, b1, q, np));
    local.block_begin = parts[std::size_t(r)].begin;
    local.block_end = parts[std::size_t(r)].end;
  }
  if (opt.on_nan == sde::nan_policy::throw_error) local.on_nan = sde::nan_policy::stop;  // decided globally below

  sde::solution<S> mine;
  std::exception_ptr err;
  try {
    mine = sde::solve<P, Method, Source>(p, method, local);
  } catch (...) {
    err = std::current_exception();
  }
  detail::raise_if_any(err, comm);

  sde::solution<S> out;
  out.times = mine.times;
  out.summary = mine.summary;
  auto& sum = out.summary;
  sum.blow_up = detail::earliest_blow_up(mine.summary.blow_up, comm);
  if (sum.blow_up && opt.on_nan == sde::nan_policy::throw_error)
    throw ito::numerical_error(std::string(Method::name) + ": " + sum.blow_up->describe());

  const std::size_t slots = mine.times.size() + 1;  // the save times, then t1
  auto moments = detail::fold_moments(mine.block_moments, slots, mine.summary.dim, comm);
  if (r == 0) {
    out.final_moments = moments.back();
    moments.pop_back();
    out.moments = std::move(moments);
  }

  std::vector<index_t> cols;  // paths per rank
  for (const auto& q : parts) cols.push_back(std::min(n, q.end * opt.block_size) - std::min(n, q.begin * opt.block_size));
  if (opt.keep_terminal) detail::gather_columns(mine.terminal, cols, out.terminal, comm);
  if (opt.keep_paths) {
    if (r == 0) out.snapshots.resize(mine.snapshots.size());
    for (std::size_t s = 0; s < mine.snapshots.size(); ++s)
      detail::gather_columns(mine.snapshots[s], cols, r == 0 ? out.snapshots[s] : mine.snapshots[s], comm);
  }

  unsigned long threads = mine.summary.threads;
  detail::check(MPI_Allreduce(MPI_IN_PLACE, &threads, 1, MPI_UNSIGNED_LONG, MPI_SUM, comm.get()), "MPI_Allreduce");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  detail::check(MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, comm.get()), "MPI_Allreduce");
  sum.threads = unsigned(threads);
  sum.seconds = seconds;
  sum.block_begin = b0;
  sum.block_end = b1;
  return out;
}

}  // namespace ito::mpi

#endif  // MPI available
