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

/// Check up front that `path` can be written (its directory exists and is a
/// directory, and `path` is not itself a directory), so a long job such as
/// training fails at once rather than at its first save. Throws ito::io_error.
inline void check_writable_destination(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (p.filename().empty()) throw ito::io_error(path + ": expected a file name, not a directory");
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec)) throw ito::io_error(path + ": directory '" + dir.string() + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw ito::io_error(path + ": '" + dir.string() + "' is not a directory");
  if (fs::is_directory(p, ec)) throw ito::io_error(path + ": is a directory, expected a file");
}

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
