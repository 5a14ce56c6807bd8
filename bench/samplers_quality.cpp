// Quality against the number of score evaluations (issue 16, point 5): every fast
// sampler and step schedule at NFE 5, 8, 10, 15, 20, 50 on exact Gaussian-mixture
// scores (the oracle), judged by quality.hpp: SW1 of n samples to 200000 exact
// draws beside the floor's distribution over 30 exact draws of size n (ratio, z),
// plus (deterministic samplers) the paired RMS error to the converged ODE from the
// same prior noise (DPM-Solver++ 3M, 1000 logSNR steps). The old samplers (EM,
// DDIM, RK4) are run side by side as the baseline.
//
//   samplers_quality MIXTURE.json OUTDIR [--n 50000] [--nfe 5,8,10,15,20,50]
//                    [--samplers dpm3,dpmpp2,dpmpp3,dpmpp-sde2,unipc3,edm2]
//                    [--schedules logsnr,karras,uniform,quadratic,optimized] [--threads 0] [--t-end 1e-3]
//                    [--denoise-final 0|1] [--baselines 0|1] [--peer 0|1]
//                    [--opt-paths 20000] [--opt-sweeps 3] [--opt-objective sw1|rms] [--opt-free-t-end 0|1]
// Samplers: name<order>[:variant], variants dpmpp3:released (the D2 coefficient of the
// authors' code), unipc<p>:bh1 / unipc<p>:bh2 and unipc<p>:uc (UniC on the last step in
// place of the final denoising). The optimized grids come from
// optimize_fast_schedule (samplers/optimize.hpp) on 20000 paths of seed 1; the judged
// samples use seed 0 (the judge's reference and floor draws have their own seeds).
// Writes OUTDIR/quality.csv (one row per run), OUTDIR/optimized_<sampler>_nfe<N>.json
// (the optimized grids, loadable by `ito sample --schedule optimized --schedule-file`),
// OUTDIR/prior.csv and OUTDIR/lib_dpmpp{2,3}_nfe{10,15}.csv (first 2000 paths: the
// inputs and outputs the numpy peer bench/peers/dpmpp_numpy.py is checked against).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/quality.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/samplers/optimize.hpp>

#include "samplers_bench.hpp"

using namespace ito::diffusion;

using namespace samplers_bench;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: samplers_quality MIXTURE.json OUTDIR [options]\n";
    return 2;
  }
  const std::string mixture_path = argv[1], outdir = argv[2];
  index_t n = 50000;
  unsigned threads = 0;
  double t_end = 1e-3;
  bool denoise = true;
  std::vector<int> nfes{5, 8, 10, 15, 20, 50};
  std::vector<std::string> samplers{"dpm3", "dpmpp2", "dpmpp3", "dpmpp-sde2", "unipc3", "edm2"};
  std::vector<std::string> schedules{"logsnr", "karras", "uniform", "quadratic", "optimized"};
  bool baselines = true;
  bool peer = true;
  schedule_optimization_options so;  // objective on seed 1; the judged samples use seed 0
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--n") n = std::stol(v);
    else if (k == "--threads") threads = unsigned(std::stoul(v));
    else if (k == "--t-end") t_end = std::stod(v);
    else if (k == "--denoise-final") denoise = v == "1";
    else if (k == "--nfe") nfes = split_ints(v);
    else if (k == "--samplers") samplers = split(v);
    else if (k == "--schedules") schedules = split(v);
    else if (k == "--baselines") baselines = v == "1";
    else if (k == "--opt-paths") so.paths = std::stol(v);
    else if (k == "--opt-sweeps") so.sweeps = std::stoi(v);
    else if (k == "--opt-objective") so.objective = v == "rms" ? schedule_objective::paired_rms : schedule_objective::sliced_w1;
    else if (k == "--opt-free-t-end") so.free_t_end = v == "1";
    else if (k == "--peer") peer = v == "1";
    else { std::cerr << "unknown option " << k << "\n"; return 2; }
  }
  const gaussian_mixture g = load_gmm(mixture_path);
  const vp_sde f;
  const gmm_score<vp_sde> score(g, f);
  const index_t d = g.dim();

  const auto t0 = std::chrono::steady_clock::now();
  quality_options qo;
  qo.threads = threads;
  const mixture_judge judge(g, n, qo);
  std::cerr << "floor at n = " << n << ": mean " << judge.floor().mean << ", sd " << judge.floor().sd << " ("
            << qo.floor_draws << " exact draws; reference " << qo.reference_size << ", " << qo.projections
            << " directions; " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s)\n";

  // the converged ODE from the same prior noise (seed 0): 3M, 1000 logSNR steps
  const fast_sampler_options conv = converged_options(t_end, denoise, threads);
  const ensemble<double> converged = sample_fast(f, score, d, n, conv).samples;
  const quality_report qc = judge.assess(converged);
  std::cerr << "converged ODE (3M, 1000 steps): z " << qc.z << "\n";

  std::ofstream csv = open_quality_csv(outdir);
  csv << "sampler,schedule,nfe,n,sw1,floor_mean,floor_sd,ratio,z,weights_max_abs_z,paired_rms,seconds\n";
  auto row = [&](const std::string& name, const std::string& sched, double nfe, const ensemble<double>& X,
                 double paired, double secs) {
    const quality_report q = judge.assess(X);
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%s,%.0f,%ld,%.6g,%.6g,%.6g,%.4f,%.3f,%.3f,%.4g,%.3f\n", name.c_str(),
                  sched.c_str(), nfe, long(n), q.sw1, q.floor_mean, q.floor_sd, q.ratio, q.z, q.weights_max_abs_z,
                  paired, secs);
    csv << buf;
    csv.flush();
    std::cerr << buf;
  };
  row("converged-3M-1000", "logsnr", 1000 + (denoise ? 1 : 0), converged, 0.0, 0.0);

  // the peer's inputs and the library's outputs on the first 2000 paths
  if (peer) {
    const index_t m = std::min<index_t>(2000, n);
    ensemble<double> P(d, m);
    detail::path_normals(0, 0, 0, P);
    P.array() = f.prior_mean() + f.prior_std() * P.array();
    write_csv(outdir + "/prior.csv", P);
    for (int order : {2, 3})
      for (int nfe : {10, 15}) {
        fast_sampler_options o;
        o.method = fast_method::dpmpp;
        o.order = order;
        o.nfe = nfe;
        o.t_end = t_end;
        o.denoise_final = false;
        o.threads = threads;
        write_csv(outdir + "/lib_dpmpp" + std::to_string(order) + "_nfe" + std::to_string(nfe) + ".csv",
                  sample_fast(f, score, d, m, o).samples);
      }
  }

  for (const std::string& sname : samplers) {
    const sampler_spec sp = parse_spec(sname);
    for (const std::string& sched : schedules) {
      const step_schedule sk = parse_step_schedule(sched);
      if (sk == step_schedule::optimized && !sp.deterministic) continue;
      for (int nfe : nfes) {
        fast_sampler_options o = base_options(sp, t_end, denoise, threads);
        o.nfe = nfe;
        if (sk == step_schedule::optimized) {
          // optimize the grid on other paths (seed 1) than the judged ones (seed 0)
          saved_step_times sv;
          try {
            sv = optimize_fast_schedule(f, score, d, o, so);
          } catch (const std::exception& e) {
            std::cerr << sname << " optimized nfe " << nfe << ": " << e.what() << "\n";
            continue;
          }
          sv.info["mixture"] = mixture_path;
          save_grid(outdir, sname, nfe, sv);
          o.times = sv.times;
        } else {
          o.schedule = sk;
        }
        sample_result<double> r;
        try {
          r = sample_fast(f, score, d, n, o);
        } catch (const std::exception& e) {
          std::cerr << sname << " " << sched << " nfe " << nfe << ": " << e.what() << "\n";
          continue;
        }
        const double paired = sp.deterministic ? paired_error(r.samples, converged).rms : -1;
        row(sname, sched, r.nfe, r.samples, paired, r.seconds);
      }
    }
  }
  if (baselines) {
    // the first-generation samplers at the same budgets (EM, DDIM, RK4 = 4 evaluations per step)
    for (int nfe : nfes) {
      for (auto kind : {sampler_kind::em, sampler_kind::ddim, sampler_kind::ode}) {
        sampler_options so;
        so.seed = 0;
        so.threads = threads;
        so.t_end = t_end;
        so.steps = kind == sampler_kind::ode ? nfe / 4 : nfe;
        if (so.steps < 1) continue;
        const auto r = sample(kind, f, score, d, n, so);
        row(to_string(kind), "uniform", r.nfe, r.samples, -1, r.seconds);
      }
    }
  }
  return 0;
}
