// ito nll: mean negative log-likelihood (nats) of data under the probability-flow ODE of a
// forward SDE and a score; with --oracle or --truth gmm.json (the data's true density,
// e.g. for a model trained on draws of that mixture) also the true mean NLL and the KL
// gap = model NLL - true NLL with its standard error (likelihood.hpp, kl_gap).
#include <iostream>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/likelihood.hpp>
#include <ito/diffusion/model.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_nll {
struct options {
  ito::cli::sde_options sde;
  ito::cli::score_options score;
  std::string data, method = "auto", truth;
  ito::diffusion::likelihood_options opt;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("nll", "Mean negative log-likelihood (nats) of data under the probability-flow ODE");
  ito::cli::add_score_options(sub, o->score);
  ito::cli::add_sde_options(sub, o->sde);
  sub->add_option("--data", o->data, "CSV of points (one per row)")->required();
  sub->add_option("--divergence", o->method, "auto | exact | hutchinson")->capture_default_str();
  sub->add_option("--probes", o->opt.probes, "Hutchinson probes per point")->capture_default_str();
  sub->add_option("--rtol", o->opt.ode.rtol, "dopri5 relative tolerance")->capture_default_str();
  sub->add_option("--atol", o->opt.ode.atol, "dopri5 absolute tolerance")->capture_default_str();
  sub->add_option("--t0", o->opt.eps, "start time of the ODE (the data are x(t0))")->capture_default_str();
  sub->add_option("--seed", o->opt.seed, "Hutchinson probe seed")->capture_default_str();
  sub->add_option("--threads", o->opt.threads, "threads (0 = all cores)")->capture_default_str();
  sub->add_option("--truth", o->truth,
                  "Gaussian-mixture JSON of the data's true density: report true_nll and the KL gap "
                  "(use held-out data)");
  sub->add_flag("--json", o->json, "print JSON {nll, ...}");
  return ito::cli::command{sub, [o]() {
    using namespace ito::diffusion;
    likelihood_options opt = o->opt;
    if (o->method == "auto") opt.method = divergence_method::automatic;
    else if (o->method == "exact") opt.method = divergence_method::exact;
    else if (o->method == "hutchinson") opt.method = divergence_method::hutchinson;
    else throw ito::invalid_argument("--divergence = " + o->method + ": expected auto, exact or hutchinson");
    const auto X = read_csv(o->data);
    // --model: the library's model likelihood (its forward SDE; NLL in the data's own
    // units, undoing the checkpoint's normalisation with its log-Jacobian)
    const auto res = !o->score.model.empty()
                         ? model_log_likelihood(load_checkpoint(o->score.model), X, opt)
                         : ito::cli::with_sde(o->sde, [&](const auto& f) {
                             return ito::cli::with_score(o->score, f, [&](const auto& score, Eigen::Index d) {
                               ito::detail::require(X.rows() == d, "--data dimension", X.rows(),
                                                    "the score's dimension " + std::to_string(d) + " (" + o->data + ")");
                               return log_likelihood(f, score, X, opt);
                             });
                           });
    nlohmann::json j = ito::cli::sde_json(ito::cli::score_sde(o->score, o->sde));
    j["nll"] = res.mean_nll;
    j["n"] = X.cols();
    j["nfe"] = res.nfe;
    j["exact_divergence"] = res.exact;
    j["seconds"] = res.seconds;
    const std::string truth_file = !o->truth.empty() ? o->truth : o->score.oracle;
    if (!truth_file.empty()) {  // the truth: the mixture's own log-density
      const auto truth = load_gmm(truth_file).log_density(X);
      const kl_gap_estimate k = kl_gap(res.logp, truth);
      j["true_nll"] = k.true_nll;
      j["kl_gap"] = k.gap;
      j["kl_gap_se"] = k.se;
      j["truth"] = truth_file;
      j["mean_abs_error"] = (res.logp - truth).cwiseAbs().mean();
    }
    if (o->json) {
      ito::cli::print_json(j);
    } else {
      std::cout << "nll = " << res.mean_nll << " nats over " << X.cols() << " points (" << res.nfe
                << " score evaluations per point)";
      if (j.contains("true_nll"))
        std::cout << "; true " << j["true_nll"] << ", KL gap " << j["kl_gap"] << " +- " << j["kl_gap_se"]
                  << ", mean |error| " << j["mean_abs_error"];
      std::cout << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_nll
