// libFuzzer target: ito::diffusion::parse_checkpoint on arbitrary bytes.
// The CRC-32 would reject almost every mutation before the payload parser
// runs, so when the first byte is odd the rest is taken as a payload and
// wrapped in a valid header (magic, version, size, CRC): that fuzzes the
// field reader and the architecture checks behind the checksum; bit 1 of the
// first byte then picks the version-1 layout (no x features), which still loads.
#include <cstdlib>

#include <ito/diffusion/checkpoint.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    ito::detail::ckpt_writer h;
    h.pod<std::uint32_t>((data[0] & 2) ? 1u : ito::diffusion::checkpoint::format_version);
    h.pod<std::uint64_t>(bytes.size());
    h.pod<std::uint32_t>(ito::detail::ckpt_crc32(bytes));
    bytes = std::string(ito::detail::ckpt_magic, 8) + h.bytes() + bytes;
  }
  ito_fuzz::expect_clean([&] {
    const auto c = ito::diffusion::parse_checkpoint(bytes, "fuzz.ckpt");
    // an accepted checkpoint must serialise back to the same bytes (an older
    // version is written as the current one, which must then round-trip)
    const std::string out = ito::diffusion::checkpoint_bytes(c);
    if (bytes[8] == static_cast<char>(ito::diffusion::checkpoint::format_version)) {
      if (out != bytes) std::abort();
    } else if (ito::diffusion::checkpoint_bytes(ito::diffusion::parse_checkpoint(out, "fuzz.ckpt")) != out) {
      std::abort();
    }
  });
  return 0;
}
