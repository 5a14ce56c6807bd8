// ito::sde::histogram: exact counts, edges, under/overflow, NaN, exact and
// associative merging, argument checks.
#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <ito/sde/histogram.hpp>
#include <limits>
#include <vector>

using ito::sde::histogram;

TEST_CASE("histogram: exact counts in equal bins, underflow, overflow, NaN") {
  histogram h(0.0, 4.0, 4);  // bins [0,1) [1,2) [2,3) [3,4)
  for (double x : {-0.5, 0.0, 0.25, 0.999, 1.0, 2.5, 3.999999, 4.0, 7.0, -1e300})
    h.add(x);
  h.add(std::numeric_limits<double>::quiet_NaN());
  h.add(std::numeric_limits<double>::infinity());
  h.add(-std::numeric_limits<double>::infinity());
  CHECK(h.underflow() == 3);  // -0.5, -1e300, -inf
  CHECK(h.count(0) == 3);     // 0, 0.25, 0.999
  CHECK(h.count(1) == 1);     // 1.0 (left edge belongs to the bin)
  CHECK(h.count(2) == 1);
  CHECK(h.count(3) == 1);
  CHECK(h.overflow() == 3);  // 4.0 (hi is excluded), 7, +inf
  CHECK(h.nan_count() == 1);
  CHECK(h.total() == 13);
  CHECK(h.cumulative(0) == 3);
  CHECK(h.cumulative(2) == 7);
  CHECK(h.cumulative(4) == 9);
  CHECK(h.cumulative(4) + h.overflow() + h.nan_count() == h.total());
  CHECK(h.edge(0) == 0.0);
  CHECK(h.edge(3) == 3.0);
  CHECK(h.edge(4) == 4.0);
  CHECK(h.center(1) == 1.5);
  CHECK(h.width() == 1.0);
  CHECK(h.raw().size() == 7);
}

TEST_CASE("histogram: bin membership agrees with edge() exactly, also for awkward widths") {
  // [0.1, 0.7) in 3 bins: the width 0.2 is not representable, so (x - lo) / w
  // can round across an edge; membership must still be edge(i) <= x < edge(i+1).
  histogram h(0.1, 0.7, 3);
  for (ito::sde::index_t i = 0; i <= 3; ++i) {
    const double e = h.edge(i);
    for (double x : {std::nextafter(e, -1.0), e, std::nextafter(e, 2.0)}) {
      const auto b = h.bin_of(x);
      if (b >= 0 && b < 3) {
        CHECK(h.edge(b) <= x);
        CHECK(x < h.edge(b + 1));
      } else if (b == -1) {
        CHECK(x < h.lo());
      } else {
        CHECK(b == 3);
        CHECK(x >= h.hi());
      }
    }
  }
  // power-of-two bins on [0, 1): edges are exactly i / bins
  histogram u(0.0, 1.0, 1 << 16);
  CHECK(u.edge(12345) == 12345.0 / 65536.0);
  CHECK(u.bin_of(12345.0 / 65536.0) == 12345);
  CHECK(u.bin_of(std::nextafter(12345.0 / 65536.0, 0.0)) == 12344);
  CHECK(u.bin_of(std::nextafter(1.0, 0.0)) == 65535);
}

TEST_CASE("histogram: add of a row and of an ensemble counts every coefficient") {
  Eigen::MatrixXd x(2, 3);
  x << 0.5, 1.5, 2.5, -1.0, 0.5, 9.0;
  histogram a(0.0, 3.0, 3), b(0.0, 3.0, 3);
  a.add(x);
  for (Eigen::Index j = 0; j < 3; ++j)
    for (Eigen::Index i = 0; i < 2; ++i) b.add(x(i, j));
  CHECK(a == b);
  CHECK(a.count(0) == 2);
  CHECK(a.count(1) == 1);
  CHECK(a.count(2) == 1);
  CHECK(a.underflow() == 1);
  CHECK(a.overflow() == 1);
  histogram r(0.0, 3.0, 3);
  r.add(x.row(0));
  CHECK(r.total() == 3);
  CHECK(r.count(0) == 1);
}

TEST_CASE("histogram: merge is exact, associative and equals filling one histogram with everything") {
  boost::random::mt19937_64 eng(17);
  boost::random::normal_distribution<double> N(0.0, 1.0);
  std::vector<double> xs(30000);
  for (auto& v : xs) v = N(eng);
  xs[5] = std::numeric_limits<double>::quiet_NaN();
  histogram all(-3.0, 3.0, 600), p1(-3.0, 3.0, 600), p2(-3.0, 3.0, 600), p3(-3.0, 3.0, 600);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    all.add(xs[i]);
    (i < 7000 ? p1 : i < 19000 ? p2 : p3).add(xs[i]);
  }
  histogram left = p1, right = p2;
  left.merge(p2);
  left.merge(p3);  // (p1 + p2) + p3
  right.merge(p3);
  histogram right_total = p1;
  right_total.merge(right);  // p1 + (p2 + p3)
  histogram swapped = p3;
  swapped.merge(p1);
  swapped.merge(p2);  // (p3 + p1) + p2
  CHECK(left == all);
  CHECK(right_total == all);
  CHECK(swapped == all);
  CHECK(all.total() == 30000);
  CHECK(all.nan_count() == 1);
  // the normal law: the fraction in [-1, 1) is 0.6827 within 5 standard errors
  const double frac = double(all.cumulative(400) - all.cumulative(200)) / double(all.total() - 1);
  CHECK(std::abs(frac - std::erf(1 / std::sqrt(2.0))) < 5 * std::sqrt(0.6827 * 0.3173 / 29999));
}

TEST_CASE("histogram: argument checks name the argument") {
  CHECK_THROWS_AS(histogram(1.0, 1.0, 4), ito::invalid_argument);
  CHECK_THROWS_AS(histogram(0.0, 1.0, 0), ito::invalid_argument);
  CHECK_THROWS_AS(histogram(std::nan(""), 1.0, 4), ito::invalid_argument);
  CHECK_THROWS_AS(histogram(-1e308, 1e308, 4), ito::invalid_argument);  // hi - lo overflows
  histogram h(0.0, 1.0, 4), g(0.0, 2.0, 4);
  CHECK_THROWS_AS(h.merge(g), ito::invalid_argument);
  CHECK_THROWS_AS(h.count(4), ito::invalid_argument);
  CHECK_THROWS_AS(h.edge(5), ito::invalid_argument);
  CHECK_THROWS_AS(histogram().add(0.5), ito::invalid_argument);
  try {
    h.count(-1);
    FAIL("no throw");
  } catch (const ito::invalid_argument& e) {
    CHECK(std::string(e.what()).find("bin = -1") != std::string::npos);
  }
}
