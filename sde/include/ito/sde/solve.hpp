#pragma once
/// \file solve.hpp
/// \brief solve(problem, method, options) -> solution with a summary
/// (cf. SciML's solve(SDEProblem, EM(); dt) and ceres' Solve(options, problem, &summary)).
///
/// Paths are cut into blocks of `block_size`; blocks are integrated by
/// ito::parallel_for, each from its own Brownian source (brownian.hpp), and
/// per-block moments are merged in block order. With the default source,
/// counter_brownian, a path's increments are a pure function of (seed, its
/// global index), so the result is bit-identical for any number of threads,
/// any number of processes AND any block size (the moments too: they are
/// merged from per-block partial moments whose grouping follows the block
/// size, so only the terminal states and snapshots are block-size invariant
/// bit for bit; the moments agree to rounding). With the legacy source
/// `brownian_block<S>` (mt19937_64 + ziggurat, pass it as the third template
/// argument) a path depends on the block size too.
///
/// Saving: `times` is exactly `save_times` (in the order given), with a
/// snapshot (if keep_paths) and moments at each; the state at t1 is
/// `terminal` (if keep_terminal) and its moments `terminal_moments()`. t1 is
/// not appended to the save times; ask for it in save_times to get a snapshot
/// there.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "brownian.hpp"
#include "error.hpp"
#include "integrate.hpp"
#include "observers.hpp"
#include "parallel.hpp"
#include "problem.hpp"
#include "random/weak_noise.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// What to do when a state becomes NaN or infinite.
enum class nan_policy {
  throw_error,  ///< throw ito::numerical_error naming step, time, path, component (default)
  stop,         ///< stop the affected paths' block; report in summary.blow_up
  ignore        ///< no check
};

/// Where a blow-up happened (the earliest by step, then path).
struct blow_up_info {
  index_t step = -1;       ///< the step after which the state was non-finite (1-based)
  double time = 0;       ///< t at the end of that step
  index_t path = -1;       ///< global path index
  index_t component = -1;  ///< state component
  std::string describe() const {
    return "non-finite state after step " + std::to_string(step) + " (t = " + detail::to_text(time) +
           ") in path " + std::to_string(path) + ", component " + std::to_string(component);
  }
};

template <class S = double>
struct solve_options {
  index_t steps = 0;             ///< number of uniform steps on [t0, t1] (or give dt, or grid)
  S dt = 0;                    ///< step length (used when steps == 0 and grid is empty)
  std::vector<S> grid;         ///< explicit increasing time grid from t0 to t1 (overrides steps/dt)
  index_t paths = 0;             ///< N; 0 = x0.cols() (1 for a single initial state)
  std::uint64_t seed = 0;      ///< Brownian seed
  unsigned threads = 0;        ///< 0 = all hardware threads
  index_t block_size = 512;      ///< paths per block (a batching choice: not part of the default stream's identity)
  std::vector<S> save_times;   ///< times (on the grid) at which to keep snapshots and moments; solution.times == these
  bool keep_paths = false;     ///< keep the d x N snapshots at save_times (moments are always kept)
  bool keep_terminal = true;   ///< keep the d x N terminal state
  nan_policy on_nan = nan_policy::throw_error;
  /// Integrate only blocks [block_begin, block_end) (block_end < 0: to the
  /// last block). terminal/snapshots then hold just those blocks' paths, in
  /// order. Used to split one ensemble across processes (MPI) with results
  /// bit-identical to a single run.
  index_t block_begin = 0;
  index_t block_end = -1;
  /// Optional hook called by the integrating thread at each save time and at
  /// t1 (once, even if t1 is also a save time) with (first path index, t,
  /// block state). Must be thread-safe.
  std::function<void(index_t, S, const ensemble<S>&)> on_save;
};

struct solve_summary {
  index_t paths = 0, steps = 0, dim = 0, noise_dim = 0, blocks = 0, block_size = 0;
  index_t block_begin = 0, block_end = 0;  ///< the blocks this call integrated
  unsigned threads = 0;
  std::uint64_t seed = 0;
  double seconds = 0;
  std::string method;
  std::optional<blow_up_info> blow_up;  ///< set under nan_policy::stop
};

template <class S = double>
struct solution {
  ensemble<S> terminal;                  ///< d x N state at t1 (if keep_terminal)
  std::vector<S> times;                  ///< exactly the save times (t1 only if asked for)
  S t1 = 0;                              ///< the end time (of terminal and terminal_moments())
  std::vector<ensemble<S>> snapshots;    ///< d x N at each save time (if keep_paths)
  std::vector<running_moments> moments;  ///< at each save time
  running_moments final_moments;         ///< at t1
  /// Per-block moments [block - block_begin][slot], slot < times.size() a save
  /// time, the last slot t1: for exact merging across processes.
  std::vector<std::vector<running_moments>> block_moments;
  solve_summary summary;
  /// Moments at t1.
  const running_moments& terminal_moments() const { return final_moments; }
};

/// Integrate `paths` copies of problem p with `method`, the increments from a
/// `Source` per block (default `counter_brownian`; `tree_brownian<S>` or the
/// legacy `brownian_block<S>` selectable). Throws ito::invalid_argument for bad
/// options or an unsupported method/problem pair.
template <class P, class Method, class Source = counter_brownian<typename P::scalar_type>>
solution<typename P::scalar_type> solve(const P& p, const Method& method,
                                        const solve_options<typename P::scalar_type>& opt) {
  using S = typename P::scalar_type;
  const auto start = std::chrono::steady_clock::now();
  p.validate();
  Method::check(p);

  // ---- grid, paths, blocks ----
  const time_grid<S> grid = !opt.grid.empty() ? time_grid<S>::explicit_grid(opt.grid)
                            : opt.steps > 0   ? time_grid<S>::uniform(p.t0, p.t1, opt.steps)
                            : opt.dt != S(0)  ? time_grid<S>::with_dt(p.t0, p.t1, opt.dt)
                                              : throw ito::invalid_argument(
                                                  "steps = 0 and dt = 0: give steps > 0, dt > 0 or a grid");
  if (!opt.grid.empty()) {
    const double tol = 1e-9 * double(p.t1 - p.t0);
    detail::require(std::abs(double(grid.t0() - p.t0)) <= tol, "grid[0]", grid.t0(), "the problem's t0");
    detail::require(std::abs(double(grid.t1() - p.t1)) <= tol, "grid back", grid.t1(), "the problem's t1");
  }
  if (opt.steps < 0) detail::require(false, "steps", opt.steps, ">= 0");
  const index_t n = opt.paths > 0 ? opt.paths : p.x0.cols();
  detail::require(opt.paths >= 0, "paths", opt.paths, "> 0");
  detail::require(n > 0, "paths", n, "> 0");
  detail::require(p.x0.cols() == 1 || p.x0.cols() == n, "x0 columns", p.x0.cols(),
                  "1 or paths = " + std::to_string(n));
  detail::require(opt.block_size > 0, "block_size", opt.block_size, "> 0");
  detail::require(n <= std::numeric_limits<index_t>::max() / 2 - opt.block_size, "paths", n,
                  "at most " + std::to_string(std::numeric_limits<index_t>::max() / 2 - opt.block_size));
  const index_t d = p.dim;
  const index_t m = method_noise_dim<Method>(p);
  const index_t total_blocks = (n + opt.block_size - 1) / opt.block_size;
  const index_t b0 = opt.block_begin;
  const index_t b1 = opt.block_end < 0 ? total_blocks : opt.block_end;
  detail::require(b0 >= 0 && b0 <= total_blocks, "block_begin", b0,
                  "in [0, " + std::to_string(total_blocks) + "]");
  detail::require(b1 >= b0 && b1 <= total_blocks, "block_end", b1,
                  "in [block_begin, " + std::to_string(total_blocks) + "]");
  const index_t nblocks = b1 - b0;
  const index_t path0 = b0 * opt.block_size;                                 // first local path
  const index_t nlocal = std::min(n, b1 * opt.block_size) - std::min(n, path0);  // local paths

  // save times -> grid indices; slot nsave (after the save times) is t1
  std::vector<std::pair<index_t, std::size_t>> save;  // (grid index, slot)
  for (std::size_t i = 0; i < opt.save_times.size(); ++i) {
    const index_t k = grid.find(opt.save_times[i]);
    detail::require(k >= 0, "save_times[" + std::to_string(i) + "]", opt.save_times[i],
                    "a time on the integration grid in [t0, t1]");
    save.emplace_back(k, i);
  }
  const std::size_t nsave = save.size();
  std::vector<index_t> save_index(nsave + 1);
  for (std::size_t i = 0; i < nsave; ++i) save_index[save[i].second] = save[i].first;
  save_index[nsave] = grid.steps();

  solution<S> sol;
  sol.times.assign(opt.save_times.begin(), opt.save_times.end());
  sol.t1 = grid.t1();
  if (opt.keep_terminal) sol.terminal.resize(d, nlocal);
  if (opt.keep_paths) sol.snapshots.assign(nsave, ensemble<S>(d, nlocal));

  const unsigned threads = resolve_threads(opt.threads, nblocks);
  std::vector<std::vector<running_moments>> block_moments(std::size_t(nblocks),
                                                          std::vector<running_moments>(nsave + 1));
  std::vector<std::optional<blow_up_info>> block_blow(static_cast<std::size_t>(nblocks));
  struct scratch {
    stepper_workspace<S> w;
    ensemble<S> x, dW, dZ;
  };
  std::vector<scratch> work(threads);
  double min_step = std::numeric_limits<double>::infinity();
  for (index_t k = 0; k < grid.steps(); ++k) min_step = std::min(min_step, double(grid.t(k + 1) - grid.t(k)));

  parallel_for(nblocks, threads, [&](std::int64_t lb, unsigned worker) {
    auto& [w, x, dW, dZ] = work[worker];
    const index_t b = b0 + index_t(lb);         // global block index
    const index_t first = b * opt.block_size;   // global index of the block's first path
    const index_t local = first - path0;        // its column in terminal/snapshots
    const index_t cols = std::min(opt.block_size, n - first);
    x = p.x0.cols() == 1 ? ensemble<S>(p.x0.col(0).replicate(1, cols)) : ensemble<S>(p.x0.middleCols(first, cols));
    brownian_setup setup;
    setup.seed = opt.seed;
    setup.block = b;
    setup.first_path = first;
    setup.noise_dim = m;
    setup.paths = cols;
    setup.t0 = double(grid.t0());
    setup.t1 = double(grid.t1());
    setup.steps = grid.steps();
    setup.dt = grid.is_uniform() ? double(grid.t(1) - grid.t(0)) : 0.0;
    setup.min_step = min_step;
    auto& mom = block_moments[std::size_t(lb)];
    auto observe = [&](index_t k, S t, const ensemble<S>& xs) -> bool {
      if (k > 0 && opt.on_nan != nan_policy::ignore && !std::isfinite(double(xs.sum())) && !xs.allFinite()) {
        blow_up_info info;
        info.step = k;
        info.time = double(t);
        for (index_t j = 0; j < xs.cols() && info.path < 0; ++j)
          for (index_t i = 0; i < xs.rows(); ++i)
            if (!std::isfinite(double(xs(i, j)))) {
              info.path = first + j;
              info.component = i;
              break;
            }
        block_blow[std::size_t(lb)] = info;
        return false;
      }
      bool hooked = false;
      for (std::size_t s = 0; s <= nsave; ++s) {
        if (save_index[s] != k) continue;
        mom[s] = running_moments::of(xs);
        if (s < nsave && opt.keep_paths) sol.snapshots[s].middleCols(local, cols) = xs;
        if (opt.on_save && !hooked) opt.on_save(first, t, xs);
        hooked = true;
      }
      return true;
    };
    if constexpr (uses_weak_noise_v<Method>) {  // discrete weak noise, keyed by global path
      weak_noise_block<S> wn(opt.seed, std::uint64_t(first), m, cols);
      integrate_block(p, method, x, grid, wn, w, dW, dZ, observe);
    } else {
      Source bm(setup);
      integrate_block(p, method, x, grid, bm, w, dW, dZ, observe);
    }
    if (opt.keep_terminal) sol.terminal.middleCols(local, cols) = x;
  });

  // blow-ups: the earliest (step, path) over all blocks, independent of scheduling
  std::optional<blow_up_info> blow;
  for (const auto& bb : block_blow)
    if (bb && (!blow || bb->step < blow->step || (bb->step == blow->step && bb->path < blow->path)))
      blow = bb;
  if (blow && opt.on_nan == nan_policy::throw_error)
    throw ito::numerical_error(std::string(Method::name) + ": " + blow->describe());

  sol.moments.assign(nsave, running_moments{});
  for (const auto& bm : block_moments) {
    for (std::size_t s = 0; s < nsave; ++s) sol.moments[s].merge(bm[s]);
    sol.final_moments.merge(bm[nsave]);
  }
  sol.block_moments = std::move(block_moments);

  auto& sum = sol.summary;
  sum.paths = n;
  sum.steps = grid.steps();
  sum.dim = d;
  sum.noise_dim = m;
  sum.blocks = total_blocks;
  sum.block_begin = b0;
  sum.block_end = b1;
  sum.block_size = opt.block_size;
  sum.threads = threads;
  sum.seed = opt.seed;
  sum.method = Method::name;
  sum.blow_up = blow;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sol;
}

}  // namespace ito::sde
