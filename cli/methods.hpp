#pragma once
// Choosing a stepping method by its command-line name.
#include <string>

#include <ito/sde/error.hpp>
#include <ito/sde/steppers/dri1.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/heun.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/sra1.hpp>
#include <ito/sde/steppers/weak2_explicit.hpp>

namespace ito::cli {

inline constexpr const char* method_names = "em|milstein|milstein-df|heun|sra1|dri1|weak2";

/// Call f(method) with the method named `name` (em, milstein, milstein-df,
/// heun, sra1, dri1, weak2); throws ito::invalid_argument naming --method when the name is
/// unknown or the method cannot integrate problem p's noise kind.
template <class P, class F>
decltype(auto) with_method(const std::string& name, const P& p, F&& f) {
  auto go = [&](auto m) -> decltype(f(ito::sde::euler_maruyama{})) {
    using M = decltype(m);
    if constexpr (M::template accepts<P>) {
      M::check(p);
      return f(m);
    } else {
      throw ito::invalid_argument("--method = " + name + ": cannot integrate " +
                                  ito::sde::to_string(P::noise) + " noise" +
                                  (P::has_derivative ? "" : " without the diffusion's derivative"));
    }
  };
  if (name == "em") return go(ito::sde::euler_maruyama{});
  if (name == "milstein") return go(ito::sde::milstein{});
  if (name == "milstein-df") return go(ito::sde::milstein_df{});
  if (name == "heun") return go(ito::sde::heun{});
  if (name == "sra1") return go(ito::sde::sra1{});
  if (name == "dri1") return go(ito::sde::dri1{});
  if (name == "weak2") return go(ito::sde::weak2_explicit{});
  throw ito::invalid_argument("--method = " + name + ": expected one of " + method_names);
}

}  // namespace ito::cli
