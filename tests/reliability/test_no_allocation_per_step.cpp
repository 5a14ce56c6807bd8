// README claim "no allocation per step": the number of heap allocations of a
// solve does not grow with the number of steps, for Euler-Maruyama, Milstein
// and SRA1 on one block of paths (one thread).
//
// Counted: every global operator new (std::vector, std::string, ...) through the
// replacements below, and every Eigen heap allocation (Eigen allocates with
// malloc, not operator new): with EIGEN_RUNTIME_NO_MALLOC and malloc "forbidden"
// each Eigen allocation fails an eigen_assert, which this file defines to count
// the failure instead of aborting (the allocation then proceeds).
#define EIGEN_RUNTIME_NO_MALLOC
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace {
std::atomic<long> g_new_calls{0};       // operator new (all forms)
std::atomic<long> g_eigen_mallocs{0};   // Eigen heap allocations while "forbidden"
std::atomic<long> g_other_asserts{0};   // any other failed eigen_assert (must stay 0)
}  // namespace

inline void ito_test_eigen_assert_failed(const char* what) {
  if (std::strstr(what, "heap allocation is forbidden")) ++g_eigen_mallocs;
  else ++g_other_asserts;
}
#define eigen_assert(x) ((x) ? (void)0 : ito_test_eigen_assert_failed(#x))

#include <doctest/doctest.h>

#include <ito/sde.hpp>

// The replacements pair malloc with free; GCC's -Wmismatched-new-delete cannot
// see that once they are inlined, so they are kept out of line.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++g_new_calls;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) { return ::operator new(n); }
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_new_calls;
  return std::malloc(n ? n : 1);
}
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
[[gnu::noinline]] void* operator new(std::size_t n, std::align_val_t a) {
  ++g_new_calls;
  const std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n, std::align_val_t a) { return ::operator new(n, a); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;

namespace {
struct counts {
  long news = 0, eigen = 0;
  long total() const { return news + eigen; }
};

// Allocations made by one solve with `steps` steps on one block of 256 paths.
template <class P, class Method>
counts allocations_of_solve(const P& p, const Method& m, sde::index_t steps) {
  sde::solve_options<> o;
  o.steps = steps;
  o.paths = 256;
  o.block_size = 256;
  o.threads = 1;
  o.seed = 3;
  o.keep_paths = false;
  const long n0 = g_new_calls, e0 = g_eigen_mallocs;
  Eigen::internal::set_is_malloc_allowed(false);
  auto s = sde::solve(p, m, o);
  Eigen::internal::set_is_malloc_allowed(true);
  counts c{g_new_calls - n0, g_eigen_mallocs - e0};
  REQUIRE(s.summary.steps == steps);
  REQUIRE(s.terminal.allFinite());
  return c;
}

template <class P, class Method>
void check_flat(const char* what, const P& p, const Method& m) {
  const counts few = allocations_of_solve(p, m, 4), many = allocations_of_solve(p, m, 400);
  MESSAGE(std::string(what) << ": allocations with 4 steps: " << few.news << " new + " << few.eigen << " Eigen; with 400 steps: "
               << many.news << " new + " << many.eigen << " Eigen");
  CHECK(few.total() > 0);  // the counters see the solve's set-up (they can fail)
  CHECK(many.news == few.news);
  CHECK(many.eigen == few.eigen);
  CHECK(g_other_asserts == 0);
}
}  // namespace

TEST_CASE("the counters see allocations (so the flat counts below can fail)") {
  const long n0 = g_new_calls, e0 = g_eigen_mallocs;
  Eigen::internal::set_is_malloc_allowed(false);
  ensemble<> a(3, 100);  // one Eigen allocation
  auto* v = new std::vector<int>(10);  // two operator new
  Eigen::internal::set_is_malloc_allowed(true);
  delete v;
  CHECK(g_eigen_mallocs - e0 == 1);
  CHECK(g_new_calls - n0 >= 2);
  a.setZero();
}

TEST_CASE("Euler-Maruyama, Milstein and SRA1 allocate nothing per step on a block") {
  const auto ou = sde::make_additive_problem(
      [](const ensemble<>& x, double, ensemble<>& f) { f = (2.0 * (0.5 - x.array())).matrix(); },
      [](double, matrix_t<>& g) { g(0, 0) = 0.8; }, ensemble<>::Constant(1, 1, 1.5), 0, 1, 1);
  const auto gbm = sde::diagonal_gbm_problem<double>();  // d = 4, diagonal noise, Milstein product supplied
  check_flat("euler_maruyama (OU)", ou, sde::euler_maruyama{});
  check_flat("euler_maruyama (4-d GBM)", gbm.problem, sde::euler_maruyama{});
  check_flat("milstein (4-d GBM)", gbm.problem, sde::milstein{});
  check_flat("sra1 (OU)", ou, sde::sra1{});
}
