// ito.train, ito.load, ito.Model, ito.nll, and the data sets and metrics (ito._datasets_make,
// ito._metrics_*; the Python package exposes them as ito.datasets and ito.metrics).
#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/likelihood.hpp>
#include <ito/diffusion/metrics.hpp>
#include <ito/diffusion/model.hpp>
#include <ito/diffusion/train.hpp>

#include "forward.hpp"

namespace ito::python {
namespace {

py::dict likelihood_dict(const dif::likelihood_result& r) {
  py::dict d;
  d["logp"] = vector_array(r.logp);
  d["prior_logp"] = vector_array(r.prior_logp);
  d["mean_nll"] = r.mean_nll;
  d["nfe"] = r.nfe;
  d["exact"] = r.exact;
  d["latent"] = own(ensemble<double>(r.latent));
  return d;
}

model train_model(py::handle data, py::handle sde_obj, long long steps, long long batch, long long width,
                  long long depth, long long frequencies, double fourier_scale, long long x_frequencies,
                  double x_fourier_scale, const std::string& prediction, const std::string& weighting, double lr,
                  long long warmup, double clip, double ema, double val_fraction, bool normalize,
                  std::uint64_t seed, unsigned threads, py::handle progress, long long every) {
  const ensemble<double> X = to_ensemble<double>(data, "data");
  ito::detail::require(X.cols() >= 2, "data", std::to_string(X.cols()) + " rows", "at least 2 samples (n, d)");
  ito::detail::require(X.allFinite(), "data", "non-finite entry", "finite values");
  require_count("steps", steps);
  require_count("every", every);
  const any_sde sde = sde_obj.is_none() ? any_sde(dif::vp_sde{}) : to_sde(sde_obj);
  dif::train_options t;
  t.arch.width = width;
  t.arch.depth = depth;
  t.arch.frequencies = frequencies;
  t.arch.fourier_scale = fourier_scale;
  t.arch.x_frequencies = x_frequencies;
  t.arch.x_fourier_scale = x_fourier_scale;
  t.arch.seed = seed;
  t.output = dif::parse_prediction(prediction);
  t.weighting = dif::parse_loss_weighting(weighting);
  t.batch = batch;
  t.seed = seed;
  ito::detail::require(threads >= 1, "threads", threads, ">= 1");
  t.threads = threads;
  t.val_fraction = val_fraction;
  t.normalize = normalize;
  t.adam.lr = lr;
  t.adam.warmup = warmup;
  t.adam.clip_norm = clip;
  t.ema = ema;
  const bool report = progress && !progress.is_none();
  if (report && !PyCallable_Check(progress.ptr()))
    throw ito::invalid_argument("progress: expected a callable progress(dict) or None");
  return std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        dif::trainer<F> tr(f, X, t);  // the checkpoint names f by its forward_sde_spec
        {
          py::gil_scoped_release nogil;
          std::function<void(const dif::train_progress&)> cb;
          if (report)
            cb = [&](const dif::train_progress& p) {
              py::gil_scoped_acquire gil;
              py::dict d;
              d["step"] = p.step;
              d["steps"] = p.steps;
              d["loss"] = p.loss;
              d["val_loss"] = p.val_loss;
              d["seconds"] = p.seconds;
              progress(d);
            };
          tr.run(steps, cb, every);
        }
        return model::of(tr.to_checkpoint(), "ito.train");
      },
      sde);
}

}  // namespace

void init_train(py::module_& m) {
  py::class_<model>(m, "Model",
                    "A trained score network (ito.train or ito.load): the MLP's EMA weights and the forward SDE\n"
                    "it was trained with. score(x, t), sample(...), nll(x), save(path).")
      .def_property_readonly("sde", [](const model& mo) { return sde_object(mo.sde); }, "the forward SDE.")
      .def_property_readonly("dim", &model::dim, "data dimension d.")
      .def_property_readonly("steps", [](const model& mo) { return mo.ckpt.step; }, "optimizer steps done.")
      .def_property_readonly("prediction", [](const model& mo) { return mo.ckpt.prediction; },
                             "what the network predicts: eps, score, x0 or v.")
      .def_property_readonly("num_params", [](const model& mo) { return mo.ckpt.arch.num_params(); })
      .def(
          "score",
          [](const model& mo, py::handle x, double t) {
            ensemble<double> Y = to_ensemble<double>(x, "x", mo.dim());
            const auto& norm = mo.ckpt.normalization;
            norm.to_model(Y);
            ensemble<double> out;
            dif::with_checkpoint_score(mo.ckpt, [&](const auto&, const auto& s) { s(Y, t, out); });
            // data units: y = (x - mean) / scale, so grad_x log p_x(x) = grad_y log p_y(y) / scale
            if (norm.active())
              for (index_t i = 0; i < out.rows(); ++i) out.row(i) /= norm.scale[std::size_t(i)];
            return own(std::move(out));
          },
          py::arg("x"), py::arg("t"),
          "score(x, t) -> (n, d): the network's estimate of grad_x log p_t(x) (in data units when the model\n"
          "was trained with a normalisation).")
      .def(
          "sample",
          [](py::object self, long long n, const std::string& sampler, py::handle steps, py::handle nfe,
             std::uint64_t seed, py::handle threads, const std::vector<double>& save_times) {
            const auto& mo = self.cast<const model&>();
            sample_args a;
            a.block_size = a.d = a.rtol = a.atol = py::none();  // the library's defaults
            a.sampler = sampler;
            a.steps = steps;
            a.nfe = nfe;
            a.seed = seed;
            a.threads = threads;
            a.save_times = save_times;
            return sample_any(mo.sde, self, n, a);
          },
          py::kw_only(), py::arg("n") = 1000, py::arg("sampler") = "em", py::arg("steps") = py::none(),
          py::arg("nfe") = py::none(), py::arg("seed") = 0, py::arg("threads") = py::none(),
          py::arg("save_times") = std::vector<double>{},
          "sample(*, n=1000, sampler='em', steps=None | nfe=None, seed=0, threads=None, save_times=[])\n"
          "-> SampleResult: ito.sample(model.sde, model, ...); threads=None uses all cores.")
      .def(
          "nll",
          [](const model& mo, py::handle x, double eps, double rtol, double atol, std::uint64_t seed,
             unsigned threads) {
            const auto X = to_ensemble<double>(x, "x", mo.dim());
            dif::likelihood_options o;
            o.eps = eps;
            o.ode.rtol = rtol;
            o.ode.atol = atol;
            o.seed = seed;
            o.threads = threads;
            dif::likelihood_result r;
            {
              py::gil_scoped_release nogil;
              r = dif::model_log_likelihood(mo.ckpt, X, o);
            }
            return likelihood_dict(r);
          },
          py::arg("x"), py::kw_only(), py::arg("eps") = 1e-5, py::arg("rtol") = 1e-5, py::arg("atol") = 1e-5,
          py::arg("seed") = 0, py::arg("threads") = 0,
          "nll(x, *, eps=1e-5, rtol=1e-5, atol=1e-5, seed=0, threads=0) -> dict: log p(x) per row by the\n"
          "probability-flow ODE (instantaneous change of variables, Song et al. 2021 eq. 39), in nats of the\n"
          "data's own units (a normalisation's log-Jacobian included):\n"
          "{'logp' (n,), 'prior_logp' (n,), 'mean_nll', 'nfe', 'exact', 'latent' (n, d)}.")
      .def(
          "save",
          [](const model& mo, const std::string& path) { dif::save_checkpoint(path, mo.ckpt); }, py::arg("path"),
          "save(path): write the checkpoint (atomically); `ito sample --model path` reads it.")
      .def("__repr__", [](const model& mo) {
        return "<ito.Model " + spec_of(mo.sde).kind + ", d = " + std::to_string(mo.dim()) + ", " +
               std::to_string(mo.ckpt.arch.width) + " x " + std::to_string(mo.ckpt.arch.depth) + ", " +
               std::to_string(mo.ckpt.step) + " steps>";
      });

  m.def("train", &train_model, py::arg("data"), py::kw_only(), py::arg("sde") = py::none(), py::arg("steps") = 2000,
        py::arg("batch") = 512, py::arg("width") = 128, py::arg("depth") = 3, py::arg("frequencies") = 16,
        py::arg("fourier_scale") = 4.0, py::arg("x_frequencies") = 16, py::arg("x_fourier_scale") = 1.0,
        py::arg("prediction") = "eps", py::arg("weighting") = "simple", py::arg("lr") = 1e-3, py::arg("warmup") = 100,
        py::arg("clip") = 1.0, py::arg("ema") = 0.999, py::arg("val_fraction") = 0.1, py::arg("normalize") = false,
        py::arg("seed") = 0,
        py::arg("threads") = 2, py::arg("progress") = py::none(), py::arg("every") = 100,
        R"doc(train(data, *, sde=VPSDE(), steps=2000, batch=512, width=128, depth=3, frequencies=16,
      fourier_scale=4.0, x_frequencies=16, x_fourier_scale=1.0, prediction="eps", weighting="simple",
      lr=1e-3, warmup=100, clip=1.0, ema=0.999, val_fraction=0.1, normalize=False, seed=0, threads=2,
      progress=None, every=100) -> Model

Denoising score matching (Vincent 2011; Song et al. 2021 eq. 7) of an MLP on `data` (n, d):
minimise E_t E ||net(x_t, t) - target||^2, x_t = a(t) x_0 + b(t) + s(t) z, with target z
(prediction "eps"), the score, x_0 or v; "likelihood" weighting uses lambda(t) = g(t)^2.
Network: `depth` hidden layers of `width`, 2 `frequencies` random Fourier features of t
(std fourier_scale) and 2 `x_frequencies` of x (std x_fourier_scale, in data units^-1).
Adam (lr, linear warm-up, global-norm clip), EMA weights (decay `ema`) for sampling.
normalize=True trains in y = (x - mean) / scale (per-dimension mean and standard deviation of the
data, stored in the checkpoint); the model then scores, samples and evaluates nll in data units.
Deterministic for a given seed and thread count. progress(dict) is called every `every` steps
with step, steps, loss, val_loss, seconds. The GIL is released while training.)doc");

  m.def(
      "load",
      [](const std::string& path) {
        return model::of(dif::load_checkpoint(path), path);
      },
      py::arg("path"),
      "load(path) -> Model: a checkpoint written by ito.train(...).save(path) or `ito train --out path`.\n"
      "Raises OSError if unreadable, ito.FormatError if corrupt or of another version.");

  m.def(
      "nll",
      [](py::handle sde, py::handle score, py::handle x, double eps, double rtol, double atol, std::uint64_t seed) {
        const auto X = to_ensemble<double>(x, "x");
        if (!py::isinstance<dif::gaussian_mixture>(score))
          throw ito::invalid_argument("score: ito.nll takes an ito.GMM (use Model.nll for a trained model)");
        const auto& g = score.cast<const dif::gaussian_mixture&>();
        ito::detail::require(X.rows() == g.dim(), "x", std::to_string(X.rows()) + " columns", "d = " + std::to_string(g.dim()));
        dif::likelihood_options o;
        o.eps = eps;
        o.ode.rtol = rtol;
        o.ode.atol = atol;
        o.seed = seed;
        const dif::runtime_forward_sde f(to_sde(sde));
        const dif::any_score<double> s(dif::gmm_score<dif::runtime_forward_sde>(g, f));
        dif::likelihood_result r;
        {
          py::gil_scoped_release nogil;
          r = dif::log_likelihood(f, s, X, o);
        }
        return likelihood_dict(r);
      },
      py::arg("sde"), py::arg("score"), py::arg("x"), py::kw_only(), py::arg("eps") = 1e-5, py::arg("rtol") = 1e-5,
      py::arg("atol") = 1e-5, py::arg("seed") = 0,
      "nll(sde, gmm, x, *, eps=1e-5, rtol=1e-5, atol=1e-5, seed=0) -> dict: log p(x) by the probability-flow ODE\n"
      "with the exact score of a GMM (compare with gmm.log_density(x)); keys as Model.nll.");

  // ---- data sets and metrics (wrapped by ito.datasets / ito.metrics) ----
  m.def(
      "_datasets_make",
      [](const std::string& name, long long n, std::uint64_t seed, const std::string& gmm) {
        require_count("n", n, 0);
        return own(dif::make_dataset(name, n, seed, gmm));
      },
      py::arg("name"), py::arg("n"), py::arg("seed") = 0, py::arg("gmm") = "");
  m.def("_datasets_names", &dif::dataset_names);
  m.def(
      "_metrics_compare",
      [](py::handle a, py::handle b, long long projections, std::uint64_t seed, long long max_points, double bandwidth) {
        const auto A = to_ensemble<double>(a, "a"), B = to_ensemble<double>(b, "b");
        dif::metric_options o;
        o.projections = projections;
        o.seed = seed;
        o.max_points = max_points;
        o.bandwidth = bandwidth;
        o.check();
        dif::sample_metrics s;
        {
          py::gil_scoped_release nogil;
          s = dif::compare(A, B, o);
        }
        py::dict d;
        d["sw1"] = s.sw1;
        d["mmd"] = s.mmd;
        d["energy"] = s.energy;
        d["bandwidth"] = s.bandwidth;
        return d;
      },
      py::arg("a"), py::arg("b"), py::arg("projections") = 500, py::arg("seed") = 0, py::arg("max_points") = 5000,
      py::arg("bandwidth") = 0.0);
  m.def(
      "_metrics_w1", [](std::vector<double> a, std::vector<double> b) { return dif::wasserstein1(std::move(a), std::move(b)); },
      py::arg("a"), py::arg("b"));
}

}  // namespace ito::python
