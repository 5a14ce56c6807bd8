// The fast samplers (samplers/*.hpp): fitted convergence orders against the exact
// probability-flow map of Gaussian data, exact evaluation budgets, every forward SDE,
// the stochastic variants' laws, thread/block independence and argument checks.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/samplers/optimize.hpp>

#include "support/gaussian_oracle.hpp"
#include "support/quick_mode.hpp"

using namespace ito::diffusion;

namespace {
Eigen::VectorXd gaussian_mean() { return (Eigen::VectorXd(2) << 1.0, -0.5).finished(); }
Eigen::MatrixXd gaussian_cov() { return (Eigen::MatrixXd(2, 2) << 0.5, 0.2, 0.2, 0.1).finished(); }

/// The exact probability-flow map from the prior draw at T to t for Gaussian data N(m, C):
/// linear, diagonal in C's eigenbasis: x_t = mu_t + Sigma_t^{1/2} Sigma_T^{-1/2} (x_T - mu_T).
template <class F>
Eigen::MatrixXd exact_flow(const F& f, const Eigen::MatrixXd& XT, double t) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(gaussian_cov());
  const auto var = [&](double u) {
    const double a = f.mean_coeff(u), s = f.std(u);
    return (a * a * es.eigenvalues().array() + s * s).eval();
  };
  const Eigen::ArrayXd scale = (var(t) / var(f.T())).sqrt();
  const Eigen::VectorXd muT = f.mean_coeff(f.T()) * gaussian_mean().array() + f.mean_offset(f.T());
  const Eigen::VectorXd mut = f.mean_coeff(t) * gaussian_mean().array() + f.mean_offset(t);
  const Eigen::MatrixXd Z = es.eigenvectors().transpose() * (XT.colwise() - muT);
  return (es.eigenvectors() * (scale.matrix().asDiagonal() * Z)).colwise() + mut;
}

/// The prior draws of the first n paths (draw 0 of the sampler stream).
template <class F>
Eigen::MatrixXd prior(const F& f, index_t n, std::uint64_t seed) {
  ensemble<double> X(2, n);
  detail::path_normals(seed, 0, 0, X);
  return (f.prior_mean() + f.prior_std() * X.array()).matrix();
}

/// Max error against the exact map at t_end for K steps.
template <class F>
double flow_error(const F& f, fast_sampler_options o, index_t K, index_t n = 64) {
  ito::test::gaussian_oracle<F> oracle(f, gaussian_mean(), gaussian_cov());
  o.steps = K;
  o.nfe = 0;
  o.denoise_final = false;
  const auto r = sample_fast(f, oracle, 2, n, o);
  const double t_end = o.t_end >= 0 ? o.t_end : f.eps();
  return (r.samples - exact_flow(f, prior(f, n, o.seed), t_end)).cwiseAbs().maxCoeff();
}

/// DPM-Solver++ 2M on one thread (the optimized-grid cases start from it).
fast_sampler_options dpmpp2_one_thread() {
  fast_sampler_options o;
  o.method = fast_method::dpmpp;
  o.order = 2;
  o.threads = 1;
  return o;
}

/// Least-squares slope of log err against log K (the fitted order is minus it), and its standard error.
std::pair<double, double> fitted_order(const std::vector<double>& K, const std::vector<double>& err) {
  const std::size_t m = K.size();
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < m; ++i) sx += std::log(K[i]), sy += std::log(err[i]);
  const double mx = sx / double(m), my = sy / double(m);
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < m; ++i) {
    sxx += (std::log(K[i]) - mx) * (std::log(K[i]) - mx);
    sxy += (std::log(K[i]) - mx) * (std::log(err[i]) - my);
  }
  const double slope = sxy / sxx;
  double rss = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double r = std::log(err[i]) - my - slope * (std::log(K[i]) - mx);
    rss += r * r;
  }
  return {-slope, std::sqrt(rss / double(m - 2) / sxx)};
}
}  // namespace

TEST_CASE("fitted orders against the exact flow of Gaussian data (VP, logsnr grid)") {
  const vp_sde f;
  struct cfg {
    fast_method m;
    int order;
    double expected;
  };
  // Multistep methods start with lower-order steps, whose local error O(h^2) (order 1 start)
  // bounds the asymptotic global order of 3M/UniPC-3 by 2 + (start error is small near T);
  // the bands below are the theoretical order minus 0.35.
  for (const cfg c : {cfg{fast_method::dpm, 1, 1}, cfg{fast_method::dpm, 2, 2}, cfg{fast_method::dpm, 3, 3},
                      cfg{fast_method::dpmpp, 1, 1}, cfg{fast_method::dpmpp, 2, 2}, cfg{fast_method::dpmpp, 3, 3},
                      cfg{fast_method::unipc, 1, 2}, cfg{fast_method::unipc, 2, 3}, cfg{fast_method::unipc, 3, 3},
                      cfg{fast_method::edm, 1, 1}, cfg{fast_method::edm, 2, 2}}) {
    fast_sampler_options o;
    o.method = c.m;
    o.order = c.order;
    o.schedule = step_schedule::logsnr;
    o.lower_order_final = false;
    o.threads = 1;
    std::vector<double> Ks{16, 32, 64, 128}, errs;
    for (double K : Ks) errs.push_back(flow_error(f, o, index_t(K)));
    const auto [p, se] = fitted_order(Ks, errs);
    MESSAGE(std::string(to_string(c.m)) << " order " << c.order << ": fitted " << p << " +- " << se << ", errors " << errs[0]
                           << " .. " << errs.back());
    CHECK(p > c.expected - 0.35);
    CHECK(errs.back() < errs.front());
  }
}

TEST_CASE("variants: released 3M is order 2, UniPC bh1 keeps its order, the final corrector helps at one evaluation") {
  const vp_sde f;
  auto order_of = [&](fast_sampler_options o) {
    o.schedule = step_schedule::logsnr;
    o.lower_order_final = false;
    o.threads = 1;
    std::vector<double> Ks{16, 32, 64, 128}, errs;
    for (double K : Ks) errs.push_back(flow_error(f, o, index_t(K)));
    return fitted_order(Ks, errs);
  };
  fast_sampler_options r;
  r.method = fast_method::dpmpp;
  r.order = 3;
  r.dpmpp3 = dpmpp3_coefficients::released;
  const auto [pr, ser] = order_of(r);
  MESSAGE("3M released: fitted order " << pr << " +- " << ser);
  CHECK(pr > 1.65);  // the halved x0'' term: local error O(h^3), global order 2
  CHECK(pr < 2.5);
  for (int p : {2, 3}) {
    fast_sampler_options u;
    u.method = fast_method::unipc;
    u.order = p;
    u.unipc = unipc_variant::bh1;
    const auto [pu, seu] = order_of(u);
    MESSAGE("UniPC-" << p << " bh1: fitted order " << pu << " +- " << seu);
    CHECK(pu > 3 - 0.35);
  }
  fast_sampler_options c;
  c.method = fast_method::unipc;
  c.order = 2;
  c.threads = 1;
  const double without = flow_error(f, c, 12);
  c.final_corrector = true;
  CHECK(flow_error(f, c, 12) < without);
  c.steps = 0;
  c.nfe = 10;
  CHECK(make_fast_plan(f, c).nfe == 10);
  CHECK(make_fast_plan(f, c).steps() == 9);
  c.denoise_final = true;
  CHECK_THROWS_AS(make_fast_plan(f, c), ito::invalid_argument);
  c.denoise_final = false;
  c.method = fast_method::dpmpp;
  CHECK_THROWS_AS(make_fast_plan(f, c), ito::invalid_argument);
  CHECK_THROWS_AS(parse_dpmpp3_coefficients("exact"), ito::invalid_argument);
  CHECK_THROWS_AS(parse_unipc_variant("bh3"), ito::invalid_argument);
}

TEST_CASE("--nfe is exact: the measured score evaluations per sample equal the plan's") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, gaussian_mean(), gaussian_cov());
  for (auto m : {fast_method::dpm, fast_method::dpmpp, fast_method::dpmpp_sde, fast_method::unipc, fast_method::edm})
    for (int order = 1; order <= max_order(m); ++order)
      for (index_t nfe : {3, 5, 8, 10, 15, 20})
        for (bool denoise : {false, true}) {
          fast_sampler_options o;
          o.method = m;
          o.order = order;
          o.nfe = nfe;
          o.denoise_final = denoise;
          o.threads = 1;
          o.block_size = 7;
          const fast_plan plan = make_fast_plan(f, o);
          const auto r = sample_fast(f, oracle, 2, 20, o);
          INFO(to_string(m) << " order " << order << " nfe " << nfe << " denoise " << denoise);
          CHECK(plan.nfe == nfe);
          CHECK(r.nfe == doctest::Approx(double(nfe)));
          CHECK(plan.times.size() == plan.orders.size() + 1);
          CHECK(r.samples.allFinite());
        }
}

TEST_CASE("every forward SDE: each sampler converges to the exact flow (error / 8 or better from K = 16 to 64 steps)") {
  auto run = [](const auto& f) {
    for (auto m : {fast_method::dpm, fast_method::dpmpp, fast_method::unipc, fast_method::edm}) {
      fast_sampler_options o;
      o.method = m;
      o.threads = 1;
      o.lower_order_final = false;
      o.schedule = m == fast_method::edm ? step_schedule::karras : step_schedule::logsnr;
      const double e16 = flow_error(f, o, 16), e64 = flow_error(f, o, 64);
      INFO(f.name() << " " << std::string(to_string(m)) << ": max error " << e16 << " (16 steps), " << e64 << " (64)");
      CHECK(e64 < e16 / 8);  // fitted order above 1.5 (orders 2-3; measured per method in the first test case)
      CHECK(e64 < 1e-2);
    }
  };
  run(vp_sde());
  run(vp_cosine_sde());
  run(subvp_sde());
  run(ve_sde());
  run(ou_sde<linear_schedule>(0.7, 1.5, linear_schedule{0.1, 20}, 1.0, 1e-3, "ou"));
}

TEST_CASE("step schedules: endpoints, monotone, the log-SNR grid uniform in lambda, karras uniform in sigma^(1/rho)") {
  const vp_sde f;
  for (auto s : {step_schedule::uniform, step_schedule::logsnr, step_schedule::karras, step_schedule::quadratic}) {
    const auto t = step_times(f, s, 12, 1e-3);
    REQUIRE(t.size() == 13);
    CHECK(t.front() == f.T());
    CHECK(t.back() == 1e-3);
    for (std::size_t k = 1; k < t.size(); ++k) CHECK(t[k] < t[k - 1]);
  }
  const auto tl = step_times(f, step_schedule::logsnr, 10, 1e-3);
  const double h = log_snr(f, tl[1]) - log_snr(f, tl[0]);
  for (std::size_t k = 1; k < tl.size(); ++k) CHECK(log_snr(f, tl[k]) - log_snr(f, tl[k - 1]) == doctest::Approx(h).epsilon(1e-9));
  const auto tk = step_times(f, step_schedule::karras, 10, 1e-3, 7.0);
  auto root = [&](double t) { return std::pow(marginal_at(f, t).sigma(), 1.0 / 7.0); };
  const double dk = root(tk[1]) - root(tk[0]);
  for (std::size_t k = 1; k < tk.size(); ++k) CHECK(root(tk[k]) - root(tk[k - 1]) == doctest::Approx(dk).epsilon(1e-8));
  // the inverse log-SNR on every SDE
  for (double t : {1e-3, 0.1, 0.5, 0.9}) {
    CHECK(time_of_log_snr(f, log_snr(f, t)) == doctest::Approx(t).epsilon(1e-10));
    const ve_sde v;
    CHECK(time_of_log_snr(v, log_snr(v, t)) == doctest::Approx(t).epsilon(1e-10));
    const vp_cosine_sde c;
    CHECK(time_of_log_snr(c, log_snr(c, t)) == doctest::Approx(t).epsilon(1e-10));
  }
  CHECK_THROWS_AS(step_times(f, step_schedule::optimized, 10, 1e-3), ito::invalid_argument);
  CHECK_THROWS_AS(step_times(f, step_schedule::logsnr, 0, 1e-3), ito::invalid_argument);
  CHECK_THROWS_AS(parse_step_schedule("cubic"), ito::invalid_argument);
}

TEST_CASE("optimized grid: never worse than its start, saved and loaded exactly") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, gaussian_mean(), gaussian_cov());
  const fast_sampler_options o = dpmpp2_one_thread();
  const auto start = step_times(f, step_schedule::uniform, 6, 1e-3);
  const index_t n = 64;
  const Eigen::MatrixXd exact = exact_flow(f, prior(f, n, 0), 1e-3);
  auto objective = [&](const std::vector<double>& t) {
    fast_sampler_options ot = o;
    ot.times = t;
    return (sample_fast(f, oracle, 2, n, ot).samples - exact).norm();
  };
  const auto best = optimize_log_snr_grid(f, start, objective, 1, 6);
  CHECK(objective(best) <= objective(start));
  CHECK(objective(best) < 0.5 * objective(start));  // uniform t wastes its steps near T
  const std::string path = "test_fast_samplers_grid.json";
  save_step_times(path, {best, {{"nfe", 6}}});
  const auto loaded = load_step_times(path);
  CHECK(loaded.times == best);
  CHECK(loaded.info["nfe"] == 6);
  std::remove(path.c_str());
}

TEST_CASE("optimize_fast_schedule: a valid grid, never worse than log-SNR on its objective, on other paths better too") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, gaussian_mean(), gaussian_cov());
  fast_sampler_options o = dpmpp2_one_thread();
  o.nfe = 6;
  o.t_end = 1e-3;
  schedule_optimization_options so;
  so.paths = 400;
  so.converged_steps = 200;
  so.sweeps = 1;
  so.iterations = 6;
  so.objective = schedule_objective::paired_rms;  // the solver's pathwise error: it must carry over to other paths
  so.free_t_end = false;
  const saved_step_times g = optimize_fast_schedule(f, oracle, 2, o, so);
  CHECK_NOTHROW(check_step_times(f, g.times));
  CHECK(g.times.size() == 7);
  CHECK(g.times.front() == f.T());
  CHECK(g.times.back() == 1e-3);
  const double before = g.info["objective_start"], after = g.info["objective_optimized"];
  MESSAGE("objective " << before << " -> " << after);
  CHECK(after <= before);
  // judged on paths the optimization never saw (seed 7): error to the exact flow
  auto err = [&](const std::vector<double>& times) {
    fast_sampler_options ot = o;
    ot.seed = 7;
    ot.times = times;
    const auto X = sample_fast(f, oracle, 2, 400, ot).samples;
    return (X - exact_flow(f, prior(f, 400, 7), 1e-3)).cwiseAbs().mean();
  };
  const auto logsnr = make_fast_plan(f, o).times;
  MESSAGE("mean |error| to the exact flow on other paths: log-SNR " << err(logsnr) << ", optimized " << err(g.times));
  CHECK(err(g.times) < err(logsnr));
  fast_sampler_options sde = o;
  sde.method = fast_method::dpmpp_sde;
  CHECK_THROWS_AS(optimize_fast_schedule(f, oracle, 2, sde, so), ito::invalid_argument);
}

TEST_CASE("stochastic samplers reproduce the data law: mean and covariance within 5 standard errors") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, gaussian_mean(), gaussian_cov());
  const index_t n = ito::test::quick() ? 4000 : 20000;
  for (int which = 0; which < 2; ++which) {
    fast_sampler_options o;
    o.method = which == 0 ? fast_method::dpmpp_sde : fast_method::edm;
    o.steps = which == 0 ? 100 : 40;
    o.churn.churn = 10;
    o.denoise_final = true;
    o.seed = 5;
    const auto r = sample_fast(f, oracle, 2, n, o);
    const Eigen::VectorXd m = r.samples.rowwise().mean();
    const Eigen::MatrixXd D = r.samples.colwise() - m;
    const Eigen::MatrixXd C = D * D.transpose() / double(n - 1);
    const Eigen::MatrixXd C0 = gaussian_cov();
    INFO(r.sampler << ": mean " << m.transpose() << ", cov " << C.reshaped().transpose());
    for (int i = 0; i < 2; ++i) {
      CHECK(std::abs(m(i) - gaussian_mean()(i)) < 5 * std::sqrt(C0(i, i) / double(n)));
      for (int j = 0; j < 2; ++j)
        CHECK(std::abs(C(i, j) - C0(i, j)) < 5 * std::sqrt((C0(i, i) * C0(j, j) + C0(i, j) * C0(i, j)) / double(n)) + 2e-3);
    }
  }
}

TEST_CASE("results do not depend on threads or block size; bad arguments are named") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, gaussian_mean(), gaussian_cov());
  fast_sampler_options o;
  o.method = fast_method::dpmpp_sde;
  o.nfe = 10;
  o.threads = 1;
  o.block_size = 512;
  const auto a = sample_fast(f, oracle, 2, 1000, o);
  o.threads = 2;
  o.block_size = 37;
  const auto b = sample_fast(f, oracle, 2, 1000, o);
  CHECK((a.samples.array() == b.samples.array()).all());
  fast_sampler_options bad;
  bad.method = fast_method::edm;
  bad.order = 3;
  bad.nfe = 10;
  CHECK_THROWS_WITH_AS(sample_fast(f, oracle, 2, 10, bad), doctest::Contains("order"), ito::invalid_argument);
  bad.order = 2;
  bad.nfe = 1;  // the final denoising alone
  CHECK_THROWS_WITH_AS(sample_fast(f, oracle, 2, 10, bad), doctest::Contains("nfe"), ito::invalid_argument);
  bad.nfe = 10;
  bad.steps = 4;
  CHECK_THROWS_WITH_AS(sample_fast(f, oracle, 2, 10, bad), doctest::Contains("steps/nfe"), ito::invalid_argument);
  bad.steps = 0;
  bad.t_end = 0;
  CHECK_THROWS_WITH_AS(sample_fast(f, oracle, 2, 10, bad), doctest::Contains("t_end"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_fast_method("dpm4"), doctest::Contains("sampler = dpm4"), ito::invalid_argument);
}
