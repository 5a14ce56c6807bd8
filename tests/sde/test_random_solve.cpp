// solve() with the counter-based Brownian source (the default): the same bits
// for any thread count AND block size, the legacy mt19937_64 + ziggurat source
// and the Brownian tree selectable, times == save_times, terminal moments.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <ito/sde.hpp>

#include "support/ou_problem.hpp"

namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;
using ito::test::ou;

namespace {
template <class S>
bool byte_equal(const ensemble<S>& a, const ensemble<S>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(S) * std::size_t(a.size())) == 0;
}
}  // namespace

TEST_CASE_TEMPLATE("threads 1/2 and block sizes 256/1024 give byte-equal states", S, double, float) {
  auto p = ou<S>();
  sde::solve_options<S> o;
  o.steps = 64;
  o.paths = 2500;  // partial last blocks for both block sizes
  o.seed = 7;
  o.save_times = {S(0.5)};
  o.keep_paths = true;
  ensemble<S> ref, ref_snap;
  for (unsigned threads : {1u, 2u})
    for (sde::index_t bs : {256, 1024}) {
      o.threads = threads;
      o.block_size = bs;
      auto s = sde::solve(p, sde::sra1{}, o);  // SRA1 draws dW and dZ
      if (ref.size() == 0) {
        ref = s.terminal;
        ref_snap = s.snapshots[0];
        continue;
      }
      INFO("threads " << threads << " block size " << bs);
      CHECK(byte_equal(s.terminal, ref));
      CHECK(byte_equal(s.snapshots[0], ref_snap));
    }
  // EM (dW only) follows the same W path: with the same dW, EM's state differs from SRA1's only by the method
  o.block_size = 300;
  auto em1 = sde::solve(p, sde::euler_maruyama{}, o);
  o.block_size = 77;
  o.threads = 1;
  auto em2 = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(byte_equal(em1.terminal, em2.terminal));
}

TEST_CASE("the legacy source depends on the block size, the default does not") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 10;
  o.paths = 1000;
  o.seed = 3;
  o.block_size = 256;
  auto a = sde::solve<decltype(p), sde::euler_maruyama, sde::brownian_block<double>>(p, sde::euler_maruyama{}, o);
  o.block_size = 512;
  auto b = sde::solve<decltype(p), sde::euler_maruyama, sde::brownian_block<double>>(p, sde::euler_maruyama{}, o);
  // a block's engine draws its columns in turn at every step, so path 0's
  // second normal is the block's normal number B: it depends on the block size
  CHECK(a.terminal.col(0) != b.terminal.col(0));
  // the legacy stream is the old one: one step of length 1 from brownian_block(seed, block 0)
  o.steps = 1;
  o.block_size = 256;
  auto c = sde::solve<decltype(p), sde::euler_maruyama, sde::brownian_block<double>>(p, sde::euler_maruyama{}, o);
  sde::brownian_block<double> bm(3, 0, 1, 256);
  ensemble<> dW;
  bm.increment(1.0, dW);
  CHECK(c.terminal(0, 0) == doctest::Approx(1.5 + 2 * (0.5 - 1.5) * 1.0 + 0.8 * dW(0, 0)).epsilon(1e-15));
  // the default source gives the same columns for both block sizes
  o.steps = 10;
  auto d = sde::solve(p, sde::euler_maruyama{}, o);
  o.block_size = 512;
  auto e = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(d.terminal == e.terminal);
}

TEST_CASE("the default source's first step is sqrt(h) times the counter normal of the path") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 1;
  o.paths = 20;
  o.seed = 11;
  o.block_size = 8;
  auto s = sde::solve(p, sde::euler_maruyama{}, o);
  for (int j = 0; j < 20; ++j) {
    const double z = sde::counter_normal<double>(11, sde::stream_id::brownian, std::uint64_t(j), 0);
    CHECK(s.terminal(0, j) == doctest::Approx(1.5 + 2 * (0.5 - 1.5) + 0.8 * z).epsilon(1e-14));
  }
}

TEST_CASE("times are exactly the save times; t1 is the terminal state and terminal_moments()") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 100;
  o.paths = 4000;
  o.seed = 1;
  o.save_times = {0.7, 0.2};
  auto s = sde::solve(p, sde::euler_maruyama{}, o);
  REQUIRE(s.times.size() == 2);
  CHECK(s.times[0] == 0.7);
  CHECK(s.times[1] == 0.2);
  CHECK(s.moments.size() == 2);
  CHECK(s.snapshots.empty());  // keep_paths defaults to false
  CHECK(s.terminal.cols() == 4000);
  CHECK(s.terminal_moments().count == 4000);
  CHECK(s.terminal_moments().mean(0) == doctest::Approx(s.terminal.mean()).epsilon(1e-12));
  o.save_times = {1.0};
  o.keep_paths = true;
  auto t = sde::solve(p, sde::euler_maruyama{}, o);
  CHECK(t.times.size() == 1);
  CHECK(t.snapshots[0] == t.terminal);
}

TEST_CASE("the Brownian tree source: EM on OU has the exact moments, and any block size gives the same bits") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 200;
  o.paths = 20000;
  o.seed = 9;
  o.block_size = 1000;
  using tree = sde::tree_brownian<double>;
  auto a = sde::solve<decltype(p), sde::euler_maruyama, tree>(p, sde::euler_maruyama{}, o);
  o.block_size = 333;
  o.threads = 1;
  auto b = sde::solve<decltype(p), sde::euler_maruyama, tree>(p, sde::euler_maruyama{}, o);
  CHECK(byte_equal(a.terminal, b.terminal));
  // EM's exact law on OU with h = 1/200: X_{k+1} = (1 - kappa h) X_k + kappa theta h + sigma dW
  const double h = 1.0 / 200, r = 1 - 2 * h;
  double mean = 1.5, var = 0;
  for (int k = 0; k < 200; ++k) {
    mean = r * mean + 2 * 0.5 * h;
    var = r * r * var + 0.64 * h;
  }
  const auto& m = a.terminal_moments();
  CHECK(std::abs(m.mean(0) - mean) < 5 * std::sqrt(var / 20000));
  CHECK(std::abs(m.variance()(0) - var) < 5 * var * std::sqrt(2.0 / 20000));
  // SRA1 through the tree (dW and I_(1,0) from the tree)
  auto c = sde::solve<decltype(p), sde::sra1, tree>(p, sde::sra1{}, o);
  const double em = 0.5 + std::exp(-2.0), ev = 0.64 * (1 - std::exp(-4.0)) / 4;
  CHECK(std::abs(c.terminal_moments().mean(0) - em) < 5 * std::sqrt(ev / 20000));
  CHECK(std::abs(c.terminal_moments().variance()(0) - ev) < 5 * ev * std::sqrt(2.0 / 20000) + 1e-3);
}
