// Regression inputs for the loaders fuzzed under fuzz/ (libFuzzer): each input
// that once crashed, hung or escaped with an undocumented exception is kept
// here, embedded, and must now be rejected with ito::format_error.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include <ito/diffusion/checkpoint.hpp>

namespace dif = ito::diffusion;

namespace {

/// Wrap a payload in a valid header (magic, version, size, CRC), as the
/// checkpoint fuzz target does, so the field parser behind the checksum runs.
/// The payloads below are in the version-1 layout (no x features), which the
/// loader still reads, so they also keep the version-1 path under test.
std::string with_header(const std::string& payload) {
  ito::detail::ckpt_writer h;
  h.pod<std::uint32_t>(1);
  h.pod<std::uint64_t>(payload.size());
  h.pod<std::uint32_t>(ito::detail::ckpt_crc32(payload));
  return std::string(ito::detail::ckpt_magic, 8) + h.bytes() + payload;
}

/// A payload with the given architecture and vector lengths (all values zero).
std::string payload(std::int64_t dim, std::int64_t width, std::int64_t depth, std::int64_t freqs,
                    std::uint64_t sde_params_count, std::uint64_t n_weights) {
  ito::detail::ckpt_writer w;
  w.pod<std::int64_t>(dim);
  w.pod<std::int64_t>(width);
  w.pod<std::int64_t>(depth);
  w.pod<std::int64_t>(freqs);
  w.pod<double>(1.0);
  w.pod<std::uint64_t>(0);
  w.str("vp");
  w.pod<std::uint64_t>(sde_params_count);  // vector length, then its values (none if absurdly many)
  for (std::uint64_t i = 0; i < sde_params_count && i < 16; ++i) w.pod<double>(0.1);
  w.str("eps");
  w.str("simple");
  w.pod<std::int64_t>(8);
  w.pod<std::uint64_t>(0);
  for (int i = 0; i < 6; ++i) w.pod<double>(0.5);  // val fraction, lr, beta1, beta2, adam eps, clip
  w.pod<std::int64_t>(10);                          // warmup
  w.pod<double>(0.9);                               // ema decay
  w.pod<std::int64_t>(1);                           // step
  w.str("");                                        // rng state
  w.vec(std::vector<double>(static_cast<std::size_t>(freqs > 0 && freqs < 16 ? freqs : 0), 0.0));
  for (int v = 0; v < 4; ++v) w.vec(std::vector<double>(n_weights, 0.0));
  return w.bytes();
}

}  // namespace

TEST_CASE("checkpoint: a vector length whose byte count wraps around 2^64 is format_error, not length_error") {
  // 2^61 + 1 doubles: n * 8 wrapped to 8 and passed the bounds check, then
  // std::vector(n) threw std::length_error (or asked for 16 EiB).
  const std::string p = payload(2, 3, 1, 0, (std::uint64_t{1} << 61) + 1, 0);
  CHECK_THROWS_WITH_AS(dif::parse_checkpoint(with_header(p), "wrap.ckpt"),
                       doctest::Contains("field 'sde parameters' claims 2305843009213693953 values"), ito::format_error);
}

TEST_CASE("checkpoint: a huge depth or width is format_error, without overflow or a 2^62-iteration loop") {
  // depth 2^62 made num_params() loop ~forever; width 2^40 overflowed its products (signed overflow, UB).
  for (const auto& [width, depth] : {std::pair<std::int64_t, std::int64_t>{3, std::int64_t{1} << 62},
                                     {std::int64_t{1} << 40, 2},
                                     {std::int64_t{1} << 62, std::int64_t{1} << 62}}) {
    const std::string p = payload(2, width, depth, 0, 0, 9);
    CHECK_THROWS_WITH_AS(dif::parse_checkpoint(with_header(p), "arch.ckpt"),
                         doctest::Contains("arch.ckpt: wrong dimension in checkpoint: weights has 9 values"),
                         ito::format_error);
  }
}

TEST_CASE("checkpoint: the regression payload builder makes a valid checkpoint when the sizes agree") {
  // dim 2, width 3, depth 1, no frequencies: 3 * (2 + 1) + 2 * (3 + 1) = 17 weights
  const std::string p = payload(2, 3, 1, 0, 2, 17);
  const auto c = dif::parse_checkpoint(with_header(p), "ok.ckpt");
  CHECK(c.params.size() == 17);
  CHECK(c.arch.x_frequencies == 0);
  // written back in the current format version, which then round-trips byte for byte
  // and keeps the network (the payload itself is of an older version)
  const std::string current = dif::checkpoint_bytes(c);
  CHECK(current.size() > with_header(p).size());  // the newer fields (x features, forward SDE, normalisation)
  const auto back = dif::parse_checkpoint(current, "ok2.ckpt");
  CHECK(back.params == c.params);
  CHECK(back.arch.x_frequencies == 0);
  CHECK(dif::checkpoint_bytes(back) == current);
}
