#pragma once
// Shared by the libFuzzer targets: the loaders read files, so each input is
// written to a per-process scratch file first; only ito's documented
// exceptions count as a clean rejection (anything else escapes and libFuzzer
// reports it as a crash, as do sanitizer findings).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

#include <ito/sde/error.hpp>

namespace ito_fuzz {

inline const std::string& scratch_path(const char* ext) {
  static const std::string p = "/tmp/ito_fuzz_" + std::to_string(::getpid()) + ext;
  return p;
}

inline const std::string& write_scratch(const std::uint8_t* data, std::size_t size, const char* ext) {
  const std::string& p = scratch_path(ext);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

/// Run f; swallow only ito's documented error types.
template <class F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const ito::invalid_argument&) {
  } catch (const ito::format_error&) {
  } catch (const ito::io_error&) {
  } catch (const ito::numerical_error&) {
  }
}

}  // namespace ito_fuzz
