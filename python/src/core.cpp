// ito.simulate (built-in problems), ito.solve (Python callables), ito.OU (closed forms) and the
// result classes: the keyword parsing and the docstrings. The integrations are compiled in their
// own translation units (simulate_*.cpp, solve_*.cpp).
#include "results.hpp"
#include "simulate.hpp"
#include "solve.hpp"

namespace ito::python {
namespace {

/// fn(S{}) for the dtype named `dtype`.
template <class Fn>
py::object with_dtype(const std::string& dtype, Fn&& fn) {
  if (dtype == "float64" || dtype == "double") return fn(double{});
  if (dtype == "float32" || dtype == "float") return fn(float{});
  throw ito::invalid_argument("dtype = " + dtype + ": expected float64 or float32");
}

/// Adaptive stepping integrates in float64 only.
void require_float64(const std::string& dtype) {
  if (dtype != "float64" && dtype != "double")
    throw ito::invalid_argument("dtype = " + dtype + ": adaptive=True integrates in float64 only");
}

}  // namespace

void init_core(py::module_& m) {
  bind_solution<double>(m, "Solution");
  bind_solution<float>(m, "Solution32");

  m.def(
      "simulate",
      [](const std::string& problem, const std::string& method, long long paths, long long steps, double t1,
         std::uint64_t seed, unsigned threads, const std::vector<double>& save_times, long long block_size,
         bool keep_paths, bool keep_terminal, const std::string& on_nan, const std::string& dtype, bool adaptive,
         double rtol, double atol, double dt_max, const py::kwargs& kw) -> py::object {
        const params p(problem, defaults_of(problem), kw);
        ito::detail::require_positive("t1", t1);
        if (adaptive) {
          require_float64(dtype);
          const auto control = adaptive_control(rtol, atol, dt_max);
          return simulate_adaptive(p, t1, method,
                                   solve_options_of<double>(paths, steps, seed, threads, block_size, save_times,
                                                            keep_paths, keep_terminal, on_nan),
                                   control);
        }
        return with_dtype(dtype, [&](auto s) {
          using S = decltype(s);
          return simulate_fixed<S>(p, t1, method,
                                   solve_options_of<S>(paths, steps, seed, threads, block_size, save_times, keep_paths,
                                                       keep_terminal, on_nan));
        });
      },
      py::arg("problem") = "ou", py::kw_only(), py::arg("method") = "em", py::arg("paths") = 10000,
      py::arg("steps") = 100, py::arg("t1") = 1.0, py::arg("seed") = 0, py::arg("threads") = 0,
      py::arg("save_times") = std::vector<double>{}, py::arg("block_size") = 512, py::arg("keep_paths") = true,
      py::arg("keep_terminal") = true, py::arg("on_nan") = "raise", py::arg("dtype") = "float64",
      py::arg("adaptive") = false, py::arg("rtol") = ito::sde::adaptive_options{}.rtol,
      py::arg("atol") = ito::sde::adaptive_options{}.atol, py::arg("dt_max") = 0.0,
      R"doc(simulate(problem="ou", *, method="em", paths=10000, steps=100, t1=1.0, seed=0, threads=0,
         save_times=[], block_size=512, keep_paths=True, keep_terminal=True, on_nan="raise",
         dtype="float64", adaptive=False, rtol=1e-3, atol=1e-6, dt_max=0.0, **params) -> Solution

Integrate `paths` copies of a built-in SDE on [0, t1] with `steps` uniform steps.

Problems and their parameters (defaults), Ito calculus:
  "ou"          dX = kappa (theta - X) dt + sigma dW       kappa=2, theta=0.5, sigma=0.8, x0=1.5
  "gbm"         dX = alpha X dt + beta X dW                 alpha=1.01, beta=0.87, x0=0.5
  "sinh"        dX = a^2/2 X dt + a sqrt(1 + X^2) dW        a=1, x0=0.5
  "additive"    dX = (beta/sqrt(1+t) - X/(2(1+t))) dt + alpha beta/sqrt(1+t) dW   alpha=1, beta=1, x0=1
  "double_well" dX = (X - X^3) dt + sigma dW                sigma=0.5, x0=0.5
  "cir"         dX = kappa (theta - X) dt + sigma sqrt(X) dW  kappa=2, theta=1, sigma=1, x0=0.5
                (full truncation X+ = max(X, 0) for the discretising methods; kappa, theta, sigma > 0)
Methods: "em" (strong order 1/2), "milstein" (1), "milstein-df" (derivative-free, 1), "heun"
(Stratonovich / additive), "sra1" (additive noise, strong 1.5), "dri1" (Roessler 2009, weak
order 2), "weak2" (explicit weak order 2), "exact" (ou: Gaussian transition; cir: noncentral
chi-square transition, exact in law at the grid times).
adaptive=True: per-path adaptive steps with error control (PI controller, rejected steps re-use the
same Brownian path), method "em", "sriw1", "sosri" (diagonal/scalar noise), "sra1" or "sosra" (additive);
rtol, atol: the mixed tolerance err / (atol + rtol max(|x|, |x'|)) <= 1 (RMS over components),
dt_max: largest step (0: t1); `steps` is not used; float64 only; the result is an
AdaptiveSolution whose .adaptive dict holds the step counts.
Units: time in the problem's own units; t1 > 0. Same seed -> same numbers for any `threads`
(0 = all cores); `block_size` paths share one random stream and are part of its identity.
save_times must lie on the grid t_k = k t1 / steps. dtype "float32" integrates in single
precision (arrays are float32). The GIL is released while integrating.
Raises ValueError naming the bad argument, ito.NumericalError on a non-finite state
(on_nan="raise"; "stop" records it in summary["blow_up"], "ignore" does not check).)doc");

  m.def(
      "solve",
      [](py::object drift, py::object diffusion, const std::string& noise, py::object x0, double t0, double t1,
         const std::string& method, long long paths, long long steps, std::uint64_t seed, unsigned threads,
         long long block_size, const std::vector<double>& save_times, py::object noise_dim,
         py::object diffusion_derivative, const std::string& calculus, bool keep_paths, const std::string& on_nan,
         const std::string& dtype, bool adaptive, double rtol, double atol, double dt_max) -> py::object {
        const user_sde u{drift, diffusion, x0, noise_dim, diffusion_derivative, noise, calculus, t0, t1};
        if (paths <= 0) {  // the rows of a 2-D x0, else one path
          auto a = py::array::ensure(x0);
          paths = a && a.ndim() == 2 ? a.shape(0) : 1;
        }
        // Default: blocks of 16384 paths (128 KiB per float64 state column), a few Python calls per step
        // on cache-resident arrays; one block of all paths is slower from 10^5 paths on (bench/python_bench.py).
        if (block_size <= 0) block_size = std::min<long long>(paths, 16384);
        if (adaptive) {
          require_float64(dtype);
          const auto control = adaptive_control(rtol, atol, dt_max);
          return solve_adaptive(u, method,
                                solve_options_of<double>(paths, steps, seed, threads, block_size, save_times, keep_paths,
                                                         true, on_nan),
                                control);
        }
        return with_dtype(dtype, [&](auto s) {
          using S = decltype(s);
          return solve_fixed<S>(u, method,
                                solve_options_of<S>(paths, steps, seed, threads, block_size, save_times, keep_paths,
                                                    true, on_nan));
        });
      },
      py::kw_only(), py::arg("drift"), py::arg("diffusion"), py::arg("noise") = "diagonal", py::arg("x0"),
      py::arg("t0") = 0.0, py::arg("t1") = 1.0, py::arg("method") = "em", py::arg("paths") = 0,
      py::arg("steps") = 100, py::arg("seed") = 0, py::arg("threads") = 1, py::arg("block_size") = 0,
      py::arg("save_times") = std::vector<double>{}, py::arg("noise_dim") = py::none(),
      py::arg("diffusion_derivative") = py::none(), py::arg("calculus") = "ito", py::arg("keep_paths") = true,
      py::arg("on_nan") = "raise", py::arg("dtype") = "float64", py::arg("adaptive") = false,
      py::arg("rtol") = ito::sde::adaptive_options{}.rtol, py::arg("atol") = ito::sde::adaptive_options{}.atol,
      py::arg("dt_max") = 0.0,
      R"doc(solve(*, drift, diffusion, noise="diagonal", x0, t0=0.0, t1=1.0, method="em", paths=0, steps=100,
      seed=0, threads=1, block_size=0, save_times=[], noise_dim=None, diffusion_derivative=None,
      calculus="ito", keep_paths=True, on_nan="raise", dtype="float64", adaptive=False, rtol=1e-3,
      atol=1e-6, dt_max=0.0) -> Solution

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
block_size paths per block, default min(paths, 16384): each block calls the callables once per
           step (per stage) on its (block_size, d) slice; the default keeps the arrays in cache
           (faster than one block of all paths). The numbers do not depend on block_size or
           threads; with threads > 1 the blocks' C++ work overlaps, the callables run one at a time.
method     "em", "milstein" / "milstein-df" (diagonal/scalar noise; milstein needs
           diffusion_derivative dg(x, t) -> (n, d): the product (g.grad) g, i.e. g_i dg_i/dx_i for
           diagonal noise and sum_k g_k dg_i/dx_k for scalar noise), "heun" (Stratonovich),
           "sra1" (additive noise, strong order 1.5), "dri1" (Roessler 2009, weak order 2, any noise),
           "weak2" (explicit weak order 2, Ito).
adaptive   True: per-path adaptive steps with error control (ito/sde/adaptive.hpp; PI controller,
           rejected steps re-use the same Brownian path, bit-identical for any threads/block_size),
           method "em" (any noise), "sriw1"/"sosri" (diagonal or scalar), "sra1"/"sosra" (additive); rtol,
           atol: accept when the RMS over components of err / (atol + rtol max(|x|, |x'|)) <= 1;
           dt_max: largest step (0: t1 - t0). Then f(x, t) and g(x, t) get t as an (n, 1) array of
           the per-path times (it broadcasts against x); a callable additive g(t) is called once per
           distinct time (pass a constant instead). float64 only; returns an AdaptiveSolution.
The Brownian increments and the stepping run in C++ with the GIL released. An exception raised
in a callable propagates unchanged (with its traceback). Bad arguments raise ValueError.)doc");

  bind_adaptive_solution(m);

  using ito::sde::scalar_ou;
  py::class_<scalar_ou>(m, "OU",
                        "Closed forms of the scalar Ornstein-Uhlenbeck process dX = kappa (theta - X) dt + sigma dW\n"
                        "(kappa >= 0, sigma >= 0; seed 004 appendix).")
      .def(py::init<double, double, double>(), py::kw_only(), py::arg("kappa") = 2.0, py::arg("theta") = 0.5,
           py::arg("sigma") = 0.8, "OU(*, kappa=2.0, theta=0.5, sigma=0.8) (the defaults of simulate('ou')).")
      .def_readonly("kappa", &scalar_ou::kappa)
      .def_readonly("theta", &scalar_ou::theta)
      .def_readonly("sigma", &scalar_ou::sigma)
      .def("mean", &scalar_ou::mean, py::arg("t"), py::arg("m0"), py::arg("t0") = 0.0,
           "mean(t, m0, t0=0) = theta + (m0 - theta) exp(-kappa (t - t0)): E X_t given E X_t0 = m0.")
      .def("variance", &scalar_ou::variance, py::arg("t"), py::arg("v0") = 0.0, py::arg("t0") = 0.0,
           "variance(t, v0=0, t0=0) = e^{-2 kappa h} v0 + sigma^2 (1 - e^{-2 kappa h}) / (2 kappa), h = t - t0\n"
           "(sigma^2 h when kappa = 0).")
      .def("covariance", &scalar_ou::covariance, py::arg("t"), py::arg("u"), py::arg("v0") = 0.0, py::arg("t0") = 0.0,
           "covariance(t, u, v0=0, t0=0) = e^{-kappa |u - t|} Var X_{min(t, u)}.")
      .def("autocorrelation", &scalar_ou::autocorrelation, py::arg("t"), py::arg("u"), py::arg("v0") = 0.0,
           py::arg("t0") = 0.0, "autocorrelation(t, u, v0=0, t0=0) = Cov(X_t, X_u) / sqrt(Var X_t Var X_u).")
      .def("transition_mean", &scalar_ou::transition_mean, py::arg("x"), py::arg("s"), py::arg("t"),
           "transition_mean(x, s, t) = E[X_t | X_s = x] = theta + (x - theta) e^{-kappa (t - s)}.")
      .def("transition_variance", &scalar_ou::transition_variance, py::arg("s"), py::arg("t"),
           "transition_variance(s, t) = Var[X_t | X_s] = sigma^2 (1 - e^{-2 kappa (t - s)}) / (2 kappa).")
      .def("stationary_mean", &scalar_ou::stationary_mean, "stationary_mean() = theta (needs kappa > 0).")
      .def("stationary_variance", &scalar_ou::stationary_variance,
           "stationary_variance() = sigma^2 / (2 kappa) (needs kappa > 0).")
      .def("em_mean", &scalar_ou::em_mean, py::arg("dt"), py::arg("n"), py::arg("m0"),
           "em_mean(dt, n, m0) = theta + (1 - kappa dt)^n (m0 - theta): the exact mean of Euler-Maruyama\n"
           "after n steps of size dt.")
      .def("em_variance", &scalar_ou::em_variance, py::arg("dt"), py::arg("n"), py::arg("v0") = 0.0,
           "em_variance(dt, n, v0=0): the exact variance of Euler-Maruyama after n steps,\n"
           "a^n v0 + (1 - a^n) sigma^2 dt / (1 - a), a = (1 - kappa dt)^2.")
      .def("__repr__", [](const scalar_ou& o) {
        return "ito.OU(kappa=" + ito::detail::to_text(o.kappa) + ", theta=" + ito::detail::to_text(o.theta) +
               ", sigma=" + ito::detail::to_text(o.sigma) + ")";
      });
}

}  // namespace ito::python
