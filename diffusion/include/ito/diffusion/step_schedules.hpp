#pragma once
/// \file step_schedules.hpp
/// \brief Step schedules of the grid samplers: the K + 1 decreasing times
/// T = t_0 > t_1 > ... > t_K = t_end a sampler visits. (Not the beta(t) schedules
/// of forward_sde.hpp, which define the forward SDE itself.)
///
///  - uniform:   t_k = T - k (T - t_end)/K.
///  - logsnr:    uniform in lambda = log(a/s) (Lu et al. 2022, DPM-Solver, sec. 3.3:
///               the natural variable of the exponential integrators).
///  - karras:    uniform in sigma^{1/rho}, sigma = s/a = e^{-lambda} (Karras et al. 2022,
///               eq. 5; rho = 7 by default): sigma_k = (sigma_max^{1/rho} + k/K
///               (sigma_min^{1/rho} - sigma_max^{1/rho}))^rho.
///  - quadratic: t_k = t_end + (T - t_end)(1 - k/K)^2 (Song, Meng & Ermon 2021, DDIM
///               appendix: quadratic time steps, dense near the data).
///  - optimized: a grid chosen for one sampler, one NFE and one score by minimising an
///               objective (optimize_log_snr_grid below; the objective used by `ito`
///               is the sliced W1 of the sampler's output to the converged ODE from the
///               same prior noise: see samplers/optimize.hpp), computed once and saved
///               (save_step_times / load_step_times), in the spirit of Align Your Steps
///               (Sabour, Fidler & Kreis 2024), which minimises a KL upper bound instead.
/// Every time is mapped through the forward SDE's own lambda(t), so the same schedule
/// name gives the corresponding grid for VP, cosine, sub-VP, VE and OU.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <ito/sde/error.hpp>

#include "atomic_file.hpp"
#include "forward_sde.hpp"
#include "samplers/exponential.hpp"

namespace ito::diffusion {

enum class step_schedule { uniform, logsnr, karras, quadratic, optimized };

inline const char* to_string(step_schedule s) {
  switch (s) {
    case step_schedule::uniform: return "uniform";
    case step_schedule::logsnr: return "logsnr";
    case step_schedule::karras: return "karras";
    case step_schedule::quadratic: return "quadratic";
    case step_schedule::optimized: return "optimized";
  }
  return "?";
}

/// Parse uniform | logsnr | karras | quadratic | optimized.
inline step_schedule parse_step_schedule(const std::string& s) {
  for (auto k : {step_schedule::uniform, step_schedule::logsnr, step_schedule::karras, step_schedule::quadratic,
                 step_schedule::optimized})
    if (s == to_string(k)) return k;
  throw ito::invalid_argument("schedule = " + s + ": expected uniform, logsnr, karras, quadratic or optimized");
}

/// The K + 1 times of schedule `kind` from T down to t_end (0 < t_end < T; rho for karras).
/// `optimized` has no formula: load its times with load_step_times.
template <forward_sde F>
std::vector<double> step_times(const F& f, step_schedule kind, index_t K, double t_end, double rho = 7.0) {
  ito::detail::require(K >= 1, "steps", K, ">= 1");
  ito::detail::require(t_end > 0 && t_end < f.T(), "t_end", t_end, "in (0, T) (the log-SNR is infinite at 0)");
  ito::detail::require(std::isfinite(rho) && rho > 0, "rho", rho, "> 0");
  ito::detail::require(kind != step_schedule::optimized, "schedule", "optimized",
                       "a saved grid (load_step_times), not a formula");
  const double T = f.T();
  std::vector<double> t(std::size_t(K) + 1);
  const double lT = log_snr(f, T), lE = log_snr(f, t_end);
  const double sT = std::exp(-lT), sE = std::exp(-lE);
  for (index_t k = 0; k <= K; ++k) {
    const double u = double(k) / double(K);
    double v = 0;
    switch (kind) {
      case step_schedule::uniform: v = T - u * (T - t_end); break;
      case step_schedule::logsnr: v = time_of_log_snr(f, lT + u * (lE - lT)); break;
      case step_schedule::karras: {
        const double s = std::pow(std::pow(sT, 1 / rho) + u * (std::pow(sE, 1 / rho) - std::pow(sT, 1 / rho)), rho);
        v = time_of_sigma(f, s);
        break;
      }
      case step_schedule::quadratic: v = t_end + (T - t_end) * (1 - u) * (1 - u); break;
      case step_schedule::optimized: break;
    }
    t[std::size_t(k)] = v;
  }
  t.front() = T;
  t.back() = t_end;
  return t;
}

/// Check a grid: at least 2 times, strictly decreasing, in (0, T].
template <forward_sde F>
void check_step_times(const F& f, const std::vector<double>& t) {
  ito::detail::require(t.size() >= 2, "step times", t.size(), "at least 2 times (1 step)");
  for (std::size_t k = 0; k < t.size(); ++k) {
    ito::detail::require(std::isfinite(t[k]) && t[k] > 0 && t[k] <= f.T() * (1 + 1e-12),
                         "step times[" + std::to_string(k) + "]", t[k], "in (0, T]");
    if (k > 0)
      ito::detail::require(t[k] < t[k - 1], "step times[" + std::to_string(k) + "]", t[k],
                           "strictly below the previous time (a decreasing grid)");
  }
}

/// \brief Coordinate descent of `objective(times)` over the interior points of a grid
/// (the first time fixed; the last one fixed too unless `free_last`), each moved within
/// its neighbours in lambda by a golden-section search of `iterations` steps, for
/// `sweeps` sweeps. With `free_last` the last time may move up from start.back() (in
/// lambda: between the previous point and lambda(start.back())), so the grid may end
/// earlier. Returns the best grid found (never worse than `start`). The objective must
/// be deterministic (fixed noise).
template <forward_sde F>
std::vector<double> optimize_log_snr_grid(const F& f, std::vector<double> start,
                                          const std::function<double(const std::vector<double>&)>& objective,
                                          int sweeps = 3, int iterations = 12, bool free_last = false) {
  check_step_times(f, start);
  ito::detail::require(sweeps >= 0 && iterations >= 1, "sweeps/iterations",
                       std::to_string(sweeps) + "/" + std::to_string(iterations), ">= 0 / >= 1");
  std::vector<double> lam(start.size());
  for (std::size_t k = 0; k < start.size(); ++k) lam[k] = log_snr(f, start[k]);
  const double lam_max = lam.back();
  auto times = [&](const std::vector<double>& l) {
    std::vector<double> t(l.size());
    for (std::size_t k = 0; k < l.size(); ++k) t[k] = time_of_log_snr(f, l[k]);
    t.front() = start.front();
    if (!free_last || l.back() == lam_max) t.back() = start.back();
    return t;
  };
  double best = objective(times(lam));
  const double g = (std::sqrt(5.0) - 1) / 2;
  const std::size_t last = free_last ? lam.size() - 1 : lam.size() - 2;
  for (int sw = 0; sw < sweeps; ++sw)
    for (std::size_t k = 1; k <= last; ++k) {
      const bool end = k + 1 == lam.size();
      const double lo0 = lam[k - 1], hi0 = end ? lam_max : lam[k + 1];
      auto at = [&](double v) {
        std::vector<double> l = lam;
        l[k] = lo0 + v * (hi0 - lo0);
        return objective(times(l));
      };
      double lo = 0.02, hi = end ? 1.0 : 0.98, x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
      double f1 = at(x1), f2 = at(x2);
      for (int it = 0; it < iterations; ++it) {
        if (f1 < f2) {
          hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = at(x1);
        } else {
          lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = at(x2);
        }
      }
      const double v = f1 < f2 ? x1 : x2, fv = std::min(f1, f2);
      if (fv < best) {
        best = fv;
        lam[k] = lo0 + v * (hi0 - lo0);
      }
    }
  return times(lam);
}

/// A saved grid and what it was made for (written by `ito schedule-opt`-style tools and
/// bench/samplers_quality; read by `ito sample --schedule optimized --schedule-file`).
struct saved_step_times {
  std::vector<double> times;
  nlohmann::json info = nlohmann::json::object();  ///< sampler, order, nfe, sde, objective, ...
};

inline void save_step_times(const std::string& path, const saved_step_times& s) {
  nlohmann::json j = s.info;
  j["times"] = s.times;
  detail::write_file_atomically(path, j.dump(2) + "\n");
}

inline saved_step_times load_step_times(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ito::io_error(path + ": cannot open for reading");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ito::format_error(path + ": invalid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("times") || !j["times"].is_array())
    throw ito::format_error(path + ": key \"times\": missing or not an array of numbers");
  saved_step_times s;
  for (const auto& v : j["times"]) {
    if (!v.is_number()) throw ito::format_error(path + ": times: expected numbers, got " + v.dump());
    s.times.push_back(v.get<double>());
  }
  j.erase("times");
  s.info = j;
  return s;
}

}  // namespace ito::diffusion
