// Example 4: 2-D data noised by the VP SDE and brought back by the reverse SDE with
// the exact mixture score and with a trained MLP (see forward_reverse_2d.hpp).
// Usage: example_forward_reverse_2d [--out DIR] [--quick]
#include "examples.hpp"  // the example itself is forward_reverse_2d.hpp

int main(int argc, char** argv) {
  return ito::examples::example_main(argc, argv, "forward_reverse_2d", ito::examples::entry::forward_reverse_2d);
}
