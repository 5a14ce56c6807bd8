#pragma once
/// \file atomic_file.hpp
/// \brief Forwarding header: the atomic writer lives in the core,
/// ito/sde/atomic_file.hpp (ito::write_file_atomically,
/// ito::check_writable_destination); the names stay visible here too.

#include <ito/sde/atomic_file.hpp>

namespace ito::diffusion::detail {
using ito::check_writable_destination;
using ito::write_file_atomically;
}  // namespace ito::diffusion::detail
