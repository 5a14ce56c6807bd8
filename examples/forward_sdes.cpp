// Example 6: VP, VE and OU forward SDEs side by side (see forward_sdes.hpp).
// Usage: example_forward_sdes [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is forward_sdes.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "forward_sdes", ito::examples::entry::forward_sdes);
}
