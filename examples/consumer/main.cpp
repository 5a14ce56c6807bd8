#include <ito/sde.hpp>
#include <iostream>
int main() {
  using namespace ito::sde;
  auto ou = make_additive_problem<double>(
      [](const ensemble<>& x, double, ensemble<>& f) { f = 2.0 * (0.5 - x.array()).matrix(); },
      [](double, matrix_t<>& g) { g(0, 0) = 0.8; }, ensemble<>::Constant(1, 1, 1.5), 0.0, 1.0, 1);
  solve_options<> opt;
  opt.steps = 100;
  opt.paths = 1000;
  auto sol = solve(ou, euler_maruyama{}, opt);
  std::cout << "E X_1 = " << sol.terminal_moments().mean(0) << " over " << sol.summary.paths << " paths\n";
  return sol.summary.paths == 1000 ? 0 : 1;
}
