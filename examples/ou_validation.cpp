// Example 1: Ornstein–Uhlenbeck paths, histograms, covariance and EM's bias against
// the closed forms (see ou_validation.hpp). Usage: example_ou_validation [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is ou_validation.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "ou_validation", ito::examples::entry::ou_validation);
}
