// Quality against NFE on a trained score (issue 16, point 5: "trained models of the
// built-in data sets"): fast samplers on the network of a checkpoint (ito train), judged
// against exact draws of the data set the model was trained on.
//
// The judge is the one of quality.hpp with the data set's own generator as the exact
// sampler (datasets.hpp: every built-in data set is drawn exactly by its generator):
// SW1 (100 fixed directions) of n samples to 200000 generator draws, beside the floor,
// the same statistic for 30 generator draws of size n (seeds other than the training
// data's), reported as ratio = SW1 / floor mean and z = (SW1 - mean) / sd.
// Optimized grids: optimize_fast_schedule (samplers/optimize.hpp) on the network score,
// tuned on the paths of seed 1, judged on the paths of seed 0, as bench/samplers_quality.
// The first row is the model's converged probability-flow ODE (DPM-Solver++ 3M, 1000
// log-SNR steps, final denoising): the model's own error apart from any solver
// (--converged 0 leaves it out, e.g. for further rows of a data set whose CSV has it).
//
//   samplers_trained CKPT DATASET OUTDIR [--n 50000] [--nfe 5,10,15]
//                    [--samplers unipc3,dpmpp3] [--schedules logsnr,optimized]
//                    [--threads 1] [--t-end 1e-3] [--opt-paths 10000] [--opt-sweeps 2]
//                    [--converged 1]
// Writes OUTDIR/quality.csv (the columns of samplers_quality's) and
// OUTDIR/optimized_<sampler>_nfe<N>.json (loadable by `ito sample --model CKPT
// --schedule optimized --schedule-file`).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/quality.hpp>
#include <ito/diffusion/samplers/fast.hpp>
#include <ito/diffusion/samplers/optimize.hpp>
#include <ito/diffusion/train.hpp>

#include "samplers_bench.hpp"

using namespace ito::diffusion;

using namespace samplers_bench;

namespace {
// The reference's and the floor's seeds: far from the seeds training draws from (0-99).
constexpr std::uint64_t reference_seed = 900001, floor_seed = 910001;
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: samplers_trained CKPT DATASET OUTDIR [options]\n";
    return 2;
  }
  const std::string ckpt_path = argv[1], dataset = argv[2], outdir = argv[3];
  index_t n = 50000;
  unsigned threads = 1;
  double t_end = 1e-3;
  std::vector<int> nfes{5, 10, 15};
  std::vector<std::string> samplers{"unipc3", "dpmpp3"};
  std::vector<std::string> schedules{"logsnr", "optimized"};
  bool converged = true;
  schedule_optimization_options so;
  so.paths = 10000;
  so.sweeps = 2;
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--n") n = std::stol(v);
    else if (k == "--threads") threads = unsigned(std::stoul(v));
    else if (k == "--t-end") t_end = std::stod(v);
    else if (k == "--nfe") nfes = split_ints(v);
    else if (k == "--samplers") samplers = split(v);
    else if (k == "--schedules") schedules = split(v);
    else if (k == "--opt-paths") so.paths = std::stol(v);
    else if (k == "--opt-sweeps") so.sweeps = std::stoi(v);
    else if (k == "--converged") converged = std::stoi(v) != 0;
    else { std::cerr << "unknown option " << k << "\n"; return 2; }
  }
  const checkpoint c = load_checkpoint(ckpt_path);
  const runtime_forward_sde f(c.sde_spec(ckpt_path));
  const auto score = network_score_from_checkpoint(f, c, 1);
  const index_t d = index_t(c.arch.dim);

  // the judge: the generator's own draws are the exact reference and the floor
  const auto t0 = std::chrono::steady_clock::now();
  const quality_options qo;
  const sliced_reference ref(make_dataset(dataset, qo.reference_size, reference_seed),
                             random_directions(d, qo.projections, qo.seed), threads);
  std::vector<double> fl(std::size_t(qo.floor_draws));
  for (index_t r = 0; r < qo.floor_draws; ++r)
    fl[std::size_t(r)] = ref.sw1(make_dataset(dataset, n, floor_seed + std::uint64_t(r)));
  double fmean = 0, fsd = 0;
  for (double v : fl) fmean += v / double(fl.size());
  for (double v : fl) fsd += (v - fmean) * (v - fmean) / double(fl.size() - 1);
  fsd = std::sqrt(fsd);
  std::cerr << dataset << ": floor at n = " << n << ": mean " << fmean << ", sd " << fsd << " (" << qo.floor_draws
            << " generator draws; reference " << qo.reference_size << " draws, " << qo.projections << " directions; "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s)\n";

  std::ofstream csv = open_quality_csv(outdir);
  csv << "sampler,schedule,nfe,n,sw1,floor_mean,floor_sd,ratio,z,weights_max_abs_z,paired_rms,seconds\n";
  auto row = [&](const std::string& name, const std::string& sched, double nfe, ensemble<double> X, double secs) {
    c.normalization.to_data(X);  // model units -> data units
    const double sw1 = ref.sw1(X);
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%s,%.0f,%ld,%.6g,%.6g,%.6g,%.4f,%.3f,nan,-1,%.3f\n", name.c_str(), sched.c_str(),
                  nfe, long(n), sw1, fmean, fsd, sw1 / fmean, (sw1 - fmean) / fsd, secs);
    csv << buf;
    csv.flush();
    std::cerr << buf;
  };

  if (converged) {
    const fast_sampler_options conv = converged_options(t_end, true, threads);
    const auto r = sample_fast(f, score, d, n, conv);
    row("converged-3M-1000", "logsnr", r.nfe, r.samples, r.seconds);
  }

  for (const std::string& sname : samplers) {
    const sampler_spec sp = parse_spec(sname);
    for (const std::string& sched : schedules) {
      for (int nfe : nfes) {
        fast_sampler_options o = base_options(sp, t_end, true, threads);
        o.nfe = nfe;
        if (parse_step_schedule(sched) == step_schedule::optimized) {
          saved_step_times sv = optimize_fast_schedule(f, score, d, o, so);  // paths of seed 1
          sv.info["model"] = ckpt_path;
          sv.info["dataset"] = dataset;
          save_grid(outdir, sname, nfe, sv);
          o.times = sv.times;
        } else {
          o.schedule = parse_step_schedule(sched);
        }
        const auto r = sample_fast(f, score, d, n, o);
        row(sname, sched, r.nfe, r.samples, r.seconds);
      }
    }
  }
  return 0;
}
