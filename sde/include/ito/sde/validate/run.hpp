#pragma once
/// \file run.hpp
/// \brief validate(problem, method, law, options): simulate and test the
/// sample against a law's closed forms, streaming, in O(chunk) memory.
///
/// The checks, at each check time t_i (default: the grid point nearest
/// (t0 + t1)/2 and t1), for the parts the law gives:
///  - mean: z = (mean - E X_t) / (s / sqrt n)                       (d = 1: "mean(t)"; d > 1: "mean<k>(t)")
///  - variance: z = (s^2 - Var X_t) / sqrt((m4 - s^4)/n)             (d = 1: "var(t)")
///  - covariance of components a <= b at t (d > 1: "cov<a><b>(t)") and between the first and last
///    check time ("cov(t_0,t_T)"; d > 1: "xcov<a><b>(t_0,t_T)"): estimate sum u / (n - 1),
///    u = (x - mx)(y - my), stderr sd(u)/sqrt(n) (stats.hpp, covariance_test);
///  - the law at the last time: one-sample Kolmogorov–Smirnov of u = F(x) per component
///    ("KS(t)"; d > 1: "KS<k>(t)"), exact (sorted sample, 8 bytes per path and component) up to
///    `exact_ks_max_paths` paths, binned above (a histogram of u with `ks_bins` bins: the exact
///    D lies within one bin width above the reported one, see binned_ks).
/// A row passes when |z| <= max_z (KS: p >= the same two-sided level); the
/// default 5 sigma fails a correct simulation's single check with probability
/// 5.7e-7. With `options.scheme` (e.g. scheme_law or em_ou_law) each row also
/// shows what the discretisation itself converges to, so a failure by
/// discretisation bias is told apart from a bug.
///
/// How it streams: the paths are cut into blocks of `block_size` (solve.hpp:
/// each block's Brownian stream is a function of (seed, block)) and the blocks
/// into chunks of `chunk_blocks`. Each chunk is one solve() over its blocks
/// keeping no samples; solve's on_save hook fills a validation_state per
/// block (state.hpp), and the block states are folded in block order into the
/// chunk's state; the chunk states are folded in chunk order. The KS histogram
/// counts are integers (exact in any order) and exact-KS samples are stored by
/// path index. So the report is bit-identical for any number of threads, and
/// (validate/mpi.hpp: chunks split over ranks, states gathered in chunk order)
/// of processes. It depends on (seed, block_size, chunk_blocks).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../histogram.hpp"
#include "../integrate.hpp"
#include "../solve.hpp"
#include "../stats.hpp"
#include "../types.hpp"
#include "law.hpp"
#include "report.hpp"
#include "state.hpp"

namespace ito::sde {

/// How the KS test at the last check time is computed.
enum class ks_method {
  automatic,  ///< exact up to exact_ks_max_paths paths, binned above
  exact,      ///< sort all u = F(x): 8 bytes per path and component
  binned      ///< a histogram of u with ks_bins bins (memory independent of the paths)
};

/// Options of validate(); the defaults are those of `ito validate`.
struct validate_options {
  index_t paths = 1000000;      ///< Monte Carlo paths N (> 2)
  index_t steps = 10;           ///< uniform steps on [t0, t1]
  /// Check times on the grid in (t0, t1]; empty: the grid point nearest (t0 + t1)/2 (if steps >= 2) and t1.
  std::vector<double> times;
  std::uint64_t seed = 1;       ///< Brownian seed
  unsigned threads = 0;         ///< 0 = all hardware threads
  double max_z = default_max_z; ///< pass when |z| <= max_z (KS: p >= level_of(max_z))
  index_t block_size = 512;     ///< paths per block (part of the random stream's identity)
  index_t chunk_blocks = 2048;  ///< blocks per chunk (fixes the merge order; memory O(chunk))
  ks_method ks = ks_method::automatic;
  index_t exact_ks_max_paths = 10000000;  ///< automatic: exact KS up to this many paths
  index_t ks_bins = index_t(1) << 20;     ///< binned KS: bins of u on [0, 1) (bin width = bound on D's error)
  /// Optional: the law the numerical scheme itself converges to (shown in the
  /// `scheme` column, not tested), e.g. scheme_law(p, method, grid, x0).
  multivariate_law scheme;

  /// Throws ito::invalid_argument naming the offending option.
  void validate() const {
    detail::require(paths > 2, "paths", paths, "> 2");
    detail::require(steps > 0, "steps", steps, "> 0");
    detail::require_positive("max_z", max_z);
    detail::require(block_size > 0, "block_size", block_size, "> 0");
    detail::require(chunk_blocks > 0, "chunk_blocks", chunk_blocks, "> 0");
    detail::require(ks_bins >= 16 && ks_bins <= (index_t(1) << 28), "ks_bins", ks_bins, "in [16, 2^28]");
  }
};

/// What a validation run does, fixed before any path is simulated.
struct validation_plan {
  index_t dim = 0;
  std::vector<double> times;          ///< check times, increasing
  std::vector<index_t> grid_index;    ///< their indices on the grid
  time_grid<double> grid;
  bool exact_ks = true;
  std::vector<index_t> ks_components; ///< components tested by KS at the last time
  index_t blocks = 0, chunks = 0;
  validate_options options;
};

/// The accumulated output of a range of chunks.
struct validation_partial {
  std::vector<validation_state> chunks;        ///< one per chunk, in chunk order
  std::vector<histogram> ks_histograms;        ///< binned KS: one per KS component
  std::vector<std::vector<double>> ks_samples; ///< exact KS: u per KS component, in path order
};

/// Resolve check times, KS mode and chunks for problem p (checks the options and the law's dimension).
template <class P>
validation_plan plan_validation(const P& p, const multivariate_law& law, const validate_options& o) {
  static_assert(std::is_same_v<typename P::scalar_type, double>, "validate: needs a problem in double precision");
  o.validate();
  p.validate();
  detail::require(!law.empty(), "law", "no part given", "at least one of mean, covariance, cross_covariance, cdf");
  detail::require(law.dim == p.dim, "law dimension", law.dim, "the problem's dimension " + std::to_string(p.dim));
  detail::require(o.scheme.empty() || o.scheme.dim == p.dim, "scheme law dimension", o.scheme.dim,
                  "the problem's dimension " + std::to_string(p.dim));
  validation_plan pl;
  pl.dim = p.dim;
  pl.options = o;
  pl.grid = time_grid<double>::uniform(p.t0, p.t1, o.steps);
  std::vector<double> ts = o.times;
  if (ts.empty()) {
    if (o.steps >= 2) ts.push_back(pl.grid.t(o.steps / 2));
    ts.push_back(p.t1);
  }
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  for (double t : ts) {
    const index_t k = pl.grid.find(t);
    detail::require(t > p.t0 && k > 0, "check time", t,
                    "a time in (t0, t1] = (" + detail::to_text(p.t0) + ", " + detail::to_text(p.t1) + "] on the grid of " +
                        std::to_string(o.steps) + " steps");
    pl.grid_index.push_back(k);
  }
  pl.times = ts;
  pl.exact_ks = o.ks == ks_method::exact || (o.ks == ks_method::automatic && o.paths <= o.exact_ks_max_paths);
  if (law.cdf) {
    Eigen::MatrixXd C;
    if (law.covariance) C = law.covariance(ts.back());
    for (index_t k = 0; k < p.dim; ++k)
      if (!law.covariance || C(k, k) > 0) pl.ks_components.push_back(k);  // a point mass has no KS test
  }
  pl.blocks = (o.paths + o.block_size - 1) / o.block_size;
  pl.chunks = (pl.blocks + o.chunk_blocks - 1) / o.chunk_blocks;
  return pl;
}

/// Simulate chunks [chunk_begin, chunk_end) of the plan and return their states
/// (one per chunk), the KS histograms or samples of their paths.
template <class P, class Method>
validation_partial accumulate_validation(const P& p, const Method& method, const multivariate_law& law,
                                         const validation_plan& pl, index_t chunk_begin, index_t chunk_end) {
  const validate_options& o = pl.options;
  detail::require(chunk_begin >= 0 && chunk_begin <= chunk_end && chunk_end <= pl.chunks, "chunk range",
                  chunk_begin, "within [0, " + std::to_string(pl.chunks) + "]");
  const index_t d = pl.dim, bs = o.block_size;
  const std::size_t nt = pl.times.size(), nks = pl.ks_components.size();
  const double tl = pl.times.back();
  const index_t first_path = std::min(o.paths, chunk_begin * o.chunk_blocks * bs);
  const index_t end_path = std::min(o.paths, chunk_end * o.chunk_blocks * bs);

  validation_partial out;
  if (pl.exact_ks) {
    out.ks_samples.assign(nks, std::vector<double>(std::size_t(end_path - first_path)));
  } else {
    out.ks_histograms.assign(nks, histogram(0.0, 1.0, o.ks_bins));
  }
  struct block_acc {
    validation_state s;
    ensemble<double> first;   // the block at the first check time, until the last one
    std::vector<char> done;   // check times seen
  };
  std::vector<block_acc> blocks(std::size_t(std::min(o.chunk_blocks, pl.blocks)));
  std::mutex hist_mutex;
  std::vector<double> u;

  solve_options<double> so;
  so.steps = o.steps;
  so.paths = o.paths;
  so.seed = o.seed;
  so.threads = o.threads;
  so.block_size = bs;
  so.keep_paths = false;
  so.keep_terminal = false;
  so.save_times = pl.times;
  for (index_t c = chunk_begin; c < chunk_end; ++c) {
    const index_t b0 = c * o.chunk_blocks, b1 = std::min(pl.blocks, b0 + o.chunk_blocks);
    for (auto& b : blocks) {
      b.s = validation_state(d, nt);
      b.done.assign(nt, 0);
    }
    so.block_begin = b0;
    so.block_end = b1;
    so.on_save = [&](index_t first, double t, const ensemble<double>& xs) {
      auto& acc = blocks[std::size_t(first / bs - b0)];  // only this block's thread touches it
      const index_t k = pl.grid.find(t);
      std::size_t i = 0;
      while (i < nt && pl.grid_index[i] != k) ++i;
      if (i == nt || acc.done[i]) return;  // not a check time, or seen (t1 may be reported twice)
      acc.done[i] = 1;
      const index_t n = xs.cols();
      for (index_t a = 0; a < d; ++a) acc.s.w[i * std::size_t(d) + std::size_t(a)].add_all(xs.row(a));
      if (d > 1) {
        std::size_t q = i * std::size_t(d * (d + 1) / 2);
        for (index_t a = 0; a < d; ++a)
          for (index_t b = a; b < d; ++b) acc.s.same[q++] = comoments::of(xs.row(a), xs.row(b));
      }
      if (nt >= 2 && i == 0) acc.first = xs;
      if (i + 1 < nt) return;
      if (nt >= 2)
        for (index_t a = 0; a < d; ++a)
          for (index_t b = 0; b < d; ++b)
            acc.s.cross[std::size_t(a * d + b)] = comoments::of(acc.first.row(a), xs.row(b));
      if (nks == 0) return;
      if (pl.exact_ks) {
        for (std::size_t q = 0; q < nks; ++q) {
          const index_t comp = pl.ks_components[q];
          double* dst = out.ks_samples[q].data() + (first - first_path);
          for (index_t j = 0; j < n; ++j) dst[j] = law.cdf(tl, xs(comp, j), comp);
        }
      } else {
        Eigen::ArrayXd uq(n);
        for (std::size_t q = 0; q < nks; ++q) {
          const index_t comp = pl.ks_components[q];
          for (index_t j = 0; j < n; ++j) uq(j) = law.cdf(tl, xs(comp, j), comp);
          const std::lock_guard<std::mutex> lock(hist_mutex);
          out.ks_histograms[q].add(uq.matrix());
        }
      }
    };
    solve(p, method, so);
    validation_state cs(d, nt);
    for (index_t b = 0; b < b1 - b0; ++b) cs.merge(blocks[std::size_t(b)].s);  // block order
    out.chunks.push_back(std::move(cs));
  }
  return out;
}

/// The report from the folded state of every path and the KS data (histograms summed, samples of all paths).
inline validation_report evaluate_validation(const multivariate_law& law, const validation_plan& pl,
                                             const validation_state& s, validation_partial& ks,
                                             const std::string& method) {
  const validate_options& o = pl.options;
  const index_t d = pl.dim;
  const std::size_t nt = pl.times.size();
  const multivariate_law& sch = o.scheme;
  auto at = [](double t) { return "(" + validation_report::format(t, 4) + ")"; };
  auto idx = [](index_t k) { return std::to_string(k); };
  validation_report r;
  r.method = method;
  r.dim = d;
  r.paths = o.paths;
  r.steps = o.steps;
  r.seed = o.seed;
  r.times = pl.times;
  r.exact_ks = pl.exact_ks;
  r.block_size = o.block_size;
  r.chunk_blocks = o.chunk_blocks;
  r.ks_bins = o.ks_bins;
  r.max_z = o.max_z;
  auto add = [&](test_result t, std::optional<double> scheme) { r.rows.push_back({std::move(t), scheme, std::nullopt}); };
  for (std::size_t i = 0; i < nt; ++i) {
    const double t = pl.times[i];
    const Eigen::VectorXd m = law.mean ? law.mean(t) : Eigen::VectorXd();
    const Eigen::MatrixXd C = law.covariance ? law.covariance(t) : Eigen::MatrixXd();
    const Eigen::VectorXd sm = sch.mean ? sch.mean(t) : Eigen::VectorXd();
    const Eigen::MatrixXd sC = sch.covariance ? sch.covariance(t) : Eigen::MatrixXd();
    auto scheme_mean = [&](index_t k) { return sch.mean ? std::optional<double>(sm(k)) : std::nullopt; };
    auto scheme_cov = [&](index_t a, index_t b) { return sch.covariance ? std::optional<double>(sC(a, b)) : std::nullopt; };
    if (d == 1) {
      if (law.mean) add(mean_test(s.w[i], m(0), o.max_z, "mean" + at(t)), scheme_mean(0));
      if (law.covariance) add(variance_test(s.w[i], C(0, 0), o.max_z, "var" + at(t)), scheme_cov(0, 0));
      continue;
    }
    if (law.mean)
      for (index_t k = 0; k < d; ++k)
        add(mean_test(s.w[i * std::size_t(d) + std::size_t(k)], m(k), o.max_z, "mean" + idx(k) + at(t)), scheme_mean(k));
    if (law.covariance) {
      std::size_t q = i * std::size_t(d * (d + 1) / 2);
      for (index_t a = 0; a < d; ++a)
        for (index_t b = a; b < d; ++b)
          add(s.same[q++].test(C(a, b), o.max_z, "cov" + idx(a) + idx(b) + at(t)), scheme_cov(a, b));
    }
  }
  if (nt >= 2 && law.cross_covariance) {
    const double ta = pl.times.front(), tb = pl.times.back();
    const Eigen::MatrixXd X = law.cross_covariance(ta, tb);
    const Eigen::MatrixXd sX = sch.cross_covariance ? sch.cross_covariance(ta, tb) : Eigen::MatrixXd();
    const std::string span = "(" + validation_report::format(ta, 4) + "," + validation_report::format(tb, 4) + ")";
    for (index_t a = 0; a < d; ++a)
      for (index_t b = 0; b < d; ++b)
        add(s.cross[std::size_t(a * d + b)].test(X(a, b), o.max_z, (d == 1 ? "cov" : "xcov" + idx(a) + idx(b)) + span),
            sch.cross_covariance ? std::optional<double>(sX(a, b)) : std::nullopt);
  }
  const double level = level_of(o.max_z);
  for (std::size_t q = 0; q < pl.ks_components.size(); ++q) {
    const std::string name = "KS" + (d == 1 ? std::string() : idx(pl.ks_components[q])) + at(pl.times.back());
    if (pl.exact_ks) {
      add(exact_ks(ks.ks_samples[q], level, name), std::nullopt);
    } else {
      ks_bracket br;
      r.rows.push_back({binned_ks(ks.ks_histograms[q], level, name, &br), std::nullopt, br});
    }
  }
  return r;
}

/// Simulate `options.paths` paths of problem p with `method` and test them
/// against `law` (see the file comment). p must start from a deterministic
/// state (x0: d x 1) in double precision; `law.dim` must be p.dim (a scalar
/// `law` converts to dimension 1). Returns the report (report.passed(),
/// report.print(std::cout)). Throws ito::invalid_argument on bad options, a
/// check time off the grid, or a law of the wrong dimension.
template <class P, class Method>
validation_report validate(const P& p, const Method& method, const multivariate_law& law,
                           const validate_options& options = {}) {
  const auto start = std::chrono::steady_clock::now();
  const validation_plan pl = plan_validation(p, law, options);
  validation_partial part = accumulate_validation(p, method, law, pl, 0, pl.chunks);
  validation_state total(pl.dim, pl.times.size());
  for (const auto& c : part.chunks) total.merge(c);  // chunk order
  validation_report r = evaluate_validation(law, pl, total, part, Method::name);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace ito::sde
