#pragma once
/// \file weak_convergence.hpp
/// \brief Weak errors |E f(X_T^h) - E f(X_T)| over a ladder of steps, with
/// standard errors, and the fitted weak order with its standard error.
///
/// For a scalar problem whose terminal law is known, X_T = Q(z) with z ~ N(0,1)
/// (`weak_reference::terminal_of_normal`), E f(X_T) is computed by quadrature
/// (composite Simpson on z in [-12, 12], 12001 nodes). Per level (h = T /
/// (coarsest_steps 2^l)) it estimates E f(X^h) by Monte Carlo.
///
/// Variance reduction (control variate): when X_T is a function F of W_T on
/// the same path (`terminal_of_brownian`, e.g. GBM, sinh, additive noise), the
/// estimator is  mean(f(X^h) - f(F(W^h_T))) + E f(F(W^h_T)),  where W^h_T is
/// the sum of the increments the scheme used: Brownian (then E f(F(W_T)) is the
/// exact value) or the three-point weak noise (then W^h_T = sqrt(3h) S, S a sum
/// of n iid {-1, 0, 1} with probabilities 1/6, 2/3, 1/6, whose law is computed
/// exactly by convolution). The difference is O(h) pathwise, so the standard
/// error of a weak error is O(h / sqrt(N)) instead of O(1/sqrt(N)). Without
/// F (e.g. OU, where X_T depends on the whole path) it is plain Monte Carlo.
///
/// The order is the weighted least-squares slope of log|e_l| against log h_l
/// with weights (e_l / se_l)^2 (the delta-method variance of log|e_l|); its
/// standard error is that of the weighted fit, treating levels as independent,
/// times sqrt(reduced chi^2) when the points scatter about the line by more
/// than their noise (pre-asymptotic levels).
/// Levels use independent noise streams (level l's seed is mixed with l).

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "brownian.hpp"
#include "error.hpp"
#include "integrate.hpp"
#include "observers.hpp"
#include "parallel.hpp"
#include "random/weak_noise.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// A test function f of the terminal value (first component).
struct weak_functional {
  std::string name;
  std::function<double(double)> f;
};

/// x, x^2 and a smooth call payoff softplus(x - 1) = log(1 + e^(x-1)).
inline std::vector<weak_functional> default_weak_functionals() {
  return {{"x", [](double x) { return x; }},
          {"x^2", [](double x) { return x * x; }},
          {"softplus(x-1)", [](double x) { return x > 1 ? (x - 1) + std::log1p(std::exp(1 - x)) : std::log1p(std::exp(x - 1)); }}};
}

/// What is known about the exact terminal value X_T (first component).
struct weak_reference {
  std::function<double(double)> terminal_of_normal;    ///< X_T = Q(z), z ~ N(0, 1) (the law)
  std::function<double(double)> terminal_of_brownian;  ///< X_T = F(W_T) on the same path, or empty
};

struct weak_convergence_options {
  index_t paths = 200000;      ///< Monte Carlo paths per level
  index_t levels = 4;          ///< step sizes h = T / (coarsest_steps 2^l), l < levels
  index_t coarsest_steps = 4;  ///< steps of the coarsest level
  std::uint64_t seed = 1;
  unsigned threads = 0;        ///< 0 = all hardware threads
  index_t block_size = 1024;   ///< paths per task (part of the Brownian stream's identity)
  std::vector<weak_functional> functionals = default_weak_functionals();
  /// The functional whose fitted order is reported as weak_order: x^2 by default
  /// (E X itself can converge faster than the method's order, e.g. DRI1's
  /// third-order drift stages make E X^h exact to O(h^3) for a linear drift).
  index_t primary = 1;

  void validate() const {
    detail::require(paths > 1, "paths", paths, "> 1");
    detail::require(levels >= 2 && levels <= 16, "levels", levels, "in [2, 16]");
    detail::require(coarsest_steps > 0 && coarsest_steps <= (index_t(1) << 20), "coarsest_steps", coarsest_steps,
                    "in [1, 2^20]");
    detail::require(block_size > 0, "block_size", block_size, "> 0");
    detail::require(!functionals.empty(), "functionals", functionals.size(), "at least one");
    detail::require(primary >= 0 && primary < index_t(functionals.size()), "primary", primary,
                    "an index into functionals");
  }
};

struct weak_level {
  double dt = 0;
  index_t steps = 0;
  std::vector<double> estimate;  ///< E f(X^h) per functional
  std::vector<double> error;     ///< E f(X^h) - E f(X_T) (signed) per functional
  std::vector<double> stderr_;   ///< standard error of the error per functional
};

struct weak_convergence_result {
  std::string method;
  index_t paths = 0;
  bool control_variate = false;
  std::vector<std::string> functionals;
  std::vector<double> exact;          ///< E f(X_T) per functional
  std::vector<weak_level> levels;
  std::vector<double> order, order_se;  ///< fitted weak order per functional and its standard error
  index_t primary = 0;                        ///< the functional behind weak_order
  double weak_order = 0, weak_order_se = 0;  ///< fitted order of functional `primary`
};

/// GBM dX = alpha X dt + beta X dW (problems.hpp, gbm_problem): X_T = x0 exp((alpha - beta^2/2) T + beta W_T).
inline weak_reference gbm_weak_reference(double alpha, double beta, double x0, double T) {
  auto F = [=](double w) { return x0 * std::exp((alpha - beta * beta / 2) * T + beta * w); };
  return {[=](double z) { return F(std::sqrt(T) * z); }, F};
}
/// dX = a^2/2 X dt + a sqrt(1 + X^2) dW (problems.hpp, sinh_problem): X_T = sinh(a W_T + asinh x0).
inline weak_reference sinh_weak_reference(double a, double x0, double T) {
  auto F = [=](double w) { return std::sinh(a * w + std::asinh(x0)); };
  return {[=](double z) { return F(std::sqrt(T) * z); }, F};
}
/// Kloeden & Platen's additive problem (problems.hpp, additive_problem):
/// X_T = (x0 + beta (T + alpha W_T)) / sqrt(1 + T).
inline weak_reference additive_weak_reference(double alpha, double beta, double x0, double T) {
  auto F = [=](double w) { return (x0 + beta * (T + alpha * w)) / std::sqrt(1 + T); };
  return {[=](double z) { return F(std::sqrt(T) * z); }, F};
}
/// OU dX = kappa (theta - X) dt + sigma dW: X_T ~ N(theta + (x0 - theta) e^{-kappa T},
/// sigma^2 (1 - e^{-2 kappa T}) / (2 kappa)); X_T is not a function of W_T (no control variate).
inline weak_reference ou_weak_reference(double kappa, double theta, double sigma, double x0, double T) {
  const double mean = theta + (x0 - theta) * std::exp(-kappa * T);
  const double sd = sigma * std::sqrt(-std::expm1(-2 * kappa * T) / (2 * kappa));
  return {[=](double z) { return mean + sd * z; }, {}};
}

/// E g(z), z ~ N(0,1), by composite Simpson on [-12, 12] (12001 nodes).
inline double normal_expectation(const std::function<double(double)>& g) {
  const int n = 12000;
  const double a = -12, h = 24.0 / n, c = 1 / std::sqrt(2 * 3.14159265358979323846);
  double s = 0;
  for (int i = 0; i <= n; ++i) {
    const double z = a + i * h;
    const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    s += w * g(z) * c * std::exp(-z * z / 2);
  }
  return s * h / 3;
}

/// P(S = j - n), j = 0..2n, for S a sum of n iid three-point signs (P(±1) = 1/6, P(0) = 2/3).
inline std::vector<double> three_point_walk_law(index_t n) {
  std::vector<double> p{1.0}, q;
  for (index_t k = 0; k < n; ++k) {
    q.assign(p.size() + 2, 0.0);
    for (std::size_t i = 0; i < p.size(); ++i) {
      q[i] += p[i] / 6;
      q[i + 1] += p[i] * 2 / 3;
      q[i + 2] += p[i] / 6;
    }
    p.swap(q);
  }
  return p;
}

/// Weighted least-squares slope of log|e| against log h (weights (e/se)^2) and its standard error.
inline std::pair<double, double> fitted_weak_order(const std::vector<double>& h, const std::vector<double>& e,
                                                   const std::vector<double>& se) {
  double sw = 0, sx = 0, sy = 0;
  std::vector<double> w(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double ae = std::abs(e[i]);
    w[i] = (ae > 0 && se[i] > 0) ? (ae / se[i]) * (ae / se[i]) : (ae > 0 ? 1e12 : 0);
    sw += w[i], sx += w[i] * std::log(h[i]), sy += w[i] * std::log(ae > 0 ? ae : 1);
  }
  if (sw <= 0) return {std::nan(""), std::nan("")};
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (w[i] == 0) continue;
    const double dx = std::log(h[i]) - mx;
    sxx += w[i] * dx * dx;
    sxy += w[i] * dx * (std::log(std::abs(e[i])) - my);
  }
  if (!(sxx > 0)) return {std::nan(""), std::nan("")};
  const double slope = sxy / sxx;
  // inflate by the scatter about the line when it exceeds the noise (reduced chi^2 > 1)
  double chi2 = 0;
  int used = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (w[i] == 0) continue;
    const double res = std::log(std::abs(e[i])) - my - slope * (std::log(h[i]) - mx);
    chi2 += w[i] * res * res;
    ++used;
  }
  const double inflate = used > 2 ? std::max(1.0, std::sqrt(chi2 / (used - 2))) : 1.0;
  return {slope, inflate * std::sqrt(1 / sxx)};
}

/// Weak errors of `method` on scalar-state problem p against `ref`; see the file comment.
template <class P, class Method>
weak_convergence_result weak_convergence_study(const P& p, const Method& method, const weak_reference& ref,
                                               const weak_convergence_options& o) {
  using S = typename P::scalar_type;
  constexpr bool weak_noise = uses_weak_noise_v<Method>;
  p.validate();
  o.validate();
  Method::check(p);
  detail::require(p.dim == 1, "problem dim", p.dim, "1 (weak_convergence_study works on scalar states)");
  detail::require(bool(ref.terminal_of_normal), "reference terminal_of_normal", "empty", "the terminal law");
  const bool cv = bool(ref.terminal_of_brownian);
  const index_t m = method_noise_dim<Method>(p), F = index_t(o.functionals.size());
  const double T = double(p.t1 - p.t0);

  weak_convergence_result r;
  r.method = Method::name;
  r.paths = o.paths;
  r.control_variate = cv;
  for (const auto& fn : o.functionals) {
    r.functionals.push_back(fn.name);
    r.exact.push_back(normal_expectation([&](double z) { return fn.f(ref.terminal_of_normal(z)); }));
  }
  const index_t nblocks = (o.paths + o.block_size - 1) / o.block_size;
  std::vector<double> hs;
  std::vector<std::vector<double>> es(static_cast<std::size_t>(F)), ses(static_cast<std::size_t>(F));
  for (index_t l = 0; l < o.levels; ++l) {
    const index_t n = o.coarsest_steps << l;
    const S h = S(T / double(n));
    const std::uint64_t seed = splitmix64(o.seed + 0x9E3779B97F4A7C15ull * std::uint64_t(l + 1));
    // E f(F(W^h_T)) for the control variate
    std::vector<double> cv_mean(static_cast<std::size_t>(F), 0.0);
    if (cv) {
      if constexpr (weak_noise) {
        const auto law = three_point_walk_law(n);
        const double s3 = std::sqrt(3 * double(h));
        for (std::size_t j = 0; j < law.size(); ++j) {
          if (law[j] == 0) continue;
          const double xT = ref.terminal_of_brownian(s3 * (double(j) - double(n)));
          for (index_t f = 0; f < F; ++f) cv_mean[std::size_t(f)] += law[j] * o.functionals[std::size_t(f)].f(xT);
        }
      } else {
        cv_mean = r.exact;
      }
    }
    std::vector<running_moments> slots(static_cast<std::size_t>(nblocks));
    ito::parallel_for(nblocks, o.threads, [&](std::int64_t b, unsigned) {
      const index_t first = index_t(b) * o.block_size, cols = std::min(o.block_size, o.paths - first);
      ensemble<S> x = p.x0.col(0).replicate(1, cols), dW, dZ, W = ensemble<S>::Zero(m, cols);
      ensemble<S> vals(F, cols);
      stepper_workspace<S> w;
      auto run = [&](auto& noise) {
        for (index_t k = 0; k < n; ++k) {
          if constexpr (Method::uses_dz) noise.increment(h, dW, dZ);
          else noise.increment(h, dW);
          method.step(p, x, p.t0 + S(k) * h, h, dW, dZ, w);
          W += dW;
        }
      };
      if constexpr (weak_noise) {
        weak_noise_block<S> noise(seed, std::uint64_t(first), m, cols);
        run(noise);
      } else {
        brownian_block<S> noise(seed, std::uint64_t(b), m, cols);
        run(noise);
      }
      for (index_t j = 0; j < cols; ++j) {
        const double xh = double(x(0, j));
        const double xc = cv ? ref.terminal_of_brownian(double(W(0, j))) : 0.0;
        for (index_t f = 0; f < F; ++f) {
          const auto& fn = o.functionals[std::size_t(f)].f;
          vals(f, j) = S(cv ? fn(xh) - fn(xc) : fn(xh));
        }
      }
      slots[std::size_t(b)] = running_moments::of(vals);
    });
    running_moments all;
    for (const auto& s : slots) all.merge(s);
    weak_level lv;
    lv.dt = double(h);
    lv.steps = n;
    const Eigen::VectorXd se = all.mean_stderr();
    for (index_t f = 0; f < F; ++f) {
      const double est = all.mean(f) + cv_mean[std::size_t(f)];
      lv.estimate.push_back(est);
      lv.error.push_back(est - r.exact[std::size_t(f)]);
      lv.stderr_.push_back(se(f));
      es[std::size_t(f)].push_back(lv.error.back());
      ses[std::size_t(f)].push_back(se(f));
    }
    hs.push_back(double(h));
    r.levels.push_back(std::move(lv));
  }
  for (index_t f = 0; f < F; ++f) {
    const auto [q, qse] = fitted_weak_order(hs, es[std::size_t(f)], ses[std::size_t(f)]);
    r.order.push_back(q);
    r.order_se.push_back(qse);
  }
  r.primary = o.primary;
  r.weak_order = r.order[std::size_t(o.primary)];
  r.weak_order_se = r.order_se[std::size_t(o.primary)];
  return r;
}

}  // namespace ito::sde
