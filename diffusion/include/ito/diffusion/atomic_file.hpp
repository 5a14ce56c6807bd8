#pragma once
/// \file atomic_file.hpp
/// \brief Write a whole file atomically: `path.tmp`, flush, rename, so a
/// reader never sees a half-written file and a failed write leaves the old one.

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <ito/sde/error.hpp>

namespace ito::diffusion::detail {

/// Write `text` to `path` via `path.tmp` + rename. Throws ito::io_error naming the file.
inline void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw ito::io_error(path + ": cannot open '" + tmp + "' for writing");
    out << text;
    out.flush();
    if (!out) throw ito::io_error(path + ": write to '" + tmp + "' failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw ito::io_error(path + ": cannot rename '" + tmp + "' into place: " + ec.message());
  }
}

}  // namespace ito::diffusion::detail
