// Example 2: strong and weak convergence orders of Euler–Maruyama, Milstein and
// SRA1 (see convergence.hpp). Usage: example_convergence [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is convergence.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "convergence", ito::examples::entry::convergence);
}
