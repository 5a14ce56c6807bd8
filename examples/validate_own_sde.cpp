// Validate your own SDE against your own closed forms (docs/validation.md).
// dX = X/2 dt + sqrt(1 + X^2) dW has X_t = sinh(W_t + asinh x0) (Kloeden & Platen 1992, eq. 4.4.46).
#include <cmath>
#include <iostream>
#include <ito/sde/problem.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/validate.hpp>

int main() {
  using namespace ito::sde;
  const double x0 = 0.5, c = std::asinh(x0);
  auto problem = make_diagonal_problem<double>(
      [](const ensemble<double>& x, double, ensemble<double>& f) { f = 0.5 * x; },
      [](const ensemble<double>& x, double, ensemble<double>& g) { g = (1 + x.array().square()).sqrt().matrix(); },
      ensemble<double>::Constant(1, 1, x0), 0.0, 1.0);
  law mine;  // any subset of mean, variance, covariance(s, t), cdf(t, x)
  mine.mean = [=](double t) { return x0 * std::exp(t / 2); };
  mine.variance = [=](double t) { return (std::cosh(2 * c) * std::exp(2 * t) - 1) / 2 - x0 * x0 * std::exp(t); };
  mine.cdf = [=](double t, double x) { return 0.5 * std::erfc((c - std::asinh(x)) / std::sqrt(2 * t)); };
  validate_options options;
  options.paths = 100000;
  options.steps = 1000;
  const validation_report report = validate(problem, euler_maruyama{}, mine, options);
  std::cout << report;  // rows: check, closed form, estimate, stderr, z or p, pass
  return report.passed() ? 0 : 1;
}
