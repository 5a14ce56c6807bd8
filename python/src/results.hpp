#pragma once
// Python classes for the library's result objects; arrays are views into the
// result (the Python result object is their numpy base: no copy).
#include <ito/sde/adaptive.hpp>
#include <ito/sde/solve.hpp>

#include "common.hpp"

namespace ito::python {

/// The moments Python reports: at each save time, then at t1 (the library keeps
/// the ones at t1 apart, in final_moments).
template <class Sol>
std::vector<ito::sde::running_moments> reported_moments(const Sol& s) {
  std::vector<ito::sde::running_moments> v = s.moments;
  v.push_back(s.final_moments);
  return v;
}

/// The times Python reports: the save times, then t1.
template <class Sol>
std::vector<double> reported_times(const Sol& s, double t1) {
  std::vector<double> v(s.times.begin(), s.times.end());
  v.push_back(t1);
  return v;
}

/// Moments at each saved time as a (len(times), d) array: mean or unbiased variance.
inline py::array_t<double> moments_array(const std::vector<ito::sde::running_moments>& ms, bool variance) {
  const py::ssize_t k = static_cast<py::ssize_t>(ms.size()), d = k ? ms.front().dim() : 0;
  py::array_t<double> a({k, d});
  auto r = a.mutable_unchecked<2>();
  for (py::ssize_t i = 0; i < k; ++i) {
    const Eigen::VectorXd v = variance ? ms[std::size_t(i)].variance() : ms[std::size_t(i)].mean;
    for (py::ssize_t j = 0; j < d; ++j) r(i, j) = v(j);
  }
  return a;
}

inline py::dict summary_dict(const ito::sde::solve_summary& s) {
  py::dict d;
  d["paths"] = s.paths;
  d["steps"] = s.steps;
  d["dim"] = s.dim;
  d["noise_dim"] = s.noise_dim;
  d["blocks"] = s.blocks;
  d["block_size"] = s.block_size;
  d["threads"] = s.threads;
  d["seed"] = s.seed;
  d["seconds"] = s.seconds;
  d["method"] = s.method;
  if (s.blow_up) d["blow_up"] = s.blow_up->describe();
  return d;
}

/// Binds ito::sde::solution<S> as the Python class `name`.
template <class S>
void bind_solution(py::module_& m, const char* name) {
  using sol = ito::sde::solution<S>;
  py::class_<sol>(m, name,
                  "Result of ito.simulate / ito.solve. Arrays are views into this object's memory (no copy):\n"
                  "  terminal  (n, d) states at t1 (empty if keep_terminal=False)\n"
                  "  times     (k+1,) the save times, then t1\n"
                  "  snapshots list of k (n, d) states at the save times (if keep_paths)\n"
                  "  mean, var (k+1, d) ensemble mean and unbiased variance at each time in `times`\n"
                  "  summary   dict: paths, steps, dim, noise_dim, blocks, threads, seed, seconds, method")
      .def_property_readonly(
          "terminal", [](py::object self) { return view(self.cast<const sol&>().terminal, self); },
          "(n, d) array of the states at t1 (a view: shares this result's memory).")
      .def_property_readonly(
          "times", [](const sol& s) { return vector_array(reported_times(s, double(s.t1))); }, "(k+1,) save times, then t1.")
      .def_property_readonly(
          "snapshots",
          [](py::object self) {
            py::list l;
            for (const auto& x : self.cast<const sol&>().snapshots) l.append(view(x, self));
            return l;
          },
          "list of (n, d) arrays, the states at each save time (views).")
      .def_property_readonly(
          "mean", [](const sol& s) { return moments_array(reported_moments(s), false); },
          "(k+1, d) ensemble mean at each time in `times` (accumulated in double).")
      .def_property_readonly(
          "var", [](const sol& s) { return moments_array(reported_moments(s), true); },
          "(k+1, d) unbiased ensemble variance at each time in `times`.")
      .def_property_readonly(
          "mean_stderr",
          [](const sol& s) {
            std::vector<ito::sde::running_moments> v = reported_moments(s);
            for (auto& mo : v) mo.mean = mo.mean_stderr();
            return moments_array(v, false);
          },
          "(k+1, d) standard error of `mean`: sqrt(var / n).")
      .def_property_readonly(
          "summary", [](const sol& s) { return summary_dict(s.summary); }, "dict describing the run.")
      .def("__repr__", [name](const sol& s) {
        return std::string("<ito.") + name + " " + s.summary.method + ": " + std::to_string(s.summary.paths) +
               " paths x " + std::to_string(s.summary.steps) + " steps, d = " + std::to_string(s.summary.dim) + ">";
      });
}

/// Binds ito::sde::adaptive_solution<double> as ito.AdaptiveSolution (a Solution with step statistics).
inline void bind_adaptive_solution(py::module_& m) {
  using sol = ito::sde::adaptive_solution<double>;
  py::class_<sol, ito::sde::solution<double>>(
      m, "AdaptiveSolution",
      "Result of ito.simulate / ito.solve with adaptive=True: a Solution, and in .adaptive the per-path step\n"
      "statistics (mean and max over the paths of accepted and rejected steps and drift evaluations, the\n"
      "smallest and largest accepted step).")
      .def_property_readonly("adaptive", [](const sol& s) {
        py::dict d;
        d["accepted_mean"] = s.steps.accepted_mean;
        d["accepted_max"] = s.steps.accepted_max;
        d["rejected_mean"] = s.steps.rejected_mean;
        d["rejected_max"] = s.steps.rejected_max;
        d["drift_evals_mean"] = s.steps.drift_evals_mean;
        d["drift_evals_max"] = s.steps.drift_evals_max;
        d["dt_min_used"] = s.steps.dt_min_used;
        d["dt_max_used"] = s.steps.dt_max_used;
        return d;
      }, "dict: accepted_mean, accepted_max, rejected_mean, rejected_max, drift_evals_mean, drift_evals_max,\n"
         "dt_min_used, dt_max_used.");
}

}  // namespace ito::python
