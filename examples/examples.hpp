#pragma once
/// \file examples.hpp
/// \brief Entry points of the teaching examples. Each example is written top to
/// bottom in examples/<name>.hpp; it is compiled once, into the library
/// ito_examples (examples/entries.cmake), and called from here by its own
/// program (examples/<name>.cpp) and by `ito demo`.
#include <ostream>

#include "example_common.hpp"

namespace ito::examples::entry {

bool ou_validation(const options& opt, std::ostream& out);       ///< ou_validation.hpp (example 1)
bool convergence(const options& opt, std::ostream& out);         ///< convergence.hpp (example 2)
bool fokker_planck(const options& opt, std::ostream& out);       ///< fokker_planck.hpp (example 3)
bool forward_reverse_2d(const options& opt, std::ostream& out);  ///< forward_reverse_2d.hpp (example 4)
bool samplers_compare(const options& opt, std::ostream& out);    ///< samplers_compare.hpp (example 5)
bool forward_sdes(const options& opt, std::ostream& out);        ///< forward_sdes.hpp (example 6)

}  // namespace ito::examples::entry
