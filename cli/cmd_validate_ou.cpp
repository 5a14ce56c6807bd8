// ito validate-ou: simulate an Ornstein–Uhlenbeck process with a chosen method
// and check mean, variance, covariance between two times and the law at the
// last time (Kolmogorov–Smirnov) against the closed forms (ito/sde/ou.hpp),
// with z-scores from the Monte Carlo standard errors (ito/sde/stats.hpp).
// Next to each estimate it shows what the *scheme* converges to (the exact law
// of the discretisation, ito::sde::scheme_moments; for Euler–Maruyama the
// closed form (1 - (1 - k dt)^{2n}) s^2 dt / (1 - (1 - k dt)^2)), so a failure
// by discretisation bias is told apart from a failure by a bug.
// Exit status: 0 when every check passes, 1 when any fails, 2 on bad input.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ito/sde/error.hpp>
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
using ito::sde::index;

struct options {
  double kappa = 1, theta = 0, sigma = 1, x0 = 1, t1 = 1;
  std::vector<double> times;
  index paths = 1000000, steps = 10;
  std::string method = "exact";
  std::uint64_t seed = 1;
  unsigned threads = 0;
  double max_z = default_max_z;
  std::string multivariate;
  bool json = false;
};

/// One row of the report: a test_result plus what the scheme itself converges to.
struct check {
  test_result r;
  std::optional<double> scheme;
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

welford row_stats(const ensemble<double>& x, index i) {
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
      j["checks"].push_back(e);
    }
    j["pass"] = all;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << header["model"].get<std::string>() << "\nmethod " << header["method"].get<std::string>() << ", "
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
  for (double t : ts)
    if (t < t1 * (1 - 1e-12)) so.save_times.push_back(t);
  return so;
}

/// The d x N sample at check time ts[i] (the last one may be t1 = terminal).
const ensemble<double>& sample_at(const solution<double>& sol, const std::vector<double>&, std::size_t i) {
  return i < sol.snapshots.size() ? sol.snapshots[i] : sol.terminal;
}

std::vector<index> grid_indices(const std::vector<double>& ts, const time_grid<double>& g) {
  std::vector<index> k;
  for (double t : ts) k.push_back(g.find(t));
  return k;
}

int run_scalar(const options& o) {
  const scalar_ou ou(o.kappa, o.theta, o.sigma);
  ito::detail::require_finite("x0", o.x0);
  ito::detail::require_positive("t1", o.t1);
  const auto grid = time_grid<double>::uniform(0.0, o.t1, o.steps);
  const auto ts = check_times(o, o.t1, grid);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, o.x0), 0.0, o.t1);
  const auto start = std::chrono::steady_clock::now();
  std::vector<check> checks;
  with_method(o.method, [&](auto method) {
    const auto sol = ito::cli::run_solve(p, method, make_solve_options(o, ts, o.t1));
    if (!ito::cli::is_root()) return;  // under MPI rank 0 holds the gathered samples
    std::vector<gaussian_moments> sm;
    if (o.method != "exact")
      sm = scheme_moments(p, method, grid, Eigen::VectorXd::Constant(1, o.x0), Eigen::MatrixXd::Zero(1, 1),
                          grid_indices(ts, grid));
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
                        {"paths", o.paths},         {"steps", o.steps},      {"seed", o.seed}};
  return ito::cli::is_root() ? report(o, checks, header, secs) : 0;
}

int run_multivariate(const options& o) {
  const mv_spec s = read_multivariate(o.multivariate);
  const multivariate_ou& ou = s.ou;
  const double t1 = s.t1.value_or(o.t1);
  ito::detail::require_positive("t1", t1);
  const index d = ou.dim();
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
      for (index k = 0; k < d; ++k)
        checks.push_back({mean_test(row_stats(X, k), m(k), o.max_z, "mean" + std::to_string(k) + at),
                          sm.empty() ? std::nullopt : std::optional<double>(sm[i].mean(k))});
      for (index a = 0; a < d; ++a)
        for (index b = a; b < d; ++b)
          checks.push_back({covariance_test(X.row(a), X.row(b), C(a, b), o.max_z,
                                            "cov" + std::to_string(a) + std::to_string(b) + at),
                            sm.empty() ? std::nullopt : std::optional<double>(sm[i].cov(a, b))});
    }
    if (ts.size() >= 2) {
      const double ta = ts.front(), tb = ts.back();
      const Eigen::MatrixXd X = ou.cross_covariance(ta, tb, Z);
      const auto& A = sample_at(sol, ts, 0);
      const auto& B = sample_at(sol, ts, ts.size() - 1);
      for (index a = 0; a < d; ++a)
        for (index b = 0; b < d; ++b)
          checks.push_back({covariance_test(A.row(a), B.row(b), X(a, b), o.max_z,
                                            "xcov" + std::to_string(a) + std::to_string(b) + "(" + fmt(ta, 4) +
                                                "," + fmt(tb, 4) + ")"),
                            std::nullopt});
    }
    const double tl = ts.back();
    const Eigen::VectorXd m = ou.mean(tl, s.x0);
    const Eigen::MatrixXd C = ou.covariance(tl, Z);
    for (index k = 0; k < d; ++k)
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
                        {"paths", o.paths},         {"steps", o.steps}, {"seed", o.seed}};
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
  sub->add_flag("--json", o->json, "print one JSON object: checks [{name, closed_form, estimate, stderr, z or "
                                   "p_value, pass}] and pass");
  return ito::cli::command{sub, [o]() {
                             ito::detail::require(o->paths > 2, "--paths", o->paths, "> 2");
                             ito::detail::require(o->steps > 0, "--steps", o->steps, "> 0");
                             ito::detail::require_positive("--max-z", o->max_z);
                             return o->multivariate.empty() ? run_scalar(*o) : run_multivariate(*o);
                           }};
});
}  // namespace
