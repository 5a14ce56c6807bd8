#pragma once
/// \file integrate.hpp
/// \brief Time grids and the time loop for one block of paths (the loop only:
/// it never knows the method, the method never loops; cf. Boost.Odeint's
/// integrate_const, which computes t = t0 + n dt rather than accumulating dt).

#include <cmath>
#include <vector>

#include "brownian.hpp"
#include "error.hpp"
#include "steppers/stepper.hpp"
#include "types.hpp"

namespace ito::sde {

/// An increasing time grid t_0 < t_1 < ... < t_n. Uniform grids compute
/// t_k = t0 + k dt exactly from k (no accumulated round-off), with t_n = t1.
template <class S = double>
class time_grid {
 public:
  /// n uniform steps on [t0, t1].
  static time_grid uniform(S t0, S t1, index_t steps) {
    detail::require(steps > 0, "steps", steps, "> 0");
    detail::require_finite("t0", t0);
    detail::require_finite("t1", t1);
    detail::require(t1 > t0, "t1", t1, "t1 > t0 = " + detail::to_text(t0));
    time_grid g;
    g.t0_ = t0;
    g.t1_ = t1;
    g.n_ = steps;
    g.dt_ = (t1 - t0) / S(steps);
    return g;
  }
  /// Steps of length dt from t0; the last step ends exactly at t1 (it is
  /// shorter when (t1 - t0)/dt is not an integer up to 1e-9 relative).
  static time_grid with_dt(S t0, S t1, S dt) {
    detail::require_positive("dt", dt);
    detail::require_finite("t0", t0);
    detail::require_finite("t1", t1);
    detail::require(t1 > t0, "t1", t1, "t1 > t0 = " + detail::to_text(t0));
    const double ratio = double(t1 - t0) / double(dt);
    detail::require(ratio < 1e12, "dt", dt, "a step giving fewer than 1e12 steps on [t0, t1]");
    index_t n = index_t(std::llround(ratio));
    if (n < 1 || std::abs(ratio - double(n)) > 1e-9 * ratio) n = index_t(std::ceil(ratio));
    time_grid g;
    g.t0_ = t0;
    g.t1_ = t1;
    g.n_ = n;
    g.dt_ = dt;
    return g;
  }
  /// An explicit grid: at least two strictly increasing finite times.
  static time_grid explicit_grid(std::vector<S> times) {
    detail::require(times.size() >= 2, "grid size", times.size(), ">= 2 times");
    for (std::size_t i = 0; i < times.size(); ++i) {
      detail::require(std::isfinite(double(times[i])), "grid[" + std::to_string(i) + "]", times[i], "finite");
      if (i > 0)
        detail::require(times[i] > times[i - 1], "grid[" + std::to_string(i) + "]", times[i],
                        "> grid[" + std::to_string(i - 1) + "] = " + detail::to_text(times[i - 1]) +
                            " (a strictly increasing grid)");
    }
    time_grid g;
    g.t0_ = times.front();
    g.t1_ = times.back();
    g.n_ = index_t(times.size() - 1);
    g.pts_ = std::move(times);
    return g;
  }

  index_t steps() const { return n_; }
  S t0() const { return t0_; }
  S t1() const { return t1_; }
  bool is_uniform() const { return pts_.empty(); }
  /// t_k, k = 0..steps().
  S t(index_t k) const {
    if (!pts_.empty()) return pts_[std::size_t(k)];
    if (k >= n_) return t1_;
    return t0_ + S(k) * dt_;
  }
  /// The grid index of time `s`, or -1 when s is not a grid point (within
  /// 1e-9 of the interval length).
  index_t find(S s) const {
    const double tol = 1e-9 * double(t1_ - t0_);
    if (pts_.empty()) {
      const double k = std::round(double(s - t0_) / double(dt_));
      if (k < 0 || k > double(n_)) return -1;
      const index_t ki = index_t(k);
      return std::abs(double(t(ki) - s)) <= tol ? ki : -1;
    }
    for (std::size_t i = 0; i < pts_.size(); ++i)
      if (std::abs(double(pts_[i] - s)) <= tol) return index_t(i);
    return -1;
  }

 private:
  S t0_ = 0, t1_ = 1, dt_ = 0;
  index_t n_ = 0;
  std::vector<S> pts_;
};

/// Number of normals per path and step a method draws for problem p.
template <class Method, class P>
index_t method_noise_dim(const P& p) {
  if constexpr (requires { Method::noise_dim(p); }) {
    return Method::noise_dim(p);
  } else {
    return p.noise_dim;
  }
}

/// Integrate one block x (d x B) over the grid with `method`, drawing the
/// increments from the Brownian source `bm` (brownian.hpp: counter_brownian,
/// tree_brownian, brownian_block). `obs(k, t_k, x)` is called for k = 0..n
/// and returns false to stop early (e.g. on blow-up). No allocation per step
/// once the workspace has its shape. A source that can take the step's end
/// points (`increment_between(t_k, t_k+1, ...)`, the tree) gets them, so it
/// never accumulates a clock.
template <class P, class Method, class S, class Source, class Observer>
  requires brownian_source<Source, S>
void integrate_block(const P& p, const Method& method, ensemble<S>& x, const time_grid<S>& grid, Source& bm,
                     stepper_workspace<S>& w, ensemble<S>& dW, ensemble<S>& dZ, Observer&& obs) {
  if (!obs(index_t(0), grid.t(0), x)) return;
  for (index_t k = 0; k < grid.steps(); ++k) {
    const S t = grid.t(k), tn = grid.t(k + 1);
    const S h = tn - t;
    if constexpr (requires { bm.increment_between(t, tn, dW, dZ); }) {
      if constexpr (Method::uses_dz) bm.increment_between(t, tn, dW, dZ);
      else bm.increment_between(t, tn, dW);
    } else if constexpr (Method::uses_dz) {
      bm.increment(h, dW, dZ);
    } else {
      bm.increment(h, dW);
    }
    method.step(p, x, t, h, dW, dZ, w);
    if (!obs(k + 1, tn, x)) return;
  }
}

}  // namespace ito::sde
