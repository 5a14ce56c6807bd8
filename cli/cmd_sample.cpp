// ito sample: draw samples by integrating a reverse-time SDE / probability-flow ODE or
// running a discrete sampler, with the score from a source (--oracle gmm.json; see
// common.hpp's with_score for where a trained model plugs in).
#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/samplers.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace {
struct options {
  ito::cli::sde_options sde;
  ito::cli::score_options score;
  std::string sampler = "em", out, trajectory, variance = "small", ode = "rk4";
  long long n = 1000;
  std::vector<double> times;
  ito::diffusion::sampler_options opt;
  bool json = false;
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

int run(const options& o) {
  using namespace ito::diffusion;
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
  sub->add_option("--sampler", o->sampler, "em | sra1 | rd | pc | ddpm | ddim | langevin | ald | ode")->capture_default_str();
  sub->add_option("--steps", o->opt.steps, "grid steps K (ald: noise levels; ode rk4: RK4 steps)")->capture_default_str();
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
  sub->add_option("--rtol", o->opt.ode.rtol, "ode dopri5 relative tolerance")->capture_default_str();
  sub->add_option("--atol", o->opt.ode.atol, "ode dopri5 absolute tolerance")->capture_default_str();
  sub->add_flag("--json", o->json, "print a JSON summary");
  return ito::cli::command{sub, [o]() { return run(*o); }};
});
}  // namespace
