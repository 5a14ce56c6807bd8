// Example 1: Ornstein–Uhlenbeck paths, histograms, covariance and EM's bias against
// the closed forms (see ou_validation.hpp). Usage: example_ou_validation [--out DIR] [--quick]
#include "ou_validation.hpp"

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "ou_validation", ito::examples::ou_validation);
}
