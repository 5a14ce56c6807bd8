#pragma once
/// \file atomic_file.hpp
/// \brief The one atomic, durable file writer of ito (CSV, JSON, checkpoints,
/// the program's and the examples' outputs).
///
/// `write_file_atomically(path, writer)` guarantees that a reader of `path`
/// sees either the old file or the complete new one, never a part:
///  1. create a temporary with a unique name in the target's directory,
///     `.<name>.<pid>-<counter>-<random>.tmp` (open with O_CREAT | O_EXCL, as
///     mkstemp does, but with mode 0666 & ~umask so the result has the
///     permissions an ordinary new file would have);
///  2. `writer(std::ostream&)` writes the content;
///  3. flush, fsync(2) the temporary, close it;
///  4. rename(2) it onto `path` (atomic within one file system);
///  5. fsync(2) the directory, so the rename itself survives a crash.
/// On every failure, an exception from `writer` included, the temporary is
/// removed and `path` is left untouched. Errors are thrown as ito::io_error
/// naming `path` (and the system's reason); an exception from `writer` is
/// rethrown unchanged after the clean-up.
///
/// Two processes writing the same path at once each use their own temporary,
/// so the result is one complete file (the last rename wins), never a mix.
/// POSIX only (open, fsync, rename).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <random>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"

namespace ito {

namespace detail {

/// A minimal output stream buffer over a POSIX file descriptor that keeps
/// the errno of the first failed write (e.g. ENOSPC) for the error message.
class fd_output_buffer : public std::streambuf {
 public:
  explicit fd_output_buffer(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof(buf_)); }
  fd_output_buffer(const fd_output_buffer&) = delete;
  fd_output_buffer& operator=(const fd_output_buffer&) = delete;
  ~fd_output_buffer() override = default;
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n >= std::streamsize(sizeof(buf_))) {  // large writes bypass the buffer
      if (!drain() || !write_all(s, std::size_t(n))) return 0;
      return n;
    }
    return std::streambuf::xsputn(s, n);
  }

 private:
  bool drain() {
    const auto n = std::size_t(pptr() - pbase());
    if (n && !write_all(pbase(), n)) return false;
    setp(buf_, buf_ + sizeof(buf_));
    return true;
  }
  bool write_all(const char* s, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, s, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      s += w;
      n -= std::size_t(w);
    }
    return true;
  }
  int fd_;
  int error_ = 0;
  char buf_[1 << 16];
};

inline std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

/// The directory a file path lives in ("." for a bare name).
inline std::filesystem::path directory_of(const std::filesystem::path& p) {
  return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}

/// Create a new file with a unique name `.<name>.<pid>-<n>-<random>.tmp` in `dir`
/// (O_CREAT | O_EXCL, retried on a name clash). Returns the fd and sets `tmp`.
inline int create_unique_temporary(const std::filesystem::path& path, std::filesystem::path& tmp) {
  static std::atomic<std::uint64_t> counter{0};
  const std::filesystem::path dir = directory_of(path);
  std::random_device rd;
  int last = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint64_t r = (std::uint64_t(rd()) << 32) ^ rd();
    std::string name(1, '.');  // (appending avoids a GCC 12 -Wrestrict false positive, bug 105651)
    name += path.filename().string();
    name += '.';
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(counter++);
    name += '-';
    name += std::to_string(r % 1000000007u);
    name += ".tmp";
    tmp = dir / name;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    last = errno;
    if (last != EEXIST) break;
  }
  throw ito::io_error(path.string() + ": cannot create a temporary file in '" + dir.string() +
                      "': " + errno_text(last));
}

/// fsync the directory `dir` so a rename in it is durable. File systems that
/// cannot sync a directory (EINVAL, EROFS) are accepted.
inline void sync_directory(const std::filesystem::path& path, const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw ito::io_error(path.string() + ": written, but cannot open its directory '" + dir.string() +
                        "' to sync it: " + errno_text(errno));
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0 && e != EINVAL && e != EROFS)
    throw ito::io_error(path.string() + ": written, but fsync of its directory '" + dir.string() +
                        "' failed: " + errno_text(e));
}

}  // namespace detail

/// Check up front that `path` can be written (its directory exists and is a
/// directory, and `path` is not itself a directory), so a long job such as
/// training fails at once rather than at its first save. Throws ito::io_error.
inline void check_writable_destination(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string name = path.string();
  if (path.filename().empty()) throw ito::io_error(name + ": expected a file name, not a directory");
  const fs::path dir = detail::directory_of(path);
  if (!fs::exists(dir, ec)) throw ito::io_error(name + ": directory '" + dir.string() + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw ito::io_error(name + ": '" + dir.string() + "' is not a directory");
  if (fs::is_directory(path, ec)) throw ito::io_error(name + ": is a directory, expected a file");
}

/// Write `path` atomically and durably with `writer(std::ostream&)` producing
/// the content (see the file comment for the steps and guarantees).
/// Throws ito::io_error naming `path`; an exception thrown by `writer`
/// propagates unchanged. In every failure the temporary is removed.
template <class Writer>
  requires std::invocable<Writer&, std::ostream&>
void write_file_atomically(const std::filesystem::path& path, Writer&& writer) {
  const std::string name = path.string();
  if (path.filename().empty()) throw ito::io_error(name + ": expected a file name, not a directory");
  std::filesystem::path tmp;
  int fd = detail::create_unique_temporary(path, tmp);
  struct cleanup {  // closes and removes the temporary unless committed
    int& fd;
    const std::filesystem::path& tmp;
    bool committed = false;
    ~cleanup() {
      if (fd >= 0) ::close(fd);
      if (!committed) ::unlink(tmp.c_str());
    }
  } guard{fd, tmp};
  {
    detail::fd_output_buffer buf(fd);
    std::ostream out(&buf);
    writer(static_cast<std::ostream&>(out));
    out.flush();
    if (!out || buf.error())
      throw ito::io_error(name + ": cannot write the temporary '" + tmp.string() +
                          "': " + detail::errno_text(buf.error() ? buf.error() : EIO));
  }
  if (::fsync(fd) != 0)
    throw ito::io_error(name + ": fsync of the temporary '" + tmp.string() + "' failed: " +
                        detail::errno_text(errno));
  const int rc = ::close(fd);
  fd = -1;
  if (rc != 0)
    throw ito::io_error(name + ": closing the temporary '" + tmp.string() + "' failed: " +
                        detail::errno_text(errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    throw ito::io_error(name + ": cannot move the temporary '" + tmp.string() + "' into place: " +
                        detail::errno_text(errno));
  guard.committed = true;
  detail::sync_directory(path, detail::directory_of(path));
}

/// Write the bytes `content` to `path` atomically and durably (as above).
inline void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, [content](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace ito
