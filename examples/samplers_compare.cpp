// Example 5: DDPM vs reverse SDE vs probability-flow ODE vs annealed Langevin, quality
// against the number of score evaluations (see samplers_compare.hpp).
// Usage: example_samplers_compare [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is samplers_compare.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "samplers_compare", ito::examples::entry::samplers_compare);
}
