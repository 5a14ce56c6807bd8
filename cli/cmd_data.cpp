// ito data: samples of a built-in 2-D data set (or a Gaussian mixture from JSON) to CSV.
#include <iostream>
#include <memory>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/datasets.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_data {
struct options {
  std::string dataset, gmm, out;
  long long n = 1000;
  std::uint64_t seed = 0;
  bool json = false;
};

std::string names() {
  std::string s;
  for (const auto& n : ito::diffusion::dataset_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("data", "Draw samples of a toy data set (one sample per CSV row)");
  sub->add_option("--dataset", o->dataset, "one of " + names())->required();
  sub->add_option("--gmm", o->gmm, "mixture JSON for --dataset gmm");
  sub->add_option("--n", o->n, "number of samples")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed")->capture_default_str();
  sub->add_option("--out", o->out, "CSV file (default: standard output)");
  sub->add_flag("--json", o->json, "print a JSON summary (needs --out)");
  return ito::cli::command{sub, [o]() {
    ito::cli::require_count("--n", o->n, 0);
    ito::detail::require(!o->json || !o->out.empty(), "--json", "set", "together with --out (CSV goes to stdout otherwise)");
    const auto X = ito::diffusion::make_dataset(o->dataset, o->n, o->seed, o->gmm);
    if (o->out.empty()) {
      std::cout << ito::diffusion::csv_text(X, ito::diffusion::default_header(X.rows()));
      return 0;
    }
    ito::diffusion::write_csv(o->out, X);
    const Eigen::VectorXd mean = X.cols() ? Eigen::VectorXd(X.rowwise().mean()) : Eigen::VectorXd::Zero(X.rows());
    if (o->json) {
      ito::cli::print_json({{"dataset", o->dataset}, {"n", X.cols()}, {"dim", X.rows()}, {"seed", o->seed},
                            {"out", o->out}, {"mean", std::vector<double>(mean.data(), mean.data() + mean.size())}});
    } else {
      std::cout << o->dataset << ": " << X.cols() << " samples of dimension " << X.rows() << " (seed " << o->seed
                << ") in " << o->out << '\n';
    }
    return 0;
  }};
});
}  // namespace cmd_data
