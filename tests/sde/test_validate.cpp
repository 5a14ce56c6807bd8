// Validation as a library (ito/sde/validate.hpp): the built-in laws against
// independent closed forms (Boost.Math distributions), the exact CIR
// transition, the streaming states (merge, pack), determinism over threads,
// and that validate() passes a right law and fails a wrong one at fixed seeds.
#include <doctest/doctest.h>

#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdlib>
#include <ito/sde/cir.hpp>
#include <ito/sde/ou_problems.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/cir_exact.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/ou_exact.hpp>
#include <ito/sde/validate.hpp>
#include <ito/sde/validate/problems.hpp>
#include <random>
#include "support/quick_mode.hpp"

using namespace ito::sde;

namespace {

/// Every field of two reports' rows, bit for bit.
void require_same_rows(const validation_report& a, const validation_report& b) {
  REQUIRE(a.rows.size() == b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const auto &x = a.rows[i].result, &y = b.rows[i].result;
    CHECK(x.name == y.name);
    CHECK(x.expected == y.expected);
    CHECK(x.estimate == y.estimate);
    CHECK((x.stderr_ == y.stderr_ || (std::isnan(x.stderr_) && std::isnan(y.stderr_))));
    CHECK(x.p_value == y.p_value);
    CHECK(x.pass == y.pass);
  }
}
}  // namespace

TEST_CASE("gbm_law: lognormal mean, variance and CDF agree with Boost.Math; covariance at s = t is the variance") {
  const double mu = 0.7, sigma = 0.4, x0 = 1.5, t0 = 0.25, t = 1.25;
  const law l = gbm_law(mu, sigma, x0, t0);
  const double h = t - t0;
  const boost::math::lognormal_distribution<double> ln(std::log(x0) + (mu - sigma * sigma / 2) * h,
                                                       sigma * std::sqrt(h));
  CHECK(l.mean(t) == doctest::Approx(boost::math::mean(ln)).epsilon(1e-13));
  CHECK(l.variance(t) == doctest::Approx(boost::math::variance(ln)).epsilon(1e-12));
  CHECK(l.covariance(t, t) == doctest::Approx(l.variance(t)).epsilon(1e-14));
  // Cov(X_s, X_t) = E[X_s E[X_t | X_s]] - E X_s E X_t = e^{mu (t - s)} Var X_s
  CHECK(l.covariance(0.75, t) == doctest::Approx(std::exp(mu * (t - 0.75)) * l.variance(0.75)).epsilon(1e-13));
  for (double x : {0.3, 1.0, 2.0, 5.0}) {
    const double z = (std::log(x / x0) - (mu - sigma * sigma / 2) * h) / (sigma * std::sqrt(h));
    CHECK(l.cdf(t, x) == doctest::Approx(0.5 * std::erfc(-z / std::sqrt(2.0))).epsilon(1e-13));
  }
  CHECK(l.cdf(t, -1.0) == 0.0);
  CHECK_THROWS_AS(gbm_law(mu, sigma, -1.0), ito::invalid_argument);
}

TEST_CASE("cir_process: moments are the scaled noncentral chi-square's, stationary limit is the gamma law") {
  const cir_process cir(1.5, 0.8, 0.6);
  const double x0 = 0.3, h = 0.7;
  const double c = 0.36 * (1 - std::exp(-1.5 * h)) / 6.0;  // sigma^2 (1 - e^{-kappa h}) / (4 kappa)
  const double nu = 4 * 1.5 * 0.8 / 0.36, lambda = x0 * std::exp(-1.5 * h) / c;
  const boost::math::non_central_chi_squared_distribution<double> ncx2(nu, lambda);
  CHECK(cir.scale(h) == doctest::Approx(c).epsilon(1e-15));
  CHECK(cir.mean(h, x0) == doctest::Approx(c * boost::math::mean(ncx2)).epsilon(1e-13));
  CHECK(cir.variance(h, x0) == doctest::Approx(c * c * boost::math::variance(ncx2)).epsilon(1e-12));
  CHECK(cir.cdf(h, 0.5, x0) == doctest::Approx(boost::math::cdf(ncx2, 0.5 / c)).epsilon(1e-13));
  // t -> infinity: Gamma(shape 2 kappa theta / sigma^2, scale sigma^2 / (2 kappa)): mean theta, variance theta sigma^2 / (2 kappa)
  CHECK(cir.mean(60, x0) == doctest::Approx(0.8).epsilon(1e-14));
  CHECK(cir.variance(60, x0) == doctest::Approx(0.8 * 0.36 / 3.0).epsilon(1e-14));
  CHECK(cir.covariance(0.2, 0.9, x0) == doctest::Approx(std::exp(-1.5 * 0.7) * cir.variance(0.2, x0)).epsilon(1e-14));
  // the exact transition inverts the CDF: F(X(xi)) = Phi(xi), upper tail through the complement
  for (double xi : {-3.0, -0.5, 0.0, 1.2, 6.0}) {
    const double y = cir.transition_quantile(x0, h, xi);
    const double target = 0.5 * std::erfc(-xi / std::sqrt(2.0));
    if (xi > 0) {
      CHECK(1 - cir.transition_cdf(y, x0, 0, h) == doctest::Approx(1 - target).epsilon(1e-9));
    } else {
      CHECK(cir.transition_cdf(y, x0, 0, h) == doctest::Approx(target).epsilon(1e-9));
    }
  }
  // full truncation: drift and diffusion see max(x, 0); the Milstein derivative g g' is finite at 0
  const auto p = make_cir_problem(cir, ensemble<double>::Constant(1, 1, x0), 0.0, 1.0);
  ensemble<double> x(1, 3), out(1, 3);
  x << -0.5, 0.0, 0.25;
  p.diffusion(x, 0.0, out);
  CHECK(out(0, 0) == 0.0);
  CHECK(out(0, 1) == 0.0);
  CHECK(out(0, 2) == doctest::Approx(0.3));
  p.drift(x, 0.0, out);
  CHECK(out(0, 0) == doctest::Approx(1.5 * 0.8));
  p.diffusion_derivative(x, 0.0, out);
  CHECK(out(0, 0) == 0.0);
  CHECK(out(0, 1) == 0.0);
  CHECK(out(0, 2) == doctest::Approx(0.18));
  CHECK_THROWS_AS(make_cir_problem(cir, ensemble<double>::Constant(1, 1, -0.1), 0.0, 1.0), ito::invalid_argument);
}

TEST_CASE("em_ou_law equals the exact scheme moments of euler_maruyama (scheme_law) on the grid") {
  const scalar_ou ou(1.3, 0.4, 0.9);
  const double x0 = 2.0, t1 = 2.0;
  const index_t n = 8;
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, x0), 0.0, t1);
  const auto grid = time_grid<double>::uniform(0.0, t1, n);
  const multivariate_law s = scheme_law(p, euler_maruyama{}, grid, Eigen::VectorXd::Constant(1, x0));
  const law e = em_ou_law(ou, x0, t1 / double(n));
  for (index_t k = 1; k <= n; ++k) {
    const double t = grid.t(k);
    CHECK(e.mean(t) == doctest::Approx(s.mean(t)(0)).epsilon(1e-13));
    CHECK(e.variance(t) == doctest::Approx(s.covariance(t)(0, 0)).epsilon(1e-12));
  }
  CHECK_THROWS_AS(e.mean(0.3), ito::invalid_argument);  // not t0 + n dt
}

TEST_CASE("comoments and validation_state merge exactly what one pass computes; pack/unpack is lossless") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> N;
  Eigen::RowVectorXd x(1000), y(1000);
  for (index_t i = 0; i < x.size(); ++i) x(i) = 1 + N(rng), y(i) = 0.5 * x(i) + N(rng);
  const comoments all = comoments::of(x, y);
  comoments a = comoments::of(x.head(313), y.head(313));
  a.merge(comoments::of(x.tail(687), y.tail(687)));
  for (auto [u, v] : {std::pair{a.m11, all.m11}, {a.m20, all.m20}, {a.m22, all.m22}, {a.m21, all.m21}, {a.m12, all.m12}})
    CHECK(u == doctest::Approx(v).epsilon(1e-12));
  CHECK(a.n == all.n);

  validation_state s(2, 3);
  s.w[4].add_all(x);
  s.same[1] = all;
  s.cross[3] = a;
  std::vector<double> packed;
  s.pack(packed);
  CHECK(packed.size() == s.packed_size());
  validation_state t(2, 3);
  t.unpack(packed.data());
  CHECK(t == s);
}

TEST_CASE("validate: exact OU passes, a wrong law fails with a large z, the report is the same for 1 and 2 threads") {
  const scalar_ou ou(1, 0, 1);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 1.0), 0.0, 1.0);
  validate_options o;
  o.paths = ito::test::quick() ? 20000 : 50000;
  o.steps = 4;
  o.times = {0.25, 0.5, 1.0};
  o.seed = 3;
  o.threads = 1;
  const validation_report r = validate(p, ou_exact{}, ou_law(ou, 1.0), o);
  CHECK(r.passed());
  CHECK(r.rows.size() == 8);  // mean, var at 3 times; cov; KS
  REQUIRE(r.find("cov(0.25,1)") != nullptr);
  CHECK(r.find("mean(1)")->result.expected == doctest::Approx(std::exp(-1.0)).epsilon(1e-15));

  o.threads = 2;
  require_same_rows(r, validate(p, ou_exact{}, ou_law(ou, 1.0), o));
  o.ks = ks_method::binned;  // the binned KS and the histogram merge, 1 vs 2 threads
  o.ks_bins = 1024;
  o.chunk_blocks = 16;
  const validation_report b2 = validate(p, ou_exact{}, ou_law(ou, 1.0), o);
  o.threads = 1;
  require_same_rows(b2, validate(p, ou_exact{}, ou_law(ou, 1.0), o));
  // the exact D lies in the binned bracket; moments agree with the single-chunk run to rounding
  const auto& ks = *b2.find("KS(1)");
  REQUIRE(ks.bracket);
  CHECK(ks.result.estimate <= r.find("KS(1)")->result.estimate + 1e-12);
  CHECK(r.find("KS(1)")->result.estimate <= ks.bracket->estimate_upper + 1e-12);
  CHECK(b2.find("var(1)")->result.estimate == doctest::Approx(r.find("var(1)")->result.estimate).epsilon(1e-12));

  // a wrong law: theta off by 0.1 moves E X_1 by 0.1 (1 - e^{-1}) = 0.063, i.e. 0.063 / (0.66 / sqrt(n))
  // = 14 (n = 20000) to 21 (n = 50000) standard errors
  const validation_report wrong = validate(p, ou_exact{}, ou_law(scalar_ou(1, 0.1, 1), 1.0), o);
  CHECK_FALSE(wrong.passed());
  CHECK(std::abs(wrong.find("mean(1)")->result.z) > 8);
}

TEST_CASE("validate: Euler-Maruyama on OU fails the OU law and passes its own exact law (em_ou_law)") {
  const scalar_ou ou(2, 0, 1);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 1.0), 0.0, 1.0);
  validate_options o;
  o.paths = ito::test::quick() ? 20000 : 50000;
  o.steps = 5;  // k dt = 0.4
  o.seed = 11;
  o.scheme = em_ou_law(ou, 1.0, 0.2);
  const validation_report bad = validate(p, euler_maruyama{}, ou_law(ou, 1.0), o);
  CHECK_FALSE(bad.passed());
  const auto& v = *bad.find("var(1)");
  REQUIRE(v.scheme);
  CHECK(std::abs(v.result.estimate - *v.scheme) < 5 * v.result.stderr_);  // the estimate sits on the scheme column
  const validation_report good = validate(p, euler_maruyama{}, em_ou_law(ou, 1.0, 0.2), o);
  CHECK(good.passed());
}

TEST_CASE("validate: exact CIR sampling passes the noncentral chi-square law; GBM with 4 EM steps fails") {
  const cir_process cir(2, 1, 1);
  const auto p = make_cir_problem(cir, ensemble<double>::Constant(1, 1, 0.5), 0.0, 1.0);
  validate_options o;
  o.paths = ito::test::quick() ? 4000 : 10000;
  o.steps = 2;
  o.seed = 5;
  const validation_report r = validate(p, cir_exact{}, cir_law(cir, 0.5), o);
  CHECK(r.passed());
  CHECK(r.rows.size() == 6);

  const auto g = gbm_problem<double>(1.0, 0.5, 1.0, 1.0).problem;
  validate_options og;
  og.paths = ito::test::quick() ? 20000 : 50000;
  og.steps = 4;
  og.seed = 2;
  const validation_report e = validate(g, euler_maruyama{}, gbm_law(1.0, 0.5, 1.0), og);
  CHECK_FALSE(e.passed());
  CHECK(e.find("mean(1)")->result.z < -8);  // (1 + dt)^4 = 2.44 < e = 2.72
}

TEST_CASE("builtin_validation_defaults: the program's and Python's defaults; CIR's run with them passes") {
  const builtin_validation c = builtin_validation_defaults("cir");
  CHECK(c.method == "exact");
  CHECK(c.steps == 2);  // a grid of just the default check times t1/2 and t1
  CHECK(builtin_validation_defaults("cir", std::string("em")).steps == 100);
  CHECK(builtin_validation_defaults("gbm").method == "milstein");
  CHECK(builtin_validation_defaults("tv-ou").params.count("beta_max") == 1);
  CHECK(builtin_validation_defaults("ou").params.count("beta_max") == 0);
  CHECK_THROWS_WITH_AS(builtin_validation_defaults("heston"), doctest::Contains("problem = heston"),
                       ito::invalid_argument);
  // the CIR problem at its default parameters and steps, exact sampling (fewer paths than the default)
  const cir_process cir(c.params.at("kappa"), c.params.at("theta"), c.params.at("sigma"));
  const double x0 = c.params.at("x0");
  validate_options o;
  o.paths = 4000;
  o.steps = c.steps;
  o.seed = 11;
  const validation_report r =
      validate(make_cir_problem(cir, ensemble<double>::Constant(1, 1, x0), 0.0, 1.0), cir_exact{}, cir_law(cir, x0), o);
  CHECK(r.passed());
  CHECK(r.times.size() == 2);
}

TEST_CASE("validate: multivariate OU passes; a scalar law as a multivariate law gives the same report") {
  Eigen::MatrixXd Th(2, 2), B(2, 1);
  Th << 1.0, 0.5, -0.2, 2.0;
  B << 0.8, 0.4;
  const multivariate_ou mv(Th, Eigen::Vector2d(1.0, -1.0), B);
  const Eigen::VectorXd x0 = Eigen::Vector2d(0.0, 2.0);
  const auto p = make_ou_problem(mv, ensemble<double>(x0), 0.0, 1.5);
  validate_options o;
  o.paths = ito::test::quick() ? 10000 : 30000;
  o.steps = 3;
  o.times = {0.5, 1.5};
  o.ks = ks_method::binned;
  o.ks_bins = 4096;
  const validation_report r = validate(p, ou_exact{}, ou_law(mv, x0), o);
  CHECK(r.passed());
  CHECK(r.rows.size() == 2 * (2 + 3) + 4 + 2);
  CHECK(r.find("xcov01(0.5,1.5)") != nullptr);

  const scalar_ou ou(1, 0, 1);
  const auto q = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 1.0), 0.0, 1.0);
  o.times = {};
  o.steps = 2;
  const law l = ou_law(ou, 1.0);
  const multivariate_law m(l);
  require_same_rows(validate(q, ou_exact{}, l, o), validate(q, ou_exact{}, m, o));
}

TEST_CASE("validate: bad input names the argument") {
  const scalar_ou ou(1, 0, 1);
  const auto p = make_ou_problem(ou, ensemble<double>::Constant(1, 1, 1.0), 0.0, 1.0);
  validate_options o;
  o.paths = 100;
  o.steps = 10;
  o.times = {0.33};
  CHECK_THROWS_WITH_AS(validate(p, ou_exact{}, ou_law(ou, 1.0), o), doctest::Contains("check time"),
                       ito::invalid_argument);
  o.times = {};
  CHECK_THROWS_WITH_AS(validate(p, ou_exact{}, law{}, o), doctest::Contains("law"), ito::invalid_argument);
  Eigen::MatrixXd Th = Eigen::MatrixXd::Identity(2, 2);
  const multivariate_ou mv(Th, Eigen::Vector2d::Zero(), Th);
  CHECK_THROWS_WITH_AS(validate(p, ou_exact{}, ou_law(mv, Eigen::Vector2d::Zero()), o),
                       doctest::Contains("law dimension"), ito::invalid_argument);
  o.paths = 2;
  CHECK_THROWS_WITH_AS(validate(p, ou_exact{}, ou_law(ou, 1.0), o), doctest::Contains("paths"),
                       ito::invalid_argument);
}
