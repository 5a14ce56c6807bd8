#pragma once
// Shared by the libFuzzer targets: the loaders read files, so each input is
// written to a per-process scratch file first; only ito's documented
// exceptions count as a clean rejection (anything else escapes and libFuzzer
// reports it as a crash, as do sanitizer findings).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <ito/sde/error.hpp>

namespace ito_fuzz {

/// tmpfs if there is one: on ext4, truncating and rewriting a file forces a
/// write-back on close (auto_da_alloc), which made the file-based targets ~40x slower.
inline std::string scratch_dir() {
  std::error_code ec;
  return std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : "/tmp";
}

inline std::string scratch_path(const char* ext) {
  return scratch_dir() + "/ito_fuzz_" + std::to_string(::getpid()) + ext;
}

/// Write the input to the scratch file for `ext` (removed again at exit).
inline std::string write_scratch(const std::uint8_t* data, std::size_t size, const char* ext) {
  const std::string p = scratch_path(ext);
  static const bool cleanup = [] { return std::atexit([] {
    for (const char* e : {".csv", ".json"}) std::remove(scratch_path(e).c_str());
  }) == 0; }();
  (void)cleanup;
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
