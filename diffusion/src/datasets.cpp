/// \file datasets.cpp
/// \brief The built-in 2-D data sets (datasets.hpp), compiled once.
#include "ito/diffusion/datasets.hpp"

namespace ito::diffusion {

ensemble<double> datasets::eight_gaussians(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const double a = rng.integer(0, 7) * pi / 4;
    const double x = rng.normal() * 0.5 + 4 * std::cos(a), y = rng.normal() * 0.5 + 4 * std::sin(a);
    return std::pair{x / 1.414 / 2, y / 1.414 / 2};
  });
}

ensemble<double> datasets::two_moons(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const bool inner = rng.integer(0, 1) == 1;
    const double u = pi * rng.uniform();
    double x = inner ? 1 - std::cos(u) : std::cos(u);
    double y = inner ? 0.5 - std::sin(u) : std::sin(u);
    x += 0.1 * rng.normal();
    y += 0.1 * rng.normal();
    return std::pair{(2 * x - 1) / 1.5, (2 * y - 0.2) / 1.5};
  });
}

ensemble<double> datasets::swiss_roll(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const double t = 1.5 * pi * (1 + 2 * rng.uniform());
    const double x = t * std::cos(t) + rng.normal(), z = t * std::sin(t) + rng.normal();
    return std::pair{x / 5 / 1.3, z / 5 / 1.3};
  });
}

ensemble<double> datasets::checkerboard(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const double x1 = rng.uniform() * 4 - 2;
    const double x2_ = rng.uniform() - rng.integer(0, 1) * 2;
    const double parity = std::fmod(std::floor(x1), 2.0);
    const double x2 = x2_ + (parity < 0 ? parity + 2 : parity);
    return std::pair{x1, x2};  // toy_data.py's 2 * x1, / 2
  });
}

ensemble<double> datasets::rings(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const double r = 3.0 * 0.25 * (rng.integer(0, 3) + 1);
    const double a = 2 * pi * rng.uniform();
    return std::pair{(r * std::cos(a) + 0.08 * rng.normal()) / 1.5, (r * std::sin(a) + 0.08 * rng.normal()) / 1.5};
  });
}

ensemble<double> datasets::pinwheel(index_t n, std::uint64_t seed) {
  return detail::generate(n, seed, [](detail::toy_rng& rng) {
    const int k = rng.integer(0, 4);
    const double f0 = 1 + 0.3 * rng.normal(), f1 = 0.1 * rng.normal();
    const double a = 2 * pi * k / 5 + 0.25 * std::exp(f0);
    const double c = std::cos(a), s = std::sin(a);
    // einsum("ti,tij->tj", f, [[c, -s], [s, c]]) : row vector times R
    return std::pair{2 * (f0 * c + f1 * s) / 1.5, 2 * (-f0 * s + f1 * c) / 1.5};
  });
}

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names{"8gaussians", "moons", "swissroll", "checkerboard",
                                              "rings",      "pinwheel", "gmm"};
  return names;
}

ensemble<double> make_dataset(const std::string& name, index_t n, std::uint64_t seed,
                              const std::string& gmm_json) {
  using fn = ensemble<double> (*)(index_t, std::uint64_t);
  static const std::vector<std::pair<std::string, fn>> table{
      {"8gaussians", datasets::eight_gaussians}, {"moons", datasets::two_moons},
      {"swissroll", datasets::swiss_roll},       {"checkerboard", datasets::checkerboard},
      {"rings", datasets::rings},                {"pinwheel", datasets::pinwheel}};
  for (const auto& [key, f] : table)
    if (key == name) return f(n, seed);
  if (name == "gmm" || name.rfind("gmm:", 0) == 0) {
    const std::string path = name == "gmm" ? gmm_json : name.substr(4);
    ito::detail::require(!path.empty(), "dataset", name, "a mixture JSON file for 'gmm' (gmm:<path> or --gmm FILE)");
    ito::detail::require(n >= 0, "n", n, "a sample count >= 0");
    return load_gmm(path).sample(n, seed);
  }
  std::string valid;
  for (const auto& v : dataset_names()) valid += (valid.empty() ? "" : ", ") + v;
  throw ito::invalid_argument("dataset = '" + name + "': unknown; expected one of " + valid);
}

}  // namespace ito::diffusion
