#include <doctest/doctest.h>

#include <ito/diffusion/samplers.hpp>

#include "support/gaussian_oracle.hpp"

using namespace ito::diffusion;
using idx = ito::diffusion::index_t;

namespace {

// Sample mean and covariance of the result against the data law at t_end, within
// 5 standard errors plus an allowance `bias` for the discretisation.
template <class O>
void check_law(const sample_result<double>& r, const O& oracle, double t_end, double bias) {
  const idx n = r.samples.cols();
  const Eigen::VectorXd m = r.samples.rowwise().mean();
  const Eigen::MatrixXd D = r.samples.colwise() - m;
  const Eigen::MatrixXd C = D * D.transpose() / double(n - 1);
  const Eigen::VectorXd m0 = oracle.mean(t_end);
  const Eigen::MatrixXd C0 = oracle.cov(t_end);
  INFO("sampler " << r.sampler << ": mean " << m.transpose() << " vs " << m0.transpose() << "; cov "
                  << C.reshaped().transpose() << " vs " << C0.reshaped().transpose());
  for (int i = 0; i < 2; ++i) {
    CHECK(std::abs(m(i) - m0(i)) < 5 * std::sqrt(C0(i, i) / double(n)) + bias);
    for (int j = 0; j < 2; ++j)
      CHECK(std::abs(C(i, j) - C0(i, j)) < 5 * std::sqrt((C0(i, i) * C0(j, j) + C0(i, j) * C0(i, j)) / double(n)) + bias);
  }
}
}  // namespace

TEST_CASE("every sampler with the exact score reproduces Gaussian data (VP)") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.seed = 42;
  const idx n = 8000;
  struct cfg {
    sampler_kind k;
    idx steps;
    double nfe;
    double bias;
  };
  for (const cfg c : {cfg{sampler_kind::em, 500, 500, 0.02}, cfg{sampler_kind::sra1, 200, 400, 0.02},
                      cfg{sampler_kind::reverse_diffusion, 500, 500, 0.02}, cfg{sampler_kind::pc, 500, 1000, 0.02},
                      cfg{sampler_kind::ddpm, 500, 500, 0.02}, cfg{sampler_kind::ddim, 100, 100, 0.02},
                      cfg{sampler_kind::ald, 500, 2505, 0.05}, cfg{sampler_kind::ode, 0, 0, 0.01}}) {
    opt.steps = c.steps > 0 ? c.steps : 100;
    opt.corrector_steps = c.k == sampler_kind::ald ? 5 : 1;  // annealed Langevin needs several steps per level
    const auto r = sample(c.k, f, oracle, 2, n, opt);
    const bool discrete = c.k == sampler_kind::ddpm || c.k == sampler_kind::ddim;
    check_law(r, oracle, discrete ? 0.0 : f.eps(), c.bias);
    if (c.nfe > 0) CHECK(r.nfe == doctest::Approx(c.nfe));
    MESSAGE(r.sampler << ": nfe " << r.nfe << ", " << r.seconds << " s");
  }
}

TEST_CASE("samplers on VE and sub-VP") {
  ito::test::gaussian_oracle<ve_sde> ve(ve_sde{}, ito::test::mean2(), ito::test::cov2());
  ito::test::gaussian_oracle<subvp_sde> sv(subvp_sde{}, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.seed = 1;
  opt.steps = 1000;
  check_law(sample(sampler_kind::pc, ve.sde, ve, 2, 6000, opt), ve, ve.sde.eps(), 0.03);
  check_law(sample(sampler_kind::sra1, sv.sde, sv, 2, 6000, opt), sv, sv.sde.eps(), 0.02);
  opt.steps = 200;
  check_law(sample(sampler_kind::ddim, ve.sde, ve, 2, 6000, opt), ve, 0.0, 0.02);
}

TEST_CASE("DDPM ancestral sampling on a discrete schedule is Ho et al.'s sampler") {
  const auto sch = ddpm_schedule::linear(1000);
  const auto f = sch.forward();
  ito::test::gaussian_oracle<decltype(f)> oracle(f, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.steps = 1000;
  opt.seed = 3;
  const auto r = sample(sampler_kind::ddpm, f, oracle, 2, 8000, opt);
  check_law(r, oracle, 0.0, 0.02);
  opt.variance = reverse_variance::large;
  check_law(sample(sampler_kind::ddpm, f, oracle, 2, 8000, opt), oracle, 0.0, 0.02);
  // ddim with eta = 1 is the ddpm sampler (same noise stream: identical samples)
  opt.variance = reverse_variance::small;
  opt.eta = 1.0;
  const auto r2 = sample(sampler_kind::ddim, f, oracle, 2, 8000, opt);
  CHECK((r2.samples - r.samples).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("Langevin dynamics targets the score's law") {
  // A static score: p_t(x) at t = t_end for every t (Langevin uses t_end only).
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.steps = 3000;
  opt.step_size = 2e-3;
  opt.seed = 8;
  const auto r = sample(sampler_kind::langevin, f, oracle, 2, 4000, opt);
  check_law(r, oracle, f.eps(), 0.03);  // O(step) bias of the unadjusted Langevin algorithm
}

TEST_CASE("results do not depend on the thread count; trajectories at the requested times") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.steps = 100;
  opt.seed = 5;
  opt.block_size = 100;
  opt.save_times = {f.T() - 0.5 * (f.T() - f.eps()), f.T() - 0.9 * (f.T() - f.eps())};
  for (auto k : {sampler_kind::em, sampler_kind::pc, sampler_kind::ddim, sampler_kind::ode}) {
    if (k == sampler_kind::ddim) opt.save_times = {0.5, 0.1};
    opt.threads = 1;
    const auto a = sample(k, f, oracle, 2, 450, opt);
    opt.threads = 3;
    const auto b = sample(k, f, oracle, 2, 450, opt);
    CHECK((a.samples - b.samples).cwiseAbs().maxCoeff() == 0.0);
    REQUIRE(a.trajectory.size() == 2);
    CHECK((a.trajectory[1] - b.trajectory[1]).cwiseAbs().maxCoeff() == 0.0);
    // the mid-way snapshot has the marginal's spread, not the data's
    const double t = opt.save_times[0];
    const Eigen::VectorXd m = a.trajectory[0].rowwise().mean();
    CHECK((m - oracle.mean(t)).norm() < 0.2);
  }
}

TEST_CASE("sampler arguments are checked") {
  const vp_sde f;
  ito::test::gaussian_oracle<vp_sde> oracle(f, ito::test::mean2(), ito::test::cov2());
  sampler_options opt;
  opt.steps = 0;
  CHECK_THROWS_WITH_AS(sample(sampler_kind::em, f, oracle, 2, 10, opt), doctest::Contains("steps"), ito::invalid_argument);
  opt.steps = 10;
  opt.save_times = {0.33333};
  CHECK_THROWS_WITH_AS(sample(sampler_kind::pc, f, oracle, 2, 10, opt), doctest::Contains("save_times[0]"),
                       ito::invalid_argument);
  CHECK(parse_sampler("ald") == sampler_kind::ald);
  CHECK_THROWS_WITH_AS(parse_sampler("heun"), doctest::Contains("expected em, sra1"), ito::invalid_argument);
}
