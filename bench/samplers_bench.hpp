#pragma once
// What bench/samplers_quality.cpp (exact mixture scores) and bench/samplers_trained.cpp
// (trained networks) share: the sampler names name<order>[:variant], list options, and
// saving an optimized grid as OUTDIR/optimized_<sampler>_nfe<N>.json.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/step_schedules.hpp>
#include <ito/sde/error.hpp>

namespace samplers_bench {

inline std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

inline std::vector<int> split_ints(const std::string& s) {
  std::vector<int> out;
  for (const auto& x : split(s)) out.push_back(std::stoi(x));
  return out;
}

/// OUTDIR/quality.csv opened for writing, OUTDIR created if missing; throws
/// ito::io_error when the file cannot be written (rows are never lost silently).
inline std::ofstream open_quality_csv(const std::string& outdir) {
  std::filesystem::create_directories(outdir);
  std::ofstream csv(outdir + "/quality.csv");
  if (!csv) throw ito::io_error(outdir + "/quality.csv: cannot open for writing");
  return csv;
}

struct sampler_spec {
  std::string name;
  ito::diffusion::fast_method method;
  int order;
  bool deterministic;
  std::string variant;  // after ':': released/taylor (dpmpp 3M), bh1/bh2 (unipc), uc (unipc final corrector),
                        // churn<S> (edm with S_churn = S; S_tmin, S_tmax, S_noise at their defaults)
};

/// name<order>[:variant], e.g. dpmpp3, dpmpp3:released, unipc3:bh1, edm2:churn40
inline sampler_spec parse_spec(const std::string& s) {
  const auto colon = s.find(':');
  const std::string head = s.substr(0, colon);
  const std::string base = head.substr(0, head.size() - 1);
  const int order = head.back() - '0';
  const auto m = ito::diffusion::parse_fast_method(base);
  const std::string variant = colon == std::string::npos ? "" : s.substr(colon + 1);
  const bool churn = variant.rfind("churn", 0) == 0;  // edm<order>:churn<S_churn>: stochastic
  return {s, m, order, m != ito::diffusion::fast_method::dpmpp_sde && !churn, variant};
}

/// The sampler options of `sp` (seed 0, final denoising as asked; the variant applied).
inline ito::diffusion::fast_sampler_options base_options(const sampler_spec& sp, double t_end, bool denoise,
                                                         unsigned threads) {
  using namespace ito::diffusion;
  fast_sampler_options o;
  o.method = sp.method;
  o.order = sp.order;
  o.t_end = t_end;
  o.denoise_final = denoise;
  o.threads = threads;
  o.seed = 0;
  if (sp.variant == "released" || sp.variant == "taylor") o.dpmpp3 = parse_dpmpp3_coefficients(sp.variant);
  else if (sp.variant == "uc") o.final_corrector = true, o.denoise_final = false;
  else if (sp.variant.rfind("churn", 0) == 0) o.churn.churn = std::stod(sp.variant.substr(5));
  else if (!sp.variant.empty()) o.unipc = parse_unipc_variant(sp.variant);
  return o;
}

/// The converged probability-flow ODE from the same prior noise: DPM-Solver++ 3M, 1000 log-SNR steps.
inline ito::diffusion::fast_sampler_options converged_options(double t_end, bool denoise, unsigned threads) {
  ito::diffusion::fast_sampler_options conv;
  conv.method = ito::diffusion::fast_method::dpmpp;
  conv.order = 3;
  conv.steps = 1000;
  conv.t_end = t_end;
  conv.denoise_final = denoise;
  conv.threads = threads;
  return conv;
}

/// Save an optimized grid as OUTDIR/optimized_<sampler>_nfe<N>.json (':' -> '_') and say so.
inline void save_grid(const std::string& outdir, const std::string& sampler, int nfe,
                      const ito::diffusion::saved_step_times& sv) {
  std::string file = sampler;
  for (auto& ch : file)
    if (ch == ':') ch = '_';
  ito::diffusion::save_step_times(outdir + "/optimized_" + file + "_nfe" + std::to_string(nfe) + ".json", sv);
  std::cerr << sampler << " nfe " << nfe << ": objective " << sv.info["objective_start"] << " -> "
            << sv.info["objective_optimized"] << " (" << sv.info["seconds"] << " s)\n";
}

}  // namespace samplers_bench
