#pragma once
/// \file error.hpp
/// \brief ito's exception hierarchy and argument checks.
///
/// Every exception derives from a standard one, so `catch (std::exception&)`
/// works, and names the offending argument, its value and what was expected.
///  - ito::invalid_argument (std::invalid_argument): a bad argument or shape.
///  - ito::numerical_error  (std::runtime_error):    NaN/Inf or blow-up found
///                                                   during integration.
///  - ito::io_error         (std::runtime_error):    a file that cannot be opened,
///                                                   read or written.
///  - ito::format_error     (std::runtime_error):    a file whose content is bad
///                                                   (names file, line, column).

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ito {

struct invalid_argument : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct numerical_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct io_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct format_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

template <class T>
std::string to_text(const T& v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

/// Throw ito::invalid_argument("<name> = <value>: expected <expected>") unless ok.
template <class T>
void require(bool ok, std::string_view name, const T& value, std::string_view expected) {
  if (!ok) {
    throw ito::invalid_argument(std::string(name) + " = " + to_text(value) + ": expected " +
                                std::string(expected));
  }
}

/// A finite number strictly greater than zero.
template <class T>
void require_positive(std::string_view name, T value) {
  require(std::isfinite(static_cast<double>(value)) && value > T(0), name, value,
          "a finite number > 0");
}

/// A finite number.
template <class T>
void require_finite(std::string_view name, T value) {
  require(std::isfinite(static_cast<double>(value)), name, value, "a finite number");
}

}  // namespace detail

// The checks are visible as detail::require from inside ito::sde and ito::diffusion too.
namespace sde::detail {
using namespace ito::detail;
}
namespace diffusion::detail {
using namespace ito::detail;
}
}  // namespace ito
