#pragma once
// ITO_QUICK set (the sanitizer run, `./run sanitize`): the statistical tests use smaller
// sample sizes, with tolerances derived from the same standard errors.
#include <cstdlib>

namespace ito::test {

inline bool quick() { return std::getenv("ITO_QUICK") != nullptr; }

}  // namespace ito::test
