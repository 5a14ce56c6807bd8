// Demo parts 30..80: the six teaching examples of examples/ (each a header with a
// function bool name(const options&, std::ostream&)), followed by their plot
// script when /usr/bin/python3 has matplotlib.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "demo.hpp"
#include "examples.hpp"  // the six examples, compiled once in ito_examples

namespace demo_examples {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool have_matplotlib() {
  static const bool ok = std::system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") == 0;
  return ok;
}

/// examples/plots/<name>.py under the current directory, else under the source tree.
std::string plot_script(const std::string& name) {
  const std::string rel = "examples/plots/" + name + ".py";
  if (std::filesystem::exists(rel)) return rel;
#ifdef ITO_SOURCE_DIR
  const std::string src = std::string(ITO_SOURCE_DIR) + "/" + rel;
  if (std::filesystem::exists(src)) return src;
#endif
  return {};
}

/// Run the plot script on c.dir; false only when the script exists and fails.
bool plot(ito::cli::demo_context& c, const std::string& name) {
  if (!have_matplotlib()) {
    c.out << "figure: skipped (/usr/bin/python3 has no matplotlib; ./run demo installs python3-matplotlib)\n";
    return true;
  }
  const std::string script = plot_script(name);
  if (script.empty()) {
    c.out << "figure: skipped (examples/plots/" << name << ".py not found; run from the source tree)\n";
    return true;
  }
  const std::string log = c.dir + "/" + name + "_plot.log";
  const std::string cmd = "/usr/bin/python3 " + shell_quote(script) + " " + shell_quote(c.dir) + " > " +
                          shell_quote(log) + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    c.out << "figure: the plot script failed, see " << log << '\n';
    return false;
  }
  c.out << "figure: " << c.dir << "/" << name << ".png\n";
  return true;
}

template <class Fn>
ito::cli::demo_part part(int order, const char* name, const char* example, const char* title, Fn fn) {
  return {order, name, title, [fn, example](ito::cli::demo_context& c) {
            const ito::examples::options o{c.dir, c.quick, c.threads};
            const bool ok = fn(o, c.out);
            return plot(c, example) && ok;
          }};
}

using namespace ito::examples::entry;
const bool r30 = ito::cli::add_demo_part(
    part(30, "ou", "ou_validation", "Example 1: OU paths, histograms, covariance, EM bias (seed 004 appendix)", ou_validation));
const bool r40 = ito::cli::add_demo_part(
    part(40, "orders", "convergence", "Example 2: strong and weak error against dt (seed 004, EM)", convergence));
const bool r50 = ito::cli::add_demo_part(
    part(50, "fokker-planck", "fokker_planck", "Example 3: double-well histogram over the Fokker-Planck density (seed 001)",
         fokker_planck));
const bool r60 = ito::cli::add_demo_part(part(60, "forward-reverse", "forward_reverse_2d",
                                              "Example 4: forward and reverse SDE in 2-D (seeds 000, 001, 004)",
                                              forward_reverse_2d));
const bool r70 = ito::cli::add_demo_part(part(70, "samplers", "samplers_compare",
                                              "Example 5: DDPM vs SDE vs ODE vs annealed Langevin (seeds 002-004)",
                                              samplers_compare));
const bool r80 = ito::cli::add_demo_part(
    part(80, "forward-sdes", "forward_sdes", "Example 6: VP, VE and OU side by side (seed 004 sec. 3)", forward_sdes));

}  // namespace demo_examples
