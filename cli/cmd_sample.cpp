// ito sample: draw samples by integrating a reverse-time SDE / probability-flow ODE or
// running a discrete sampler, with the score from a source (--oracle gmm.json; see
// common.hpp's with_score for where a trained model plugs in).
#include <algorithm>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/samplers/adaptive_dpmpp_sde.hpp>
#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/step_schedules.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_sample {
struct options {
  ito::cli::sde_options sde;
  ito::cli::score_options score;
  std::string sampler = "em", out, trajectory, variance = "small", ode = "rk4";
  long long n = 1000;
  std::vector<double> times;
  ito::diffusion::sampler_options opt;
  std::optional<double> rtol, atol;  // ode dopri5 and the adaptive sampler (each with its own default)
  bool json = false;
  // --- the fast samplers (dpm, dpmpp, dpmpp-sde, unipc, edm): their own options ---
  struct fast_cli {
    int order = 0;
    std::string schedule, schedule_file;
    double rho = 7;
    long long nfe = 0;
    double churn = 0, s_tmin = 0, s_tmax = std::numeric_limits<double>::infinity(), s_noise = 1;
    bool denoise_final = false, no_denoise_final = false, final_corrector = false;
    std::string dpmpp3, unipc_variant;
    CLI::Option* steps_option = nullptr;
  } fast;
};

/// Rows (t, path, x1..xd) for every save time: a (2 + d) x (N * times) table.
ito::sde::ensemble<double> trajectory_table(const ito::diffusion::sample_result<double>& r) {
  const auto d = r.samples.rows(), n = r.samples.cols();
  ito::sde::ensemble<double> T(2 + d, n * static_cast<Eigen::Index>(r.times.size()));
  for (std::size_t i = 0; i < r.times.size(); ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      const auto c = static_cast<Eigen::Index>(i) * n + j;
      T(0, c) = r.times[i];
      T(1, c) = static_cast<double>(j);
      T.col(c).tail(d) = r.trajectory[i].col(j);
    }
  return T;
}

/// The fast-sampler options of `o` as library options (the grid from --schedule-file if given).
ito::diffusion::fast_sampler_options fast_options(const options& o) {
  using namespace ito::diffusion;
  fast_sampler_options f;
  f.method = parse_fast_method(o.sampler);
  f.order = o.fast.order;
  if (!o.fast.schedule.empty()) f.schedule = parse_step_schedule(o.fast.schedule);
  f.rho = o.fast.rho;
  const bool steps_given = o.fast.steps_option && o.fast.steps_option->count() > 0;
  ito::detail::require(!(steps_given && o.fast.nfe > 0), "--nfe", o.fast.nfe, "not together with --steps");
  if (f.schedule == step_schedule::optimized) {
    ito::detail::require(!o.fast.schedule_file.empty(), "--schedule", "optimized",
                         "together with --schedule-file (a grid saved by bench/samplers_quality or optimize_step_times)");
    f.times = load_step_times(o.fast.schedule_file).times;
  } else {
    ito::detail::require(o.fast.schedule_file.empty(), "--schedule-file", o.fast.schedule_file,
                         "only with --schedule optimized");
  }
  if (o.fast.nfe > 0) f.nfe = o.fast.nfe;
  else if (f.times.empty() || steps_given) f.steps = o.opt.steps;
  f.t_end = o.opt.t_end >= 0 ? o.opt.t_end : -1;
  ito::detail::require(!(o.fast.denoise_final && o.fast.no_denoise_final), "--denoise-final", "with --no-denoise-final",
                       "at most one of them");
  if (o.fast.denoise_final) f.denoise_final = true;
  if (o.fast.no_denoise_final) f.denoise_final = false;
  if (!o.fast.dpmpp3.empty()) f.dpmpp3 = parse_dpmpp3_coefficients(o.fast.dpmpp3);
  if (!o.fast.unipc_variant.empty()) f.unipc = parse_unipc_variant(o.fast.unipc_variant);
  f.final_corrector = o.fast.final_corrector;
  f.churn.churn = o.fast.churn;
  f.churn.t_min = o.fast.s_tmin;
  f.churn.t_max = o.fast.s_tmax;
  f.churn.noise = o.fast.s_noise;
  f.seed = o.opt.seed;
  f.threads = o.opt.threads;
  return f;
}

/// ito sample --sampler dpm|dpmpp|dpmpp-sde|unipc|edm.
int run_fast(const options& o) {
  using namespace ito::diffusion;
  ito::detail::require(o.times.empty() && o.trajectory.empty(), "--times/--trajectory", "given",
                       "no trajectory for the fast samplers (they keep only the samples)");
  const fast_sampler_options f = fast_options(o);
  fast_plan plan;
  const auto res = ito::cli::with_sde(ito::cli::score_sde(o.score, o.sde), [&](const auto& sde) {
    plan = make_fast_plan(sde, f);
    return ito::cli::with_score(o.score, sde, [&](const auto& score, Eigen::Index d) {
      return sample_fast<std::decay_t<decltype(sde)>, std::decay_t<decltype(score)>, double>(sde, score, d, o.n, f);
    });
  });
  if (!o.out.empty()) write_csv(o.out, res.samples);
  if (o.json) {
    nlohmann::json j = ito::cli::sde_json(ito::cli::score_sde(o.score, o.sde));
    j["sampler"] = res.sampler;
    j["order"] = f.resolved_order();
    j["schedule"] = to_string(plan.schedule);
    if (plan.schedule == step_schedule::karras) j["rho"] = f.rho;
    j["steps"] = plan.steps();
    j["step_orders"] = plan.orders;
    j["times"] = plan.times;
    j["denoise_final"] = plan.denoise_final;
    if (f.method == fast_method::edm)
      j["churn"] = {{"s_churn", f.churn.churn}, {"s_tmin", f.churn.t_min}, {"s_noise", f.churn.noise},
                    {"s_tmax", std::isfinite(f.churn.t_max) ? nlohmann::json(f.churn.t_max) : nlohmann::json("inf")}};
    j["n"] = o.n;
    j["dim"] = res.samples.rows();
    j["seed"] = f.seed;
    j["nfe"] = res.nfe;
    j["seconds"] = res.seconds;
    j["out"] = o.out;
    const Eigen::VectorXd m = res.samples.rowwise().mean();
    j["mean"] = std::vector<double>(m.data(), m.data() + m.size());
    ito::cli::print_json(j);
  } else {
    std::cout << res.sampler << " (order " << f.resolved_order() << ", " << to_string(plan.schedule) << "): " << o.n
              << " samples, " << plan.steps() << " steps, " << res.nfe << " score evaluations per sample, "
              << res.seconds << " s -> " << o.out << '\n';
  }
  return 0;
}

/// Register the fast samplers' options.
void add_fast_sampler_options(CLI::App* sub, options& o) {
  auto& f = o.fast;
  sub->add_option("--order", f.order, "dpm 1-3 (1 = DDIM), dpmpp 1-3 (2M/3M), dpmpp-sde 1-2, unipc 1-3, edm 1 (Euler) or 2 (Heun); 0 = default")
      ->capture_default_str();
  sub->add_option("--schedule", f.schedule, "fast samplers' step schedule: uniform | logsnr | karras | quadratic | optimized (default logsnr; karras for edm)");
  sub->add_option("--schedule-file", f.schedule_file, "--schedule optimized: JSON grid {\"times\": [...]}");
  sub->add_option("--rho", f.rho, "karras schedule exponent")->capture_default_str();
  sub->add_option("--nfe", f.nfe, "fast samplers: exactly this many score evaluations per sample (instead of --steps)");
  sub->add_option("--churn", f.churn, "edm: S_churn (0 = deterministic)")->capture_default_str();
  sub->add_option("--s-tmin", f.s_tmin, "edm: S_tmin (sigma)")->capture_default_str();
  sub->add_option("--s-tmax", f.s_tmax, "edm: S_tmax (sigma)");
  sub->add_option("--s-noise", f.s_noise, "edm: S_noise")->capture_default_str();
  sub->add_flag("--denoise-final", f.denoise_final, "fast samplers: end with Tweedie's x0_hat at t_end (one more evaluation; default for edm)");
  sub->add_flag("--no-denoise-final", f.no_denoise_final, "edm: stop at t_end without the final step to sigma = 0");
  sub->add_option("--dpmpp3", f.dpmpp3, "dpmpp order 3: taylor (default, order 3) | released (the authors' code's D2 coefficient)");
  sub->add_option("--unipc-variant", f.unipc_variant, "unipc: bh2 (default) | bh1");
  sub->add_flag("--final-corrector", f.final_corrector, "unipc: UniC on the last step too (instead of --denoise-final)");
}

/// ito sample --sampler adaptive | adaptive-dpmpp-sde [--rtol R --atol A]: the adaptive
/// reverse-SDE samplers (samplers/adaptive.hpp, samplers/adaptive_dpmpp_sde.hpp); --json
/// reports the mean NFE per sample.
int run_adaptive(const options& o, ito::diffusion::adaptive_sampler kind) {
  using namespace ito::diffusion;
  ito::cli::require_count("--n", o.n);
  ito::detail::require(!o.out.empty() || o.json, "--out", "(none)", "a CSV file for the samples (or --json only)");
  ito::detail::require(o.times.empty(), "--times", o.times.size(), "none with the adaptive samplers");
  ito::sde::adaptive_options control = default_adaptive_sampler_control();
  if (o.rtol) control.rtol = *o.rtol;
  if (o.atol) control.atol = *o.atol;
  auto res = ito::cli::with_sde(ito::cli::score_sde(o.score, o.sde), [&](const auto& f) {
    return ito::cli::with_score(o.score, f, [&](const auto& score, Eigen::Index d) {
      return sample_adaptive<std::decay_t<decltype(f)>, std::decay_t<decltype(score)>, double>(kind, f, score, d, o.n,
                                                                                            o.opt, control);
    });
  });
  ito::cli::model_samples_to_data_units(o.score, res);  // --model: the data's own units
  if (!o.out.empty()) write_csv(o.out, res.samples);
  if (o.json) {
    nlohmann::json j = ito::cli::sde_json(ito::cli::score_sde(o.score, o.sde));
    j["sampler"] = res.sampler;
    j["rtol"] = control.rtol;
    j["atol"] = control.atol;
    j["n"] = o.n;
    j["dim"] = res.samples.rows();
    j["seed"] = o.opt.seed;
    j["nfe"] = res.nfe;
    j["seconds"] = res.seconds;
    j["out"] = o.out;
    const Eigen::VectorXd m = res.samples.rowwise().mean();
    j["mean"] = std::vector<double>(m.data(), m.data() + m.size());
    ito::cli::print_json(j);
  } else {
    std::cout << res.sampler << " (rtol " << control.rtol << ", atol " << control.atol << "): " << o.n << " samples, "
              << res.nfe << " score evaluations per sample, " << res.seconds << " s -> " << o.out << '\n';
  }
  return 0;
}

int run(options o) {
  using namespace ito::diffusion;
  if (const auto kind = parse_adaptive_sampler(o.sampler)) return run_adaptive(o, *kind);
  if (o.rtol) o.opt.ode.rtol = *o.rtol;
  if (o.atol) o.opt.ode.atol = *o.atol;
  if (find_fast_method(o.sampler)) {
    ito::cli::require_count("--n", o.n);
    ito::detail::require(!o.out.empty() || o.json, "--out", "(none)", "a CSV file for the samples (or --json only)");
    return run_fast(o);
  }
  ito::cli::require_count("--n", o.n);
  ito::detail::require(!o.out.empty() || o.json, "--out", "(none)", "a CSV file for the samples (or --json only)");
  ito::detail::require(o.trajectory.empty() || !o.times.empty(), "--trajectory", o.trajectory,
                       "together with --times t1 t2 ...");
  sampler_options opt = o.opt;
  opt.save_times = o.times;
  std::sort(opt.save_times.begin(), opt.save_times.end(), std::greater<>());  // the reverse runs from T down
  if (o.variance == "small" || o.variance == "large")
    opt.variance = o.variance == "small" ? reverse_variance::small : reverse_variance::large;
  else
    throw ito::invalid_argument("--variance = " + o.variance + ": expected small or large");
  if (o.ode != "rk4" && o.ode != "dopri5") throw ito::invalid_argument("--ode = " + o.ode + ": expected rk4 or dopri5");
  opt.ode.adaptive = o.ode == "dopri5";
  const sampler_kind kind = parse_sampler(o.sampler);
  auto res = ito::cli::with_sde(ito::cli::score_sde(o.score, o.sde), [&](const auto& f) {
    return ito::cli::with_score(o.score, f, [&](const auto& score, Eigen::Index d) {
      return sample<std::decay_t<decltype(f)>, std::decay_t<decltype(score)>, double>(kind, f, score, d, o.n, opt);
    });
  });
  ito::cli::model_samples_to_data_units(o.score, res);  // --model: the data's own units
  if (!o.out.empty()) write_csv(o.out, res.samples);
  if (!o.trajectory.empty()) {
    std::vector<std::string> header{"t", "path"};
    for (const auto& h : default_header(res.samples.rows())) header.push_back(h);
    write_csv(o.trajectory, trajectory_table(res), header);
  }
  if (o.json) {
    nlohmann::json j = ito::cli::sde_json(ito::cli::score_sde(o.score, o.sde));
    j["sampler"] = res.sampler;
    j["steps"] = opt.steps;
    j["n"] = o.n;
    j["dim"] = res.samples.rows();
    j["seed"] = opt.seed;
    j["nfe"] = res.nfe;
    j["seconds"] = res.seconds;
    j["out"] = o.out;
    if (!o.trajectory.empty()) j["trajectory"] = o.trajectory;
    const Eigen::VectorXd m = res.samples.rowwise().mean();
    j["mean"] = std::vector<double>(m.data(), m.data() + m.size());
    ito::cli::print_json(j);
  } else {
    std::cout << res.sampler << ": " << o.n << " samples, " << opt.steps << " steps, " << res.nfe
              << " score evaluations per sample, " << res.seconds << " s -> " << o.out << '\n';
  }
  return 0;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("sample", "Sample by reversing a forward SDE with a score (--oracle gmm.json: exact score)");
  ito::cli::add_score_options(sub, o->score);
  ito::cli::add_sde_options(sub, o->sde);
  sub->add_option("--sampler", o->sampler, "em | sra1 | rd | pc | ddpm | ddim | langevin | ald | ode | dpm | dpmpp | dpmpp-sde | unipc | edm | adaptive | adaptive-dpmpp-sde")->capture_default_str();
  o->fast.steps_option = sub->add_option("--steps", o->opt.steps, "grid steps K (ald: noise levels; ode rk4: RK4 steps)")->capture_default_str();
  add_fast_sampler_options(sub, *o);
  sub->add_option("--n", o->n, "number of samples")->capture_default_str();
  sub->add_option("--seed", o->opt.seed, "seed of the prior and the noise")->capture_default_str();
  sub->add_option("--threads", o->opt.threads, "threads (0 = all cores; results do not depend on it)")->capture_default_str();
  sub->add_option("--out", o->out, "CSV file for the samples (one per row)");
  sub->add_option("--trajectory", o->trajectory, "CSV file for the states at --times (rows t, path, x1..xd)");
  sub->add_option("--times", o->times, "forward times t at which to keep the state (on the sampler's grid)");
  sub->add_option("--t-end", o->opt.t_end, "last time (< 0: the SDE's eps; 0 for ddpm/ddim)")->capture_default_str();
  sub->add_option("--snr", o->opt.snr, "pc: Langevin corrector signal-to-noise ratio")->capture_default_str();
  sub->add_option("--corrector-steps", o->opt.corrector_steps, "pc/ald: Langevin steps per level")->capture_default_str();
  sub->add_option("--eta", o->opt.eta, "ddim: 0 deterministic, 1 = ddpm")->capture_default_str();
  sub->add_option("--variance", o->variance, "ddpm: small (beta tilde) | large (beta)")->capture_default_str();
  sub->add_option("--step-size", o->opt.step_size, "langevin/ald step (< 0: default)")->capture_default_str();
  sub->add_option("--ode", o->ode, "ode: rk4 (fixed --steps) | dopri5 (adaptive, --rtol/--atol)")->capture_default_str();
  sub->add_option("--rtol", o->rtol, "relative tolerance: ode dopri5 (default 1e-5), adaptive samplers (default 1e-2)");
  sub->add_option("--atol", o->atol, "absolute tolerance: ode dopri5 (default 1e-5), adaptive samplers (default 1e-2)");
  sub->add_flag("--json", o->json, "print a JSON summary");
  return ito::cli::command{sub, [o]() { return run(*o); }};
});
}  // namespace cmd_sample
