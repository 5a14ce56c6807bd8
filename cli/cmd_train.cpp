// ito train: denoising score matching of the MLP score network on a CSV file or a
// built-in data set, written to a checkpoint (see diffusion/train.hpp, checkpoint.hpp).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/datasets.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace cmd_train {

namespace d = ito::diffusion;

// The training settings are the library's train_options, defaults included (one set).
struct options {
  std::string data, dataset, gmm, out;
  ito::sde::index_t n = 20000;
  ito::cli::sde_options sde;
  d::train_options t;
  std::string param = d::to_string(d::train_options{}.output), weighting = d::to_string(d::train_options{}.weighting);
  std::int64_t steps = 30000, save_every = 0;
  bool resume = false, json = false, quiet = false;
  // flags that, given together with --resume, must agree with the checkpoint
  std::vector<std::pair<CLI::Option*, std::string>> recorded;
};

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// --resume takes every recorded setting from the checkpoint: an explicitly given flag
// that disagrees with it is an error naming both values.
void check_resume_flags(const options& o, const d::checkpoint& c) {
  const auto arch = c.arch;
  const auto spec = c.sde_spec(o.out);
  for (const auto& [opt, name] : o.recorded) {
    if (opt->count() == 0) continue;
    std::string given, stored;
    if (name == "--width") given = std::to_string(o.t.arch.width), stored = std::to_string(arch.width);
    else if (name == "--depth") given = std::to_string(o.t.arch.depth), stored = std::to_string(arch.depth);
    else if (name == "--x-features") given = std::to_string(o.t.arch.x_frequencies), stored = std::to_string(arch.x_frequencies);
    else if (name == "--fourier-scale") given = num(o.t.arch.fourier_scale), stored = num(arch.fourier_scale);
    else if (name == "--x-scale") given = num(o.t.arch.x_fourier_scale), stored = num(arch.x_fourier_scale);
    else if (name == "--batch") given = std::to_string(o.t.batch), stored = std::to_string(c.batch);
    else if (name == "--seed") given = std::to_string(o.t.seed), stored = std::to_string(c.seed);
    else if (name == "--lr") given = num(o.t.adam.lr), stored = num(c.lr);
    else if (name == "--warmup") given = std::to_string(o.t.adam.warmup), stored = std::to_string(c.warmup);
    else if (name == "--clip") given = num(o.t.adam.clip_norm), stored = num(c.clip_norm);
    else if (name == "--ema") given = num(o.t.ema), stored = num(c.ema_decay);
    else if (name == "--val") given = num(o.t.val_fraction), stored = num(c.val_fraction);
    else if (name == "--param") given = o.param, stored = c.prediction;
    else if (name == "--weighting") given = o.weighting, stored = c.weighting;
    else if (name == "--sde") given = o.sde.kind, stored = spec.kind;
    else if (name == "--normalize") given = "on", stored = c.normalization.active() ? "on" : "off";
    if (given != stored)
      throw ito::invalid_argument(name + " = " + given + " conflicts with --resume: the checkpoint " + o.out +
                                  " was trained with " + name.substr(2) + " " + stored +
                                  " (drop the flag to continue that run, or train a new model with another --out)");
  }
}

std::string fmt_time(double s) {
  if (!std::isfinite(s) || s < 0) return "--";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}

// One progress report: a redrawn bar on a terminal, a plain line otherwise.
void report(const d::train_progress& p, bool tty) {
  const double left = p.steps_per_second > 0 ? static_cast<double>(p.steps - p.step) / p.steps_per_second : NAN;
  char line[256];
  std::snprintf(line, sizeof line, "step %lld/%lld  loss %.4f  val %.4f  %.0f steps/s  left %s",
                static_cast<long long>(p.step), static_cast<long long>(p.steps), p.loss, p.val_loss,
                p.steps_per_second, fmt_time(left).c_str());
  if (tty) {
    const int width = 24;
    const int fill = static_cast<int>(width * static_cast<double>(p.step) / static_cast<double>(p.steps));
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r[%s] %s\033[K", bar.c_str(), line);
    if (p.step == p.steps) std::fputc('\n', stderr);
  } else {
    std::fprintf(stderr, "ito train: %s\n", line);
  }
  std::fflush(stderr);
}

template <class SDE>
int run_training(const options& o, const SDE& sde, const ito::cli::sde_options& spec, const d::ensemble<double>& X,
                 const d::checkpoint* resume_from) {
  d::train_options t = o.t;
  t.arch.seed = t.seed;
  t.output = d::parse_prediction(o.param);
  t.weighting = d::parse_loss_weighting(o.weighting);
  std::unique_ptr<d::trainer<SDE>> tr;
  if (resume_from) {
    d::check_checkpoint_dim(*resume_from, X.rows(), o.out);
    tr = std::make_unique<d::trainer<SDE>>(sde, X, *resume_from, t.threads);
  } else {
    tr = std::make_unique<d::trainer<SDE>>(sde, X, t);
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const std::int64_t total = o.steps, done0 = tr->steps_done();
  const std::int64_t every = std::max<std::int64_t>(1, tty ? total / 200 : total / 10);
  const std::int64_t save_every = o.save_every > 0 ? o.save_every : std::max<std::int64_t>(1, total / 5);
  const auto start = std::chrono::steady_clock::now();
  d::train_progress last;
  last.val_loss = tr->validation_loss();
  // train in chunks between checkpoint saves, so an interruption loses at most one chunk
  while (tr->steps_done() < total) {
    const std::int64_t next = std::min(total, (tr->steps_done() / save_every + 1) * save_every);
    const double base = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    tr->run(next, [&](const d::train_progress& p) {
      last = p;
      last.seconds += base;
      last.steps_per_second = static_cast<double>(p.step - done0) / std::max(1e-9, last.seconds);
      if (!o.quiet) report(last, tty);
    }, every);
    d::save_checkpoint(o.out, tr->to_checkpoint());
  }
  if (total <= done0) d::save_checkpoint(o.out, tr->to_checkpoint());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    nlohmann::json j{{"out", o.out},
                     {"steps", tr->steps_done()},
                     {"resumed_from", done0},
                     {"loss", last.loss},
                     {"val_loss", last.val_loss},
                     {"seconds", seconds},
                     {"steps_per_second", seconds > 0 ? static_cast<double>(tr->steps_done() - done0) / seconds : 0.0},
                     {"sde", spec.kind},
                     {"normalized", tr->normalization().active()},
                     {"param", d::to_string(tr->options().output)},
                     {"weighting", d::to_string(tr->options().weighting)},
                     {"dim", X.rows()},
                     {"train_size", tr->train_size()},
                     {"val_size", tr->val_size()},
                     {"params", tr->network().num_params()},
                     {"x_features", tr->network().config().x_frequencies},
                     {"threads", tr->network().threads()}};
    std::cout << j.dump() << '\n';
  } else if (!o.quiet) {
    std::fprintf(stderr, "ito train: wrote %s (%lld steps, val loss %.4f, %.1f s)\n", o.out.c_str(),
                 static_cast<long long>(tr->steps_done()), last.val_loss, seconds);
  }
  return 0;
}

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto o = std::make_shared<options>();
  auto* sub = app.add_subcommand("train", "Train the MLP score network by denoising score matching");
  auto* data = sub->add_option("--data", o->data, "training data CSV (one sample per row)");
  auto* dataset = sub->add_option("--dataset", o->dataset, "built-in data set (moons, 8gaussians, ..., gmm)");
  data->excludes(dataset);
  sub->add_option("--n", o->n, "samples drawn from --dataset")->capture_default_str();
  sub->add_option("--gmm", o->gmm, "mixture JSON for --dataset gmm");
  ito::cli::add_sde_options(sub, o->sde);
  auto rec = [&](CLI::Option* opt) {
    o->recorded.emplace_back(opt, opt->get_name());
    return opt;
  };
  rec(sub->get_option("--sde"));
  rec(sub->add_option("--param", o->param, "network output: eps | score | x0 | v")->capture_default_str());
  rec(sub->add_option("--weighting", o->weighting, "loss weight lambda(t): simple | likelihood")->capture_default_str());
  rec(sub->add_option("--width", o->t.arch.width, "hidden width")->capture_default_str());
  rec(sub->add_option("--depth", o->t.arch.depth, "hidden layers")->capture_default_str());
  rec(sub->add_option("--fourier-scale", o->t.arch.fourier_scale, "std of the random Fourier frequencies of t")
          ->capture_default_str());
  rec(sub->add_option("--x-features", o->t.arch.x_frequencies,
                      "random Fourier features of x: G projections, 2G inputs (0 = raw x only)")
          ->capture_default_str());
  rec(sub->add_option("--x-scale", o->t.arch.x_fourier_scale, "std of the x-feature projections (model units^-1)")
          ->capture_default_str());
  sub->add_option("--steps", o->steps, "total optimizer steps")->capture_default_str();
  rec(sub->add_option("--batch", o->t.batch, "minibatch size")->capture_default_str());
  rec(sub->add_option("--lr", o->t.adam.lr, "Adam learning rate")->capture_default_str());
  rec(sub->add_option("--warmup", o->t.adam.warmup, "learning-rate warm-up steps")->capture_default_str());
  rec(sub->add_option("--clip", o->t.adam.clip_norm, "gradient-norm clip (0 = off)")->capture_default_str());
  rec(sub->add_option("--ema", o->t.ema, "EMA decay of the sampling weights")->capture_default_str());
  rec(sub->add_option("--seed", o->t.seed, "seed (data, split, init, minibatches)")->capture_default_str());
  sub->add_option("--threads", o->t.threads, "threads (0 = all cores; the result does not depend on it)")
      ->capture_default_str();
  rec(sub->add_option("--val", o->t.val_fraction, "held-out validation fraction")->capture_default_str());
  rec(sub->add_flag("--normalize", o->t.normalize,
                    "train on (x - mean) / std per dimension; sample and nll map back to data units"));
  sub->add_option("--save-every", o->save_every, "steps between checkpoint saves (0 = steps/5)");
  sub->add_option("--out", o->out, "checkpoint to write")->required();
  sub->add_flag("--resume", o->resume, "continue from --out if it exists (settings come from the checkpoint)");
  sub->add_flag("--json", o->json, "print a JSON summary on stdout");
  sub->add_flag("--quiet", o->quiet, "no progress on stderr");
  return ito::cli::command{sub, [o]() {
    ito::detail::require(!o->data.empty() || !o->dataset.empty(), "--data/--dataset", "none",
                         "one of --data FILE or --dataset NAME");
    ito::detail::require(o->steps >= 0, "steps", o->steps, "an integer >= 0");
    d::detail::check_writable_destination(o->out);
    // --resume: the run's settings (seed, forward SDE, architecture, optimizer) come
    // from the checkpoint, so a built-in data set is drawn again with the same seed.
    std::unique_ptr<d::checkpoint> resume_from;
    if (o->resume && std::filesystem::exists(o->out)) {
      resume_from = std::make_unique<d::checkpoint>(d::load_checkpoint(o->out));
      check_resume_flags(*o, *resume_from);
    }
    const std::uint64_t seed = resume_from ? resume_from->seed : o->t.seed;
    const d::ensemble<double> X =
        o->data.empty() ? d::make_dataset(o->dataset, o->n, seed, o->gmm) : d::read_csv(o->data);
    const ito::cli::sde_options spec = resume_from ? resume_from->sde_spec(o->out) : o->sde;
    return ito::cli::with_sde(
        spec, [&](const auto& sde) { return run_training(*o, sde, spec, X, resume_from.get()); });
  }};
});

}  // namespace cmd_train
