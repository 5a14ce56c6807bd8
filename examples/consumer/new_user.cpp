// A program written as a new user writes one after reading the README: both
// `using namespace` directives at once (ito::sde's names must not clash with
// std's or POSIX's: index_t, vector_t, matrix_t, not index/vector/matrix), int
// times, a diagonal-noise problem with the Milstein product g g', solve, print.
// The installed package must build it warning-free and it must print a
// terminal mean within 5 standard errors of the closed form.
#include <cmath>
#include <iostream>
#include <ito/sde.hpp>
#include <string.h>  // POSIX index() lives here on glibc: must not clash with ito::sde
#include <vector>

using namespace ito::sde;
using namespace std;

int main() {
  // geometric Brownian motion dX = a X dt + b X dW, X_0 = 1, t in [0, 1]:
  // E X_1 = e^a (Kloeden & Platen 1992, eq. 4.4.7)
  const double a = 0.3, b = 0.5;
  auto gbm = make_diagonal_problem(
      [a](const ensemble<>& x, double, ensemble<>& f) { f = a * x; },
      [b](const ensemble<>& x, double, ensemble<>& g) { g = b * x; },
      ensemble<>::Ones(1, 1), 0, 1,                                           // int times
      [b](const ensemble<>& x, double, ensemble<>& gg) { gg = b * b * x; });  // g g' = b^2 x
  solve_options<> opt;
  opt.steps = 200;
  opt.paths = 20000;
  opt.seed = 7;
  const auto sol = solve(gbm, milstein{}, opt);
  const auto& m = sol.terminal_moments();

  vector<double> firsts;  // std::vector next to ito::sde::vector_t
  const index_t show = 3;
  for (index_t j = 0; j < show; ++j) firsts.push_back(sol.terminal(0, j));
  vector_t<> mean = m.mean;
  const double exact = exp(a), z = (mean(0) - exact) / m.mean_stderr()(0);
  cout << "E X_1 = " << mean(0) << " +- " << m.mean_stderr()(0) << " (exact " << exact << ", z = " << z << ")"
       << "; first paths:";
  for (double v : firsts) cout << ' ' << v;
  cout << '\n';
  if (!(abs(z) < 5) || firsts.size() != 3 || sol.summary.paths != 20000) {
    cerr << "new_user: E X_1 is not within 5 standard errors of e^a\n";
    return 1;
  }
  return 0;
}
