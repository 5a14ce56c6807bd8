// ito::mpi::mlmc (mlmc/mpi.hpp): run under mpiexec (ctest runs it with 2 and 3
// ranks). Every rank also runs the single-process ito::sde::mlmc and checks that
// the distributed result is the same, bit for bit (estimate, costs, rates and
// the whole level table), for several thread counts and block sizes (more
// ranks than blocks included); errors on any rank are raised on every rank.
// Only CHECK (never REQUIRE), so a failure on one rank cannot leave the others
// waiting in a collective.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <ito/sde/mlmc.hpp>
#include <ito/sde/mlmc/mpi.hpp>
#include <ito/sde/problem.hpp>
#include <ito/sde/problems.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/milstein.hpp>

namespace sde = ito::sde;

namespace {
ito::mpi::communicator world() {
  static ito::mpi::environment env;  // MPI_Init on first use, MPI_Finalize at exit
  return ito::mpi::communicator{};
}

void check_same(const sde::mlmc_result& a, const sde::mlmc_result& b) {
  CHECK(a.estimate == b.estimate);
  CHECK(a.stderr_ == b.stderr_);
  CHECK(a.bias_estimate == b.bias_estimate);
  CHECK(a.cost == b.cost);
  CHECK(a.plain_mc_cost == b.plain_mc_cost);
  CHECK(a.alpha == b.alpha);
  CHECK(a.beta == b.beta);
  CHECK(a.gamma == b.gamma);
  CHECK(a.converged == b.converged);
  CHECK(a.levels.size() == b.levels.size());
  for (std::size_t l = 0; l < std::min(a.levels.size(), b.levels.size()); ++l) {
    const auto &x = a.levels[l], &y = b.levels[l];
    CHECK(x.samples == y.samples);
    CHECK(x.mean == y.mean);
    CHECK(x.variance == y.variance);
    CHECK(x.cost == y.cost);
    CHECK(x.kurtosis == y.kurtosis);
    CHECK(x.mean_fine == y.mean_fine);
    CHECK(x.variance_fine == y.variance_fine);
    CHECK(x.consistency == y.consistency);
  }
}
auto gbm() { return sde::gbm_problem<double>(0.05, 0.4, 1.0, 1.0).problem; }
}  // namespace

TEST_CASE("ito::mpi::mlmc equals ito::sde::mlmc bit for bit on every rank (GBM call, Milstein and EM)") {
  const auto comm = world();
  const auto p = gbm();
  sde::mlmc_payoff pay;
  pay.kind = sde::mlmc_payoff_kind::call;
  pay.discount = 0.05;
  sde::mlmc_options o;
  o.rmse = 5e-3;
  o.refinement = 4;
  o.seed = 3;
  o.block_size = 64;  // many blocks per batch, unevenly split
  o.threads = 1;
  const auto one = sde::mlmc(p, sde::milstein{}, pay, o);
  for (unsigned threads : {1u, 2u}) {
    o.threads = threads;
    check_same(ito::mpi::mlmc(comm, p, sde::milstein{}, pay, o), one);
  }
  o.threads = 0;  // the node's threads shared among its ranks: the same result
  check_same(ito::mpi::mlmc(comm, p, sde::milstein{}, pay, o), one);
  o.threads = 1;
  o.rmse = 2e-2;
  o.block_size = 4096;  // a level's batch can be fewer blocks than ranks
  check_same(ito::mpi::mlmc(comm, p, sde::euler_maruyama{}, pay, o),
             sde::mlmc(p, sde::euler_maruyama{}, pay, o));
}

TEST_CASE("ito::mpi::mlmc_level_table equals the single-process level table") {
  const auto comm = world();
  const auto p = gbm();
  sde::mlmc_payoff pay;
  pay.kind = sde::mlmc_payoff_kind::barrier;
  pay.barrier = 1.3;
  sde::mlmc_options o;
  o.seed = 8;
  o.block_size = 100;
  o.threads = 1;
  check_same(ito::mpi::mlmc_level_table(comm, p, sde::milstein{}, pay, 4, 1000, o),
             sde::mlmc_level_table(p, sde::milstein{}, pay, 4, 1000, o));
}

TEST_CASE("errors on any rank are raised on every rank") {
  const auto comm = world();
  const auto p = gbm();
  sde::mlmc_options o;
  o.rmse = -1;
  CHECK_THROWS_AS(ito::mpi::mlmc(comm, p, sde::milstein{}, sde::mlmc_payoff{}, o), ito::invalid_argument);
  // a payoff that is NaN on every path: the ranks that draw blocks throw, the others learn it
  o.rmse = 1e-2;
  o.block_size = 4096;  // 1000 initial samples: one block, on rank 0 only
  sde::mlmc_payoff bad;
  bad.kind = sde::mlmc_payoff_kind::call;
  bad.strike = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(ito::mpi::mlmc(comm, p, sde::milstein{}, bad, o), ito::numerical_error);
}
