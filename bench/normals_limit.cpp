// The machine's limit for counter-based Box-Muller normals: cycles per Philox
// call and per transform part, each measured alone in a tight loop over
// independent vectors (throughput, not latency), side by side in one run.
// Cycles are CPU time of this thread times the nominal clock (--ghz, default
// /proc/cpuinfo's "cpu MHz"; on a shared machine wall-clock or TSC counts include
// the time other processes run); each row is the best and the median of --reps
// repetitions (the machine is shared: state the load).
//
//   normals_limit [--reps=N] [--ghz=G]
#include <immintrin.h>
#include <sleef.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ito/sde/random/normal.hpp>
#include <vector>

#if ITO_RANDOM_LANES != 8
int main() {
  std::puts("normals_limit: needs an AVX-512 build (-march with avx512f/dq)");
  return 0;
}
#else
namespace {
namespace rd = ito::sde::random_detail;
constexpr int V = 64;       // independent vectors per pass (enough to hide latency)
constexpr int passes = 4000;
double ghz = 2.1;

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

template <class F>
void row(const char* name, double items_per_pass, int reps, F&& f) {
  std::vector<double> c;
  for (int r = 0; r < reps; ++r) {
    const double t0 = cpu_seconds();
    for (int p = 0; p < passes; ++p) f(p);
    c.push_back((cpu_seconds() - t0) * ghz * 1e9 / (double(passes) * items_per_pass));
  }
  std::sort(c.begin(), c.end());
  std::printf("| %-58s | %6.2f | %6.2f |\n", name, c.front(), c[c.size() / 2]);
}

// Philox4x32-10 on 16 counters held as 32-bit lanes: vpmuludq on the even and
// (shifted) odd lanes, halves recombined with masked in-lane shuffles.
inline void philox16(const std::uint32_t k[2], __m512i& c0, __m512i& c1, __m512i& c2, __m512i& c3) {
  const __m512i M0 = _mm512_set1_epi32(int(0xD2511F53u)), M1 = _mm512_set1_epi32(int(0xCD9E8D57u));
  std::uint32_t a = k[0], b = k[1];
  for (int r = 0; r < 10; ++r, a += 0x9E3779B9u, b += 0xBB67AE85u) {
    const __m512i e0 = _mm512_mul_epu32(c0, M0), o0 = _mm512_mul_epu32(_mm512_srli_epi64(c0, 32), M0);
    const __m512i e2 = _mm512_mul_epu32(c2, M1), o2 = _mm512_mul_epu32(_mm512_srli_epi64(c2, 32), M1);
    const __m512i hi0 = _mm512_mask_shuffle_epi32(o0, 0x5555, e0, _MM_PERM_CDAB);
    const __m512i hi2 = _mm512_mask_shuffle_epi32(o2, 0x5555, e2, _MM_PERM_CDAB);
    const __m512i lo0 = _mm512_mask_shuffle_epi32(e0, 0xAAAA, o0, _MM_PERM_CDAB);
    const __m512i lo2 = _mm512_mask_shuffle_epi32(e2, 0xAAAA, o2, _MM_PERM_CDAB);
    c0 = _mm512_ternarylogic_epi32(hi2, c1, _mm512_set1_epi32(int(a)), 0x96);
    c2 = _mm512_ternarylogic_epi32(hi0, c3, _mm512_set1_epi32(int(b)), 0x96);
    c1 = lo2;
    c3 = lo0;
  }
}
}  // namespace

int main(int argc, char** argv) {
  int reps = 9;
  if (FILE* f = std::fopen("/proc/cpuinfo", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "cpu MHz", 7) == 0) {
        ghz = std::atof(std::strchr(line, ':') + 1) / 1000;
        break;
      }
    std::fclose(f);
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--reps=", 7) == 0) reps = std::atoi(argv[i] + 7);
    if (std::strncmp(argv[i], "--ghz=", 6) == 0) ghz = std::atof(argv[i] + 6);
  }
  std::printf("cycles at %.3f GHz (CPU time of this thread)\n", ghz);
  const ito::sde::counter_key key(1, ito::sde::stream_id::brownian);
  const rd::philox_schedule ks(key.key);
  std::printf("| part (throughput over %d independent vectors) | best | median |\n|---|---:|---:|\n", V);

  // 1. Philox4x32-10, 8 counters per zmm (64-bit lanes, ito's fill): cycles per call
  {
    rd::u64v acc{};
    row("Philox4x32-10, 8 lanes x 64 bit (ito), cycles/call", double(V * 8), reps, [&](int p) {
      for (int v = 0; v < V; ++v) {
        rd::u64v w[4];
        rd::philox_lanes(ks, std::uint64_t(v * 8), std::uint64_t(p), w);
        acc ^= w[0] ^ w[1] ^ w[2] ^ w[3];
      }
    });
    volatile auto sink = acc[0];
    (void)sink;
  }
  // 2. Philox4x32-10, 16 counters per zmm (32-bit lanes), checked against Random123
  {
    __m512i acc = _mm512_setzero_si512();
    const std::uint32_t k[2] = {key.key[0], key.key[1]};
    row("Philox4x32-10, 16 lanes x 32 bit, cycles/call", double(V * 16), reps, [&](int p) {
      for (int v = 0; v < V; ++v) {
        __m512i c0 = _mm512_set1_epi32(p), c1 = _mm512_setzero_si512();
        __m512i c2 = _mm512_add_epi32(_mm512_set1_epi32(v * 16),
                                      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        __m512i c3 = _mm512_setzero_si512();
        philox16(k, c0, c1, c2, c3);
        acc = _mm512_xor_si512(acc, _mm512_ternarylogic_epi32(c0, c1, _mm512_xor_si512(c2, c3), 0x96));
      }
    });
    alignas(64) std::uint32_t out[16];
    __m512i c0 = _mm512_set1_epi32(3), c1 = _mm512_setzero_si512(),
            c2 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), c3 = _mm512_setzero_si512();
    philox16(k, c0, c1, c2, c3);
    const auto ref = ito::sde::philox_words(key, 5, 3);
    _mm512_store_si512(out, c0);
    const std::uint32_t w0 = out[5];
    _mm512_store_si512(out, c3);
    std::printf("(16-lane Philox check against Random123, path 5: %s)\n",
                w0 == ref[0] && out[5] == ref[3] ? "equal" : "DIFFERENT");
    _mm512_store_si512(out, acc);
    volatile auto sink = out[0];
    (void)sink;
  }
  // 3. transform parts, double (8 lanes): cycles per vector op / 8 = per lane
  {
    __m512d x[V];
    for (int v = 0; v < V; ++v) x[v] = _mm512_set1_pd(0.3 + 1e-3 * v);
    __m512d acc = _mm512_setzero_pd();
    row("SLEEF finz log_u10, double, cycles/value", double(V * 8), reps, [&](int) {
      for (int v = 0; v < V; ++v) acc = _mm512_add_pd(acc, Sleef_finz_logd8_u10avx512f(x[v]));
    });
    row("SLEEF finz sincos_u10, double, cycles/pair", double(V * 8), reps, [&](int) {
      for (int v = 0; v < V; ++v) {
        const auto r = Sleef_finz_sincosd8_u10avx512f(x[v]);
        acc = _mm512_add_pd(acc, _mm512_add_pd(r.x, r.y));
      }
    });
    row("SLEEF finz sincospi_u05, double, cycles/pair", double(V * 8), reps, [&](int) {
      for (int v = 0; v < V; ++v) {
        const auto r = Sleef_finz_sincospid8_u05avx512f(x[v]);
        acc = _mm512_add_pd(acc, _mm512_add_pd(r.x, r.y));
      }
    });
    row("sqrt, double, cycles/value", double(V * 8), reps, [&](int) {
      for (int v = 0; v < V; ++v) acc = _mm512_add_pd(acc, _mm512_sqrt_pd(x[v]));
    });
    row("Box-Muller (ito), double, cycles/normal (2 per pair)", double(V * 16), reps, [&](int p) {
      for (int v = 0; v < V; ++v) {
        rd::u64v w[4];
        for (int i = 0; i < 4; ++i) w[i] = rd::u64v{} + std::uint64_t(0x9E3779B9u * unsigned(i + v + p + 1));
        rd::f64v z[2];
        rd::box_muller_lanes(w, z);
        acc = _mm512_add_pd(acc, _mm512_add_pd((__m512d)z[0], (__m512d)z[1]));
      }
    });
    volatile double sink = _mm512_reduce_add_pd(acc);
    (void)sink;
  }
  // 4. float (16 lanes)
  {
    __m512 x[V];
    for (int v = 0; v < V; ++v) x[v] = _mm512_set1_ps(0.3f + 1e-3f * float(v));
    __m512 acc = _mm512_setzero_ps();
    row("SLEEF finz log_u10, float, cycles/value", double(V * 16), reps, [&](int) {
      for (int v = 0; v < V; ++v) acc = _mm512_add_ps(acc, Sleef_finz_logf16_u10avx512f(x[v]));
    });
    row("SLEEF finz sincos_u10, float, cycles/pair", double(V * 16), reps, [&](int) {
      for (int v = 0; v < V; ++v) {
        const auto r = Sleef_finz_sincosf16_u10avx512f(x[v]);
        acc = _mm512_add_ps(acc, _mm512_add_ps(r.x, r.y));
      }
    });
    row("Box-Muller (ito), float, cycles/normal (4 per call)", double(V * 32), reps, [&](int p) {
      for (int v = 0; v < V; ++v) {
        rd::u64v w[4];
        for (int i = 0; i < 4; ++i) w[i] = rd::u64v{} + std::uint64_t(0x9E3779B9u * unsigned(i + v + p + 1));
        rd::f32v z[4];
        rd::box_muller_lanes(w, z);
        acc = _mm512_add_ps(acc, _mm512_castps256_ps512(z[0] + z[1] + z[2] + z[3]));
      }
    });
    volatile float sink = _mm512_reduce_add_ps(acc);
    (void)sink;
  }
  // 5. the whole fill, as the Brownian source calls it (1024 paths x 16 rows)
  {
    std::vector<double> out(1024 * 16);
    std::vector<float> outf(1024 * 16);
    std::uint64_t k = 0;
    row("fill_counter_normals<double>, cycles/normal", 1024.0 * 16, reps, [&](int) {
      ito::sde::fill_counter_normals<double>(key, 0, 1024, k, 16, out.data(), 1024);
      k += 16;
    });
    row("fill_counter_normals<float>, cycles/normal", 1024.0 * 16, reps, [&](int) {
      ito::sde::fill_counter_normals<float>(key, 0, 1024, k, 16, outf.data(), 1024);
      k += 16;
    });
    volatile double sink = out[5] + double(outf[7]);
    (void)sink;
  }
  return 0;
}
#endif
