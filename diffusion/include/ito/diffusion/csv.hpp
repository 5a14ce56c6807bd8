#pragma once
/// \file csv.hpp
/// \brief CSV read/write of a d x N ensemble: one sample per row, one
/// coordinate per column, comma-separated, optional header line.
///
/// Reading: blank lines are skipped; the first non-blank line is a header if
/// none of its cells is a number (e.g. "x1,x2"); every other row must have the
/// same number of cells, each a finite decimal number (std::from_chars).
/// Bad content throws ito::format_error "<file>:<line>:<column>: <what>"
/// where line is 1-based and column is the 1-based cell index (CSV column),
/// e.g. "data.csv:7:2: 'abc' is not a number". A file that cannot be opened
/// throws ito::io_error.
///
/// Writing: shortest round-trip representation of each value (std::to_chars),
/// so read(write(X)) == X bit for bit; atomic and durable (ito::write_file_atomically:
/// unique temporary, fsync, rename, fsync of the directory).

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <ito/sde/atomic_file.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>

namespace ito::diffusion {

using ito::sde::ensemble;
using ito::sde::index_t;

/// What read_csv found besides the numbers.
struct csv_table {
  ensemble<double> data;            ///< d x N, column j = row j of the file
  std::vector<std::string> header;  ///< column names, empty if no header line
};

namespace detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

inline std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

/// 'cell' (appending avoids a GCC 12 -Wrestrict false positive on "'" + string).
inline std::string quoted(std::string_view cell) {
  std::string s(1, '\'');
  s += cell;
  s += '\'';
  return s;
}

/// Parse a whole cell as a double (leading '+' allowed). False if not a number.
inline bool parse_double(std::string_view cell, double& v) {
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty()) return false;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  return ec == std::errc() && ptr == cell.data() + cell.size();
}

}  // namespace detail

/// \brief Read a CSV file into a d x N ensemble and its header (if any).
inline csv_table read_csv_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ito::io_error(path + ": cannot open for reading");
  auto fail = [&](std::size_t line, std::size_t col, const std::string& what) {
    throw ito::format_error(path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
  };
  csv_table out;
  std::vector<double> values;
  std::size_t cols = 0, rows = 0, lineno = 0;
  bool first = true;
  std::string line;
  while (std::getline(in, line)) {
    ++lineno;
    if (detail::trim(line).empty()) continue;
    const auto cells = detail::split_cells(line);
    if (first) {
      first = false;
      cols = cells.size();
      bool any_number = false;
      double v;
      for (auto c : cells) any_number = any_number || detail::parse_double(c, v);
      if (!any_number) {
        for (auto c : cells) out.header.emplace_back(c);
        continue;
      }
    }
    if (cells.size() != cols)
      fail(lineno, std::min(cells.size(), cols) + 1,
           "ragged row: " + std::to_string(cells.size()) + " cells, expected " + std::to_string(cols));
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double v;
      if (cells[c].empty()) fail(lineno, c + 1, "empty cell, expected a number");
      if (!detail::parse_double(cells[c], v)) fail(lineno, c + 1, detail::quoted(cells[c]) + " is not a number");
      if (!std::isfinite(v)) fail(lineno, c + 1, "non-finite value " + detail::quoted(cells[c]));
      values.push_back(v);
    }
    ++rows;
  }
  if (in.bad()) throw ito::io_error(path + ": read error");
  if (rows == 0)
    throw ito::format_error(path + ":" + std::to_string(lineno + 1) + ":1: no data rows" +
                            (out.header.empty() ? " (empty file)" : " after the header"));
  out.data = Eigen::Map<const ensemble<double>>(values.data(), static_cast<index_t>(cols), static_cast<index_t>(rows));
  return out;
}

/// \brief Read a CSV file into a d x N ensemble (header, if any, dropped).
inline ensemble<double> read_csv(const std::string& path) { return read_csv_table(path).data; }

/// \brief CSV text of a d x N ensemble: a header line (if `header` is
/// non-empty, it must have d names) and one row per column of X.
template <class Derived>
std::string csv_text(const Eigen::MatrixBase<Derived>& X, const std::vector<std::string>& header = {}) {
  ito::detail::require(header.empty() || static_cast<index_t>(header.size()) == X.rows(), "csv header size",
                       header.size(), "one name per row of the ensemble (" + std::to_string(X.rows()) + ")");
  std::string s;
  s.reserve(static_cast<std::size_t>(X.size()) * 24 + 64);
  for (std::size_t i = 0; i < header.size(); ++i) s += (i ? "," : "") + header[i];
  if (!header.empty()) s += '\n';
  char buf[64];
  for (index_t j = 0; j < X.cols(); ++j) {
    for (index_t i = 0; i < X.rows(); ++i) {
      if (i) s += ',';
      const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(X(i, j)));
      s.append(buf, r.ptr);
    }
    s += '\n';
  }
  return s;
}

/// Default column names x1, ..., xd.
inline std::vector<std::string> default_header(index_t d) {
  std::vector<std::string> h;
  for (index_t i = 0; i < d; ++i) {
    std::string name(1, 'x');  // (appending avoids a GCC 12 -Wrestrict false positive)
    name += std::to_string(i + 1);
    h.push_back(std::move(name));
  }
  return h;
}

/// \brief Write a d x N ensemble as CSV (one sample per row) atomically.
/// The header defaults to x1,...,xd; pass `with_header = false` for none.
template <class Derived>
void write_csv(const std::string& path, const Eigen::MatrixBase<Derived>& X, bool with_header = true) {
  ito::write_file_atomically(path, csv_text(X, with_header ? default_header(X.rows()) : std::vector<std::string>{}));
}

/// Write with explicit column names (one per row of X).
template <class Derived>
void write_csv(const std::string& path, const Eigen::MatrixBase<Derived>& X, const std::vector<std::string>& header) {
  ito::write_file_atomically(path, csv_text(X, header));
}

}  // namespace ito::diffusion
