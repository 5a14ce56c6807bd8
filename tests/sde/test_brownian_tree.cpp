// The virtual Brownian tree (ito/sde/brownian/brownian_tree.hpp): the same path
// for any query order and block, the law of W and I_(1,0) over arbitrary
// intervals (5 standard errors), additivity, and per-path queries.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <ito/sde/brownian/brownian_tree.hpp>
#include <vector>
#include "support/quick_mode.hpp"

namespace sde = ito::sde;
using sde::ensemble;

namespace {
}  // namespace

TEST_CASE("any query order and any block give the same path, bit for bit") {
  const std::vector<double> times = {0.5, 0.123, 1.7, 0.124, 2.0, 0.0, 1.0 / 3, 0.9999, 0.5000001};
  sde::brownian_tree<> a(99, 0.0, 2.0, 1e-4, 2, 100, 16);
  std::vector<ensemble<>> first;
  for (double t : times) {
    ensemble<> w;
    a.value(t, w);
    first.push_back(w);
  }
  // reverse order, a fresh tree
  sde::brownian_tree<> b(99, 0.0, 2.0, 1e-4, 2, 100, 16);
  for (std::size_t k = times.size(); k-- > 0;) {
    ensemble<> w;
    b.value(times[k], w);
    CHECK(w == first[k]);
  }
  // a block holding paths 105..107 only
  sde::brownian_tree<> c(99, 0.0, 2.0, 1e-4, 2, 105, 3);
  for (std::size_t k = 0; k < times.size(); ++k) {
    ensemble<> w;
    c.value(times[k], w);
    CHECK(w == first[k].middleCols(5, 3));
  }
  // per-path times: every column at its own time gives that column's values
  std::vector<double> tj(16);
  for (int j = 0; j < 16; ++j) tj[std::size_t(j)] = times[std::size_t(j) % times.size()];
  ensemble<> w;
  a.value(tj.data(), w);
  for (int j = 0; j < 16; ++j) CHECK(w.col(j) == first[std::size_t(j) % times.size()].col(j));
  // and a shared-time query after per-path ones realigns
  ensemble<> w2;
  a.value(times[2], w2);
  CHECK(w2 == first[2]);
  CHECK(a.depth() == 15);  // 2 / 1e-4 = 20000 <= 2^15
  CHECK(a.leaf_length() <= 1e-4);
  CHECK(first[5].isZero(0));  // W(t0) = 0
}

TEST_CASE("a time loop (each split's right half cached with its left) gives a fresh tree's values, bit for bit") {
  // 64 leaves of 1/32 on [0, 2]; every leaf start and midpoint in increasing
  // order (the sibling cache), a per-path query in the middle (which must
  // invalidate it), then the sweep again; each value against a fresh tree.
  sde::brownian_tree<> a(5, 0.0, 2.0, 1.0 / 32, 2, 7, 3);
  REQUIRE(a.depth() == 6);
  for (int pass = 0; pass < 2; ++pass)
    for (int k = 0; k <= 128; ++k) {
      const double t = k / 64.0;
      ensemble<> w, y, wf, yf;
      a.value(t, w, y);
      sde::brownian_tree<> fresh(5, 0.0, 2.0, 1.0 / 32, 2, 7, 3);
      fresh.value(t, wf, yf);
      CAPTURE(t);
      CHECK(w == wf);
      CHECK(y == yf);
      if (pass == 0 && k == 70) {
        const std::vector<double> tj = {0.3, 1.9, 1.1};
        ensemble<> wj;
        a.value(tj.data(), wj);
      }
    }
}

TEST_CASE("per-path queries on a node stop at the node's level, with the bits of the full descent") {
  // depth 20 on [-1, 3]: nodes t0 + k 4 2^-L. Per-path queries (which stop at
  // the node's level L, or go to the leaf between nodes) in an order that moves
  // each path's chain up and down, against a fresh tree's shared-time query
  // (always to the leaf), column by column.
  const double t0 = -1, t1 = 3;
  sde::brownian_tree<> a(21, t0, t1, 4 * std::ldexp(1.0, -20), 2, 40, 5);
  REQUIRE(a.depth() == 20);
  const std::vector<double> times = {t0,  t1, -1 + 4.0 / 64, 1.0, 2.5, -1 + 4 * std::ldexp(1.0, -20),
                                     0.3, 1.0 / 3, t0 + 4 * std::ldexp(3.0, -7), 2.9999, -1 + 4.0 * 63 / 64};
  for (std::size_t r = 0; r < 3 * times.size(); ++r) {
    std::vector<double> tj(5);
    for (std::size_t j = 0; j < 5; ++j) tj[j] = times[(r * 7 + j * 3) % times.size()];
    ensemble<> w, y;
    a.value(tj.data(), w, &y);
    for (std::size_t j = 0; j < 5; ++j) {
      sde::brownian_tree<> fresh(21, t0, t1, 4 * std::ldexp(1.0, -20), 2, 40, 5);
      ensemble<> wf, yf;
      fresh.value(tj[j], wf, yf);
      CAPTURE(tj[j]);
      CHECK(w.col(int(j)) == wf.col(int(j)));
      CHECK(y.col(int(j)) == yf.col(int(j)));
    }
  }
}

TEST_CASE("grid_below: the last dyadic point of a level at or before t, a node of the tree") {
  // t1 - t0 not a power of two, so the node times are rounded products. From t0 = 0 a double
  // that locates exactly on the node is always found; from t0 = 0.3 not always (then t itself
  // comes back: the same path, queried at the leaves)
  for (const double t0 : {0.0, 0.3}) {
  const double t1 = 2.7, T = t1 - t0;
  sde::brownian_tree<> tree(5, t0, t1, T * std::ldexp(1.0, -32), 1, 0, 1);
  for (double t : {0.31, 0.77, 1.5, 2.69999, 1.0 / 3 + 1}) {
    for (int l : {0, 3, 10, 20, 32, 40}) {
      const double g = tree.grid_below(t, l);
      const double spacing = T * std::ldexp(1.0, -std::min(l, 32));
      CHECK(g <= t);
      CHECK(t - g < spacing * (1 + 1e-12));
      // on the level-l grid: an integer number of spacings from t0 (to rounding)
      const double k = (g - t0) / spacing;
      if (t0 == 0.0 || g != t) CHECK(std::abs(k - std::round(k)) < 1e-6 * std::max(1.0, k));
      // on the grid already: unchanged
      CHECK(tree.grid_below(g, l) == g);
      // a node: the value there equals the one a fresh tree gives (any query order) and the
      // per-path query, which stops at the node, equals the block query
      sde::brownian_tree<> fresh(5, t0, t1, T * std::ldexp(1.0, -32), 1, 0, 1);
      ensemble<double> a, b;
      tree.value(g, a);
      fresh.value(&g, b);
      CHECK(a(0, 0) == b(0, 0));
    }
  }
  CHECK(tree.grid_below(t0, 5) == t0);  // the ends are returned as they are
  CHECK(tree.grid_below(t1, 5) == t1);
  }
}

TEST_CASE("a per-path increment reusing the previous call's start or end equals two fresh queries") {
  // steps of an adaptive-like loop: each path either moves on (the next step
  // starts at the previous end) or retries a shorter step from the same start;
  // every increment against a fresh tree's (no reuse), bit for bit, with and
  // without the area; the steps are nodes (1/64, 1/128) and general times.
  const index_t B = 6;
  sde::brownian_tree<> a(8, 0.0, 1.0, std::ldexp(1.0, -32), 1, 3, B);
  const auto nb = std::size_t(B);
  std::vector<double> s(nb, 0.0), t(nb);
  for (int step = 0; step < 40; ++step) {
    for (index_t j = 0; j < B; ++j) {
      const auto u = std::size_t(j);
      const double h = j % 2 ? 1.0 / 64 : 1.0 / (50 + j);
      t[u] = std::min(1.0, s[u] + (step % 3 == 2 ? h / 2 : h));
    }
    ensemble<> dw, dz, dwf, dzf;
    const bool area = step % 5 != 4;
    a.increment(s.data(), t.data(), dw, area ? &dz : nullptr);
    sde::brownian_tree<> fresh(8, 0.0, 1.0, std::ldexp(1.0, -32), 1, 3, B);
    fresh.increment(s.data(), t.data(), dwf, area ? &dzf : nullptr);
    CAPTURE(step);
    CHECK(dw == dwf);
    if (area) CHECK(dz == dzf);
    // every third step is "rejected" for the odd paths: they retry from the same start
    for (index_t j = 0; j < B; ++j)
      if (!(step % 3 == 1 && j % 2)) s[std::size_t(j)] = t[std::size_t(j)];
    // a call refused for a bad end time leaves no stale start values behind
    if (step == 20) {
      std::vector<double> bad = s;
      bad[2] = 2.0;  // beyond t1
      CHECK_THROWS_AS(a.increment(s.data(), bad.data(), dw, &dz), ito::invalid_argument);
    }
  }
}

TEST_CASE("float and double trees are the same path, rounded once") {
  sde::brownian_tree<double> d(5, 0.0, 1.0, 1e-3, 1, 0, 8);
  sde::brownian_tree<float> f(5, 0.0f, 1.0f, 1e-3f, 1, 0, 8);
  ensemble<double> wd;
  ensemble<float> wf;
  d.value(0.25, wd);
  f.value(0.25f, wf);
  CHECK(wf == wd.cast<float>());
}

TEST_CASE("W, increments and the space-time area have the Brownian law on arbitrary intervals") {
  const Eigen::Index n = ito::test::quick() ? 4000 : 40000;
  sde::brownian_tree<> tree(2026, 0.0, 1.0, 1e-6, 1, 0, n);
  // intervals that are not dyadic, inside one leaf's parent and across many levels
  const double s = 0.3, t = 0.3 + 1.0 / 7, u = 0.95;
  ensemble<> ws, wt, wu, ys, yt;
  tree.value(s, ws, ys);
  tree.value(t, wt, yt);
  tree.value(u, wu);
  auto check_var = [&](const Eigen::ArrayXd& x, double var, const char* what) {
    const double m = x.mean(), v = x.square().mean();
    INFO(what << ": mean " << m << " var " << v << " expected " << var);
    CHECK(std::abs(m) < 5 * std::sqrt(var / double(n)));
    CHECK(std::abs(v - var) < 5 * var * std::sqrt(2.0 / double(n)));
  };
  check_var(ws.row(0).transpose().array(), s, "W(s)");
  check_var((wt - ws).row(0).transpose().array(), t - s, "W(t)-W(s)");
  check_var((wu - wt).row(0).transpose().array(), u - t, "W(u)-W(t)");
  // independent increments: Cov(W(t)-W(s), W(u)-W(t)) = 0, Cov(W(s), W(t)-W(s)) = 0
  const Eigen::ArrayXd a = (wt - ws).row(0).transpose().array(), b = (wu - wt).row(0).transpose().array(),
                       c = ws.row(0).transpose().array();
  CHECK(std::abs((a * b).mean()) < 5 * std::sqrt((t - s) * (u - t) / double(n)));
  CHECK(std::abs((a * c).mean()) < 5 * std::sqrt((t - s) * s / double(n)));
  // I_(1,0)(s, t): variance h^3/3, covariance with dW h^2/2 (Kloeden & Platen 1992, 10.4)
  ensemble<> dW, dZ;
  tree.increment(s, t, dW, dZ);
  CHECK((dW - (wt - ws)).cwiseAbs().maxCoeff() < 1e-15);
  const double h = t - s;
  const Eigen::ArrayXd z = dZ.row(0).transpose().array(), w = dW.row(0).transpose().array();
  check_var(z, h * h * h / 3, "I_(1,0)");
  CHECK(std::abs((w * z).mean() - h * h / 2) < 5 * std::sqrt((h * h * h * h / 3 + h * h * h * h / 2) / double(n)));
  // the part of the area independent of dW: H = dZ/h - dW/2 ~ N(0, h/12)
  check_var(z / h - w / 2, h / 12, "H");
  CHECK(std::abs(((z / h - w / 2) * w).mean()) < 5 * std::sqrt(h / 12 * h / double(n)));
}

TEST_CASE("increments and areas are additive over adjacent intervals") {
  sde::brownian_tree<> tree(3, -1.0, 3.0, 1e-5, 3, 7, 9);
  const double s = -0.77, t = 0.4142, u = 2.5;
  ensemble<> w1, z1, w2, z2, w3, z3;
  tree.increment(s, t, w1, z1);
  tree.increment(t, u, w2, z2);
  tree.increment(s, u, w3, z3);
  CHECK((w1 + w2 - w3).cwiseAbs().maxCoeff() < 1e-14);
  // I(s,u) = I(s,t) + (u - t) (W(t) - W(s)) + I(t,u)
  CHECK((z1 + (u - t) * w1 + z2 - z3).cwiseAbs().maxCoeff() < 1e-13);
  // per-path increments equal shared-time ones
  std::vector<double> ss(9, s), tt(9, t);
  ensemble<> pw, pz;
  tree.increment(ss.data(), tt.data(), pw, &pz);
  CHECK((pw - w1).cwiseAbs().maxCoeff() == 0.0);
  CHECK((pz - z1).cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("dyadic points are exact draws: refining the tolerance keeps them") {
  // W at t0 + k 2^-j (j <= depth) does not depend on the depth of the tree
  sde::brownian_tree<> coarse(11, 0.0, 1.0, 1.0 / 64, 1, 0, 32), fine(11, 0.0, 1.0, 1.0 / 4096, 1, 0, 32);
  for (double t : {0.25, 0.5, 0.75, 5.0 / 64, 1.0}) {
    ensemble<> a, b;
    coarse.value(t, a);
    fine.value(t, b);
    CHECK((a - b).cwiseAbs().maxCoeff() < 1e-15);
  }
}

TEST_CASE("W and Y at t1 are the root's own values: the same bits at any depth, per path or for the block") {
  // t1 is the right end of the root [t0, t1]: W(t1) = dW, Y(t1) = (t1 - t0)(dW/2 + H) of the root,
  // whatever the depth (before any other query, after a time loop, after per-path queries)
  const double t0 = -0.5, t1 = 1.5;
  std::vector<ensemble<>> ws, ys;
  for (double tol : {1.0, 1.0 / 4, 1.0 / 1024, 2 * std::ldexp(1.0, -40)}) {
    sde::brownian_tree<> tree(13, t0, t1, tol, 2, 9, 4);
    ensemble<> w, y, wl, yl;
    tree.value(t1, w, y);
    ws.push_back(w);
    ys.push_back(y);
    for (int k = 0; k <= 16; ++k) tree.value(t0 + k / 8.0, wl, yl);  // a time loop ending at t1
    CHECK(wl == w);
    CHECK(yl == y);
    const std::vector<double> tj = {t1, 0.3, t1, t1};
    ensemble<> wp, yp;
    tree.value(tj.data(), wp, &yp);
    for (int j : {0, 2, 3}) {
      CHECK(wp.col(j) == w.col(j));
      CHECK(yp.col(j) == y.col(j));
    }
  }
  for (std::size_t k = 1; k < ws.size(); ++k) {
    CHECK(ws[k] == ws[0]);
    CHECK(ys[k] == ys[0]);
  }
  // the law: W(t1) ~ N(0, t1 - t0), Y(t1) ~ N(0, (t1 - t0)^3 / 3), Cov = (t1 - t0)^2 / 2
  const int n = 20000;
  sde::brownian_tree<> big(17, t0, t1, 1e-3, 1, 0, n);
  ensemble<> w, y;
  big.value(t1, w, y);
  const double T = t1 - t0;
  const double vw = w.array().square().mean(), vy = y.array().square().mean(), c = (w.array() * y.array()).mean();
  // standard errors of the second moments of a normal pair: sqrt(2/n) var, sqrt((var_w var_y + c^2)/n)
  CHECK(std::abs(vw - T) < 5 * std::sqrt(2.0 / n) * T);
  CHECK(std::abs(vy - T * T * T / 3) < 5 * std::sqrt(2.0 / n) * T * T * T / 3);
  CHECK(std::abs(c - T * T / 2) < 5 * std::sqrt((T * T * T * T / 3 + T * T * T * T / 4) / n));
}

TEST_CASE("per-path steps on a common grid reuse the right halves kept with their left halves, bit for bit") {
  // an adaptive-like loop at depth 32 whose paths step on nodes k/64 together (each right
  // half is taken from the split of its left half), some paths leaving the grid for a
  // general time and coming back; every value against a fresh tree's
  const double t0 = 0, t1 = 1;
  const double tol = std::ldexp(1.0, -32);
  sde::brownian_tree<> a(23, t0, t1, tol, 2, 3, 4);
  REQUIRE(a.depth() == 32);
  for (int k = 0; k <= 64; ++k) {
    std::vector<double> tj(4, k / 64.0);
    if (k % 5 == 3) tj[1] = (k - 0.37) / 64;  // path 1 off the grid
    if (k % 7 == 2) tj[3] = (k - 0.5) / 64;   // path 3 on a finer node
    ensemble<> w, y;
    a.value(tj.data(), w, &y);
    for (std::size_t j = 0; j < 4; ++j) {
      sde::brownian_tree<> fresh(23, t0, t1, tol, 2, 3, 4);
      ensemble<> wf, yf;
      fresh.value(tj[j], wf, yf);
      CAPTURE(k);
      CAPTURE(j);
      CHECK(w.col(int(j)) == wf.col(int(j)));
      CHECK(y.col(int(j)) == yf.col(int(j)));
    }
  }
}

TEST_CASE("bad arguments name themselves") {
  CHECK_THROWS_AS(sde::brownian_tree<>(1, 1.0, 0.0, 0.1, 1, 0, 1), ito::invalid_argument);
  CHECK_THROWS_AS(sde::brownian_tree<>(1, 0.0, 1.0, 0.0, 1, 0, 1), ito::invalid_argument);
  sde::brownian_tree<> tree(1, 0.0, 1.0, 0.1, 1, 0, 2);
  ensemble<> w;
  CHECK_THROWS_AS(tree.value(1.5, w), ito::invalid_argument);
  CHECK_THROWS_AS(tree.increment(0.5, 0.4, w), ito::invalid_argument);
}
