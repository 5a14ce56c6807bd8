// CSV read/write of ensembles: exact round trip, header detection, errors with file:line:column.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <ito/diffusion/csv.hpp>
#include <limits>
#include <string>
#include "support/temp_files.hpp"

using namespace ito::diffusion;
using Eigen::Index;

namespace {

// The message of the format_error read_csv throws for `text` (fails the test if none).
std::string error_for(const std::string& text) {
  const std::string path = ito::test::temp_path("csv_bad.csv");
  ito::test::write_text(path, text);
  try {
    (void)read_csv(path);
  } catch (const ito::format_error& e) {
    return e.what();
  }
  FAIL("no format_error for: " << text);
  return {};
}
}  // namespace

TEST_CASE("csv: write then read gives the same ensemble bit for bit") {
  ensemble<double> X(3, 5);
  X << 0.1, -2.5e-300, 1e300, 3.0, -0.0,  //
      1.0 / 3.0, 2.0 / 7.0, 123456789.123456789, std::numeric_limits<double>::min(), 42,  //
      -1, 0, 1, 5e-324, std::numeric_limits<double>::max();
  const std::string path = ito::test::temp_path("csv_roundtrip.csv");
  write_csv(path, X);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const csv_table t = read_csv_table(path);
  CHECK(t.header == std::vector<std::string>{"x1", "x2", "x3"});
  REQUIRE(t.data.rows() == 3);
  REQUIRE(t.data.cols() == 5);
  CHECK(t.data == X);
  write_csv(path, X, false);  // no header
  const csv_table u = read_csv_table(path);
  CHECK(u.header.empty());
  CHECK(u.data == X);
  write_csv(path, X, std::vector<std::string>{"a", "b", "c"});
  CHECK(read_csv_table(path).header == std::vector<std::string>{"a", "b", "c"});
  CHECK_THROWS_AS(write_csv(path, X, std::vector<std::string>{"a"}), ito::invalid_argument);
  std::filesystem::remove(path);
}

TEST_CASE("csv: tolerant of spaces, CRLF, blank lines, a leading '+', no trailing newline") {
  const std::string path = ito::test::temp_path("csv_loose.csv");
  ito::test::write_text(path, "x, y\r\n\r\n 1.5 , +2\r\n\n-3,4e1");
  const ensemble<double> X = read_csv(path);
  REQUIRE(X.rows() == 2);
  REQUIRE(X.cols() == 2);
  CHECK(X(0, 0) == 1.5);
  CHECK(X(1, 0) == 2.0);
  CHECK(X(0, 1) == -3.0);
  CHECK(X(1, 1) == 40.0);
  std::filesystem::remove(path);
}

TEST_CASE("csv: each bad input gives a format_error naming file, line and column") {
  const std::string f = ito::test::temp_path("csv_bad.csv");
  CHECK(error_for("x,y\n1,2\n3,abc\n") == f + ":3:2: 'abc' is not a number");
  CHECK(error_for("1,2\n3\n").find(f + ":2:2: ragged row: 1 cells, expected 2") == 0);
  CHECK(error_for("1,2\n3,4,5\n").find(f + ":2:3: ragged row: 3 cells, expected 2") == 0);
  CHECK(error_for("1,2\nnan,4\n") == f + ":2:1: non-finite value 'nan'");
  CHECK(error_for("1,2\n3,inf\n") == f + ":2:2: non-finite value 'inf'");
  CHECK(error_for("1,2\n3,\n") == f + ":2:2: empty cell, expected a number");
  CHECK(error_for("1,2x\n") == f + ":1:2: '2x' is not a number");
  CHECK(error_for("").find(f + ":1:1: no data rows (empty file)") == 0);
  CHECK(error_for("\n\n").find("no data rows") != std::string::npos);
  CHECK(error_for("x,y\n").find("no data rows after the header") != std::string::npos);
  std::filesystem::remove(f);
  CHECK_THROWS_WITH_AS(read_csv(ito::test::temp_path("csv_missing.csv")), doctest::Contains("cannot open"), ito::io_error);
}
