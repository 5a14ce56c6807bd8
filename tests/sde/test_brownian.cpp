// Brownian source: increment law, I_(1,0) law and covariance, refinement, bridge, seeding.
#include <doctest/doctest.h>

#include <cmath>
#include <ito/sde.hpp>

namespace sde = ito::sde;
using sde::ensemble;

TEST_CASE("increments are N(0, h) and I_(1,0) has variance h^3/3 and covariance h^2/2 with dW") {
  const double h = 0.25;
  const Eigen::Index n = 200000;
  sde::brownian_block<> bm(11, 0, 1, n);
  ensemble<> dW, dZ;
  bm.increment(h, dW, dZ);
  const double mw = dW.mean(), vw = dW.squaredNorm() / n, vz = dZ.squaredNorm() / n;
  const double cwz = (dW.array() * dZ.array()).sum() / n;
  CHECK(std::abs(mw) < 5 * std::sqrt(h / n));
  CHECK(std::abs(vw - h) < 5 * h * std::sqrt(2.0 / n));
  CHECK(std::abs(vz - h * h * h / 3) < 5 * (h * h * h / 3) * std::sqrt(2.0 / n));
  // Cov(dW, dZ) = h^2/2; Var of the product estimator <= E[dW^2 dZ^2] = (h*h^3/3 + 2 (h^2/2)^2)
  CHECK(std::abs(cwz - h * h / 2) < 5 * std::sqrt((h * h * h * h / 3 + h * h * h * h / 2) / n));
}

TEST_CASE("the W stream does not depend on whether dZ is drawn") {
  sde::brownian_block<> a(3, 7, 2, 10), b(3, 7, 2, 10);
  ensemble<> w1, w2, z;
  a.increment(0.1, w1);
  b.increment(0.1, w2, z);
  CHECK(w1 == w2);
}

TEST_CASE("blocks and seeds give different streams; the same (seed, block) the same stream") {
  ensemble<> a, b, c, d;
  sde::brownian_block<>(1, 0, 1, 8).normals(a);
  sde::brownian_block<>(1, 1, 1, 8).normals(b);
  sde::brownian_block<>(2, 0, 1, 8).normals(c);
  sde::brownian_block<>(1, 0, 1, 8).normals(d);
  CHECK(a != b);
  CHECK(a != c);
  CHECK(a == d);
}

TEST_CASE("refinement: accumulated fine increments equal the direct sums, I_(1,0) included") {
  // Two fine steps of length h: Z over [0, 2h] = Z1 + h dW1 + Z2 (brownian.hpp)
  ensemble<> w1(1, 1), z1(1, 1), w2(1, 1), z2(1, 1);
  w1 << 0.3;
  z1 << 0.01;
  w2 << -0.1;
  z2 << 0.02;
  sde::increment_accumulator<> acc;
  acc.reset(1, 1, true);
  acc.add(w1, z1, 0.5);
  acc.add(w2, z2, 0.5);
  CHECK(acc.dW(0, 0) == doctest::Approx(0.2));
  CHECK(acc.dZ(0, 0) == doctest::Approx(0.01 + 0.5 * 0.3 + 0.02));
  CHECK(acc.h == 0.5 + 0.5);
  // statistically: the accumulated Z over 8 fine steps has variance H^3/3
  const Eigen::Index n = 100000;
  sde::brownian_block<> bm(5, 0, 1, n);
  acc.reset(1, n, true);
  ensemble<> dw, dz;
  for (int k = 0; k < 8; ++k) {
    bm.increment(0.125, dw, dz);
    acc.add(dw, dz, 0.125);
  }
  const double vz = acc.dZ.squaredNorm() / n;
  CHECK(std::abs(vz - 1.0 / 3) < 5 * (1.0 / 3) * std::sqrt(2.0 / n));
}

TEST_CASE("Brownian bridge: endpoints, mean and variance") {
  CHECK(sde::brownian_bridge(1.0, 3.0, 0.0, 2.0, 0.0, 0.7) == 1.0);
  CHECK(sde::brownian_bridge(1.0, 3.0, 0.0, 2.0, 2.0, 0.7) == 3.0);
  CHECK(sde::brownian_bridge(1.0, 3.0, 0.0, 2.0, 0.5, 0.0) == doctest::Approx(1.5));
  // variance (t-ta)(tb-t)/(tb-ta) = 0.5*1.5/2
  CHECK(sde::brownian_bridge(0.0, 0.0, 0.0, 2.0, 0.5, 1.0) == doctest::Approx(std::sqrt(0.375)));
  CHECK_THROWS_AS(sde::brownian_bridge(0.0, 0.0, 1.0, 1.0, 1.0, 0.0), ito::invalid_argument);
}
