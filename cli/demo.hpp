#pragma once
// `ito demo` is a sequence of parts; each part registers itself with an order
// key (cmd_demo.cpp runs them in that order):
//   static const bool reg = ito::cli::add_demo_part({20, "convergence", "...", [](demo_context& c) { ... }});
// A part prints a short summary (what was checked, the numbers, where the
// figure/CSV is) to c.out, writes its files under c.dir, and returns false
// when a check it makes fails.
#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace ito::cli {

struct demo_context {
  std::string dir;        ///< output directory (exists)
  bool quick = false;     ///< smaller sizes (tests, CI)
  std::ostream& out;      ///< the summary goes here
  unsigned threads = 0;   ///< 0 = all cores
};

struct demo_part {
  int order;
  std::string name;
  std::string title;
  std::function<bool(demo_context&)> run;
};

inline std::vector<demo_part>& demo_parts() {
  static std::vector<demo_part> parts;
  return parts;
}

inline bool add_demo_part(demo_part p) {
  demo_parts().push_back(std::move(p));
  return true;
}

}  // namespace ito::cli
