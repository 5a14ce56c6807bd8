// ito::mpi::solve: run under mpiexec (ctest runs it with 2 and 3 ranks). Every
// rank also runs the single-process ito::sde::solve locally, and rank 0 checks
// that the distributed result is bit-identical: terminal states, snapshots,
// moments, summary, blow-up reports and errors; and the exact reductions of
// histograms and per-chunk Welford states. Only CHECK (never REQUIRE),
// so a failure on one rank cannot leave the others waiting in a collective.
#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <ito/sde.hpp>
#include <ito/sde/histogram.hpp>
#include <ito/sde/mpi.hpp>
#include <stdexcept>
#include <string>

namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;

namespace {
ito::mpi::communicator world() {
  static ito::mpi::environment env;  // MPI_Init on first use, MPI_Finalize at exit
  return ito::mpi::communicator{};
}

// dX = kappa (theta - X) dt + sigma dW (seed 004 appendix, the OU process).
template <class S = double>
auto ou() {
  return sde::make_additive_problem<S>(
      [](const ensemble<S>& x, S, ensemble<S>& f) { f = (S(2) * (S(0.5) - x.array())).matrix(); },
      [](S, matrix_t<S>& g) { g(0, 0) = S(0.8); }, ensemble<S>::Constant(1, 1, S(1.5)), S(0), S(1), 1);
}

// 2-D OU with correlated additive noise: dX = -K X dt + G dW, so M2 is a full 2 x 2 matrix.
auto ou2() {
  matrix_t<> k(2, 2), g0(2, 2);
  k << 1.0, 0.3, -0.2, 2.0;
  g0 << 0.8, 0.0, 0.3, 0.5;
  ensemble<> x0(2, 1);
  x0 << 1.0, -0.5;
  return sde::make_additive_problem<double>([k](const ensemble<>& x, double, ensemble<>& f) { f.noalias() = -k * x; },
                                            [g0](double, matrix_t<>& g) { g = g0; }, x0, 0.0, 1.0, 2);
}

template <class S>
void check_same_moments(const sde::running_moments& a, const sde::running_moments& b) {
  CHECK(a.count == b.count);
  CHECK(a.mean == b.mean);  // exact: same fold, same doubles
  CHECK(a.m2 == b.m2);
}

/// Rank 0: the distributed solution equals the single-process one bit for bit;
/// other ranks: no data, the global summary.
template <class S>
void check_identical(const sde::solution<S>& dist, const sde::solution<S>& one, const sde::solve_options<S>& o) {
  const auto comm = world();
  CHECK(dist.summary.paths == one.summary.paths);
  CHECK(dist.summary.blocks == one.summary.blocks);
  CHECK(dist.summary.block_begin == one.summary.block_begin);
  CHECK(dist.summary.block_end == one.summary.block_end);
  CHECK(dist.summary.steps == one.summary.steps);
  CHECK(dist.times == one.times);
  if (comm.rank() == 0) {
    if (o.keep_terminal) {
      CHECK(dist.terminal.rows() == one.terminal.rows());
      CHECK(dist.terminal.cols() == one.terminal.cols());
      CHECK(dist.terminal == one.terminal);
    }
    CHECK(dist.snapshots.size() == one.snapshots.size());
    for (std::size_t s = 0; s < std::min(dist.snapshots.size(), one.snapshots.size()); ++s)
      CHECK(dist.snapshots[s] == one.snapshots[s]);
    CHECK(dist.moments.size() == one.moments.size());
    for (std::size_t s = 0; s < std::min(dist.moments.size(), one.moments.size()); ++s)
      check_same_moments<S>(dist.moments[s], one.moments[s]);
    check_same_moments<S>(dist.final_moments, one.final_moments);  // the moments at t1
  } else {
    CHECK(dist.terminal.size() == 0);
    CHECK(dist.moments.empty());
    CHECK(dist.snapshots.empty());
  }
}
}  // namespace

TEST_CASE("partition: contiguous, in rank order, covering, balanced, empty when ranks > blocks") {
  for (int size = 1; size <= 7; ++size)
    for (sde::index_t begin : {0, 3})
      for (sde::index_t n = 0; n <= 12; ++n) {
        sde::index_t at = begin;
        for (int r = 0; r < size; ++r) {
          const auto part = ito::mpi::partition(begin, begin + n, r, size);
          CHECK(part.begin == at);
          CHECK(part.size() >= n / size);
          CHECK(part.size() <= n / size + 1);
          at = part.end;
        }
        CHECK(at == begin + n);
      }
  CHECK_THROWS_AS(ito::mpi::partition(0, 4, 2, 2), ito::invalid_argument);
}

TEST_CASE("OU ensemble over the ranks is bit-identical to one process (1 and 2 threads per rank)") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 40;
  o.paths = 3000;  // 6 blocks of 512, the last one partial
  o.seed = 42;
  o.save_times = {0.25, 0.5};
  o.keep_paths = true;
  for (unsigned threads : {1u, 2u}) {
    o.threads = threads;
    const auto one = sde::solve(p, sde::euler_maruyama{}, o);
    const auto dist = ito::mpi::solve(world(), p, sde::euler_maruyama{}, o);
    check_identical(dist, one, o);
    CHECK(dist.summary.threads >= unsigned(std::min(world().size(), 6)));
  }
  // and the moments agree with the closed form: E X_1 = 0.5 + e^{-2}
  const auto dist = ito::mpi::solve(world(), p, sde::euler_maruyama{}, o);
  if (world().rank() == 0) CHECK(std::abs(dist.terminal_moments().mean(0) - (0.5 + std::exp(-2.0))) < 0.05);
}

TEST_CASE("more ranks than blocks, a block sub-range, keep_terminal = false, Milstein") {
  auto p = ou();
  sde::solve_options<> o;
  o.steps = 10;
  o.seed = 7;
  o.threads = 1;
  for (sde::index_t paths : {1, 100, 600, 1500}) {  // 1, 1, 2, 3 blocks
    o.paths = paths;
    check_identical(ito::mpi::solve(world(), p, sde::euler_maruyama{}, o), sde::solve(p, sde::euler_maruyama{}, o), o);
  }
  o.paths = 4000;  // 8 blocks; integrate blocks [1, 6)
  o.block_begin = 1;
  o.block_end = 6;
  check_identical(ito::mpi::solve(world(), p, sde::milstein{}, o), sde::solve(p, sde::milstein{}, o), o);
  o.block_begin = 0;
  o.block_end = -1;
  o.keep_terminal = false;
  o.keep_paths = false;
  o.save_times = {0.5};
  check_identical(ito::mpi::solve(world(), p, sde::euler_maruyama{}, o), sde::solve(p, sde::euler_maruyama{}, o), o);
}

TEST_CASE("2-D correlated noise (full M2 matrix) and float ensembles") {
  auto p = ou2();
  sde::solve_options<> o;
  o.steps = 20;
  o.paths = 2500;
  o.block_size = 300;
  o.seed = 11;
  o.save_times = {0.5};
  check_identical(ito::mpi::solve(world(), p, sde::euler_maruyama{}, o), sde::solve(p, sde::euler_maruyama{}, o), o);

  auto pf = ou<float>();
  sde::solve_options<float> of;
  of.steps = 20;
  of.paths = 1800;
  of.seed = 3;
  of.save_times = {0.5f};
  check_identical(ito::mpi::solve(world(), pf, sde::euler_maruyama{}, of), sde::solve(pf, sde::euler_maruyama{}, of),
                  of);
}

TEST_CASE("blow-up: the same earliest (step, path) is reported, and thrown on every rank") {
  // dX = X^3 dt + dW from 1 explodes before t = 0.5; when depends on the path.
  auto p = sde::make_additive_problem<double>(
      [](const ensemble<>& x, double, ensemble<>& f) { f = x.array().cube().matrix(); },
      [](double, matrix_t<>& g) { g(0, 0) = 1.0; }, ensemble<>::Constant(1, 1, 1.0), 0.0, 1.0, 1);
  sde::solve_options<> o;
  o.steps = 100;
  o.paths = 2048;
  o.block_size = 256;
  o.seed = 9;
  o.threads = 1;
  o.on_nan = sde::nan_policy::stop;
  const auto one = sde::solve(p, sde::euler_maruyama{}, o);
  const auto dist = ito::mpi::solve(world(), p, sde::euler_maruyama{}, o);
  CHECK(one.summary.blow_up.has_value());
  CHECK(dist.summary.blow_up.has_value());
  if (one.summary.blow_up && dist.summary.blow_up) CHECK(dist.summary.blow_up->describe() == one.summary.blow_up->describe());

  o.on_nan = sde::nan_policy::throw_error;
  std::string single, multi;
  try {
    sde::solve(p, sde::euler_maruyama{}, o);
  } catch (const ito::numerical_error& e) {
    single = e.what();
  }
  try {
    ito::mpi::solve(world(), p, sde::euler_maruyama{}, o);
  } catch (const ito::numerical_error& e) {
    multi = e.what();
  }
  CHECK(!single.empty());
  CHECK(multi == single);
}

TEST_CASE("an exception on one rank is raised on every rank (no rank left waiting)") {
  const int last = world().size() - 1;
  const int me = world().rank();
  auto p = sde::make_additive_problem<double>(
      [me, last](const ensemble<>& x, double, ensemble<>& f) {
        if (me == last) throw std::runtime_error("drift failed");
        f = -x;
      },
      [](double, matrix_t<>& g) { g(0, 0) = 1.0; }, ensemble<>::Constant(1, 1, 1.0), 0.0, 1.0, 1);
  sde::solve_options<> o;
  o.steps = 5;
  o.paths = 512 * 8;  // every rank (up to 8) has a block
  o.threads = 1;
  std::string what;
  try {
    ito::mpi::solve(world(), p, sde::euler_maruyama{}, o);
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  CHECK(what.find("drift failed") != std::string::npos);
  if (me != last) CHECK(what.find("(on rank " + std::to_string(last) + ")") != std::string::npos);
  // bad options: the same invalid_argument everywhere
  o.block_size = 0;
  CHECK_THROWS_AS(ito::mpi::solve(world(), p, sde::euler_maruyama{}, o), ito::invalid_argument);
}

TEST_CASE("histogram reduce/allreduce over the ranks equals the one-process histogram (==)") {
  const auto comm = world();
  const int r = comm.rank(), p = comm.size();
  // 10007 deterministic samples; rank r counts the contiguous share partition(0, n, r, p)
  boost::random::mt19937_64 eng(23);
  boost::random::normal_distribution<double> N(0.0, 1.0);
  std::vector<double> xs(10007);
  for (auto& v : xs) v = N(eng);
  sde::histogram one(-2.5, 2.5, 1000), mine(-2.5, 2.5, 1000);
  for (double x : xs) one.add(x);
  const auto part = ito::mpi::partition(0, sde::index_t(xs.size()), r, p);
  for (sde::index_t i = part.begin; i < part.end; ++i) mine.add(xs[std::size_t(i)]);
  sde::histogram all = mine;
  ito::mpi::allreduce(all, comm);
  CHECK(all == one);
  const sde::histogram before = mine;
  ito::mpi::reduce(mine, comm);
  if (r == 0) CHECK(mine == one);
  else CHECK(mine == before);  // non-root ranks keep their own counts
  // a different binning on one rank: invalid_argument on every rank
  sde::histogram odd(-2.5, r == p - 1 ? 3.0 : 2.5, 1000);
  CHECK_THROWS_AS(ito::mpi::reduce(odd, comm), ito::invalid_argument);
}

TEST_CASE("gather_concat / gather_welford: rank 0 gets every chunk's state in global order (==)") {
  const auto comm = world();
  const int r = comm.rank(), p = comm.size();
  boost::random::mt19937_64 eng(5);
  boost::random::normal_distribution<double> N(1.0, 2.0);
  std::vector<double> xs(7 * 300 + 11);  // 8 chunks of 300, the last one short
  for (auto& v : xs) v = N(eng);
  const sde::index_t chunks = 8;
  auto chunk_state = [&](sde::index_t c) {
    sde::welford w;
    for (std::size_t i = std::size_t(c) * 300; i < std::min(xs.size(), std::size_t(c + 1) * 300); ++i) w.add(xs[i]);
    return w;
  };
  sde::welford one;  // the one-process fold ((c0 + c1) + c2) + ...
  for (sde::index_t c = 0; c < chunks; ++c) one.merge(chunk_state(c));
  std::vector<sde::welford> mine;
  std::vector<double> ids;
  const auto part = ito::mpi::partition(0, chunks, r, p);
  for (sde::index_t c = part.begin; c < part.end; ++c) {
    mine.push_back(chunk_state(c));
    ids.push_back(double(c));
  }
  const auto got = ito::mpi::gather_welford(mine, comm);
  const auto order = ito::mpi::gather_concat(ids, comm);
  if (r == 0) {
    CHECK(got.size() == std::size_t(chunks));
    CHECK(order.size() == std::size_t(chunks));
    for (std::size_t c = 0; c < order.size(); ++c) CHECK(order[c] == double(c));
    sde::welford fold;
    for (const auto& w : got) fold.merge(w);
    CHECK(fold.n == one.n);
    CHECK(fold.mean == one.mean);
    CHECK(fold.m2 == one.m2);
    CHECK(fold.m3 == one.m3);
    CHECK(fold.m4 == one.m4);
  } else {
    CHECK(got.empty());
    CHECK(order.empty());
  }
}
