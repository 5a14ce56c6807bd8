// The statistical table of the counter-based normals (docs/random-streams.md):
// 10^8 normals per dtype (1000 neighbouring paths x 10^5 positions, stream
// brownian, seed 20261130) through ito::sde::check_normal_quality
// (ito/sde/random/quality.hpp); prints a Markdown table. Minutes, not seconds:
// the fast version of the same checks is tests/sde/test_random_normal.cpp.
//
//   normal_quality [--paths=P] [--per-path=N] [--seed=S]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ito/sde/random/quality.hpp>
#include <string>

namespace {
namespace sde = ito::sde;

template <class S>
void report(const char* dtype, std::uint64_t seed, std::int64_t paths, std::int64_t per_path) {
  const auto q = sde::check_normal_quality<S>(seed, sde::stream_id::brownian, 0, paths, per_path);
  std::printf("\n### %s: n = %lld (%lld paths x %lld)\n\n", dtype, (long long)q.n, (long long)paths, (long long)per_path);
  std::printf("| check | estimate | exact | (est - exact) / se |\n|---|---|---|---|\n");
  for (int k = 1; k <= 8; ++k)
    std::printf("| E z^%d | %.6g | %.6g | %+.2f |\n", k, q.moment[std::size_t(k)], q.moment_exact[std::size_t(k)], q.moment_z(k));
  for (int t = 0; t < 3; ++t)
    std::printf("| count of abs(z) > %g | %.0f | %.2f | %+.2f |\n", q.tail_sigma[std::size_t(t)], q.tail_count[std::size_t(t)],
                q.tail_expected[std::size_t(t)], q.tail_z(t));
  std::printf("| KS D (2^22-bin u = Phi(z)) | %.3g | p = %.3g | |\n", q.ks_d, q.ks_p);
  std::printf("| Anderson-Darling A^2 | %.3f | p = %.3g | |\n", q.ad_a2, q.ad_p);
  std::printf("| max over lags 1..16 of abs(autocorrelation) / se | %.2f | | |\n", q.max_autocorr_z());
  std::printf("| cross-path chi^2 of %lld pairs | %.0f | %.0f | %+.2f |\n", (long long)q.cross_dof, q.cross_chi2,
              q.cross_dof, q.cross_z());
  std::printf("| max over pairs of abs(r) sqrt(n) | %.2f | | |\n", q.cross_max_z);
  std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  std::int64_t paths = 1000, per_path = 100000;
  std::uint64_t seed = 20261130;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--paths=", 8) == 0) paths = std::atoll(argv[i] + 8);
    else if (std::strncmp(argv[i], "--per-path=", 11) == 0) per_path = std::atoll(argv[i] + 11);
    else if (std::strncmp(argv[i], "--seed=", 7) == 0) seed = std::strtoull(argv[i] + 7, nullptr, 10);
    else {
      std::fprintf(stderr, "normal_quality: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  try {
    report<double>("double", seed, paths, per_path);
    report<float>("float", seed, paths, per_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "normal_quality: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
