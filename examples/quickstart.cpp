// Quick start: 100 000 Ornstein–Uhlenbeck paths with Euler–Maruyama on all cores.
#include <cmath>
#include <iostream>
#include <ito/sde.hpp>

int main() {
  namespace sde = ito::sde;
  const double kappa = 2, theta = 0.5, sigma = 0.8;
  // dX = kappa (theta - X) dt + sigma dW, X0 = 1.5, t in [0, 1]; one path per column
  auto ou = sde::make_additive_problem<double>(
      [&](const sde::ensemble<>& x, double, sde::ensemble<>& f) { f = (kappa * (theta - x.array())).matrix(); },
      [&](double, sde::matrix_t<>& g) { g(0, 0) = sigma; },
      sde::ensemble<>::Constant(1, 1, 1.5), 0.0, 1.0, /*noise_dim=*/1);
  sde::solve_options<> opt;
  opt.steps = 1000;
  opt.paths = 100000;
  opt.seed = 42;  // same seed -> bit-identical result for any thread count
  auto sol = sde::solve(ou, sde::euler_maruyama{}, opt);
  const auto& m = sol.terminal_moments();
  std::cout << "E X_1 = " << m.mean(0) << " +- " << m.mean_stderr()(0)
            << " (exact " << theta + (1.5 - theta) * std::exp(-kappa) << "), "
            << sol.summary.seconds << " s on " << sol.summary.threads << " threads\n";
}
