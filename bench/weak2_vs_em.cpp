// Issue 15's target "weak-2 plain MC needs at least 5x fewer path-steps than
// EM at eps = 1e-3 on GBM", measured side by side, payoff by payoff, with noise.
//
// GBM dS = r S dt + sigma S dW, r = 0.05, sigma = 0.4, S0 = 1, T = 1 (the
// complexity study's). Plain Monte Carlo with a scheme of weak bias b(h) reaches
// RMSE eps with n steps such that |b(T/n)| <= eps/sqrt(2) and N = 2 V / eps^2
// paths: cost N n path-steps. V = Var f(S_T) is the exact law's (the same for
// both schemes up to O(h)), so the cost ratio EM / weak-2 is n_EM / n_weak2.
//
// n is measured, not assumed: weak_convergence_study (the exact solution as
// control variate on the same Brownian / three-point paths) gives the signed
// bias e_k +- se_k on a ladder of steps n_k (EM 1..128, weak-2 1..16) and the
// fitted order p +- se_p for each payoff. From the ladder point k whose bias is
// closest to the target b* = eps/sqrt(2) (in log scale),
//   n(eps) = n_k (|e_k| / b*)^(1/p)    (continuous; plain MC runs ceil(n))
// with se(log n) from se_k/|e_k| and se_p (added in quadrature). When even the
// coarsest step's bias is below b* by 2 standard errors, n = that step count is
// an upper bound (marked "<="). The ratio is printed with the 1-sigma range of
// ceil(n_EM) / ceil(n_weak2).
//
// usage: weak2_vs_em [eps (1e-3)] [paths per level (400000)] [seed (17)]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/weak2_explicit.hpp>
#include <ito/sde/weak_convergence.hpp>

using namespace ito::sde;

namespace {

struct steps_needed {
  double n = 0, log_se = 0;  // continuous n and se(log n)
  bool upper_bound = false;  // the coarsest step's bias is already below target
  double order = 0, order_se = 0;
};

steps_needed needed(const weak_convergence_result& r, std::size_t f, double target) {
  steps_needed s;
  s.order = r.order[f], s.order_se = r.order_se[f];
  const auto& first = r.levels.front();
  if (std::abs(first.error[f]) + 2 * first.stderr_[f] < target) {
    s.n = double(first.steps);
    s.upper_bound = true;
    return s;
  }
  std::size_t k = 0;
  double best = 1e300;
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    const double e = std::abs(r.levels[i].error[f]);
    if (!(e > 2 * r.levels[i].stderr_[f])) continue;  // not resolved from noise
    const double d = std::abs(std::log(e / target));
    if (d < best) best = d, k = i;
  }
  const auto& l = r.levels[k];
  const double e = std::abs(l.error[f]), p = s.order;
  const double lr = std::log(e / target);
  s.n = double(l.steps) * std::exp(lr / p);
  s.log_se = std::hypot(l.stderr_[f] / e / p, lr / (p * p) * s.order_se);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const double eps = argc > 1 ? std::atof(argv[1]) : 1e-3;
  const index_t paths = argc > 2 ? std::atol(argv[2]) : 400000;
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 17;
  const double r = 0.05, sigma = 0.4, T = 1;
  auto gbm = gbm_problem<double>(r, sigma, 1.0, T);
  const auto ref = gbm_weak_reference(r, sigma, 1.0, T);
  weak_convergence_options o;
  o.paths = paths;
  o.seed = seed;
  o.functionals = {{"S_T", [](double x) { return x; }},
                   {"S_T^2", [](double x) { return x * x; }},
                   {"softplus(S_T-1)", [](double x) { return x > 1 ? (x - 1) + std::log1p(std::exp(1 - x)) : std::log1p(std::exp(x - 1)); }},
                   {"max(S_T-1,0)", [](double x) { return std::max(x - 1, 0.0); }}};
  o.coarsest_steps = 1;
  o.levels = 8;
  const auto em = weak_convergence_study(gbm.problem, euler_maruyama{}, ref, o);
  o.levels = 5;
  const auto w2 = weak_convergence_study(gbm.problem, weak2_explicit{}, ref, o);
  const double target = eps / std::sqrt(2.0);
  std::printf("GBM r = %g, sigma = %g, S0 = 1, T = 1; eps = %g (bias target %.3g); %lld paths per ladder step, seed %llu\n",
              r, sigma, eps, target, static_cast<long long>(paths), static_cast<unsigned long long>(seed));
  std::printf("%-17s %-10s %-17s %-17s %9s %9s %11s %11s %s\n", "payoff", "smooth", "EM order", "weak-2 order",
              "n EM", "n weak-2", "V", "cost EM", "n_EM / n_weak2, EM / weak-2 cost = ceil(n) ratio [1-sigma range]");
  for (std::size_t f = 0; f < o.functionals.size(); ++f) {
    const auto a = needed(em, f, target), b = needed(w2, f, target);
    const auto& g = o.functionals[f].f;
    const double m1 = normal_expectation([&](double z) { return g(ref.terminal_of_normal(z)); });
    const double m2 = normal_expectation([&](double z) { const double v = g(ref.terminal_of_normal(z)); return v * v; });
    const double V = m2 - m1 * m1;
    auto ceil_at = [](const steps_needed& s, double k) { return std::ceil(s.n * std::exp(k * s.log_se)); };
    const double ratio = ceil_at(a, 0) / ceil_at(b, 0);
    const double lo = ceil_at(a, -1) / ceil_at(b, 1), hi = ceil_at(a, 1) / ceil_at(b, -1);
    char oa[32], ob[32], na[32], nb[32];
    std::snprintf(oa, sizeof oa, "%.2f +- %.2f", a.order, a.order_se);
    std::snprintf(ob, sizeof ob, "%.2f +- %.2f", b.order, b.order_se);
    std::snprintf(na, sizeof na, "%s%.2f", a.upper_bound ? "<=" : "", a.n);
    std::snprintf(nb, sizeof nb, "%s%.2f", b.upper_bound ? "<=" : "", b.n);
    std::printf("%-17s %-10s %-17s %-17s %9s %9s %11.4g %11.3g %.1f, %.1f [%.1f, %.1f]%s\n", o.functionals[f].name.c_str(),
                f == 3 ? "no (kink)" : "yes", oa, ob, na, nb, V, 2 * V / (eps * eps) * ceil_at(a, 0), a.n / b.n, ratio, lo, hi,
                b.upper_bound ? " (weak-2: at least)" : "");
  }
  std::printf("\nbias ladder (signed error +- stderr):\n");
  for (const auto* res : {&em, &w2}) {
    for (const auto& l : res->levels) {
      std::printf("  %-14s n = %4lld:", res->method.c_str(), static_cast<long long>(l.steps));
      for (std::size_t f = 0; f < o.functionals.size(); ++f) std::printf("  %+.3e +- %.1e", l.error[f], l.stderr_[f]);
      std::printf("\n");
    }
  }
}
