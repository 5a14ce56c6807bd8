#pragma once
/// \file example_common.hpp
/// \brief What every teaching example shares: its options (--out DIR, --quick,
/// --threads N), a tidy-CSV builder, a line that reports one check, and the
/// tiny main() each examples/<name>.cpp calls. The demo (cli/demo_examples.cpp)
/// calls the same example functions with the demo's options.

#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ito/sde/atomic_file.hpp>
#include <ito/sde/error.hpp>

namespace ito::examples {

/// Options of one example run.
struct options {
  std::string dir = "out/examples";  ///< where the CSV files go (created if missing)
  bool quick = false;                ///< smaller sizes: seconds instead of tens of seconds (tests)
  unsigned threads = 0;              ///< 0 = all cores
};

/// A tidy CSV table: one header line, one observation per row.
class csv {
 public:
  explicit csv(std::string header) : text_(std::move(header) + "\n") {}
  /// Append one row; numbers are written with 10 significant digits.
  template <class... T>
  csv& row(const T&... cells) {
    std::ostringstream os;
    os << std::setprecision(10);
    bool first = true;
    ((os << (first ? "" : ",") << cells, first = false), ...);
    text_ += os.str() + "\n";
    ++rows_;
    return *this;
  }
  std::size_t rows() const { return rows_; }
  /// Write atomically to dir/name and return the path.
  std::string save(const std::string& dir, const std::string& name) const {
    const std::string path = dir + "/" + name;
    ito::write_file_atomically(path, text_);
    return path;
  }

 private:
  std::string text_;
  std::size_t rows_ = 0;
};

/// Print one check as "  [ok] what" or "  [FAIL] what" and return ok.
inline bool report_check(std::ostream& out, bool ok, const std::string& what) {
  out << "  [" << (ok ? "ok" : "FAIL") << "] " << what << '\n';
  return ok;
}

/// Fixed-point text with `digits` decimals (for the printed summaries).
inline std::string fixed(double v, int digits = 3) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v;
  return os.str();
}

/// Create opt.dir or throw ito::io_error.
inline void ensure_dir(const options& opt) {
  std::error_code ec;
  std::filesystem::create_directories(opt.dir, ec);
  if (ec || !std::filesystem::is_directory(opt.dir))
    throw ito::io_error("--out = " + opt.dir + ": cannot create the directory (" + ec.message() + ")");
}

/// main() of an example: parses --out DIR, --quick, --threads N, runs `fn`
/// and returns 0 when its checks pass, 1 when one fails, 2 on an error.
template <class Fn>
int example_main(int argc, char** argv, const char* name, Fn fn) {
  options opt;
  opt.dir = std::string("out/") + name;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--quick") {
        opt.quick = true;
      } else if (a == "--out" && i + 1 < argc) {
        opt.dir = argv[++i];
      } else if (a == "--threads" && i + 1 < argc) {
        opt.threads = unsigned(std::stoul(argv[++i]));
      } else if (a == "--help" || a == "-h") {
        std::cout << "usage: " << argv[0] << " [--out DIR] [--quick] [--threads N]\n";
        return 0;
      } else {
        throw ito::invalid_argument("argument '" + a + "': expected --out DIR, --quick or --threads N");
      }
    }
    ensure_dir(opt);
    const bool ok = fn(opt, std::cout);
    std::cout << (ok ? "all checks passed" : "A CHECK FAILED") << "; CSV in " << opt.dir
              << "; figure: /usr/bin/python3 examples/plots/" << name << ".py " << opt.dir << '\n';
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << argv[0] << ": error: " << e.what() << '\n';
    return 2;
  }
}

}  // namespace ito::examples
