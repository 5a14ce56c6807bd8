#pragma once
/// \file score.hpp
/// \brief What a score is, counting its evaluations, and the block loop the
/// samplers and the likelihood share.
///
/// A score is any callable score(const ensemble<S>& X, S t, ensemble<S>& out)
/// giving grad_x log p_t at each column of the d x N batch X (seed 004 sec. 2.1).
/// It may also provide divergence(X, t, div) (div: 1 x N, sum_i d s_i / d x_i),
/// used by likelihood.hpp instead of finite differences.
///
/// Scores may cache (the Gaussian-mixture oracle) or keep scratch buffers (the
/// MLP), so parallel loops give each worker thread its own copy of the score.
/// Work is cut into blocks of `block_size` columns; block b's random numbers come
/// from engines seeded by (seed, b) (ito::sde::block_seed), so results do not
/// depend on the number of threads.

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include <ito/sde/brownian.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/parallel.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using sde::ensemble;
using sde::index_t;

template <class Score, class S = double>
concept score_function = requires(Score& s, const ensemble<S>& X, S t, ensemble<S>& out) { s(X, t, out); };

/// A score that knows its data dimension (score.dim()): sample() then needs no d.
template <class Score>
concept has_dimension = requires(const Score& s) {
  { s.dim() } -> std::convertible_to<index_t>;
};

template <class Score, class S = double>
concept has_divergence = requires(Score& s, const ensemble<S>& X, S t, Eigen::Matrix<S, 1, Eigen::Dynamic>& div) {
  s.divergence(X, t, div);
};

/// Wraps a score and counts batch calls and evaluated columns (one thread's view).
template <class Score>
struct counted_score {
  Score* score;
  std::uint64_t calls = 0;    ///< batch evaluations
  std::uint64_t columns = 0;  ///< evaluated points (sum of batch sizes)

  explicit counted_score(Score& s) : score(&s) {}

  template <class S>
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) {
    out.resize(X.rows(), X.cols());
    (*score)(X, t, out);
    ++calls;
    columns += std::uint64_t(X.cols());
  }
};

/// Counts of one parallel run.
struct evaluation_count {
  std::uint64_t calls = 0, columns = 0;
  void add(std::uint64_t c, std::uint64_t k) {
    calls += c;
    columns += k;
  }
};

namespace detail {

/// Run fn(score_copy, b, first, cols) for every block b of `n` columns of size
/// `block_size` with ito::parallel_for (one task per block) on `threads` threads
/// (0 = all cores), each worker with its own copy of `proto` (made on first use)
/// wrapped in a counted_score. fn writes block b's results to block b's columns,
/// so they do not depend on the thread count. The exception of the lowest failing
/// block propagates. Returns the total count of score evaluations.
template <class Score, class Fn>
evaluation_count parallel_blocks(index_t n, index_t block_size, unsigned threads, const Score& proto, Fn&& fn) {
  using local_t = std::remove_cvref_t<Score>;
  ito::detail::require(n > 0, "n", n, "> 0");
  ito::detail::require(block_size > 0, "block_size", block_size, "> 0");
  const index_t nblocks = (n + block_size - 1) / block_size;
  const unsigned workers = ito::resolve_threads(threads, nblocks);
  std::vector<std::optional<local_t>> copies(workers);
  std::vector<std::optional<counted_score<local_t>>> counted(workers);
  ito::parallel_for(nblocks, threads, [&](std::int64_t b, unsigned w) {
    if (!counted[w]) {
      copies[w].emplace(proto);
      counted[w].emplace(*copies[w]);
    }
    const index_t first = index_t(b) * block_size;
    fn(*counted[w], index_t(b), first, std::min(block_size, n - first));
  });
  evaluation_count total;
  for (const auto& c : counted)
    if (c) total.add(c->calls, c->columns);
  return total;
}

}  // namespace detail
}  // namespace ito::diffusion
