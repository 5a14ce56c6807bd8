// ito marginal: the closed-form marginal q(x_t | x_0) = N(a x_0 + b, s^2 I) of a forward SDE at t.
#include <iostream>
#include <memory>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_marginal {
struct options {
  ito::cli::sde_options sde;
  double t = 1.0;
  bool json = false;
};

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("marginal", "Marginal q(x_t|x_0) = N(a x0 + b, s^2 I), g(t) and drift f = c x + o of a forward SDE");
  ito::cli::add_sde_options(sub, o->sde);
  sub->add_option("--t", o->t, "time in [0, T]")->capture_default_str();
  sub->add_flag("--json", o->json, "print JSON");
  return ito::cli::command{sub, [o]() {
    nlohmann::json j = ito::cli::sde_json(o->sde);
    ito::cli::with_sde(o->sde, [&](const auto& f) {
      ito::detail::require(std::isfinite(o->t) && o->t >= 0 && o->t <= f.T(), "--t", o->t,
                           "a time in [0, T = " + ito::detail::to_text(f.T()) + "]");
      const double t = o->t, a = f.mean_coeff(t);
      j["t"] = t;
      j["mean_coeff"] = a;
      j["mean_offset"] = f.mean_offset(t);
      j["std"] = f.std(t);
      j["alpha_bar"] = a * a;
      j["g"] = f.diffusion(t);
      j["drift_coeff"] = f.drift_coeff(t);
      j["drift_offset"] = f.drift_offset(t);
      j["prior_mean"] = f.prior_mean();
      j["prior_std"] = f.prior_std();
    });
    if (o->json) {
      ito::cli::print_json(j);
    } else {
      std::cout << j["sde"].get<std::string>() << " at t = " << j["t"] << ": x_t = " << j["mean_coeff"] << " x0 + "
                << j["mean_offset"] << " + " << j["std"] << " z;  g(t) = " << j["g"] << ", f(x, t) = "
                << j["drift_coeff"] << " x + " << j["drift_offset"] << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_marginal
