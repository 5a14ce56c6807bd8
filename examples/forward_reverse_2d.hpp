#pragma once
/// \file forward_reverse_2d.hpp (example)
/// \brief Example 4: forward and reverse SDEs in 2-D (seeds 000, 001, 004).
///
/// Forward (seed 004 sec. 3.1, VP SDE): dX = -beta(t)/2 X dt + sqrt(beta(t)) dW takes
/// the 8-gaussians data p_0 to N(0, I) at t = 1; its marginal is the mixture
///   p_t = sum_k w_k N(a mu_k, a^2 Sigma_k + s^2 I),  a = e^{-B/2}, s^2 = 1 - e^{-B}.
/// Reverse (seed 001, backward SDE; seed 004 sec. 3.2; Anderson 1982):
///   dX = [f(X, t) - g(t)^2 grad log p_t(X)] dt + g(t) dW-bar,  t from 1 down to 0,
/// started from N(0, I), brings the noise back to the data -- if the score
/// grad log p_t is right. First with the exact mixture score (gmm_score), then
/// with an MLP trained by denoising score matching (demo_model.hpp).
///
/// Checks:
///  - forward, by Euler–Maruyama on the SDE: at three times spaced uniformly in the
///    VP's log-SNR (t = 0.050, 0.189, 0.449: the linear VP turns the data into noise
///    by t ~ 0.5) and at t = 1 the sample mean and covariance equal those of the exact
///    marginal mixture (|z| < 5);
///  - reverse: the sliced Wasserstein-1 distance between the generated samples and
///    held-out data is within 2x (exact score) and 3x (MLP) of the floor: the mean
///    distance of 8 independent data sets of the same size to the held-out data.
/// Also: 16 probability-flow ODE paths over the score field (fr_traj.csv, fr_field.csv).
/// Files: fr_forward.csv, fr_reverse.csv, fr_traj.csv, fr_field.csv, fr_frames.csv, fr_check.csv.

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/step_schedules.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/stats.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

#include "demo_model.hpp"
#include "example_common.hpp"

namespace ito::examples {

namespace detail {
/// Rows (label, t, x, y) for the first `n` columns of X.
inline void scatter_rows(csv& table, const std::string& label, double t, const ito::sde::ensemble<>& X,
                         ito::sde::index_t n) {
  for (ito::sde::index_t j = 0; j < std::min(n, X.cols()); ++j) table.row(label, t, X(0, j), X(1, j));
}
}  // namespace detail

inline bool forward_reverse_2d(const options& opt, std::ostream& out) {
  namespace sde = ito::sde;
  namespace dif = ito::diffusion;
  const auto mixture = eight_gaussians_mixture();
  const dif::vp_sde vp;
  const sde::index_t N = opt.quick ? 1000 : 4000;
  const sde::index_t shown = std::min<sde::index_t>(N, 1000);
  // the panels: times 3, 4, 5 of the grid uniform in the VP's log-SNR with 6 steps from
  // t = 1 to 0.01 (t = 0.050, 0.189, 0.449: where the data turns into noise), rounded onto
  // the forward (dt = 1e-3) and reverse (t_k = 1 - k 1e-3) grids
  std::vector<double> panel_times;
  {
    const auto grid = dif::step_times(vp, dif::step_schedule::logsnr, 6, 0.01);
    for (std::size_t k = 5; k >= 3; --k) panel_times.push_back(std::round(grid[k] * 1000.0) / 1000.0);
  }
  bool ok = true;
  out << "8 gaussians (an exact Gaussian mixture), VP SDE beta(t) = 0.1 + 19.9 t, " << N << " samples\n";

  // ---- forward: Euler–Maruyama on the VP SDE from the data ----
  const sde::ensemble<> x0 = mixture.sample(N, 41);
  sde::solve_options<> fo;
  fo.steps = 1000;
  fo.seed = 42;
  fo.threads = opt.threads;
  for (int k = 1; k < 20; ++k) fo.save_times.push_back(0.05 * k);  // animation frames
  for (double t : panel_times) fo.save_times.push_back(t);
  std::sort(fo.save_times.begin(), fo.save_times.end());
  fo.save_times.erase(std::unique(fo.save_times.begin(), fo.save_times.end(),
                                  [](double u, double v) { return std::abs(u - v) < 1e-9; }),
                      fo.save_times.end());
  fo.keep_paths = true;
  const auto fwd = sde::solve(vp.as_problem(x0), sde::euler_maruyama{}, fo);
  auto forward_at = [&](double t) -> const sde::ensemble<>& {
    for (std::size_t k = 0; k < fo.save_times.size(); ++k)
      if (std::abs(fo.save_times[k] - t) < 1e-9) return fwd.snapshots[k];
    return fwd.terminal;
  };
  csv forward("t,x,y"), frames("phase,t,x,y"), check("stage,score,t,sw1,floor,ratio");
  for (sde::index_t j = 0; j < shown; ++j) forward.row(0.0, x0(0, j), x0(1, j));
  const sde::index_t frame_points = std::min<sde::index_t>(N, 500);
  detail::scatter_rows(frames, "forward", 0.0, x0, frame_points);
  for (std::size_t k = 0; k <= fo.save_times.size(); ++k)
    detail::scatter_rows(frames, "forward", k < fo.save_times.size() ? fo.save_times[k] : 1.0,
                         k < fo.save_times.size() ? fwd.snapshots[k] : fwd.terminal, frame_points);
  double worst = 0;
  bool fwd_ok = true;
  std::vector<double> check_times = panel_times;
  check_times.push_back(1.0);
  for (double t : check_times) {
    const auto& X = forward_at(t);
    for (sde::index_t j = 0; j < shown; ++j) forward.row(t, X(0, j), X(1, j));
    const auto pt = dif::diffuse(mixture, vp.mean_coeff(t), vp.mean_offset(t), vp.std(t));
    for (sde::index_t i = 0; i < 2; ++i) {
      sde::welford w;
      w.add_all(X.row(i));
      const auto r = sde::mean_test(w, pt.mean()(i));
      worst = std::max(worst, std::abs(r.z));
      fwd_ok = fwd_ok && r.pass;
    }
    const auto c = sde::covariance_matrix_test(X, pt.covariance());
    worst = std::max(worst, c.worst);
    fwd_ok = fwd_ok && c.pass;
  }
  forward.save(opt.dir, "fr_forward.csv");
  ok &= report_check(out, fwd_ok,
                     "forward EM (dt = 1e-3): mean and covariance at t = " + fixed(panel_times[0], 3) + ", " +
                         fixed(panel_times[1], 3) + ", " + fixed(panel_times[2], 3) +
                         " (log-SNR spaced) and 1 equal the exact marginal mixture's, largest |z| = " + fixed(worst, 2));

  // ---- reverse: from N(0, I) at t = 1 back to t = 1e-3 ----
  const sde::ensemble<> test = mixture.sample(N, 43);
  dif::metric_options mo;
  mo.projections = 200;
  const double floor = sliced_w1_floor(mixture, test, mo, 440);
  dif::sampler_options so;
  so.steps = 999;  // t_k = 1 - k 0.999/999: the panel times are on the grid
  so.t_end = 1e-3;
  so.seed = 45;
  so.threads = opt.threads;
  so.save_times.assign(panel_times.rbegin(), panel_times.rend());
  csv reverse("score,t,x,y"), traj("score,path,t,x,y"), field("score,t,x,y,sx,sy");
  const sde::index_t paths = 16;
  auto reverse_run = [&](const std::string& label, const auto& score, double factor) {
    const auto res = dif::sample(dif::sampler_kind::em, vp, score, 2, N, so);
    const double sw = dif::sliced_wasserstein1(res.samples, test, mo);
    check.row("reverse", label, so.t_end, sw, floor, sw / floor);
    boost::random::mt19937_64 eng(46);  // the prior N(0, I) at t = 1, for the first panel
    detail::scatter_rows(reverse, label, 1.0, vp.prior_sample<double>(2, shown, eng), shown);
    for (std::size_t k = 0; k < so.save_times.size(); ++k)
      detail::scatter_rows(reverse, label, so.save_times[k], res.trajectory[k], shown);
    detail::scatter_rows(reverse, label, so.t_end, res.samples, shown);
    const bool pass = sw < factor * floor;
    ok &= report_check(out, pass,
                       "reverse SDE (Euler-Maruyama, 999 steps) with the " + label + " score: sliced W1 to held-out data " +
                           fixed(sw, 4) + " = " + fixed(sw / floor, 2) + " x the data-vs-data floor " + fixed(floor, 4) +
                           " (< " + fixed(factor, 1) + "x), " + fixed(res.seconds, 2) + " s");
    // a few trajectories of the probability-flow ODE dx/dt = f - g^2/2 score (the same
    // marginals, but smooth paths that show the flow along the score), saved every 0.02
    dif::sampler_options to = so;
    to.steps = 200;
    to.ode.adaptive = false;
    to.save_times.clear();
    for (int k = 1; k < 50; ++k) to.save_times.push_back(1.0 - 0.02 * k);
    const auto tr = dif::sample(dif::sampler_kind::ode, vp, score, 2, paths, to);
    for (std::size_t k = 0; k < to.save_times.size(); ++k)
      for (sde::index_t j = 0; j < paths; ++j) traj.row(label, j, to.save_times[k], tr.trajectory[k](0, j), tr.trajectory[k](1, j));
    for (sde::index_t j = 0; j < paths; ++j) traj.row(label, j, so.t_end, tr.samples(0, j), tr.samples(1, j));
    // the score field on a grid, at two times
    auto s = score;
    sde::ensemble<> grid(2, 21 * 21), g;
    for (int i = 0; i < 21; ++i)
      for (int j = 0; j < 21; ++j) grid.col(i * 21 + j) << -2.5 + 0.25 * i, -2.5 + 0.25 * j;
    for (double t : {0.5, 0.1}) {
      s(grid, t, g);
      for (sde::index_t j = 0; j < grid.cols(); ++j) field.row(label, t, grid(0, j), grid(1, j), g(0, j), g(1, j));
    }
    return res;
  };
  const dif::gmm_score exact(mixture, vp);
  reverse_run("exact", exact, 2.0);
  // reverse frames for the animation (exact score)
  {
    dif::sampler_options ao = so;
    ao.save_times.clear();
    for (int k = 1; k < 20; ++k) ao.save_times.push_back(1.0 - 0.05 * k);
    const auto an = dif::sample(dif::sampler_kind::em, vp, exact, 2, frame_points, ao);
    boost::random::mt19937_64 eng(46);
    detail::scatter_rows(frames, "reverse", 1.0, vp.prior_sample<double>(2, frame_points, eng), frame_points);
    for (std::size_t k = 0; k < ao.save_times.size(); ++k)
      detail::scatter_rows(frames, "reverse", ao.save_times[k], an.trajectory[k], frame_points);
    detail::scatter_rows(frames, "reverse", 0.0, an.samples, frame_points);
  }
  const auto model = demo_model(opt, out);
  reverse_run("mlp", model, 3.0);

  reverse.save(opt.dir, "fr_reverse.csv");
  traj.save(opt.dir, "fr_traj.csv");
  field.save(opt.dir, "fr_field.csv");
  frames.save(opt.dir, "fr_frames.csv");
  check.save(opt.dir, "fr_check.csv");
  out << "files: fr_forward.csv, fr_reverse.csv, fr_traj.csv, fr_field.csv, fr_frames.csv, fr_check.csv\n";
  return ok;
}

}  // namespace ito::examples
