// ito validate-ou: simulate an Ornstein–Uhlenbeck process with a chosen method
// and check mean, variance, covariance between two times and the law at the
// last time (Kolmogorov–Smirnov) against the closed forms (ito/sde/ou.hpp),
// with z-scores from the Monte Carlo standard errors (ito/sde/stats.hpp).
// Next to each estimate it shows what the *scheme* converges to (the exact law
// of the discretisation, ito::sde::scheme_moments; for Euler–Maruyama the
// closed form (1 - (1 - k dt)^{2n}) s^2 dt / (1 - (1 - k dt)^2)), so a failure
// by discretisation bias is told apart from a failure by a bug.
//
// Two modes for the scalar OU (--mode; auto = streaming above 10^7 paths):
//  - classic: keep every sample at the check times (8 N bytes each; under MPI
//    gathered to rank 0), exact KS by sorting;
//  - streaming: memory O(chunk), not O(N). The blocks are processed in chunks
//    of --chunk-blocks blocks (fixed, independent of ranks and threads); each
//    chunk is one solve() over [block_begin, block_end) keeping no samples;
//    solve's on_save hook accumulates per block a Welford state at each check
//    time (stats.hpp), the two-time co-moments (comoments below) and a
//    histogram of u = Phi((x - m)/s) at the last time. Block states are folded
//    in block order into chunk states; ranks take a static contiguous share of
//    the chunks; rank 0 folds the gathered chunk states in chunk order and the
//    histogram counts are summed exactly, so the output is bit-identical for
//    any number of processes and threads. KS is then evaluated at the bin
//    edges (binned KS, see binned_ks).
// Exit status: 0 when every check passes, 1 when any fails, 2 on bad input.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ito/sde/error.hpp>
#include <ito/sde/histogram.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/ou_exact.hpp>
#include <ito/sde/steppers/sra1.hpp>

#include "registry.hpp"
#include "solve_dispatch.hpp"

namespace {
using namespace ito::sde;
using ito::sde::index_t;

struct options {
  double kappa = 1, theta = 0, sigma = 1, x0 = 1, t1 = 1;
  std::vector<double> times;
  index_t paths = 1000000, steps = 10;
  std::string method = "exact";
  std::uint64_t seed = 1;
  unsigned threads = 0;
  double max_z = default_max_z;
  std::string multivariate;
  bool json = false;
  std::string mode = "auto";      // auto, classic, streaming
  index_t chunk_blocks = 2048;      // streaming: blocks per chunk (part of the result's identity)
  index_t ks_bins = index_t(1) << 20;  // streaming: histogram bins of u for the binned KS
};

/// Paths above which --mode auto streams (classic would keep >= 80 MB per check time).
constexpr index_t auto_streaming_paths = 10000000;

/// One row of the report: a test_result plus what the scheme itself converges to.
struct check {
  check(test_result result, std::optional<double> prediction) : r(std::move(result)), scheme(prediction) {}
  test_result r;
  std::optional<double> scheme;
  nlohmann::json extra = nullptr;  ///< further fields of the JSON entry (binned KS)
  std::string note;                ///< a line printed under the text table
};

/// fn(method) for a method name.
template <class Fn>
decltype(auto) with_method(const std::string& name, Fn&& fn) {
  if (name == "exact") return fn(ou_exact{});
  if (name == "em") return fn(euler_maruyama{});
  if (name == "milstein") return fn(milstein{});
  if (name == "sra1") return fn(sra1{});
  throw ito::invalid_argument("--method = " + name + ": expected one of exact, em, milstein, sra1");
}

// ---- multivariate file ----
struct mv_spec {
  multivariate_ou ou;
  Eigen::VectorXd x0;
  std::optional<double> t1;
};

Eigen::MatrixXd json_matrix(const nlohmann::json& j, const std::string& file, const std::string& key) {
  if (!j.contains(key)) throw ito::format_error(file + ": missing key \"" + key + "\" (a matrix: list of rows)");
  const auto& v = j.at(key);
  if (!v.is_array() || v.empty() || !v[0].is_array())
    throw ito::format_error(file + ": \"" + key + "\" must be a non-empty list of rows of numbers");
  const std::size_t r = v.size(), c = v[0].size();
  Eigen::MatrixXd M(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
  for (std::size_t i = 0; i < r; ++i) {
    if (!v[i].is_array() || v[i].size() != c)
      throw ito::format_error(file + ": \"" + key + "\" row " + std::to_string(i) + " has " +
                              std::to_string(v[i].size()) + " entries: expected " + std::to_string(c));
    for (std::size_t k = 0; k < c; ++k) {
      if (!v[i][k].is_number())
        throw ito::format_error(file + ": \"" + key + "\"[" + std::to_string(i) + "][" + std::to_string(k) +
                                "] is not a number");
      M(Eigen::Index(i), Eigen::Index(k)) = v[i][k].get<double>();
    }
  }
  return M;
}

Eigen::VectorXd json_vector(const nlohmann::json& j, const std::string& file, const std::string& key) {
  if (!j.contains(key)) throw ito::format_error(file + ": missing key \"" + key + "\" (a list of numbers)");
  const auto& v = j.at(key);
  if (!v.is_array() || v.empty()) throw ito::format_error(file + ": \"" + key + "\" must be a non-empty list");
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number())
      throw ito::format_error(file + ": \"" + key + "\"[" + std::to_string(i) + "] is not a number");
    x(Eigen::Index(i)) = v[i].get<double>();
  }
  return x;
}

mv_spec read_multivariate(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw ito::io_error("cannot open " + file + " for reading");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw ito::format_error(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON (" +
                            e.what() + ")");
  }
  if (!j.is_object()) throw ito::format_error(file + ": expected an object with theta, mu, B, x0");
  mv_spec s;
  const Eigen::MatrixXd Th = json_matrix(j, file, "theta"), B = json_matrix(j, file, "B");
  const Eigen::VectorXd mu = json_vector(j, file, "mu");
  s.x0 = json_vector(j, file, "x0");
  try {
    s.ou = multivariate_ou(Th, mu, B);
  } catch (const ito::invalid_argument& e) {
    throw ito::format_error(file + ": " + e.what());
  }
  if (s.x0.size() != Th.rows())
    throw ito::format_error(file + ": \"x0\" has " + std::to_string(s.x0.size()) + " entries: expected d = " +
                            std::to_string(Th.rows()));
  if (j.contains("t1")) {
    if (!j["t1"].is_number()) throw ito::format_error(file + ": \"t1\" is not a number");
    s.t1 = j["t1"].get<double>();
  }
  return s;
}

welford row_stats(const ensemble<double>& x, index_t i) {
  welford w;
  w.add_all(x.row(i));
  return w;
}

std::string fmt(double v, int prec = 6) {
  if (!std::isfinite(v)) return "-";
  std::ostringstream os;
  os << std::setprecision(prec) << v;
  return os.str();
}

int report(const options& o, const std::vector<check>& checks, const nlohmann::json& header, double seconds) {
  bool all = true;
  for (const auto& c : checks) all = all && c.r.pass;
  if (o.json) {
    nlohmann::json j = header;
    j["seconds"] = seconds;
    j["max_z"] = o.max_z;
    j["level"] = level_of(o.max_z);
    j["checks"] = nlohmann::json::array();
    for (const auto& c : checks) {
      nlohmann::json e{{"name", c.r.name}, {"closed_form", c.r.expected}, {"estimate", c.r.estimate},
                       {"pass", c.r.pass}};
      if (std::isfinite(c.r.z)) {
        e["stderr"] = c.r.stderr_;
        e["z"] = c.r.z;
      } else {
        e["stderr"] = nullptr;
        e["p_value"] = c.r.p_value;
      }
      if (c.scheme) e["scheme_prediction"] = *c.scheme;
      if (c.extra.is_object()) e.update(c.extra);
      j["checks"].push_back(e);
    }
    j["pass"] = all;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << header["model"].get<std::string>() << "\nmethod " << header["method"].get<std::string>() << ", "
              << header.value("mode", std::string("classic")) << " mode, "
              << header["paths"].get<long long>() << " paths, " << header["steps"].get<long long>()
              << " steps, seed " << header["seed"].get<std::uint64_t>() << ", " << fmt(seconds, 3)
              << " s; pass: |z| <= " << fmt(o.max_z, 3) << " (KS: p >= " << fmt(level_of(o.max_z), 3) << ")\n";
    std::printf("%-20s %13s %13s %11s %10s %13s  %s\n", "check", "closed form", "estimate", "stderr", "z / p",
                "scheme", "pass");
    for (const auto& c : checks) {
      const std::string zp = std::isfinite(c.r.z) ? fmt(c.r.z, 3) : "p=" + fmt(c.r.p_value, 3);
      std::printf("%-20s %13s %13s %11s %10s %13s  %s\n", c.r.name.c_str(), fmt(c.r.expected).c_str(),
                  fmt(c.r.estimate).c_str(), fmt(c.r.stderr_, 3).c_str(), zp.c_str(),
                  c.scheme ? fmt(*c.scheme).c_str() : "", c.r.pass ? "yes" : "NO");
    }
    for (const auto& c : checks)
      if (!c.note.empty()) std::cout << c.note << '\n';
    std::cout << (all ? "all checks pass\n" : "some checks FAIL\n");
  }
  return all ? 0 : 1;
}

/// Times to check: --times or {t1/2, t1}; sorted, in (t0, t1], on the grid.
std::vector<double> check_times(const options& o, double t1, const time_grid<double>& g) {
  std::vector<double> ts = o.times.empty() ? std::vector<double>{t1 / 2, t1} : o.times;
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  for (double t : ts)
    ito::detail::require(t > 0 && t <= t1 * (1 + 1e-12) && g.find(t) >= 0, "--times entry", t,
                         "a time in (0, t1 = " + ito::detail::to_text(t1) + "] on the grid of " +
                             std::to_string(g.steps()) + " steps");
  return ts;
}

solve_options<double> make_solve_options(const options& o, const std::vector<double>& ts, double t1) {
  solve_options<double> so;
  so.steps = o.steps;
  so.paths = o.paths;
  so.seed = o.seed;
  so.threads = o.threads;
  so.keep_paths = true;  // sample_at reads the snapshots
  for (double t : ts)
    if (t < t1 * (1 - 1e-12)) so.save_times.push_back(t);
  return so;
}

/// The d x N sample at check time ts[i] (the last one may be t1 = terminal).
const ensemble<double>& sample_at(const solution<double>& sol, const std::vector<double>&, std::size_t i) {
  return i < sol.snapshots.size() ? sol.snapshots[i] : sol.terminal;
}

std::vector<index_t> grid_indices(const std::vector<double>& ts, const time_grid<double>& g) {
  std::vector<index_t> k;
  for (double t : ts) k.push_back(g.find(t));
  return k;
}

/// Central co-moments of a pair (x, y) up to total order 4, mergeable:
///   m_pq = sum (x - mx)^p (y - my)^q  for (p, q) in {20, 02, 11, 21, 12, 22}.
/// The covariance check needs sum u and sum u^2 of u = (x - mx)(y - my) about
/// the *global* means: sum u = m11, sum u^2 = m22. Merging (cf. Pébay 2008 for
/// one variable) re-centres each part's moments at the merged mean and adds:
/// for a part with deviations a = x - mx, c = y - my (sum a = sum c = 0) and
/// the shift (alpha, beta) = (merged mean - part mean) with sign flipped,
///   sum (a - alpha)^2 (c - beta)^2 = m22 - 2 beta m21 - 2 alpha m12 + beta^2 m20
///                                   + alpha^2 m02 + 4 alpha beta m11 + n alpha^2 beta^2,
///   sum (a - alpha)^2 (c - beta)  = m21 - beta m20 - 2 alpha m11 - n alpha^2 beta,
///   sum (a - alpha) (c - beta)^2  = m12 - alpha m02 - 2 beta m11 - n alpha beta^2,
///   sum (a - alpha)^2 = m20 + n alpha^2,  sum (c - beta)^2 = m02 + n beta^2,
///   sum (a - alpha)(c - beta) = m11 + n alpha beta
/// (expand the products; the odd single sums vanish). With delta = mean_B -
/// mean_A and n = nA + nB: part A shifts by alpha = nB delta_x / n, part B by
/// alpha = -nA delta_x / n (likewise beta with y).
struct comoments {
  static constexpr std::size_t width = 9;
  double n = 0, mx = 0, my = 0, m20 = 0, m02 = 0, m11 = 0, m21 = 0, m12 = 0, m22 = 0;

  /// Two passes over n pairs.
  static comoments of(const double* x, const double* y, index_t n) {
    comoments c;
    if (n == 0) return c;
    c.n = double(n);
    for (index_t i = 0; i < n; ++i) c.mx += x[i], c.my += y[i];
    c.mx /= c.n;
    c.my /= c.n;
    for (index_t i = 0; i < n; ++i) {
      const double a = x[i] - c.mx, b = y[i] - c.my, aa = a * a, bb = b * b;
      c.m20 += aa, c.m02 += bb, c.m11 += a * b, c.m21 += aa * b, c.m12 += a * bb, c.m22 += aa * bb;
    }
    return c;
  }
  /// The moments about (mx + alpha, my + beta) instead of (mx, my) (formulas above).
  void recentre(double alpha, double beta) {
    const double a2 = alpha * alpha, b2 = beta * beta;
    const double n22 = m22 - 2 * beta * m21 - 2 * alpha * m12 + b2 * m20 + a2 * m02 + 4 * alpha * beta * m11 + n * a2 * b2;
    const double n21 = m21 - beta * m20 - 2 * alpha * m11 - n * a2 * beta;
    const double n12 = m12 - alpha * m02 - 2 * beta * m11 - n * alpha * b2;
    m20 += n * a2;
    m02 += n * b2;
    m11 += n * alpha * beta;
    m21 = n21, m12 = n12, m22 = n22;
  }
  void merge(const comoments& o) {
    if (o.n == 0) return;
    if (n == 0) {
      *this = o;
      return;
    }
    const double na = n, nb = o.n, nn = na + nb, dx = o.mx - mx, dy = o.my - my;
    comoments b = o;
    recentre(nb * dx / nn, nb * dy / nn);
    b.recentre(-na * dx / nn, -na * dy / nn);
    m20 += b.m20, m02 += b.m02, m11 += b.m11, m21 += b.m21, m12 += b.m12, m22 += b.m22;
    mx += dx * nb / nn;
    my += dy * nb / nn;
    n = nn;
  }
  void pack(std::vector<double>& out) const { out.insert(out.end(), {n, mx, my, m20, m02, m11, m21, m12, m22}); }
  static comoments unpack(const double* p) {
    comoments c;
    c.n = p[0], c.mx = p[1], c.my = p[2], c.m20 = p[3], c.m02 = p[4], c.m11 = p[5], c.m21 = p[6], c.m12 = p[7],
    c.m22 = p[8];
    return c;
  }
  /// The covariance check of covariance_test (stats.hpp) from the moments:
  /// estimate m11 / (n - 1); stderr sd(u) / sqrt(n) with sum (u - ubar)^2 = m22 - m11^2 / n.
  test_result test(double expected, double max_z, std::string name) const {
    ito::detail::require(n > 2, "sample size", n, ">= 3");
    const double var_u = std::max(0.0, m22 - m11 * m11 / n) / (n - 1);
    return ito::sde::detail::z_check(std::move(name), expected, m11 / (n - 1), std::sqrt(var_u / n), max_z);
  }
};

/// Binned one-sample KS from the histogram of u = F(x) (F the hypothesised
/// continuous CDF) on [0, 1) with edges e_0 = 0 < ... < e_B = 1 (u = 1 falls in
/// the overflow). With C_k = #{u < e_k} (histogram::cumulative) and the
/// empirical CDF F_n:
///   D_B = max_k |C_k / n - e_k|  <=  D = sup_t |F_n(t) - t|  <=  D_B + h,
/// h = max_k (e_{k+1} - e_k) (= 1/B for B a power of two). Lower bound: C_k / n
/// = F_n(e_k-) is a limit of F_n(t) as t -> e_k from below. Upper bound: for t in
/// [e_k, e_{k+1}), F_n is non-decreasing, so F_n(t) - t <= C_{k+1}/n - e_{k+1} + h
/// and t - F_n(t) <= e_{k+1} - C_k/n <= e_k - C_k/n + h; outside [0, 1)
/// F_n = F. Under the hypothesis D_B <= D, so p(D_B) (Stephens' formula of
/// ks_test_normal) overstates p by at most p(D_B) - p(D_B + h): passing on
/// p(D_B) >= level is a valid, slightly conservative level test; the exact
/// test's p lies in [p(D_B + h), p(D_B)]. (u is computed in double, so "exact"
/// means the D of the rounded u; the rounding, ~1e-16, is far below h.)
check binned_ks(const histogram& h, double level, const std::string& name) {
  const std::int64_t n = h.total() - h.nan_count();
  ito::detail::require(n > 0, "KS sample size", n, "> 0");
  ito::detail::require(h.nan_count() == 0, "KS NaN samples", h.nan_count(), "0");
  const double nd = double(n);
  double D = 0, width = 0;
  std::int64_t below = h.underflow();  // C_0 = #{u < 0} = 0 for a CDF
  for (index_t k = 0; k <= h.bins(); ++k) {
    const double e = h.edge(k);
    D = std::max(D, std::abs(double(below) / nd - e));
    if (k < h.bins()) {
      below += h.count(k);
      width = std::max(width, h.edge(k + 1) - e);
    }
  }
  const double sn = std::sqrt(nd), scale = sn + 0.12 + 0.11 / sn;
  test_result r;
  r.name = name;
  r.expected = 0;
  r.estimate = D;
  r.stderr_ = std::numeric_limits<double>::quiet_NaN();
  r.p_value = kolmogorov_survival(scale * D);
  r.level = level;
  r.pass = r.p_value >= level;
  const double upper = D + width, p_lower = kolmogorov_survival(scale * upper);
  check c{r, std::nullopt};
  c.extra = {{"binned", true},
             {"bins", h.bins()},
             {"estimate_upper", upper},
             {"p_value_lower", p_lower},
             {"about", "KS statistic D evaluated at the bin edges of u = Phi((x - m)/s): the exact D lies in "
                       "[estimate, estimate_upper = estimate + bin width], its p-value in [p_value_lower, "
                       "p_value]; pass on p_value (a conservative test, since the binned D <= the exact D)"}};
  c.note = name + " is binned (" + std::to_string(h.bins()) + " bins of u = Phi((x - m)/s)): exact D in [" +
           fmt(D, 6) + ", " + fmt(upper, 6) + "], p in [" + fmt(p_lower, 3) + ", " + fmt(r.p_value, 3) + "]";
  return c;
}

/// The per-block accumulator of the streaming mode.
struct block_acc {
  std::vector<welford> w;  ///< at each check time
  comoments c;             ///< (X(ts.front()), X(ts.back()))
  std::vector<double> xa;  ///< the block at ts.front() until the last check time
  std::size_t calls = 0;   ///< on_save calls so far (check times in increasing order, then t1)
};

/// Streaming validation of the scalar OU (see the file comment): returns the
/// checks on rank 0 (empty elsewhere).
template <class Problem, class Method>
std::vector<check> stream_scalar(const options& o, const scalar_ou& ou, const Problem& p, const Method& method,
                                 const std::vector<double>& ts, const solve_options<double>& base,
                                 const std::vector<gaussian_moments>& sm) {
  const std::size_t nt = ts.size();
  const index_t bs = base.block_size, nblocks = (o.paths + bs - 1) / bs;
  const index_t nchunks = (nblocks + o.chunk_blocks - 1) / o.chunk_blocks;
  const int rank = ito::cli::world_rank(), ranks = ito::cli::world_size();
  const index_t c0 = nchunks * rank / ranks, c1 = nchunks * (rank + 1) / ranks;  // this rank's chunks
  const double ml = ou.mean(ts.back(), o.x0), sl = std::sqrt(ou.variance(ts.back()));
  ito::detail::require_positive("standard deviation at the last check time", sl);

  const unsigned threads = ito::cli::local_threads(o.threads);  // collective under MPI: every rank, once
  histogram hist(0.0, 1.0, o.ks_bins);
  std::vector<welford> chunk_w;   // [chunk - c0][time]
  std::vector<double> chunk_c;    // comoments::width per chunk
  std::exception_ptr err;
  try {
    std::vector<block_acc> blocks(std::size_t(std::min(o.chunk_blocks, nblocks)));
    std::mutex hist_mutex;
    for (index_t c = c0; c < c1; ++c) {
      const index_t b0 = c * o.chunk_blocks, b1 = std::min(nblocks, b0 + o.chunk_blocks);
      for (auto& b : blocks) b = block_acc{std::vector<welford>(nt), {}, std::move(b.xa), 0};
      solve_options<double> so = base;
      so.keep_paths = false;
      so.keep_terminal = false;
      so.block_begin = b0;
      so.block_end = b1;
      so.threads = threads;
      so.on_save = [&](index_t first, double, const ensemble<double>& xs) {
        auto& acc = blocks[std::size_t(first / bs - b0)];  // only this block's thread touches it
        const std::size_t i = acc.calls++;
        if (i >= nt) return;  // t1 when the last check time is before t1
        const double* x = xs.data();  // 1 x cols, contiguous
        const index_t n = xs.cols();
        acc.w[i].add_all(xs.row(0));
        if (nt >= 2 && i == 0) acc.xa.assign(x, x + n);
        if (i + 1 < nt) return;
        if (nt >= 2) acc.c = comoments::of(acc.xa.data(), x, n);
        Eigen::ArrayXd u(n);
        for (index_t j = 0; j < n; ++j) u(j) = 0.5 * std::erfc(-(x[j] - ml) / (sl * std::sqrt(2.0)));  // Phi
        const std::lock_guard<std::mutex> lock(hist_mutex);
        hist.add(u.matrix());
      };
      ito::sde::solve(p, method, so);
      std::vector<welford> w(nt);
      comoments cm;
      for (index_t b = 0; b < b1 - b0; ++b) {  // block order
        for (std::size_t i = 0; i < nt; ++i) w[i].merge(blocks[std::size_t(b)].w[i]);
        cm.merge(blocks[std::size_t(b)].c);
      }
      chunk_w.insert(chunk_w.end(), w.begin(), w.end());
      cm.pack(chunk_c);
    }
  } catch (...) {
    err = std::current_exception();
  }
  ito::cli::raise_everywhere(err);  // before the collectives below
  const auto all_w = ito::cli::gather_to_root(chunk_w);
  const auto all_c = ito::cli::gather_to_root(chunk_c);
  ito::cli::reduce_to_root(hist);
  if (!ito::cli::is_root()) return {};

  std::vector<welford> w(nt);
  comoments cm;
  for (index_t c = 0; c < nchunks; ++c) {  // chunk order
    for (std::size_t i = 0; i < nt; ++i) w[i].merge(all_w[std::size_t(c) * nt + i]);
    cm.merge(comoments::unpack(all_c.data() + std::size_t(c) * comoments::width));
  }
  std::vector<check> checks;
  auto sch = [&](std::size_t i, bool var) -> std::optional<double> {
    if (sm.empty()) return std::nullopt;
    return var ? sm[i].cov(0, 0) : sm[i].mean(0);
  };
  for (std::size_t i = 0; i < nt; ++i) {
    const std::string at = "(" + fmt(ts[i], 4) + ")";
    checks.push_back({mean_test(w[i], ou.mean(ts[i], o.x0), o.max_z, "mean" + at), sch(i, false)});
    checks.push_back({variance_test(w[i], ou.variance(ts[i]), o.max_z, "var" + at), sch(i, true)});
  }
  if (nt >= 2) {
    const double a = ts.front(), b = ts.back();
    checks.push_back({cm.test(ou.covariance(a, b), o.max_z, "cov(" + fmt(a, 4) + "," + fmt(b, 4) + ")"),
                      std::nullopt});
  }
  checks.push_back(binned_ks(hist, level_of(o.max_z), "KS(" + fmt(ts.back(), 4) + ")"));
  return checks;
}

int run_scalar(const options& o) {
  const scalar_ou ou(o.kappa, o.theta, o.sigma);
  ito::detail::require_finite("x0", o.x0);
  ito::detail::require_positive("t1", o.t1);
  const auto grid = time_grid<double>::uniform(0.0, o.t1, o.steps);
  const auto ts = check_times(o, o.t1, grid);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, o.x0), 0.0, o.t1);
  const bool streaming = o.mode == "streaming" || (o.mode == "auto" && o.paths > auto_streaming_paths);
  const auto start = std::chrono::steady_clock::now();
  std::vector<check> checks;
  with_method(o.method, [&](auto method) {
    std::vector<gaussian_moments> sm;
    if (o.method != "exact" && ito::cli::is_root())
      sm = scheme_moments(p, method, grid, Eigen::VectorXd::Constant(1, o.x0), Eigen::MatrixXd::Zero(1, 1),
                          grid_indices(ts, grid));
    if (streaming) {
      checks = stream_scalar(o, ou, p, method, ts, make_solve_options(o, ts, o.t1), sm);
      return;
    }
    const auto sol = ito::cli::run_solve(p, method, make_solve_options(o, ts, o.t1));
    if (!ito::cli::is_root()) return;  // under MPI rank 0 holds the gathered samples
    auto sch = [&](std::size_t i, bool var) -> std::optional<double> {
      if (sm.empty()) return std::nullopt;
      return var ? sm[i].cov(0, 0) : sm[i].mean(0);
    };
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const auto w = row_stats(sample_at(sol, ts, i), 0);
      const std::string at = "(" + fmt(ts[i], 4) + ")";
      checks.push_back({mean_test(w, ou.mean(ts[i], o.x0), o.max_z, "mean" + at), sch(i, false)});
      checks.push_back({variance_test(w, ou.variance(ts[i]), o.max_z, "var" + at), sch(i, true)});
    }
    if (ts.size() >= 2) {
      const double a = ts.front(), b = ts.back();
      checks.push_back({covariance_test(sample_at(sol, ts, 0).row(0), sample_at(sol, ts, ts.size() - 1).row(0),
                                        ou.covariance(a, b), o.max_z, "cov(" + fmt(a, 4) + "," + fmt(b, 4) + ")"),
                        std::nullopt});
    }
    const double tl = ts.back();
    checks.push_back({ks_test_normal(sample_at(sol, ts, ts.size() - 1).row(0), ou.mean(tl, o.x0),
                                     std::sqrt(ou.variance(tl)), level_of(o.max_z), "KS(" + fmt(tl, 4) + ")"),
                      std::nullopt});
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream model;
  model << "OU dX = " << o.kappa << " (" << o.theta << " - X) dt + " << o.sigma << " dW, X0 = " << o.x0
        << ", t1 = " << o.t1;
  nlohmann::json header{{"command", "validate-ou"}, {"model", model.str()},  {"kind", "scalar"},
                        {"kappa", o.kappa},         {"theta", o.theta},      {"sigma", o.sigma},
                        {"x0", o.x0},               {"t1", o.t1},            {"method", o.method},
                        {"paths", o.paths},         {"steps", o.steps},      {"seed", o.seed},
                        {"mode", streaming ? "streaming" : "classic"}};
  if (streaming) {
    header["block_size"] = make_solve_options(o, ts, o.t1).block_size;
    header["chunk_blocks"] = o.chunk_blocks;
    header["ks_bins"] = o.ks_bins;
  }
  return ito::cli::is_root() ? report(o, checks, header, secs) : 0;
}

int run_multivariate(const options& o) {
  const mv_spec s = read_multivariate(o.multivariate);
  const multivariate_ou& ou = s.ou;
  const double t1 = s.t1.value_or(o.t1);
  ito::detail::require_positive("t1", t1);
  const index_t d = ou.dim();
  const auto grid = time_grid<double>::uniform(0.0, t1, o.steps);
  const auto ts = check_times(o, t1, grid);
  const auto p = make_ou_problem(ou, ensemble<double>(s.x0), 0.0, t1);
  const Eigen::MatrixXd Z = Eigen::MatrixXd::Zero(d, d);
  const auto start = std::chrono::steady_clock::now();
  std::vector<check> checks;
  with_method(o.method, [&](auto method) {
    const auto sol = ito::cli::run_solve(p, method, make_solve_options(o, ts, t1));
    if (!ito::cli::is_root()) return;  // under MPI rank 0 holds the gathered samples
    std::vector<gaussian_moments> sm;
    if (o.method != "exact") sm = scheme_moments(p, method, grid, s.x0, Z, grid_indices(ts, grid));
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const auto& X = sample_at(sol, ts, i);
      const Eigen::VectorXd m = ou.mean(ts[i], s.x0);
      const Eigen::MatrixXd C = ou.covariance(ts[i], Z);
      const std::string at = "(" + fmt(ts[i], 4) + ")";
      for (index_t k = 0; k < d; ++k)
        checks.push_back({mean_test(row_stats(X, k), m(k), o.max_z, "mean" + std::to_string(k) + at),
                          sm.empty() ? std::nullopt : std::optional<double>(sm[i].mean(k))});
      for (index_t a = 0; a < d; ++a)
        for (index_t b = a; b < d; ++b)
          checks.push_back({covariance_test(X.row(a), X.row(b), C(a, b), o.max_z,
                                            "cov" + std::to_string(a) + std::to_string(b) + at),
                            sm.empty() ? std::nullopt : std::optional<double>(sm[i].cov(a, b))});
    }
    if (ts.size() >= 2) {
      const double ta = ts.front(), tb = ts.back();
      const Eigen::MatrixXd X = ou.cross_covariance(ta, tb, Z);
      const auto& A = sample_at(sol, ts, 0);
      const auto& B = sample_at(sol, ts, ts.size() - 1);
      for (index_t a = 0; a < d; ++a)
        for (index_t b = 0; b < d; ++b)
          checks.push_back({covariance_test(A.row(a), B.row(b), X(a, b), o.max_z,
                                            "xcov" + std::to_string(a) + std::to_string(b) + "(" + fmt(ta, 4) +
                                                "," + fmt(tb, 4) + ")"),
                            std::nullopt});
    }
    const double tl = ts.back();
    const Eigen::VectorXd m = ou.mean(tl, s.x0);
    const Eigen::MatrixXd C = ou.covariance(tl, Z);
    for (index_t k = 0; k < d; ++k)
      if (C(k, k) > 0)
        checks.push_back({ks_test_normal(sample_at(sol, ts, ts.size() - 1).row(k), m(k), std::sqrt(C(k, k)),
                                         level_of(o.max_z), "KS" + std::to_string(k) + "(" + fmt(tl, 4) + ")"),
                          std::nullopt});
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string model = "multivariate OU dX = Theta (mu - X) dt + B dW from " + o.multivariate + " (d = " +
                            std::to_string(d) + ", m = " + std::to_string(ou.noise_dim()) + "), t1 = " + fmt(t1);
  nlohmann::json header{{"command", "validate-ou"}, {"model", model}, {"kind", "multivariate"},
                        {"file", o.multivariate},   {"t1", t1},       {"method", o.method},
                        {"paths", o.paths},         {"steps", o.steps}, {"seed", o.seed},
                        {"mode", "classic"}};
  return ito::cli::is_root() ? report(o, checks, header, secs) : 0;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand(
      "validate-ou",
      "Simulate an OU process and test mean, variance, two-time covariance and the law (KS) against the closed "
      "forms; exit 1 if any check fails");
  sub->add_option("--kappa", o->kappa, "mean-reversion rate kappa >= 0")->capture_default_str();
  sub->add_option("--theta", o->theta, "long-run mean theta")->capture_default_str();
  sub->add_option("--sigma", o->sigma, "noise amplitude sigma >= 0")->capture_default_str();
  sub->add_option("--x0", o->x0, "initial state")->capture_default_str();
  sub->add_option("--t1", o->t1, "final time (a multivariate file's t1 overrides it)")->capture_default_str();
  sub->add_option("--times", o->times, "check times on the grid, comma separated (default t1/2,t1)")
      ->delimiter(',');
  sub->add_option("--paths", o->paths, "Monte Carlo paths N")->capture_default_str();
  sub->add_option("--steps", o->steps, "uniform steps on [0, t1]")->capture_default_str();
  sub->add_option("--method", o->method, "exact, em, milstein or sra1")->capture_default_str();
  sub->add_option("--seed", o->seed, "Brownian seed")->capture_default_str();
  sub->add_option("--threads", o->threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--max-z", o->max_z, "pass when |z| <= max-z (KS: p >= the same two-sided level)")
      ->capture_default_str();
  sub->add_option("--multivariate", o->multivariate,
                  "JSON file {\"theta\": [[..]], \"mu\": [..], \"B\": [[..]], \"x0\": [..], \"t1\": T (optional)}");
  sub->add_option("--mode", o->mode,
                  "classic: keep all samples (8 N bytes per check time; under MPI gathered to rank 0), exact KS by "
                  "sorting. streaming (scalar OU only): memory O(chunk) not O(N), blocks processed in chunks, "
                  "Welford mean/variance, two-time co-moments and a histogram of u = Phi((x - m)/s) merged in "
                  "chunk order (bit-identical for any ranks x threads), KS evaluated at the bin edges (binned: "
                  "the exact D lies within one bin width above the reported one). auto: streaming for the "
                  "scalar OU above 10^7 paths, else classic")
      ->check(CLI::IsMember({"auto", "classic", "streaming"}))
      ->capture_default_str();
  sub->add_option("--chunk-blocks", o->chunk_blocks,
                  "streaming: blocks of 512 paths per chunk (fixes the merge order; results depend on it, not on "
                  "ranks or threads)")
      ->capture_default_str();
  sub->add_option("--ks-bins", o->ks_bins, "streaming: bins of u on [0, 1) for the binned KS (bin width = bound "
                                           "on the error of D)")
      ->capture_default_str();
  sub->add_flag("--json", o->json, "print one JSON object: checks [{name, closed_form, estimate, stderr, z or "
                                   "p_value, pass}] and pass");
  return ito::cli::command{sub, [o]() {
                             ito::detail::require(o->paths > 2, "--paths", o->paths, "> 2");
                             ito::detail::require(o->steps > 0, "--steps", o->steps, "> 0");
                             ito::detail::require_positive("--max-z", o->max_z);
                             ito::detail::require(o->chunk_blocks > 0, "--chunk-blocks", o->chunk_blocks, "> 0");
                             ito::detail::require(o->ks_bins >= 16 && o->ks_bins <= (index_t(1) << 28), "--ks-bins",
                                                  o->ks_bins, "in [16, 2^28]");
                             ito::detail::require(o->multivariate.empty() || o->mode != "streaming", "--mode",
                                                  o->mode, "classic or auto with --multivariate (streaming covers "
                                                  "the scalar OU)");
                             return o->multivariate.empty() ? run_scalar(*o) : run_multivariate(*o);
                           }};
});
}  // namespace
