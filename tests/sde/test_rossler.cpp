// The Rößler-family methods SRIW1, SOSRI (scalar/diagonal noise) and SOSRA
// (additive noise): their tableaus satisfy the order conditions, their fitted
// strong order on problems with exact solutions is 3/2, and their embedded
// error estimates shrink at the rate the embedding predicts.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <ito/sde.hpp>
#include <ito/sde/steppers/sosra.hpp>
#include <ito/sde/steppers/sosri.hpp>
#include <ito/sde/steppers/sriw1.hpp>

using namespace ito::sde;

namespace {
using vec4 = std::array<double, 4>;
using mat4 = std::array<vec4, 4>;

double dot(const vec4& a, const vec4& b) {
  double s = 0;
  for (std::size_t i = 0; i < 4; ++i) s += a[i] * b[i];
  return s;
}
vec4 mul(const mat4& A, const vec4& v) {
  vec4 r{};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) r[i] += A[i][j] * v[j];
  return r;
}
vec4 sq(const vec4& v) { return {v[0] * v[0], v[1] * v[1], v[2] * v[2], v[3] * v[3]}; }
double sum(const vec4& v) { return v[0] + v[1] + v[2] + v[3]; }
vec4 rowT(const vec4& b, const mat4& A) {  // b' A
  vec4 r{};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) r[j] += b[i] * A[i][j];
  return r;
}

/// Rößler (2010) Theorem 6.? order conditions for strong order 3/2 SRI
/// methods (the 25 conditions as listed by SciML's checkSRIOrder).
void check_sri_conditions(const sri_tableau<4>& t) {
  const vec4 e{1, 1, 1, 1};
  const double tol = 1e-6;
  CHECK(std::abs(dot(t.alpha, e) - 1) < tol);
  CHECK(std::abs(dot(t.beta1, e) - 1) < tol);
  CHECK(std::abs(dot(t.beta2, e)) < tol);
  CHECK(std::abs(dot(t.beta3, e)) < tol);
  CHECK(std::abs(dot(t.beta4, e)) < tol);
  CHECK(std::abs(sum(rowT(t.beta1, t.B1))) < tol);
  CHECK(std::abs(sum(rowT(t.beta2, t.B1)) - 1) < tol);
  CHECK(std::abs(sum(rowT(t.beta3, t.B1))) < tol);
  CHECK(std::abs(sum(rowT(t.beta4, t.B1))) < tol);
  CHECK(std::abs(sum(rowT(t.alpha, t.A0)) - 0.5) < tol);
  CHECK(std::abs(sum(rowT(t.alpha, t.B0)) - 1) < tol);
  CHECK(std::abs(dot(t.alpha, sq(mul(t.B0, e))) - 1.5) < tol);
  CHECK(std::abs(sum(rowT(t.beta1, t.A1)) - 1) < tol);
  CHECK(std::abs(sum(rowT(t.beta2, t.A1))) < tol);
  CHECK(std::abs(sum(rowT(t.beta3, t.A1)) + 1) < tol);
  CHECK(std::abs(sum(rowT(t.beta4, t.A1))) < tol);
  CHECK(std::abs(dot(t.beta1, sq(mul(t.B1, e))) - 1) < tol);
  CHECK(std::abs(dot(t.beta2, sq(mul(t.B1, e)))) < tol);
  CHECK(std::abs(dot(t.beta3, sq(mul(t.B1, e))) + 1) < tol);
  CHECK(std::abs(dot(t.beta4, sq(mul(t.B1, e))) - 2) < tol);
  CHECK(std::abs(dot(t.beta1, mul(t.B1, mul(t.B1, e)))) < tol);
  CHECK(std::abs(dot(t.beta2, mul(t.B1, mul(t.B1, e)))) < tol);
  CHECK(std::abs(dot(t.beta3, mul(t.B1, mul(t.B1, e)))) < tol);
  CHECK(std::abs(dot(t.beta4, mul(t.B1, mul(t.B1, e))) - 1) < tol);
  CHECK(std::abs(0.5 * dot(t.beta1, mul(t.A1, mul(t.B0, e))) + dot(t.beta3, mul(t.A1, mul(t.B0, e))) / 3) < tol);
  // c = A e
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(std::abs(t.c0[i] - mul(t.A0, e)[i]) < tol);
    CHECK(std::abs(t.c1[i] - mul(t.A1, e)[i]) < tol);
  }
}

convergence_options study_options(Eigen::Index paths, Eigen::Index levels, Eigen::Index coarsest) {
  convergence_options o;
  o.paths = paths;
  o.levels = levels;
  o.coarsest_steps = coarsest;
  o.seed = 11;
  o.threads = 2;
  return o;
}

template <class K, class M>
double strong_order(const K& k, const M& m, const convergence_options& o) {
  auto r = convergence_study(k.problem, m, k.exact, o);
  for (const auto& l : r.levels) MESSAGE(r.method << " dt=" << l.dt << " strong=" << l.strong << "+-" << l.strong_se);
  MESSAGE(r.method << " strong order " << r.strong_order);
  return r.strong_order;
}
}  // namespace

TEST_CASE("SRIW1 and SOSRI tableaus satisfy Rößler's strong order 3/2 conditions") {
  SUBCASE("sriw1") { check_sri_conditions(sriw1::tableau()); }
  SUBCASE("sosri") { check_sri_conditions(sosri::tableau()); }
}

TEST_CASE("SOSRA and SRA1-type tableaus satisfy the SRA strong order 3/2 conditions") {
  const auto t = sosra::tableau();
  const double tol = 1e-6;
  double a = 0, b1 = 0, b2 = 0, aB = 0, aA = 0, aB2 = 0, b1c = 0, b2c = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    double Be = 0, Ae = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      Be += t.B0[i][j];
      Ae += t.A0[i][j];
    }
    a += t.alpha[i];
    b1 += t.beta1[i];
    b2 += t.beta2[i];
    aB += t.alpha[i] * Be;
    aA += t.alpha[i] * Ae;
    aB2 += t.alpha[i] * Be * Be;
    b1c += t.beta1[i] * t.c1[i];
    b2c += t.beta2[i] * t.c1[i];
    CHECK(std::abs(Ae - t.c0[i]) < tol);
  }
  CHECK(std::abs(a - 1) < tol);
  CHECK(std::abs(b1 - 1) < tol);
  CHECK(std::abs(b2) < tol);
  CHECK(std::abs(aB - 1) < tol);
  CHECK(std::abs(aA - 0.5) < tol);
  CHECK(std::abs(aB2 - 1.5) < tol);
  CHECK(std::abs(b1c - 1) < tol);
  CHECK(std::abs(b2c + 1) < tol);
}

TEST_CASE("SRIW1: strong order 3/2 on GBM, sinh and diagonal multi-dimensional GBM") {
  CHECK(std::abs(strong_order(gbm_problem<double>(), sriw1{}, study_options(4000, 5, 16)) - 1.5) < 0.15);
  CHECK(std::abs(strong_order(sinh_problem<double>(), sriw1{}, study_options(4000, 5, 16)) - 1.5) < 0.15);
  CHECK(std::abs(strong_order(diagonal_gbm_problem<double>(), sriw1{}, study_options(2000, 5, 16)) - 1.5) < 0.15);
}

TEST_CASE("SOSRI: strong order 3/2 on GBM, sinh and diagonal multi-dimensional GBM") {
  CHECK(std::abs(strong_order(gbm_problem<double>(), sosri{}, study_options(4000, 5, 16)) - 1.5) < 0.15);
  CHECK(std::abs(strong_order(sinh_problem<double>(), sosri{}, study_options(4000, 5, 16)) - 1.5) < 0.15);
  CHECK(std::abs(strong_order(diagonal_gbm_problem<double>(), sosri{}, study_options(2000, 5, 16)) - 1.5) < 0.15);
}

TEST_CASE("SOSRA: strong order 3/2 on the double well (reference: SRA1 on a 16x finer grid)") {
  auto p = double_well_problem<double>(1.0, 0.5, 1.0);
  auto r = convergence_study(p, sosra{}, reference_solution<sra1>{sra1{}, 4}, study_options(4000, 5, 16));
  for (const auto& l : r.levels) MESSAGE("sosra dt=" << l.dt << " strong=" << l.strong << "+-" << l.strong_se);
  MESSAGE("sosra (double well) strong order " << r.strong_order);
  CHECK(std::abs(r.strong_order - 1.5) < 0.15);
}

TEST_CASE("embedded error estimates shrink like the dropped terms: E_N ~ h^(3/2) for SRI") {
  // One step from x0 of GBM at several h; the mean estimate over many paths
  // must fall with slope >= 1.35 in log-log (E_N ~ h^1.5, E_D ~ h^2).
  auto k = gbm_problem<double>();
  std::vector<double> hs, es;
  for (double h : {0.1, 0.05, 0.025, 0.0125}) {
    const index_t B = 20000;
    ensemble<double> x = ensemble<double>::Constant(1, B, 0.5), dW, dZ, err;
    brownian_block<double> bm(3, 0, 1, B);
    bm.increment(h, dW, dZ);
    stepper_workspace<double> w;
    sriw1{}.step(k.problem, x, 0.0, h, dW, dZ, w, err);
    CHECK(err.allFinite());
    hs.push_back(h);
    es.push_back(err.mean());
  }
  const double q = fitted_order(hs, es);
  MESSAGE("sriw1 error estimate slope " << q);
  CHECK(q > 1.35);
  CHECK(q < 2.1);
}
