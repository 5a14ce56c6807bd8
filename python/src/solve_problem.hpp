#pragma once
// The Python callables as library batch functions, and the user's SDE as a library problem
// (with_user_problem); included by the translation units that integrate it.
#include <ito/sde/problem.hpp>

#include "solve.hpp"

namespace ito::python {

/// Additive diffusion G(t), d x m: a constant array (no Python call per step) or a callable g(t).
template <class S>
struct additive_diffusion {
  py::handle f;             ///< callable g(t) or null
  ito::sde::matrix_t<S> G;  ///< the constant
  void operator()(S t, ito::sde::matrix_t<S>& out) const {
    if (!f) {
      out = G;
      return;
    }
    py::gil_scoped_acquire gil;
    py::object r = f(static_cast<double>(t));
    auto a = py::array_t<S, py::array::f_style | py::array::forcecast>::ensure(r);
    if (!a) throw ito::invalid_argument("diffusion(t) returned a non-numeric value: expected a (d, m) array");
    if (a.size() == 1) {
      out.setConstant(a.data()[0]);
      return;
    }
    const index_t rows = a.ndim() >= 1 ? a.shape(0) : 1, cols = a.ndim() == 2 ? a.shape(1) : 1;
    if (a.ndim() > 2 || rows != out.rows() || cols != out.cols())
      throw ito::invalid_argument("diffusion(t) returned an array of " + std::to_string(a.size()) +
                                  " entries, expected shape (" + std::to_string(out.rows()) + ", " +
                                  std::to_string(out.cols()) + ")");
    std::copy(a.data(), a.data() + a.size(), out.data());
  }
};

/// General diffusion g(x, t) -> (n, d, m) array; stored as (d*m) x n (column-major d x m per path).
template <class S>
struct general_diffusion {
  py::handle f;
  index_t d = 1, m = 1;
  void operator()(const ensemble<S>& x, S t, ensemble<S>& out) const {
    py::gil_scoped_acquire gil;
    py::object r = f(view(x, f, false), static_cast<double>(t));
    auto a = py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(r);
    const index_t n = x.cols();
    if (!a || a.ndim() != 3 || a.shape(0) != n || a.shape(1) != d || a.shape(2) != m)
      throw ito::invalid_argument("diffusion(x, t) for general noise must return an array of shape (" +
                                  std::to_string(n) + ", " + std::to_string(d) + ", " + std::to_string(m) + ")");
    out.resize(d * m, n);
    const S* p = a.data();
    for (index_t j = 0; j < n; ++j)
      for (index_t i = 0; i < d; ++i)
        for (index_t k = 0; k < m; ++k) out(i + d * k, j) = p[(j * d + i) * m + k];
  }
};

/// The initial state of ito.solve: a number (d = 1), a state of shape (d,) or one per path (n, d).
template <class S>
ensemble<S> initial_state(py::handle obj) {
  auto a = py::array_t<double, py::array::forcecast>::ensure(obj);
  if (!a) throw ito::invalid_argument("x0: expected a number or an array of shape (d,) or (n, d)");
  ensemble<S> x0 = to_ensemble<S>(obj, "x0");
  if (a.ndim() <= 1) x0.resize(x0.size(), 1);  // (k,) -> 1 x k: one state of dimension k
  return x0;
}

/// fn(problem) for the SDE of u (its noise kind, callables and initial state), scalar type S.
template <class S, class Fn>
auto with_user_problem(const user_sde& u, Fn&& fn) {
  using namespace ito::sde;
  if (!PyCallable_Check(u.drift.ptr())) throw ito::invalid_argument("drift: expected a callable f(x, t) -> (n, d) array");
  const ensemble<S> x0 = initial_state<S>(u.x0);
  const index_t d = x0.rows();
  ito::detail::require_finite("t0", u.t0);
  ito::detail::require_finite("t1", u.t1);
  const calculus c = u.calculus == "ito"            ? calculus::ito
                     : u.calculus == "stratonovich" ? calculus::stratonovich
                                                    : throw ito::invalid_argument("calculus = " + u.calculus +
                                                                                  ": expected ito or stratonovich");
  batch_callable<S> f{u.drift, "drift(x, t)"};
  const bool has_dg = u.derivative && !u.derivative.is_none();
  if (has_dg && !PyCallable_Check(u.derivative.ptr()))
    throw ito::invalid_argument("diffusion_derivative: expected a callable dg(x, t) -> (n, d) array");

  if (u.noise == "additive") {
    additive_diffusion<S> g;
    index_t m = d;
    if (PyCallable_Check(u.diffusion.ptr())) {
      g.f = u.diffusion;
      if (!u.noise_dim.is_none()) m = u.noise_dim.cast<index_t>();
    } else {
      auto a = py::array_t<double, py::array::forcecast>::ensure(u.diffusion);
      if (!a) throw ito::invalid_argument("diffusion: expected a number, a (d, m) array or a callable g(t)");
      if (a.ndim() == 0 || a.size() == 1) {
        m = u.noise_dim.is_none() ? d : u.noise_dim.cast<index_t>();
        g.G = matrix_t<S>::Zero(d, m);
        for (index_t i = 0; i < std::min(d, m); ++i) g.G(i, i) = S(a.data()[0]);
      } else if (a.ndim() == 2 && a.shape(0) == d) {
        m = a.shape(1);
        g.G.resize(d, m);
        auto r = a.unchecked<2>();
        for (index_t i = 0; i < d; ++i)
          for (index_t k = 0; k < m; ++k) g.G(i, k) = S(r(i, k));
      } else if (a.ndim() == 1 && a.shape(0) == d) {  // a diagonal
        m = d;
        g.G = matrix_t<S>::Zero(d, d);
        for (index_t i = 0; i < d; ++i) g.G(i, i) = S(a.data()[i]);
      } else {
        throw ito::invalid_argument("diffusion: an array of " + std::to_string(a.size()) +
                                    " entries, expected a number, shape (d,) or (d, m) with d = " + std::to_string(d));
      }
      ito::detail::require(g.G.allFinite(), "diffusion", "non-finite entry", "finite values");
    }
    require_count("noise_dim", m);
    return fn(make_additive_problem<S>(f, g, x0, S(u.t0), S(u.t1), m));
  } else if (u.noise == "diagonal" || u.noise == "scalar") {
    if (!PyCallable_Check(u.diffusion.ptr()))
      throw ito::invalid_argument("diffusion: expected a callable g(x, t) -> (n, d) array for " + u.noise + " noise");
    batch_callable<S> g{u.diffusion, "diffusion(x, t)"};
    if (u.noise == "diagonal") {
      if (has_dg) return fn(make_diagonal_problem<S>(f, g, x0, S(u.t0), S(u.t1), batch_callable<S>{u.derivative, "diffusion_derivative(x, t)"}, c));
      else return fn(make_diagonal_problem<S>(f, g, x0, S(u.t0), S(u.t1), no_derivative{}, c));
    } else {
      if (has_dg) return fn(make_scalar_noise_problem<S>(f, g, x0, S(u.t0), S(u.t1), batch_callable<S>{u.derivative, "diffusion_derivative(x, t)"}, c));
      else return fn(make_scalar_noise_problem<S>(f, g, x0, S(u.t0), S(u.t1), no_derivative{}, c));
    }
  } else if (u.noise == "general") {
    if (!PyCallable_Check(u.diffusion.ptr()))
      throw ito::invalid_argument("diffusion: expected a callable g(x, t) -> (n, d, m) array for general noise");
    const index_t m = u.noise_dim.is_none() ? d : u.noise_dim.cast<index_t>();
    require_count("noise_dim", m);
    return fn(make_general_problem<S>(f, general_diffusion<S>{u.diffusion, d, m}, x0, S(u.t0), S(u.t1), m, c));
  } else {
    throw ito::invalid_argument("noise = " + u.noise + ": expected additive, diagonal, scalar or general");
  }
}

}  // namespace ito::python
