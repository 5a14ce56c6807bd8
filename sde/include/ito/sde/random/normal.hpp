#pragma once
/// \file normal.hpp
/// \brief Counter-based standard normals: Philox4x32-10 words (philox.hpp)
/// turned into normals by the Box–Muller transform (Box & Muller 1958) with
/// SLEEF's vector log and sincos (1 ULP each), double and float.
///
/// Identity. Normal number k of path p in stream (seed, stream) is a pure
/// function of (seed, stream, p, k):
///   double: Philox position q = k / 2 gives words w0..w3;
///           u = (((w1:w0) >> 12) + 1/2) 2^-52,  v = (((w3:w2) >> 12) + 1/2) 2^-51 - 1,
///           r = sqrt(-2 log u);  z_{2q} = r cos(pi v),  z_{2q+1} = r sin(pi v)
///           (pi v: one rounded product; sincos(pi v) rather than sincospi(v),
///           which costs twice as much in SLEEF 3.5).
///   float:  Philox position q = k / 4; two pairs, (w0, w1) -> z_{4q}, z_{4q+1} and
///           (w2, w3) -> z_{4q+2}, z_{4q+3}, with
///           u = clamp(float(w >> 1) 2^-31, [2^-32, 1 - 2^-24]),  v = float(w' >> 1) 2^-30 - 1.
/// u lies in [2^-53, 1 - 2^-53] (double) and [2^-32, 1 - 2^-24] (float), so
/// |z| <= 8.57 (double) and <= 6.66 (float): P(|Z| > 8.57) = 1e-17 and
/// P(|Z| > 6.66) = 2.7e-11 are the only mass the transform truncates.
///
/// Bit-for-bit. The block fill (fill_counter_normals) runs Philox on 16
/// (AVX-512, 32-bit lanes; 8 for a remainder of 8 paths) or 4 (AVX2) paths at once and calls SLEEF's "finz" vector functions; the
/// scalar reference (counter_normal) calls Random123's Philox and SLEEF's
/// finz purecfma scalar functions. SLEEF's finz_ functions are documented to
/// return the same bits on every FMA-capable target, sqrt and the
/// conversions are IEEE-exact, so both paths give identical numbers (tested in
/// tests/sde/test_random_normal.cpp). On a CPU without FMA (no AVX2 build,
/// checked at run time) the scalar path falls back to SLEEF's non-FMA scalar
/// log/sincos, whose last bit may differ: the numbers are then equal to
/// within 1-2 ULP, not bit-identical, across such machines.

#include <sleef.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "philox.hpp"

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define ITO_RANDOM_LANES 8
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define ITO_RANDOM_LANES 4
#else
#define ITO_RANDOM_LANES 1
#endif

#ifndef FP_FAST_FMA
// sleef.h declares its FMA scalar functions only when the translation unit is
// compiled with FMA; they are in libsleef regardless and are called only after
// a run-time check (random_detail::cpu_has_fma).
extern "C" {
double Sleef_finz_logd1_u10purecfma(double);
float Sleef_finz_logf1_u10purecfma(float);
Sleef_double_2 Sleef_finz_sincosd1_u10purecfma(double);
Sleef_float_2 Sleef_finz_sincosf1_u10purecfma(float);
}
#endif

namespace ito::sde {

/// How many normals one Philox call yields: 2 in double, 4 in float.
template <class S>
inline constexpr std::int64_t normals_per_counter = sizeof(S) == 8 ? 2 : 4;

/// The paths one vector of the double transform holds on this build (8 AVX-512, 4 AVX2, 1 scalar);
/// the AVX-512 fill runs Philox on groups of 16 paths (32-bit lanes), then 8, then one at a time.
inline constexpr int random_lanes = ITO_RANDOM_LANES;

/// A stream's key: (seed, stream) hashed once.
struct counter_key {
  r123::Philox4x32::key_type key;
  counter_key(std::uint64_t seed, stream_id stream) : key(philox_key(seed, stream)) {}
  counter_key(std::uint64_t seed, std::uint64_t stream) : key(philox_key(seed, stream)) {}
};

namespace random_detail {

inline bool cpu_has_fma() {
#if defined(__FMA__)
  return true;
#elif defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  static const bool has = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

inline double log_scalar(double x) {
  return cpu_has_fma() ? Sleef_finz_logd1_u10purecfma(x) : Sleef_log_u10(x);
}
inline float log_scalar(float x) {
  return cpu_has_fma() ? Sleef_finz_logf1_u10purecfma(x) : Sleef_logf_u10(x);
}
/// {sin(x), cos(x)} (SLEEF, 1 ULP)
inline void sincos_scalar(double x, double& s, double& c) {
  if (cpu_has_fma()) {
    const Sleef_double_2 r = Sleef_finz_sincosd1_u10purecfma(x);
    s = r.x;
    c = r.y;
  } else {
    const Sleef_double2 r = Sleef_sincos_u10(x);
    s = r.x;
    c = r.y;
  }
}
inline void sincos_scalar(float x, float& s, float& c) {
  if (cpu_has_fma()) {
    const Sleef_float_2 r = Sleef_finz_sincosf1_u10purecfma(x);
    s = r.x;
    c = r.y;
  } else {
    const Sleef_float2 r = Sleef_sincosf_u10(x);
    s = r.x;
    c = r.y;
  }
}

/// pi rounded to double and to float: the angle is (pi v) rounded once.
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr float kPif = 3.14159265358979323846f;

/// The uniforms of the transform, exactly as documented in the file comment.
inline double radius_uniform(std::uint32_t lo, std::uint32_t hi) {
  const std::uint64_t k = ((std::uint64_t(hi) << 32) | lo) >> 12;
  return (double(k) + 0.5) * 0x1p-52;
}
inline double angle_uniform(std::uint32_t lo, std::uint32_t hi) {
  const std::uint64_t k = ((std::uint64_t(hi) << 32) | lo) >> 12;
  return (double(k) + 0.5) * 0x1p-51 - 1.0;
}
inline float radius_uniform(std::uint32_t w) {
  float u = float(std::int32_t(w >> 1)) * 0x1p-31f;
  u = u < 0x1p-32f ? 0x1p-32f : u;
  return u > 0x1.fffffep-1f ? 0x1.fffffep-1f : u;
}
inline float angle_uniform(std::uint32_t w) { return float(std::int32_t(w >> 1)) * 0x1p-30f - 1.0f; }

/// The 2 (double) or 4 (float) normals of one Philox call, scalar reference.
inline void box_muller(const r123::Philox4x32::ctr_type& w, double* z) {
  const double u = radius_uniform(w[0], w[1]);
  const double v = angle_uniform(w[2], w[3]);
  const double r = std::sqrt(log_scalar(u) * -2.0);
  double s, c;
  sincos_scalar(v * kPi, s, c);
  z[0] = r * c;
  z[1] = r * s;
}
inline void box_muller(const r123::Philox4x32::ctr_type& w, float* z) {
  for (int pair = 0; pair < 2; ++pair) {
    const float u = radius_uniform(w[2 * pair]);
    const float v = angle_uniform(w[2 * pair + 1]);
    const float r = std::sqrt(log_scalar(u) * -2.0f);
    float s, c;
    sincos_scalar(v * kPif, s, c);
    z[2 * pair] = r * c;
    z[2 * pair + 1] = r * s;
  }
}

#if ITO_RANDOM_LANES > 1
// ---- Philox4x32-10 on random_lanes counters at once --------------------------
// The same rounds as Random123's philox4x32 (philox.h: PHILOX_M4x32_0/1,
// PHILOX_W32_0/1, R = 10), one counter per 64-bit lane (value in the low 32
// bits), checked word for word against r123::Philox4x32 in the tests.
#if ITO_RANDOM_LANES == 8
using u64v = std::uint64_t __attribute__((vector_size(64)));
using u32v = std::uint32_t __attribute__((vector_size(32)));
using i32v = std::int32_t __attribute__((vector_size(32)));
using f64v = double __attribute__((vector_size(64)));
using f32v = float __attribute__((vector_size(32)));     // one pair's lanes
using i32w = std::int32_t __attribute__((vector_size(64)));
using f32w = float __attribute__((vector_size(64)));     // both pairs' lanes
inline u64v mul32(u64v a, u64v b) { return (u64v)_mm512_mul_epu32((__m512i)a, (__m512i)b); }
inline f64v vlog(f64v x) { return (f64v)Sleef_finz_logd8_u10avx512f((__m512d)x); }
inline void vsincos(f64v x, f64v& s, f64v& c) {
  const auto r = Sleef_finz_sincosd8_u10avx512f((__m512d)x);
  s = (f64v)r.x;
  c = (f64v)r.y;
}
inline f64v vsqrt(f64v x) { return (f64v)_mm512_sqrt_pd((__m512d)x); }
inline f32w vlog(f32w x) { return (f32w)Sleef_finz_logf16_u10avx512f((__m512)x); }
inline void vsincos(f32w x, f32w& s, f32w& c) {
  const auto r = Sleef_finz_sincosf16_u10avx512f((__m512)x);
  s = (f32w)r.x;
  c = (f32w)r.y;
}
inline f32w vsqrt(f32w x) { return (f32w)_mm512_sqrt_ps((__m512)x); }
#else
using u64v = std::uint64_t __attribute__((vector_size(32)));
using u32v = std::uint32_t __attribute__((vector_size(16)));
using i32v = std::int32_t __attribute__((vector_size(16)));
using f64v = double __attribute__((vector_size(32)));
using f32v = float __attribute__((vector_size(16)));
using i32w = std::int32_t __attribute__((vector_size(32)));
using f32w = float __attribute__((vector_size(32)));
inline u64v mul32(u64v a, u64v b) { return (u64v)_mm256_mul_epu32((__m256i)a, (__m256i)b); }
inline f64v vlog(f64v x) { return (f64v)Sleef_finz_logd4_u10avx2((__m256d)x); }
inline void vsincos(f64v x, f64v& s, f64v& c) {
  const auto r = Sleef_finz_sincosd4_u10avx2((__m256d)x);
  s = (f64v)r.x;
  c = (f64v)r.y;
}
inline f64v vsqrt(f64v x) { return (f64v)_mm256_sqrt_pd((__m256d)x); }
inline f32w vlog(f32w x) { return (f32w)Sleef_finz_logf8_u10avx2((__m256)x); }
inline void vsincos(f32w x, f32w& s, f32w& c) {
  const auto r = Sleef_finz_sincosf8_u10avx2((__m256)x);
  s = (f32w)r.x;
  c = (f32w)r.y;
}
inline f32w vsqrt(f32w x) { return (f32w)_mm256_sqrt_ps((__m256)x); }
#endif
constexpr int L = ITO_RANDOM_LANES;
#if ITO_RANDOM_LANES == 8
inline i32w concat(i32v x, i32v y) { return __builtin_shufflevector(x, y, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
inline f32v low(f32w x) { return __builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7); }
inline f32v high(f32w x) { return __builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15); }
#else
inline i32w concat(i32v x, i32v y) { return __builtin_shufflevector(x, y, 0, 1, 2, 3, 4, 5, 6, 7); }
inline f32v low(f32w x) { return __builtin_shufflevector(x, x, 0, 1, 2, 3); }
inline f32v high(f32w x) { return __builtin_shufflevector(x, x, 4, 5, 6, 7); }
#endif

/// The ten round keys of a Philox4x32-10 key, broadcast to every lane.
struct philox_schedule {
  u64v k0[10], k1[10];
  std::uint32_t a[10], b[10];  ///< the same round keys as 32-bit words
  explicit philox_schedule(const r123::Philox4x32::key_type& key) {
    std::uint32_t x = key[0], y = key[1];
    for (int r = 0; r < 10; ++r, x += 0x9E3779B9u, y += 0xBB67AE85u) {  // PHILOX_W32_0/1
      k0[r] = u64v{} + std::uint64_t(x);
      k1[r] = u64v{} + std::uint64_t(y);
      a[r] = x;
      b[r] = y;
    }
  }
};

/// Words w[0..3] of Philox4x32-10 at counters (position, path0 + lane), lane < L.
/// Only the low 32 bits of each 64-bit lane matter inside the rounds
/// (_mm*_mul_epu32 reads only them, xor is bitwise), so the masks are applied
/// once at the end.
inline void philox_lanes(const philox_schedule& ks, std::uint64_t path0, std::uint64_t position, u64v w[4]) {
  u64v lane;
  for (int l = 0; l < L; ++l) lane[l] = std::uint64_t(l);
  const u64v path = path0 + lane;
  const u64v mask = u64v{} + 0xFFFFFFFFull;
  u64v c0 = u64v{} + (position & 0xFFFFFFFFull), c1 = u64v{} + (position >> 32);
  u64v c2 = path, c3 = path >> 32;
  const u64v m0 = u64v{} + 0xD2511F53ull, m1 = u64v{} + 0xCD9E8D57ull;  // PHILOX_M4x32_0/1
  for (int round = 0; round < 10; ++round) {
    const u64v p0 = mul32(m0, c0), p1 = mul32(m1, c2);
    c0 = (p1 >> 32) ^ c1 ^ ks.k0[round];
    c2 = (p0 >> 32) ^ c3 ^ ks.k1[round];
    c1 = p1;
    c3 = p0;
  }
  w[0] = c0 & mask;
  w[1] = c1 & mask;
  w[2] = c2 & mask;
  w[3] = c3 & mask;
}

/// z[e][lane] = element e of the Philox call of path path0 + lane (double: e < 2).
/// The same from the 64-bit words (w1:w0) and (w3:w2) of each lane.
inline void box_muller_bits(u64v w10, u64v w32, f64v z[2]) {
  const u64v magic = u64v{} + 0x4330000000000000ull;  // 2^52 as bits: (k | magic) = 2^52 + k
  const f64v off = f64v{} + (0x1p52 - 0.5);
  const u64v ku = w10 >> 12, kv = w32 >> 12;
  const f64v u = ((f64v)(ku | magic) - off) * 0x1p-52;  // = (k + 1/2) 2^-52, exact
  const f64v v = ((f64v)(kv | magic) - off) * 0x1p-51 - 1.0;
  const f64v r = vsqrt(vlog(u) * -2.0);
  f64v s, c;
  vsincos(v * kPi, s, c);
  z[0] = r * c;
  z[1] = r * s;
}
inline void box_muller_lanes(const u64v w[4], f64v z[2]) { box_muller_bits((w[1] << 32) | w[0], (w[3] << 32) | w[2], z); }
/// float, one pair per lane: a = w >> 1, b = w' >> 1 (radius and angle words) -> zc, zs.
inline void box_muller_pair(i32w a, i32w b, f32w& zc, f32w& zs) {
  f32w u = __builtin_convertvector(a, f32w) * 0x1p-31f;
  u = u < 0x1p-32f ? f32w{} + 0x1p-32f : u;
  u = u > 0x1.fffffep-1f ? f32w{} + 0x1.fffffep-1f : u;
  const f32w v = __builtin_convertvector(b, f32w) * 0x1p-30f - 1.0f;
  const f32w r = vsqrt(vlog(u) * -2.0f);
  f32w s, c;
  vsincos(v * kPif, s, c);
  zc = r * c;
  zs = r * s;
}
/// float: z[e][lane], e < 4.
inline void box_muller_lanes(const u64v w[4], f32v z[4]) {
  // lanes [0, L): pair 0 (w0, w1), [L, 2L): pair 1 (w2, w3)
  const i32w a = concat(__builtin_convertvector(w[0] >> 1, i32v), __builtin_convertvector(w[2] >> 1, i32v));
  const i32w b = concat(__builtin_convertvector(w[1] >> 1, i32v), __builtin_convertvector(w[3] >> 1, i32v));
  f32w zc, zs;
  box_muller_pair(a, b, zc, zs);
  z[0] = low(zc);
  z[1] = low(zs);
  z[2] = high(zc);
  z[3] = high(zs);
}

#if ITO_RANDOM_LANES == 8
// ---- AVX-512: Philox4x32-10 on 16 counters, one per 32-bit lane --------------
// vpmuludq multiplies the even 32-bit lanes; the odd ones are shifted down and
// multiplied apart, and the halves are recombined with masked in-lane shuffles.
// About 1.35x the throughput of 8 counters in 64-bit lanes (bench/normals_limit).
using u32x16 = std::uint32_t __attribute__((vector_size(64)));
inline void philox16(const philox_schedule& ks, u32x16 c2, u32x16 c3, std::uint64_t position, u32x16 w[4]) {
  const __m512i M0 = _mm512_set1_epi32(int(0xD2511F53u)), M1 = _mm512_set1_epi32(int(0xCD9E8D57u));
  __m512i c0 = _mm512_set1_epi32(int(std::uint32_t(position))), c1 = _mm512_set1_epi32(int(std::uint32_t(position >> 32)));
  __m512i d2 = (__m512i)c2, d3 = (__m512i)c3;
  for (int r = 0; r < 10; ++r) {
    const __m512i e0 = _mm512_mul_epu32(c0, M0), o0 = _mm512_mul_epu32(_mm512_srli_epi64(c0, 32), M0);
    const __m512i e2 = _mm512_mul_epu32(d2, M1), o2 = _mm512_mul_epu32(_mm512_srli_epi64(d2, 32), M1);
    const __m512i hi0 = _mm512_mask_shuffle_epi32(o0, 0x5555, e0, _MM_PERM_CDAB);  // high words, lane order
    const __m512i hi2 = _mm512_mask_shuffle_epi32(o2, 0x5555, e2, _MM_PERM_CDAB);
    const __m512i lo0 = _mm512_mask_shuffle_epi32(e0, 0xAAAA, o0, _MM_PERM_CDAB);  // low words
    const __m512i lo2 = _mm512_mask_shuffle_epi32(e2, 0xAAAA, o2, _MM_PERM_CDAB);
    c0 = _mm512_ternarylogic_epi32(hi2, c1, _mm512_set1_epi32(int(ks.a[r])), 0x96);  // xor of three
    d2 = _mm512_ternarylogic_epi32(hi0, d3, _mm512_set1_epi32(int(ks.b[r])), 0x96);
    c1 = lo2;
    d3 = lo0;
  }
  w[0] = (u32x16)c0;
  w[1] = (u32x16)c1;
  w[2] = (u32x16)d2;
  w[3] = (u32x16)d3;
}
/// The path of 32-bit lane d within a group of 16: float keeps the natural
/// order; double puts paths 0-7 in the dwords that _mm512_unpacklo_epi32 pairs
/// into 64-bit lanes 0-7 (dword 4L + r, r < 2: path 2L + r) and paths 8-15 in
/// those of _mm512_unpackhi_epi32 (r >= 2: path 8 + 2L + r - 2).
template <class S>
constexpr int lane_path16(int d) {
  if constexpr (sizeof(S) == 4) return d;
  else return (d % 4 < 2) ? 2 * (d / 4) + d % 4 : 8 + 2 * (d / 4) + d % 4 - 2;
}
/// 16 paths from path0 (rows of n normals per Philox position, as fill_counter_normals).
template <class S>
void fill16(const philox_schedule& ks, std::uint64_t path0, std::uint64_t q0, std::int64_t nq, S* out,
            std::int64_t ld, S scale) {
  constexpr std::int64_t n = sizeof(S) == 8 ? 2 : 4;
  u32x16 c2 = {}, c3 = {};
  for (int d = 0; d < 16; ++d) {
    const std::uint64_t p = path0 + std::uint64_t(lane_path16<S>(d));
    c2[d] = std::uint32_t(p);
    c3[d] = std::uint32_t(p >> 32);
  }
  for (std::int64_t q = 0; q < nq; ++q) {
    u32x16 w[4];
    philox16(ks, c2, c3, q0 + std::uint64_t(q), w);
    S* row = out + q * n * ld;
    if constexpr (sizeof(S) == 8) {
      for (int half = 0; half < 2; ++half) {
        const __m512i w10 = half ? _mm512_unpackhi_epi32((__m512i)w[0], (__m512i)w[1])
                                 : _mm512_unpacklo_epi32((__m512i)w[0], (__m512i)w[1]);
        const __m512i w32 = half ? _mm512_unpackhi_epi32((__m512i)w[2], (__m512i)w[3])
                                 : _mm512_unpacklo_epi32((__m512i)w[2], (__m512i)w[3]);
        f64v z[2];
        box_muller_bits((u64v)w10, (u64v)w32, z);
        for (int e = 0; e < 2; ++e) {
          const f64v ze = z[e] * scale;
          std::memcpy(row + e * ld + 8 * half, &ze, sizeof(ze));
        }
      }
    } else {
      for (int pair = 0; pair < 2; ++pair) {
        f32w zc, zs;
        box_muller_pair((i32w)(w[2 * pair] >> 1), (i32w)(w[2 * pair + 1] >> 1), zc, zs);
        zc *= scale;
        zs *= scale;
        std::memcpy(row + (2 * pair) * ld, &zc, sizeof(zc));
        std::memcpy(row + (2 * pair + 1) * ld, &zs, sizeof(zs));
      }
    }
  }
}
#endif
#endif

}  // namespace random_detail

/// The Philox words at (path, position) under a precomputed key.
inline r123::Philox4x32::ctr_type philox_words(const counter_key& k, std::uint64_t path, std::uint64_t position) {
  return r123::Philox4x32()(philox_counter(path, position), k.key);
}

/// Scalar reference: normal number k of `path` in stream (seed, stream).
template <class S>
S counter_normal(const counter_key& key, std::uint64_t path, std::uint64_t k) {
  static_assert(sizeof(S) == 8 || sizeof(S) == 4, "double or float");
  constexpr std::int64_t n = normals_per_counter<S>;
  S z[n];
  random_detail::box_muller(philox_words(key, path, k / n), z);
  return z[k % n];
}
template <class S>
S counter_normal(std::uint64_t seed, stream_id stream, std::uint64_t path, std::uint64_t k) {
  return counter_normal<S>(counter_key(seed, stream), path, k);
}

/// Block fill: out[r * ld + j] = scale * (normal number k0 + r of path path0 + j)
/// for r < rows, j < paths: rows are normal indices, columns are paths, so a
/// row is contiguous over the paths of a block (the layout a batched step
/// wants). k0 and rows must be multiples of `normals_per_counter<S>`; ld >= paths.
/// Vectorized over paths (random_lanes at a time); the same bits as
/// counter_normal (see the file comment). scale = 1 multiplies exactly.
template <class S>
void fill_counter_normals(const counter_key& key, std::uint64_t path0, std::int64_t paths, std::uint64_t k0,
                          std::int64_t rows, S* out, std::int64_t ld, S scale = S(1)) {
  constexpr std::int64_t n = normals_per_counter<S>;
  const std::uint64_t q0 = k0 / n;
  const std::int64_t nq = rows / n;
  std::int64_t j = 0;
#if ITO_RANDOM_LANES > 1
  using namespace random_detail;
  using zv = std::conditional_t<sizeof(S) == 8, f64v, f32v>;
  const philox_schedule ks(key.key);
#if ITO_RANDOM_LANES == 8
  for (; j + 16 <= paths; j += 16) fill16<S>(ks, path0 + std::uint64_t(j), q0, nq, out + j, ld, scale);
#endif
  for (; j + L <= paths; j += L) {
    for (std::int64_t q = 0; q < nq; ++q) {
      u64v w[4];
      philox_lanes(ks, path0 + std::uint64_t(j), q0 + std::uint64_t(q), w);
      zv z[n] = {};
      box_muller_lanes(w, z);
      for (std::int64_t e = 0; e < n; ++e) {
        const zv ze = z[e] * scale;
        std::memcpy(out + (q * n + e) * ld + j, &ze, sizeof(ze));
      }
    }
  }
#endif
  // the tail paths, one at a time. GCC 12 warns (-Waggressive-loop-optimizations)
  // about this loop when it can see that the vector loop above already covered
  // every path, so that the tail never runs: a false positive, silenced here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Waggressive-loop-optimizations"
#endif
  const std::size_t stride = std::size_t(ld);
  for (; j < paths; ++j)
    for (std::int64_t q = 0; q < nq; ++q) {
      S z[n];
      random_detail::box_muller(philox_words(key, path0 + std::uint64_t(j), q0 + std::uint64_t(q)), z);
      S* row = out + std::size_t(q) * std::size_t(n) * stride + std::size_t(j);
      for (std::size_t e = 0; e < std::size_t(n); ++e) row[e * stride] = z[e] * scale;
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

}  // namespace ito::sde
