#pragma once
/// \file probability_flow.hpp
/// \brief The probability-flow ODE (Song et al. 2021 eq. 13), which has the same
/// marginals p_t as the forward SDE:
///   dx/dt = f(x, t) - 1/2 g(t)^2 grad log p_t(x),
/// and its integration with Boost.Odeint (src/probability_flow.cpp): adaptive Dormand–Prince 5(4)
/// (runge_kutta_dopri5 with absolute/relative tolerances, dense output at the
/// requested times) or fixed-step classical RK4. Time may run backwards
/// (T -> eps, sampling) or forwards (eps -> T, likelihood).

#include <cmath>
#include <functional>
#include <vector>

#include "forward_sde.hpp"
#include "score.hpp"

namespace ito::diffusion {

/// probability_flow{forward, score}: drift(X, t, out) = f - 1/2 g^2 score.
template <forward_sde F, class Score>
struct probability_flow {
  F forward;
  Score score;

  template <class S>
  void drift(const ensemble<S>& X, S t, ensemble<S>& out) {
    out.resize(X.rows(), X.cols());
    score(X, t, out);
    const double td = double(t);
    const S g = S(forward.diffusion(td));
    const S c = S(forward.drift_coeff(td)), o = S(forward.drift_offset(td));
    out.array() = c * X.array() + o - S(0.5) * g * g * out.array();
  }
};

template <class F, class Score>
probability_flow(F, Score&&) -> probability_flow<F, Score>;

/// Options of the ODE integrators.
struct ode_options {
  bool adaptive = true;  ///< dopri5 with tolerances; false: fixed-step RK4
  double rtol = 1e-5;    ///< relative tolerance (score_sde's likelihood uses 1e-5)
  double atol = 1e-5;    ///< absolute tolerance
  index_t steps = 100;     ///< RK4 steps over [t0, t1] (fixed-step only)
  double dt0 = 1e-2;     ///< first trial step of the adaptive method (fraction of |t1 - t0|)
  void validate() const {
    detail::require_positive("rtol", rtol);
    detail::require_positive("atol", atol);
    detail::require(steps >= 1, "steps", steps, ">= 1");
    detail::require_positive("dt0", dt0);
  }
};

namespace detail {
/// The ODE solve on a flat state (compiled once, in src/probability_flow.cpp, so that
/// including this header does not parse Boost.Odeint): from ts.front() to ts.back()
/// through the times ts in between, with dense-output dopri5 (opt.adaptive, first
/// trial step dt) or fixed-step RK4 (step dt); obs(y, t) at every time of ts.
void integrate_flat_ode(const std::function<void(const std::vector<double>&, std::vector<double>&, double)>& sys,
                        std::vector<double>& y, const std::vector<double>& ts, double dt, const ode_options& opt,
                        const std::function<void(const std::vector<double>&, double)>& obs);
}  // namespace detail

/// Integrate dX/dt = rhs(X, t) (X: rows x cols, rhs(const ensemble<S>&, S, ensemble<S>&))
/// from t0 to t1 (either direction) in place. `times` (optional) lists times strictly
/// between t0 and t1 (in the direction of integration) at which obs(k, t, X) is called
/// (k = index into times). Returns the number of rhs evaluations.
template <class S, class Rhs, class Obs>
index_t integrate_ode(Rhs&& rhs, ensemble<S>& X, double t0, double t1, const ode_options& opt,
                    const std::vector<double>& times, Obs&& obs) {
  opt.validate();
  using state = std::vector<double>;
  const index_t r = X.rows(), c = X.cols();
  state y(std::size_t(X.size()));
  Eigen::Map<Eigen::MatrixXd>(y.data(), r, c) = X.template cast<double>();
  index_t evals = 0;
  ensemble<S> xs(r, c), dx(r, c);
  auto sys = [&](const state& yy, state& dydt, double t) {
    xs = Eigen::Map<const Eigen::MatrixXd>(yy.data(), r, c).cast<S>();
    rhs(xs, S(t), dx);
    dydt.resize(yy.size());
    Eigen::Map<Eigen::MatrixXd>(dydt.data(), r, c) = dx.template cast<double>();
    ++evals;
  };
  std::vector<double> ts;
  ts.push_back(t0);
  for (double t : times) ts.push_back(t);
  ts.push_back(t1);
  auto observer = [&](const state& yy, double t) {
    for (std::size_t k = 0; k < times.size(); ++k)
      if (std::abs(t - times[k]) <= 1e-12 * std::max(1.0, std::abs(t))) {
        ensemble<S> snap = Eigen::Map<const Eigen::MatrixXd>(yy.data(), r, c).cast<S>();
        obs(index_t(k), t, snap);
      }
  };
  const double dir = t1 > t0 ? 1.0 : -1.0;
  const double dt = opt.adaptive ? dir * opt.dt0 * std::abs(t1 - t0) : (t1 - t0) / double(opt.steps);
  detail::integrate_flat_ode(sys, y, ts, dt, opt, observer);
  X = Eigen::Map<const Eigen::MatrixXd>(y.data(), r, c).cast<S>();
  return evals;
}

}  // namespace ito::diffusion
