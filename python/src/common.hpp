#pragma once
// Shared pieces of the Python bindings (pybind11):
//  - ensembles as numpy arrays: an Eigen d x N column-major matrix is exactly a
//    C-order (N, d) array, so results cross without a copy (view(), own());
//  - numpy input -> ensemble (one copy, with shape checks naming the argument);
//  - a Python callable as a batch function with the GIL re-acquired per call;
//  - stepping methods by name (fixed steps and adaptive), and the solve options.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <ito/sde/adaptive.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/dri1.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>
#include <ito/sde/steppers/heun.hpp>
#include <ito/sde/steppers/milstein.hpp>
#include <ito/sde/steppers/sosra.hpp>
#include <ito/sde/steppers/sosri.hpp>
#include <ito/sde/steppers/sra1.hpp>
#include <ito/sde/steppers/sriw1.hpp>
#include <ito/sde/steppers/weak2_explicit.hpp>
#include <ito/sde/types.hpp>

namespace ito::python {

namespace py = pybind11;
using ito::sde::ensemble;
using ito::sde::index_t;

void init_core(py::module_& m);
void init_studies(py::module_& m);
void init_validate(py::module_& m);
void init_mlmc(py::module_& m);
void init_forward(py::module_& m);
void init_sample(py::module_& m);
void init_train(py::module_& m);

/// (N, d) C-order numpy view of a d x N ensemble; `base` keeps the memory alive.
template <class S>
py::array_t<S> view(const ensemble<S>& x, py::handle base, bool writeable = true) {
  py::array_t<S> a({x.cols(), x.rows()}, {index_t(sizeof(S)) * x.rows(), index_t(sizeof(S))}, x.data(), base);
  if (!writeable) py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

/// Moves x to the heap and returns an (N, d) view owned by a capsule (no copy).
template <class S>
py::array_t<S> own(ensemble<S>&& x) {
  auto* p = new ensemble<S>(std::move(x));
  py::capsule owner(p, [](void* q) { delete static_cast<ensemble<S>*>(q); });
  return view(*p, owner);
}

/// A 1-D numpy copy of a vector-like.
template <class V>
py::array_t<double> vector_array(const V& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  auto* p = a.mutable_data();
  for (py::ssize_t i = 0; i < static_cast<py::ssize_t>(v.size()); ++i) p[i] = static_cast<double>(v[i]);
  return a;
}

/// An (N, d) array (or (N,) taken as d = 1, or a scalar as 1 x 1) as a d x N ensemble.
/// `name` is the argument named in errors; d_expected >= 1 checks the width.
template <class S>
ensemble<S> to_ensemble(py::handle obj, const std::string& name, index_t d_expected = -1) {
  if (obj.is_none()) throw ito::invalid_argument(name + " = None: expected an array of shape (n, d)");
  py::array_t<S, py::array::c_style | py::array::forcecast> a;
  try {
    a = py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(obj);
  } catch (const py::error_already_set&) {
    a = {};
  }
  if (!a) throw ito::invalid_argument(name + ": expected a numeric array of shape (n, d), got " +
                                      std::string(py::str(py::type::of(obj).attr("__name__"))));
  index_t n = 1, d = 1;
  if (a.ndim() == 0) {
  } else if (a.ndim() == 1) {
    n = a.shape(0);
  } else if (a.ndim() == 2) {
    n = a.shape(0);
    d = a.shape(1);
  } else {
    throw ito::invalid_argument(name + ": has " + std::to_string(a.ndim()) + " dimensions, expected shape (n, d)");
  }
  if (d_expected >= 1 && d != d_expected)
    throw ito::invalid_argument(name + ": has " + std::to_string(d) + " columns, expected d = " +
                                std::to_string(d_expected));
  ensemble<S> x(d, n);
  std::copy(a.data(), a.data() + a.size(), x.data());
  return x;
}

/// The result of a Python batch function f(x, t) copied into out (d x N):
/// an (N, d) array, an (N,) array when d = 1, or a scalar broadcast to every entry.
template <class S>
void from_result(py::handle r, ensemble<S>& out, index_t d, index_t n, const char* what) {
  auto a = py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(r);
  if (!a) throw ito::invalid_argument(std::string(what) + " returned " +
                                      std::string(py::str(py::type::of(r).attr("__name__"))) +
                                      ", expected an array of shape (n, d)");
  out.resize(d, n);
  if (a.ndim() == 0 || a.size() == 1) {
    out.setConstant(a.data()[0]);
    return;
  }
  const bool ok = (a.ndim() == 2 && a.shape(0) == n && a.shape(1) == d) || (a.ndim() == 1 && d == 1 && a.shape(0) == n) ||
                  (a.ndim() == 1 && n == 1 && a.shape(0) == d);
  if (!ok) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape(i));
    throw ito::invalid_argument(std::string(what) + " returned an array of shape " + shape + ")" +
                                ", expected (" + std::to_string(n) + ", " + std::to_string(d) + ")");
  }
  std::copy(a.data(), a.data() + a.size(), out.data());
}

/// A Python callable f(x, t) -> (N, d) used as a library batch function
/// (drift, diffusion or score): the GIL is taken for the call only, x is a
/// read-only view of the library's state (valid during the call), the result is
/// copied into the output. Holds a borrowed handle: the caller keeps f alive.
template <class S>
struct batch_callable {
  py::handle f;
  const char* what = "callable";
  index_t out_rows = -1;  ///< rows of the output; < 0: those of x

  void operator()(const ensemble<S>& x, S t, ensemble<S>& out) const {
    py::gil_scoped_acquire gil;
    // Any live object can be the view's base (it only stops numpy from copying);
    // the callable itself is alive for the whole call.
    auto xv = view(x, f, false);
    py::object r = f(xv, static_cast<double>(t));
    from_result(r, out, out_rows < 0 ? x.rows() : out_rows, x.cols(), what);
  }

  /// Adaptive stepping (ito/sde/adaptive.hpp): one call with every path's own time,
  /// t an (N, 1) array (it broadcasts against x), instead of one call per distinct time.
  void operator()(const ensemble<S>& x, const Eigen::Array<S, 1, Eigen::Dynamic>& t, ensemble<S>& out) const {
    py::gil_scoped_acquire gil;
    auto xv = view(x, f, false);
    py::array_t<double> tv({t.size(), Eigen::Index(1)});
    for (Eigen::Index j = 0; j < t.size(); ++j) tv.mutable_data()[j] = static_cast<double>(t(j));
    py::object r = f(xv, tv);
    from_result(r, out, out_rows < 0 ? x.rows() : out_rows, x.cols(), what);
  }
};

inline constexpr const char* method_names = "em, milstein, milstein-df, heun, sra1, dri1, weak2";
inline constexpr const char* adaptive_method_names = "em, sriw1, sosri, sra1, sosra";

/// Call fn(method) with the fixed-step method named `name` if it can integrate P.
template <class P, class F>
auto with_method(const std::string& name, const P&, F&& fn) {
  auto go = [&](auto m) -> decltype(fn(ito::sde::euler_maruyama{})) {
    using M = decltype(m);
    // The library's Milstein steppers do not compile for scalar noise yet (milstein.hpp:46, 87:
    // `S * array.rowwise()`); refused here until that is fixed.
    constexpr bool milstein_scalar = P::noise == ito::sde::noise_kind::scalar &&
                                     (std::is_same_v<M, ito::sde::milstein> || std::is_same_v<M, ito::sde::milstein_df>);
    if constexpr (milstein_scalar) {
      throw ito::invalid_argument("method = " + name + ": not available for scalar noise yet; use em, heun, dri1 or weak2");
    } else if constexpr (M::template accepts<P>) {
      return fn(m);
    } else {
      throw ito::invalid_argument("method = " + name + ": cannot integrate " + ito::sde::to_string(P::noise) +
                                  " noise" + (P::has_derivative ? "" : " without the diffusion's derivative"));
    }
  };
  if (name == "em") return go(ito::sde::euler_maruyama{});
  if (name == "milstein") return go(ito::sde::milstein{});
  if (name == "milstein-df") return go(ito::sde::milstein_df{});
  if (name == "heun") return go(ito::sde::heun{});
  if (name == "sra1") return go(ito::sde::sra1{});
  if (name == "dri1") return go(ito::sde::dri1{});
  if (name == "weak2") return go(ito::sde::weak2_explicit{});
  throw ito::invalid_argument("method = " + name + ": expected one of " + method_names);
}

/// Call fn(adaptive(method, control)) with the method named `name` (adaptive.hpp) if it can integrate P.
template <class P, class F>
auto with_adaptive_method(const std::string& name, const P&, const ito::sde::adaptive_options& control, F&& fn) {
  auto go = [&](auto m) -> decltype(fn(ito::sde::adaptive(ito::sde::euler_maruyama{}, control))) {
    using M = decltype(m);
    if constexpr (M::template accepts<P>) {
      return fn(ito::sde::adaptive(m, control));
    } else {
      throw ito::invalid_argument("method = " + name + ": adaptive stepping cannot integrate " +
                                  ito::sde::to_string(P::noise) + " noise with it (em takes any noise; sriw1, sosri: "
                                  "diagonal or scalar; sra1, sosra: additive)");
    }
  };
  if (name == "em") return go(ito::sde::euler_maruyama{});
  if (name == "sriw1") return go(ito::sde::sriw1{});
  if (name == "sosri") return go(ito::sde::sosri{});
  if (name == "sra1") return go(ito::sde::sra1{});
  if (name == "sosra") return go(ito::sde::sosra{});
  throw ito::invalid_argument("method = " + name + ": expected one of " + adaptive_method_names +
                              " with adaptive=True");
}

/// The tolerances of adaptive stepping (the library's defaults for what is not given).
inline ito::sde::adaptive_options adaptive_control(double rtol, double atol, double dt_max) {
  ito::sde::adaptive_options c;
  c.rtol = rtol;
  c.atol = atol;
  c.dt_max = dt_max;
  c.validate();
  return c;
}

/// Require a count >= at_least, naming the keyword.
inline void require_count(const char* name, long long v, long long at_least = 1) {
  ito::detail::require(v >= at_least, name, v, ">= " + std::to_string(at_least));
}

/// The run options shared by ito.simulate and ito.solve, checked, naming the keyword.
template <class S>
ito::sde::solve_options<S> solve_options_of(long long paths, long long steps, std::uint64_t seed, unsigned threads,
                                            long long block_size, const std::vector<double>& save_times,
                                            bool keep_paths, bool keep_terminal, const std::string& on_nan) {
  require_count("paths", paths);
  require_count("steps", steps);
  require_count("block_size", block_size);
  ito::sde::solve_options<S> opt;
  opt.paths = paths;
  opt.steps = steps;
  opt.seed = seed;
  opt.threads = threads;
  opt.block_size = block_size;
  opt.keep_paths = keep_paths;
  opt.keep_terminal = keep_terminal;
  for (double t : save_times) opt.save_times.push_back(S(t));
  if (on_nan == "raise") opt.on_nan = ito::sde::nan_policy::throw_error;
  else if (on_nan == "stop") opt.on_nan = ito::sde::nan_policy::stop;
  else if (on_nan == "ignore") opt.on_nan = ito::sde::nan_policy::ignore;
  else throw ito::invalid_argument("on_nan = " + on_nan + ": expected raise, stop or ignore");
  return opt;
}

}  // namespace ito::python
