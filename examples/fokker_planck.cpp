// Example 3: a double-well SDE's histogram over its Fokker–Planck density
// (see fokker_planck.hpp). Usage: example_fokker_planck [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is fokker_planck.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "fokker_planck", ito::examples::entry::fokker_planck);
}
