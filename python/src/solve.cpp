// ito.solve: a user-defined SDE whose drift and diffusion are Python callables
// on the whole batch. The Brownian increments and the stepping run in C++; the
// GIL is released except inside the callables.
#include <ito/sde/problem.hpp>

#include "results.hpp"

namespace ito::python {
namespace {

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

template <class S>
ito::sde::solve_options<S> options(long long paths, long long steps, std::uint64_t seed, unsigned threads,
                                   long long block_size, const std::vector<double>& save_times, bool keep_paths,
                                   const std::string& on_nan) {
  ito::sde::solve_options<S> opt;
  opt.paths = paths;
  opt.steps = steps;
  opt.seed = seed;
  opt.threads = threads;
  opt.block_size = block_size;
  opt.keep_paths = keep_paths;
  for (double t : save_times) opt.save_times.push_back(S(t));
  if (on_nan == "raise") opt.on_nan = ito::sde::nan_policy::throw_error;
  else if (on_nan == "stop") opt.on_nan = ito::sde::nan_policy::stop;
  else if (on_nan == "ignore") opt.on_nan = ito::sde::nan_policy::ignore;
  else throw ito::invalid_argument("on_nan = " + on_nan + ": expected raise, stop or ignore");
  return opt;
}

template <class S>
py::object solve_t(py::handle drift, py::handle diffusion, const std::string& noise, py::handle x0_obj, double t0,
                   double t1, const std::string& method, long long paths, long long steps, std::uint64_t seed,
                   unsigned threads, long long block_size, const std::vector<double>& save_times,
                   py::handle noise_dim_obj, py::handle derivative, const std::string& calc, bool keep_paths,
                   const std::string& on_nan) {
  using namespace ito::sde;
  if (!PyCallable_Check(drift.ptr())) throw ito::invalid_argument("drift: expected a callable f(x, t) -> (n, d) array");
  ensemble<S> x0;
  {
    // x0: a number (d = 1), a state of shape (d,), or one state per path, shape (n, d).
    auto a = py::array_t<double, py::array::forcecast>::ensure(x0_obj);
    if (!a) throw ito::invalid_argument("x0: expected a number or an array of shape (d,) or (n, d)");
    if (a.ndim() <= 1) {
      x0 = to_ensemble<S>(x0_obj, "x0");  // (k,) -> 1 x k: reinterpret as one state of dimension k
      x0.resize(x0.size(), 1);
    } else {
      x0 = to_ensemble<S>(x0_obj, "x0");
    }
  }
  const index_t d = x0.rows();
  if (paths <= 0) paths = x0.cols();
  require_count("paths", paths);
  require_count("steps", steps);
  if (block_size <= 0) block_size = paths;  // one block: one Python call per step
  require_count("block_size", block_size);
  ito::detail::require_finite("t0", t0);
  ito::detail::require_finite("t1", t1);
  const calculus c = calc == "ito"            ? calculus::ito
                     : calc == "stratonovich" ? calculus::stratonovich
                                              : throw ito::invalid_argument("calculus = " + calc +
                                                                            ": expected ito or stratonovich");
  const auto opt = options<S>(paths, steps, seed, threads, block_size, save_times, keep_paths, on_nan);
  batch_callable<S> f{drift, "drift(x, t)"};
  const bool has_dg = derivative && !derivative.is_none();
  if (has_dg && !PyCallable_Check(derivative.ptr()))
    throw ito::invalid_argument("diffusion_derivative: expected a callable dg(x, t) -> (n, d) array");

  auto run = [&](const auto& prob) -> solution<S> {
    return with_method(method, prob, [&](auto m) {
      py::gil_scoped_release nogil;
      return ito::sde::solve(prob, m, opt);
    });
  };
  solution<S> sol;
  if (noise == "additive") {
    additive_diffusion<S> g;
    index_t m = d;
    if (PyCallable_Check(diffusion.ptr())) {
      g.f = diffusion;
      if (!noise_dim_obj.is_none()) m = noise_dim_obj.cast<index_t>();
    } else {
      auto a = py::array_t<double, py::array::forcecast>::ensure(diffusion);
      if (!a) throw ito::invalid_argument("diffusion: expected a number, a (d, m) array or a callable g(t)");
      if (a.ndim() == 0 || a.size() == 1) {
        m = noise_dim_obj.is_none() ? d : noise_dim_obj.cast<index_t>();
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
    sol = run(make_additive_problem<S>(f, g, x0, S(t0), S(t1), m));
  } else if (noise == "diagonal" || noise == "scalar") {
    if (!PyCallable_Check(diffusion.ptr()))
      throw ito::invalid_argument("diffusion: expected a callable g(x, t) -> (n, d) array for " + noise + " noise");
    batch_callable<S> g{diffusion, "diffusion(x, t)"};
    if (noise == "diagonal") {
      if (has_dg) sol = run(make_diagonal_problem<S>(f, g, x0, S(t0), S(t1), batch_callable<S>{derivative, "diffusion_derivative(x, t)"}, c));
      else sol = run(make_diagonal_problem<S>(f, g, x0, S(t0), S(t1), no_derivative{}, c));
    } else {
      if (has_dg) sol = run(make_scalar_noise_problem<S>(f, g, x0, S(t0), S(t1), batch_callable<S>{derivative, "diffusion_derivative(x, t)"}, c));
      else sol = run(make_scalar_noise_problem<S>(f, g, x0, S(t0), S(t1), no_derivative{}, c));
    }
  } else if (noise == "general") {
    if (!PyCallable_Check(diffusion.ptr()))
      throw ito::invalid_argument("diffusion: expected a callable g(x, t) -> (n, d, m) array for general noise");
    const index_t m = noise_dim_obj.is_none() ? d : noise_dim_obj.cast<index_t>();
    require_count("noise_dim", m);
    sol = run(make_general_problem<S>(f, general_diffusion<S>{diffusion, d, m}, x0, S(t0), S(t1), m, c));
  } else {
    throw ito::invalid_argument("noise = " + noise + ": expected additive, diagonal, scalar or general");
  }
  return py::cast(std::move(sol));
}

}  // namespace

void init_solve(py::module_& m) {
  m.def(
      "solve",
      [](py::object drift, py::object diffusion, const std::string& noise, py::object x0, double t0, double t1,
         const std::string& method, long long paths, long long steps, std::uint64_t seed, unsigned threads,
         long long block_size, const std::vector<double>& save_times, py::object noise_dim,
         py::object diffusion_derivative, const std::string& calculus, bool keep_paths, const std::string& on_nan,
         const std::string& dtype) -> py::object {
        if (dtype == "float64" || dtype == "double")
          return solve_t<double>(drift, diffusion, noise, x0, t0, t1, method, paths, steps, seed, threads, block_size,
                                 save_times, noise_dim, diffusion_derivative, calculus, keep_paths, on_nan);
        if (dtype == "float32" || dtype == "float")
          return solve_t<float>(drift, diffusion, noise, x0, t0, t1, method, paths, steps, seed, threads, block_size,
                                save_times, noise_dim, diffusion_derivative, calculus, keep_paths, on_nan);
        throw ito::invalid_argument("dtype = " + dtype + ": expected float64 or float32");
      },
      py::kw_only(), py::arg("drift"), py::arg("diffusion"), py::arg("noise") = "diagonal", py::arg("x0"),
      py::arg("t0") = 0.0, py::arg("t1") = 1.0, py::arg("method") = "em", py::arg("paths") = 0,
      py::arg("steps") = 100, py::arg("seed") = 0, py::arg("threads") = 1, py::arg("block_size") = 0,
      py::arg("save_times") = std::vector<double>{}, py::arg("noise_dim") = py::none(),
      py::arg("diffusion_derivative") = py::none(), py::arg("calculus") = "ito", py::arg("keep_paths") = true,
      py::arg("on_nan") = "raise", py::arg("dtype") = "float64",
      R"doc(solve(*, drift, diffusion, noise="diagonal", x0, t0=0.0, t1=1.0, method="em", paths=0, steps=100,
      seed=0, threads=1, block_size=0, save_times=[], noise_dim=None, diffusion_derivative=None,
      calculus="ito", keep_paths=True, on_nan="raise", dtype="float64") -> Solution

Integrate the user-defined SDE dX = f(X, t) dt + g(X, t) dW on [t0, t1] with `steps` uniform steps.

drift      f(x, t) -> (n, d): x is a read-only (n, d) view of the current states (valid during the
           call only; copy it to keep it), t a float. Called once per step (per stage) per block.
diffusion  by `noise`:
  "additive"  a number s (G = s I), a (d,) diagonal, a (d, m) matrix (no Python call at all), or a
              callable g(t) -> (d, m);
  "diagonal"  g(x, t) -> (n, d): component i driven by its own W_i (m = d);
  "scalar"    g(x, t) -> (n, d): every component driven by one W (m = 1);
  "general"   g(x, t) -> (n, d, m), m = noise_dim (default d).
x0         a number (d = 1), a state of shape (d,) broadcast to every path, or (n, d) per path.
paths      n (0: the rows of a 2-D x0, else 1). Callables may also return a number (broadcast).
block_size paths per block, default all paths in one block (one Python call per step);
           smaller blocks with threads > 1 overlap the C++ work, the callables run one at a time.
method     "em", "milstein" / "milstein-df" (diagonal/scalar noise; milstein needs
           diffusion_derivative dg(x, t) -> (n, d): the product (g.grad) g, i.e. g_i dg_i/dx_i for
           diagonal noise and sum_k g_k dg_i/dx_k for scalar noise), "heun" (Stratonovich),
           "sra1" (additive noise, strong order 1.5).
The Brownian increments and the stepping run in C++ with the GIL released. An exception raised
in a callable propagates unchanged (with its traceback). Bad arguments raise ValueError.)doc");
}

}  // namespace ito::python
