// ito::write_file_atomically: content round-trips, a failure (exception from the
// writer, a target that cannot be replaced, a missing directory) leaves the old
// file intact and no temporary behind, concurrent writers leave one complete file.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <ito/sde/atomic_file.hpp>

namespace fs = std::filesystem;

namespace {
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("ito_atomic_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// doctest::Contains wants a doctest::String
doctest::String contains(const fs::path& p, const char* rest) { return (p.string() + rest).c_str(); }

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> s;
  for (const auto& e : fs::directory_iterator(dir)) s.insert(e.path().filename().string());
  return s;
}

// A distinctive content of n bytes (the position mixed with a tag).
std::string pattern(std::size_t n, char tag) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = char(tag + char(i % 7));
  return s;
}
}  // namespace

TEST_CASE("a string and a writer callback round-trip exactly, with no temporary left") {
  temp_dir d;
  const fs::path p = d.path / "out.txt";
  ito::write_file_atomically(p, std::string("hello\n"));
  CHECK(read_all(p) == "hello\n");
  CHECK(entries(d.path) == std::set<std::string>{"out.txt"});
  // larger than the 64 KiB buffer, written through the stream piecewise and at once
  const std::string big = pattern(300000, 'a');
  ito::write_file_atomically(p, [&](std::ostream& out) {
    out << big.substr(0, 10);
    out.write(big.data() + 10, std::streamsize(big.size() - 10));
  });
  CHECK(read_all(p) == big);
  ito::write_file_atomically(p, "");  // an empty file is a valid result
  CHECK(fs::file_size(p) == 0);
  CHECK(entries(d.path) == std::set<std::string>{"out.txt"});
}

TEST_CASE("an exception from the writer propagates unchanged and leaves the old file and no temporary") {
  temp_dir d;
  const fs::path p = d.path / "keep.csv";
  ito::write_file_atomically(p, std::string("old content\n"));
  struct user_error : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  CHECK_THROWS_AS(ito::write_file_atomically(p,
                                             [](std::ostream& out) {
                                               out << pattern(200000, 'x');  // partly on disk already
                                               throw user_error("stop");
                                             }),
                  user_error);
  CHECK(read_all(p) == "old content\n");
  CHECK(entries(d.path) == std::set<std::string>{"keep.csv"});
}

TEST_CASE("a target that cannot be replaced is reported by name and leaves no temporary") {
  temp_dir d;
  // the target is a directory: the temporary is written, then rename(2) fails
  fs::create_directories(d.path / "sub");
  const fs::path target = d.path / "sub";
  CHECK_THROWS_WITH_AS(ito::write_file_atomically(target, std::string("x")),
                       doctest::Contains(contains(target, ": cannot move the temporary")), ito::io_error);
  CHECK(entries(d.path) == std::set<std::string>{"sub"});
  CHECK(fs::is_empty(d.path / "sub"));
  // a directory that does not exist: nothing can be created
  const fs::path missing = d.path / "no" / "such.csv";
  CHECK_THROWS_WITH_AS(ito::write_file_atomically(missing, std::string("x")),
                       doctest::Contains(contains(missing, ": cannot create a temporary file in")), ito::io_error);
  CHECK(entries(d.path) == std::set<std::string>{"sub"});
  // a path naming a directory ("dir/")
  CHECK_THROWS_WITH_AS(ito::write_file_atomically(d.path / "sub" / "", std::string("x")),
                       doctest::Contains("expected a file name"), ito::io_error);
}

TEST_CASE("an unwritable directory is reported by name and nothing is created") {
  temp_dir d;
  const fs::path ro = d.path / "ro";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  const fs::path p = ro / "x.csv";
  if (::access(ro.c_str(), W_OK) == 0) {
    // root ignores permission bits: /proc refuses new files to everyone instead
    const fs::path proc = "/proc/ito_atomic_test.csv";
    CHECK_THROWS_WITH_AS(ito::write_file_atomically(proc, std::string("x")),
                         doctest::Contains(contains(proc, ": cannot create a temporary file in '/proc'")),
                         ito::io_error);
  } else {
    CHECK_THROWS_WITH_AS(ito::write_file_atomically(p, std::string("x")),
                         doctest::Contains(contains(p, ": cannot create a temporary file in")), ito::io_error);
  }
  fs::permissions(ro, fs::perms::owner_all);
  CHECK(fs::is_empty(ro));
}

TEST_CASE("concurrent writers of one path leave one complete file and no temporary") {
  temp_dir d;
  const fs::path p = d.path / "shared.bin";
  const int writers = 4;
  std::vector<std::string> contents;
  for (int k = 0; k < writers; ++k) contents.push_back(pattern(std::size_t(100000 + 1000 * k), char('A' + 10 * k)));
  for (int round = 0; round < 5; ++round) {
    std::vector<std::thread> pool;
    for (int k = 0; k < writers; ++k)
      pool.emplace_back([&, k] { ito::write_file_atomically(p, contents[std::size_t(k)]); });
    for (auto& t : pool) t.join();
    const std::string got = read_all(p);
    bool one_of = false;
    for (const auto& c : contents) one_of = one_of || got == c;
    CHECK(one_of);
    CHECK(entries(d.path) == std::set<std::string>{"shared.bin"});
  }
}

TEST_CASE("check_writable_destination refuses a missing directory and a directory target") {
  temp_dir d;
  CHECK_NOTHROW(ito::check_writable_destination(d.path / "fine.ckpt"));
  CHECK_THROWS_WITH_AS(ito::check_writable_destination(d.path / "nope" / "a.ckpt"),
                       doctest::Contains("does not exist"), ito::io_error);
  CHECK_THROWS_WITH_AS(ito::check_writable_destination(d.path), doctest::Contains("is a directory"),
                       ito::io_error);
}
