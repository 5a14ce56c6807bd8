// ito validate: simulate a process with known law (OU, time-varying OU,
// multivariate OU, GBM, CIR) with a chosen method and test the sample against
// the closed forms with the library's validate() (ito/sde/validate.hpp):
// mean, variance, covariance between the first and last check time, and the
// law at the last time (Kolmogorov–Smirnov, exact or binned). This file only
// parses arguments, builds the problem and law, and prints the report.
// `ito validate-ou` is the same command with the problem fixed to the OU
// (its flags and JSON keys are those of the former validate-ou).
// `--mlmc` checks expectations by multilevel Monte Carlo instead (validate/mlmc.hpp).
// Exit status: 0 when every check passes, 1 when any fails, 2 on bad input.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ito/sde/cir.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/mlmc.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/cir_exact.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/heun.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/ou_exact.hpp>
#include <ito/sde/steppers/sra1.hpp>
#include <ito/sde/validate.hpp>
#include <ito/sde/validate/problems.hpp>

#include "registry.hpp"
#include "solve_dispatch.hpp"

#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
#include <ito/sde/mlmc/mpi.hpp>
#include <ito/sde/validate/mpi.hpp>
#endif

namespace cmd_validate {
using namespace ito::sde;

struct options {
  std::string command = "validate";
  std::string problem = "ou";  // ou, tv-ou, gbm, cir
  // model parameters; unset ones take the problem's default (see defaults())
  std::optional<double> kappa, theta, sigma, mu, x0, beta_min, beta_max;
  double t1 = 1;
  std::optional<index_t> paths, steps;
  std::optional<std::string> method;
  std::string multivariate;
  std::string mode = "auto";  // auto, classic, streaming
  bool json = false;
  bool mlmc = false;  // --mlmc: expectation checks by MLMC (validate/mlmc.hpp)
  mlmc_validate_options mv;  // its rmse (relative), max_z, seed, threads
  validate_options v;  // times, seed, threads, max_z, chunk_blocks, ks_bins (library defaults)
};

/// The problem's default parameters, method, paths and steps (the library's
/// builtin_validation_defaults, shared with Python's ito.validate).
void defaults(options& o) {
  if (o.problem != "ou" && o.problem != "tv-ou" && o.problem != "gbm" && o.problem != "cir")
    throw ito::invalid_argument("--problem = " + o.problem + ": expected one of " + builtin_validation_names);
  const builtin_validation d = builtin_validation_defaults(o.problem, o.method);
  auto set = [&](std::optional<double>& x, const char* name) {
    if (const auto it = d.params.find(name); !x && it != d.params.end()) x = it->second;
  };
  set(o.kappa, "kappa"), set(o.theta, "theta"), set(o.sigma, "sigma"), set(o.mu, "mu"), set(o.x0, "x0");
  set(o.beta_min, "beta_min"), set(o.beta_max, "beta_max");
  if (!o.method) o.method = d.method;
  if (!o.paths) o.paths = d.paths;
  if (!o.steps) o.steps = d.steps;
  o.v.paths = *o.paths;
  o.v.steps = *o.steps;
  o.v.ks = o.mode == "classic" ? ks_method::exact : o.mode == "streaming" ? ks_method::binned : ks_method::automatic;
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

/// validate() in one process, or over every rank under MPI (rank 0 gets the report).
template <class P, class Method>
validation_report run_validate(const P& p, const Method& method, const multivariate_law& law,
                               const validate_options& v) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
  if (ito::cli::detail::mpi_active()) return ito::mpi::validate(ito::mpi::communicator{}, p, method, law, v);
#endif
  return validate(p, method, law, v);
}

/// fn(method) for the methods that can integrate an additive (OU) problem.
template <class Fn>
decltype(auto) with_ou_method(const std::string& name, Fn&& fn) {
  if (name == "exact") return fn(ou_exact{});
  if (name == "em") return fn(euler_maruyama{});
  if (name == "milstein") return fn(milstein{});
  if (name == "heun") return fn(heun{});
  if (name == "sra1") return fn(sra1{});
  throw ito::invalid_argument("--method = " + name + ": expected one of exact, em, milstein, heun, sra1");
}

/// The report of an OU-type problem, with the scheme's own law for discretising methods.
template <class P>
validation_report validate_ou_type(const options& o, const P& p, const multivariate_law& law,
                                   const Eigen::VectorXd& x0) {
  validate_options v = o.v;
  return with_ou_method(*o.method, [&](auto method) {
    if (*o.method != "exact" && ito::cli::is_root())
      v.scheme = scheme_law(p, method, time_grid<double>::uniform(p.t0, p.t1, v.steps), x0);
    return run_validate(p, method, law, v);
  });
}

nlohmann::json check_json(const validation_row& row) {
  const auto& r = row.result;
  nlohmann::json e{{"name", r.name}, {"closed_form", r.expected}, {"estimate", r.estimate}, {"pass", r.pass}};
  if (std::isfinite(r.z)) {
    e["stderr"] = r.stderr_;
    e["z"] = r.z;
  } else {
    e["stderr"] = nullptr;
    e["p_value"] = r.p_value;
  }
  if (row.scheme) e["scheme_prediction"] = *row.scheme;
  if (row.bracket) {
    e["binned"] = true;
    e["bins"] = row.bracket->bins;
    e["estimate_upper"] = row.bracket->estimate_upper;
    e["p_value_lower"] = row.bracket->p_value_lower;
    e["about"] =
        "KS statistic D evaluated at the bin edges of u = F(x): the exact D lies in [estimate, estimate_upper = "
        "estimate + bin width], its p-value in [p_value_lower, p_value]; pass on p_value (a conservative test, "
        "since the binned D <= the exact D)";
  }
  return e;
}

int print(const options& o, const validation_report& r, nlohmann::json header) {
  if (!ito::cli::is_root()) return 0;
  header["mode"] = r.exact_ks ? "classic" : "streaming";
  if (!r.exact_ks) {
    header["block_size"] = r.block_size;
    header["chunk_blocks"] = r.chunk_blocks;
    header["ks_bins"] = r.ks_bins;
  }
  if (o.json) {
    nlohmann::json j = header;
    j["seconds"] = r.seconds;
    j["max_z"] = r.max_z;
    j["level"] = level_of(r.max_z);
    j["checks"] = nlohmann::json::array();
    for (const auto& row : r.rows) j["checks"].push_back(check_json(row));
    j["pass"] = r.passed();
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << header["model"].get<std::string>() << '\n';
    r.print(std::cout);
  }
  return r.passed() ? 0 : 1;
}

std::string num(double v) { return validation_report::format(v); }

int run_multivariate(options& o) {
  const mv_spec s = read_multivariate(o.multivariate);
  const double t1 = s.t1.value_or(o.t1);
  ito::detail::require_positive("t1", t1);
  const auto p = make_ou_problem(s.ou, ensemble<double>(s.x0), 0.0, t1);
  const validation_report r = validate_ou_type(o, p, ou_law(s.ou, s.x0), s.x0);
  const std::string model = "multivariate OU dX = Theta (mu - X) dt + B dW from " + o.multivariate + " (d = " +
                            std::to_string(s.ou.dim()) + ", m = " + std::to_string(s.ou.noise_dim()) +
                            "), t1 = " + num(t1);
  nlohmann::json header{{"command", o.command}, {"problem", "ou"},    {"model", model},
                        {"kind", "multivariate"}, {"file", o.multivariate}, {"t1", t1},
                        {"method", *o.method},    {"paths", o.v.paths}, {"steps", o.v.steps},
                        {"seed", o.v.seed}};
  return print(o, r, header);
}

/// --mlmc: E X_T, E X_T^2 (and a call struck at E X_T for gbm and ou) by MLMC against the closed forms.
int run_mlmc(options& o) {
  if (!o.multivariate.empty() || (o.problem != "gbm" && o.problem != "ou" && o.problem != "cir"))
    throw ito::invalid_argument("--problem = " + o.problem + ": --mlmc expects gbm, ou or cir (no --multivariate)");
  if (!o.method) o.method = "milstein";
  defaults(o);
  o.mv.max_z = o.v.max_z;
  o.mv.mlmc.seed = o.v.seed;
  o.mv.mlmc.threads = o.v.threads;
  // Level 0 resolves the drift's time scale (h_0 <= 1 / (2 rate)): with h_0 = T and kappa T = 2 (cir's
  // defaults) Euler's factor 1 - kappa h_0 is negative, the first corrections are not yet asymptotic and
  // Giles' bias estimate, fitted to them, comes out far too small.
  const double rate = o.problem == "gbm" ? std::abs(*o.mu) : *o.kappa;
  o.mv.mlmc.base_steps = std::max<index_t>(1, index_t(std::ceil(2 * rate * o.t1)));
  ito::detail::require(std::isfinite(o.mv.rmse) && o.mv.rmse > 0, "--rmse", o.mv.rmse, "a finite number > 0");
  ito::detail::require_finite("x0", *o.x0);
  ito::detail::require_positive("t1", o.t1);
  const auto x0m = ensemble<double>::Constant(1, 1, *o.x0);
  auto check = [&](const auto& p, const multivariate_law& law, const char* shape) {
    const auto checks = shape ? mlmc_expectations(law, o.t1, mlmc_call_check{shape, law.mean(o.t1)(0)})
                              : mlmc_expectations(law, o.t1);
    auto with = [&](auto method) {
      return validate_mlmc_with(checks, o.mv, [&](const mlmc_payoff& payoff, const mlmc_options& mo) {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
        if (ito::cli::detail::mpi_active()) return ito::mpi::mlmc(ito::mpi::communicator{}, p, method, payoff, mo);
#endif
        return mlmc(p, method, payoff, mo);
      });
    };
    if (*o.method == "em") return with(euler_maruyama{});
    if (*o.method == "milstein") return with(milstein{});
    throw ito::invalid_argument("--method = " + *o.method + ": expected em or milstein with --mlmc");
  };
  mlmc_validation r;
  if (o.problem == "gbm") {
    ito::detail::require_positive("x0", *o.x0);
    r = check(gbm_problem<double>(*o.mu, *o.sigma, *o.x0, o.t1).problem, gbm_law(*o.mu, *o.sigma, *o.x0), "lognormal");
  } else if (o.problem == "ou") {
    const scalar_ou ou(*o.kappa, *o.theta, *o.sigma);
    r = check(make_ou_problem(ou, x0m, 0.0, o.t1), ou_law(ou, *o.x0), "normal");
  } else {
    ito::detail::require(*o.x0 >= 0, "--x0", *o.x0, "a state >= 0 for cir");
    const cir_process cir(*o.kappa, *o.theta, *o.sigma);
    r = check(make_cir_problem(cir, x0m, 0.0, o.t1), cir_law(cir, *o.x0), nullptr);
  }
  if (!ito::cli::is_root()) return r.passed() ? 0 : 1;
  if (o.json) {
    nlohmann::json j{{"command", o.command}, {"problem", o.problem}, {"mlmc", true},     {"method", r.method},
                     {"x0", *o.x0},          {"t1", o.t1},          {"rmse", o.mv.rmse}, {"relative", o.mv.relative},
                     {"seed", r.seed},       {"max_z", r.max_z},    {"checks", nlohmann::json::array()}};
    for (const auto& row : r.rows)
      j["checks"].push_back({{"name", row.result.name},         {"closed_form", row.result.expected},
                             {"estimate", row.result.estimate}, {"stderr", row.result.stderr_},
                             {"z", row.result.z},               {"sampling_stderr", row.sampling_stderr},
                             {"bias_estimate", row.bias_estimate}, {"rmse", row.rmse},
                             {"cost", row.cost},                {"plain_mc_cost", row.plain_mc_cost},
                             {"levels", row.levels},            {"converged", row.converged},
                             {"pass", row.result.pass}});
    j["pass"] = r.passed();
    std::cout << j.dump(2) << '\n';
  } else {
    r.print(std::cout);
  }
  return r.passed() ? 0 : 1;
}

int run(options& o) {
  if (o.mlmc) return run_mlmc(o);
  if (!o.multivariate.empty() && o.problem != "ou")
    throw ito::invalid_argument("--problem = " + o.problem + ": --multivariate needs --problem ou");
  defaults(o);
  // the library checks these too; here the message names the flag
  ito::detail::require(o.v.paths > 2, "--paths", o.v.paths, "> 2");
  ito::detail::require(o.v.steps > 0, "--steps", o.v.steps, "> 0");
  ito::detail::require_positive("--max-z", o.v.max_z);
  ito::detail::require(o.v.chunk_blocks > 0, "--chunk-blocks", o.v.chunk_blocks, "> 0");
  ito::detail::require(o.v.ks_bins >= 16 && o.v.ks_bins <= (index_t(1) << 28), "--ks-bins", o.v.ks_bins,
                       "in [16, 2^28]");
  o.v.validate();
  if (!o.multivariate.empty()) return run_multivariate(o);
  ito::detail::require_finite("x0", *o.x0);
  ito::detail::require_positive("t1", o.t1);
  const auto x0m = ensemble<double>::Constant(1, 1, *o.x0);
  const Eigen::VectorXd x0v = Eigen::VectorXd::Constant(1, *o.x0);
  nlohmann::json header{{"command", o.command}, {"problem", o.problem}, {"kind", "scalar"}, {"x0", *o.x0},
                        {"t1", o.t1},           {"method", *o.method},  {"paths", o.v.paths},
                        {"steps", o.v.steps},   {"seed", o.v.seed}};
  std::ostringstream model;
  validation_report r;
  if (o.problem == "ou") {
    const scalar_ou ou(*o.kappa, *o.theta, *o.sigma);
    const auto p = make_ou_problem(ou, x0m, 0.0, o.t1);
    r = validate_ou_type(o, p, ou_law(ou, *o.x0), x0v);
    model << "OU dX = " << *o.kappa << " (" << *o.theta << " - X) dt + " << *o.sigma << " dW, X0 = " << *o.x0
          << ", t1 = " << o.t1;
    header.update({{"kappa", *o.kappa}, {"theta", *o.theta}, {"sigma", *o.sigma}});
  } else if (o.problem == "tv-ou") {
    ito::detail::require(*o.beta_min >= 0 && *o.beta_max >= 0, "--beta-min/--beta-max", *o.beta_min,
                         "beta(t) >= 0 on [0, t1]");
    const auto ou = make_time_varying_ou(linear_beta_schedule{*o.beta_min, *o.beta_max, o.t1}, *o.mu, *o.sigma);
    const auto p = make_ou_problem(ou, x0m, 0.0, o.t1);
    r = validate_ou_type(o, p, ou_law(ou, *o.x0), x0v);
    model << "time-varying OU dX = beta(t)/(2 " << *o.sigma << "^2) (" << *o.mu << " - X) dt + sqrt(beta(t)) dW, "
          << "beta(t) = " << *o.beta_min << " + (" << *o.beta_max << " - " << *o.beta_min << ") t / " << o.t1
          << ", X0 = " << *o.x0 << ", t1 = " << o.t1;
    header.update({{"beta_min", *o.beta_min}, {"beta_max", *o.beta_max}, {"mu", *o.mu}, {"sigma", *o.sigma}});
  } else if (o.problem == "gbm") {
    ito::detail::require_positive("x0", *o.x0);
    const auto p = gbm_problem<double>(*o.mu, *o.sigma, *o.x0, o.t1).problem;
    const multivariate_law law = gbm_law(*o.mu, *o.sigma, *o.x0);
    const std::string& m = *o.method;
    if (m == "em") r = run_validate(p, euler_maruyama{}, law, o.v);
    else if (m == "milstein") r = run_validate(p, milstein{}, law, o.v);
    else if (m == "milstein-df") r = run_validate(p, milstein_df{}, law, o.v);
    else throw ito::invalid_argument("--method = " + m + ": expected one of em, milstein, milstein-df for gbm");
    model << "GBM dX = " << *o.mu << " X dt + " << *o.sigma << " X dW, X0 = " << *o.x0 << ", t1 = " << o.t1;
    header.update({{"mu", *o.mu}, {"sigma", *o.sigma}});
  } else {
    const cir_process cir(*o.kappa, *o.theta, *o.sigma);
    ito::detail::require(*o.x0 >= 0, "--x0", *o.x0, "a state >= 0 for cir");
    const auto p = make_cir_problem(cir, x0m, 0.0, o.t1);
    const multivariate_law law = cir_law(cir, *o.x0);
    const std::string& m = *o.method;
    if (m == "exact") r = run_validate(p, cir_exact{}, law, o.v);
    else if (m == "em") r = run_validate(p, euler_maruyama{}, law, o.v);
    else throw ito::invalid_argument("--method = " + m + ": expected one of exact, em for cir");
    model << "CIR dX = " << *o.kappa << " (" << *o.theta << " - X) dt + " << *o.sigma << " sqrt(X) dW, X0 = "
          << *o.x0 << ", t1 = " << o.t1 << (m == "exact" ? "" : " (full truncation)");
    header.update({{"kappa", *o.kappa}, {"theta", *o.theta}, {"sigma", *o.sigma}});
  }
  header["model"] = model.str();
  return print(o, r, header);
}

/// The flags of `validate` (ou_only: those of `validate-ou`).
ito::cli::command add(CLI::App& app, const std::string& name, bool ou_only) {
  auto o = std::make_shared<options>();
  o->command = name;
  auto* sub = app.add_subcommand(
      name, ou_only ? "Simulate an OU process and test mean, variance, two-time covariance and the law (KS) "
                      "against the closed forms; exit 1 if any check fails (= ito validate --problem ou)"
                    : "Simulate a process with known law (ou, tv-ou, gbm, cir, or a multivariate OU) and test "
                      "mean, variance, two-time covariance and the law (KS) against the closed forms; exit 1 if "
                      "any check fails");
  if (!ou_only)
    sub->add_option("--problem", o->problem,
                    "ou: dX = kappa (theta - X) dt + sigma dW; tv-ou: dX = beta(t)/(2 sigma^2) (mu - X) dt + "
                    "sqrt(beta(t)) dW with beta linear from --beta-min to --beta-max; gbm: dX = mu X dt + sigma X "
                    "dW; cir: dX = kappa (theta - X) dt + sigma sqrt(X) dW")
        ->check(CLI::IsMember({"ou", "tv-ou", "gbm", "cir"}))
        ->capture_default_str();
  sub->add_option("--kappa", o->kappa, "mean-reversion rate kappa (ou 1, cir 2)");
  sub->add_option("--theta", o->theta, "long-run mean theta (ou 0, cir 1)");
  sub->add_option("--sigma", o->sigma, "noise amplitude sigma (ou 1, cir 1, gbm 0.5; tv-ou: stationary sd 1)");
  if (!ou_only) {
    sub->add_option("--mu", o->mu, "gbm: growth rate (1); tv-ou: stationary mean (0)");
    sub->add_option("--beta-min", o->beta_min, "tv-ou: beta(0) (0.1)");
    sub->add_option("--beta-max", o->beta_max, "tv-ou: beta(t1) (20)");
  }
  sub->add_option("--x0", o->x0, "initial state (ou 1, tv-ou 1, gbm 1, cir 0.5)");
  sub->add_option("--t1", o->t1, "final time (a multivariate file's t1 overrides it)")->capture_default_str();
  sub->add_option("--times", o->v.times, "check times on the grid, comma separated (default: mid-grid and t1)")
      ->delimiter(',');
  sub->add_option("--paths", o->paths, "Monte Carlo paths N (default 10^6; gbm, cir 10^5)");
  sub->add_option("--steps", o->steps, "uniform steps on [0, t1] (default 10; gbm 1000; cir 2 exact, 100 else)");
  sub->add_option("--method", o->method,
                  ou_only ? "exact, em, milstein, heun or sra1 (default exact)"
                          : "ou, tv-ou: exact, em, milstein, heun, sra1 (default exact); gbm: em, milstein, "
                            "milstein-df (default milstein); cir: exact, em (default exact; em uses full "
                            "truncation)");
  sub->add_option("--seed", o->v.seed, "Brownian seed")->capture_default_str();
  sub->add_option("--threads", o->v.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--max-z", o->v.max_z, "pass when |z| <= max-z (KS: p >= the same two-sided level)")
      ->capture_default_str();
  sub->add_option("--multivariate", o->multivariate,
                  "JSON file {\"theta\": [[..]], \"mu\": [..], \"B\": [[..]], \"x0\": [..], \"t1\": T (optional)}");
  sub->add_option("--mode", o->mode,
                  "how the law at the last time is tested (the moments always stream, memory O(chunk)). classic: "
                  "exact KS from the sorted sample (8 N bytes per component; under MPI gathered to rank 0). "
                  "streaming: KS from a histogram of u = F(x) evaluated at the bin edges (binned: the exact D lies "
                  "within one bin width above the reported one). auto: classic up to 10^7 paths, else streaming. "
                  "Bit-identical for any ranks x threads")
      ->check(CLI::IsMember({"auto", "classic", "streaming"}))
      ->capture_default_str();
  sub->add_option("--chunk-blocks", o->v.chunk_blocks,
                  "blocks of 512 paths per chunk (fixes the merge order; results depend on it, not on ranks or "
                  "threads)")
      ->capture_default_str();
  sub->add_option("--ks-bins", o->v.ks_bins,
                  "streaming: bins of u on [0, 1) for the binned KS (bin width = bound on the error of D)")
      ->capture_default_str();
  if (!ou_only) {
    sub->add_flag("--mlmc", o->mlmc,
                  "instead: estimate E X_T, E X_T^2 and (gbm, ou) E max(X_T - K, 0) with K = E X_T by multilevel "
                  "Monte Carlo (--method em|milstein, default milstein) and test them against the closed forms "
                  "with z = (estimate - closed form) / sqrt(stderr^2 + bias estimate^2)");
    sub->add_option("--rmse", o->mv.rmse, "--mlmc: target RMSE relative to each closed form")->capture_default_str();
  }
  sub->add_flag("--json", o->json,
                "print one JSON object: checks [{name, closed_form, estimate, stderr, z or p_value, "
                "scheme_prediction, pass}] and pass");
  return ito::cli::command{sub, [o]() { return run(*o); }};
}

const bool registered_validate = ito::cli::add_command([](CLI::App& app) { return add(app, "validate", false); });
const bool registered_validate_ou =
    ito::cli::add_command([](CLI::App& app) { return add(app, "validate-ou", true); });
}  // namespace cmd_validate
