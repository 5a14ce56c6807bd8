// ito.sample: any sampler, any forward SDE, with a score that is a Python callable, an ito.GMM
// (its exact score) or an ito.Model (a trained network), as the library's any_score under the
// run-time forward SDE: the samplers are those the library compiled once (src/samplers.cpp).
#include <ito/diffusion/samplers/adaptive_dpmpp_sde.hpp>
#include <ito/diffusion/train.hpp>

#include "forward.hpp"

namespace ito::python {
namespace {

/// Score evaluations per grid step of each sampler (for nfe = ...).
index_t evals_per_step(dif::sampler_kind k, index_t corrector_steps) {
  switch (k) {
    case dif::sampler_kind::pc: return 1 + corrector_steps;
    case dif::sampler_kind::ald: return std::max<index_t>(1, corrector_steps);
    case dif::sampler_kind::ode: return 4;  // fixed-step RK4 when nfe is given
    case dif::sampler_kind::sra1: return 2;  // two drift stages per step
    default: return 1;
  }
}

/// The score source as a library score for forward SDE sde (its dimension: score.dim()); the model
/// (if any) whose normalisation maps the samples back to data units.
std::pair<dif::any_score<double>, const model*> score_of(const dif::runtime_forward_sde& sde, py::handle score,
                                                          py::handle d_obj) {
  if (py::isinstance<dif::gaussian_mixture>(score)) {
    const auto& g = score.cast<const dif::gaussian_mixture&>();
    return {dif::any_score<double>(dif::gmm_score<dif::runtime_forward_sde>(g, sde)), nullptr};
  }
  if (py::isinstance<model>(score)) {
    const auto& mo = score.cast<const model&>();
    const auto theirs = spec_of(mo.sde), ours = sde.spec();
    if (theirs.kind != ours.kind || theirs.to_numbers() != ours.to_numbers())
      throw ito::invalid_argument("sde: differs from the forward SDE the model was trained with (" + theirs.kind +
                                  "); pass model.sde or use model.sample()");
    return {dif::any_score<double>(dif::network_score_from_checkpoint<dif::runtime_forward_sde, float>(sde, mo.ckpt, 1)),
            &mo};
  }
  if (!PyCallable_Check(score.ptr()))
    throw ito::invalid_argument("score: expected a callable score(x, t) -> (n, d), an ito.GMM or an ito.Model");
  if (d_obj.is_none())
    throw ito::invalid_argument("d: give the data dimension d when the score is a Python callable");
  const long long d = d_obj.cast<long long>();
  require_count("d", d);
  return {dif::any_score<double>(callable_score{batch_callable<double>{score, "score(x, t)"}, index_t(d)}), nullptr};
}

}  // namespace

py::object sample_any(const any_sde& sde_v, py::handle score, long long n, const sample_args& a) {
  require_count("n", n);
  const bool adaptive = dif::parse_adaptive_sampler(a.sampler).has_value();
  const auto kind = adaptive ? dif::sampler_kind::em : dif::parse_sampler(a.sampler);
  dif::sampler_options opt;
  opt.seed = a.seed;
  opt.snr = a.snr;
  opt.corrector_steps = a.corrector_steps;
  opt.eta = a.eta;
  opt.t_end = a.t_end;
  opt.step_size = a.step_size;
  opt.save_times = a.save_times;
  std::optional<ito::sde::adaptive_options> control;
  if (adaptive) {
    control = dif::default_adaptive_sampler_control();
    if (!a.rtol.is_none()) control->rtol = a.rtol.cast<double>();
    if (!a.atol.is_none()) control->atol = a.atol.cast<double>();
    control->validate();
  } else {
    opt.ode.rtol = a.rtol.is_none() ? 1e-5 : a.rtol.cast<double>();
    opt.ode.atol = a.atol.is_none() ? 1e-5 : a.atol.cast<double>();
  }
  if (!a.steps.is_none() && !a.nfe.is_none()) throw ito::invalid_argument("steps and nfe: give one of them, not both");
  if (adaptive && !(a.steps.is_none() && a.nfe.is_none()))
    throw ito::invalid_argument("steps / nfe: not used by sampler = " + a.sampler + " (its steps follow rtol, atol)");
  if (!a.nfe.is_none()) {
    const long long nfe = a.nfe.cast<long long>();
    const index_t per = evals_per_step(kind, a.corrector_steps);
    ito::detail::require(nfe >= per && nfe % per == 0, "nfe", nfe,
                         "a positive multiple of " + std::to_string(per) + " (score evaluations per step of " +
                             a.sampler + ")");
    opt.steps = nfe / per;
    if (kind == dif::sampler_kind::ode) opt.ode.adaptive = false;
  } else if (!a.steps.is_none()) {
    opt.steps = a.steps.cast<long long>();
    require_count("steps", opt.steps);
  } else {
    opt.steps = 500;
  }
  const dif::runtime_forward_sde sde(sde_v);
  auto [sc, mo] = score_of(sde, score, a.d);
  const bool python_callable = !mo && !py::isinstance<dif::gaussian_mixture>(score);
  // A Python score runs on one thread in one block (one call per step) unless asked otherwise.
  opt.threads = a.threads.is_none() ? (python_callable ? 1u : 0u) : a.threads.cast<unsigned>();
  opt.block_size = a.block_size.is_none() ? (python_callable ? index_t(n) : index_t(512))
                                           : a.block_size.cast<index_t>();
  require_count("block_size", opt.block_size);
  opt.validate();
  dif::sample_result<double> r;
  {
    py::gil_scoped_release nogil;
    r = run_sampler(sde, sc, index_t(n), a.sampler, opt, control);
    if (mo) {  // model units -> data units (as ito::diffusion::sample_model)
      mo->ckpt.normalization.to_data(r.samples);
      for (auto& x : r.trajectory) mo->ckpt.normalization.to_data(x);
    }
  }
  return py::cast(std::move(r));
}

void init_sample(py::module_& m) {
  using res = dif::sample_result<double>;
  py::class_<res>(m, "SampleResult",
                  "Result of ito.sample: samples (n, d) at t_end, trajectory (list of (n, d) at the save\n"
                  "times), times, nfe (score evaluations per sample), score_calls (batch calls), seconds.")
      .def_property_readonly("samples", [](py::object self) { return view(self.cast<const res&>().samples, self); })
      .def_property_readonly("trajectory",
                             [](py::object self) {
                               py::list l;
                               for (const auto& x : self.cast<const res&>().trajectory) l.append(view(x, self));
                               return l;
                             })
      .def_property_readonly("times", [](const res& r) { return vector_array(r.times); })
      .def_readonly("nfe", &res::nfe)
      .def_readonly("score_calls", &res::score_calls)
      .def_readonly("seconds", &res::seconds)
      .def_readonly("sampler", &res::sampler)
      .def("__repr__", [](const res& r) {
        return "<ito.SampleResult " + r.sampler + ": " + std::to_string(r.samples.cols()) + " samples, nfe " +
               ito::detail::to_text(r.nfe) + ">";
      });

  m.def(
      "sample",
      [](py::handle sde, py::handle score, long long n, const std::string& sampler, py::handle steps, py::handle nfe,
         std::uint64_t seed, py::handle threads, py::handle block_size, const std::vector<double>& save_times,
         py::handle d, double snr, long long corrector_steps, double eta, double t_end, double step_size,
         py::handle rtol, py::handle atol) {
        sample_args a;
        a.sampler = sampler;
        a.steps = steps;
        a.nfe = nfe;
        a.seed = seed;
        a.threads = threads;
        a.block_size = block_size;
        a.save_times = save_times;
        a.d = d;
        a.snr = snr;
        a.corrector_steps = corrector_steps;
        a.eta = eta;
        a.t_end = t_end;
        a.step_size = step_size;
        a.rtol = rtol;
        a.atol = atol;
        return sample_any(to_sde(sde), score, n, a);
      },
      py::arg("sde"), py::arg("score"), py::kw_only(), py::arg("n") = 1000, py::arg("sampler") = "em",
      py::arg("steps") = py::none(), py::arg("nfe") = py::none(), py::arg("seed") = 0, py::arg("threads") = py::none(),
      py::arg("block_size") = py::none(), py::arg("save_times") = std::vector<double>{}, py::arg("d") = py::none(),
      py::arg("snr") = 0.16, py::arg("corrector_steps") = 1, py::arg("eta") = 0.0, py::arg("t_end") = -1.0,
      py::arg("step_size") = -1.0, py::arg("rtol") = py::none(), py::arg("atol") = py::none(),
      R"doc(sample(sde, score, *, n=1000, sampler="em", steps=None | nfe=None, seed=0, threads=None,
       block_size=None, save_times=[], d=None, snr=0.16, corrector_steps=1, eta=0.0, t_end=-1.0,
       step_size=-1.0, rtol=None, atol=None) -> SampleResult

Draw n samples by integrating from the prior at T back to t_end (default sde.eps) with the score
s(x, t) ~ grad_x log p_t(x):
  reverse SDE   dX = [f(X, t) - g(t)^2 s(X, t)] dt + g(t) dW-bar  ("em", "sra1", "rd", "pc")
  ODE           dX/dt = f(X, t) - g(t)^2 s(X, t) / 2               ("ode": probability flow)
  and "ddpm", "ddim" (eta), "langevin", "ald" (annealed Langevin);
  "adaptive": the reverse SDE with adaptive steps, the Euler / improved-Euler pair with the
  mixed tolerance |X'' - X'| / (atol + rtol max(|X|, |X''|)) (Jolicoeur-Martineau et al. 2021,
  Algorithm 1), rtol = atol = 1e-2 by default; steps, nfe and save_times are not used; .nfe is
  the mean number of score evaluations per sample. "adaptive-dpmpp-sde": SDE-DPM-Solver++(2M)
  with per-sample steps from the same mixed tolerance on its embedded first/second-order
  difference (one evaluation per accepted step; rejections cost none). (A Python score is called once per distinct
  time: prefer an ito.GMM or ito.Model score with it.)
score: a Python callable score(x, t) -> (n, d) on the whole batch (give d=), e.g. a numpy
function, or a PyTorch model wrapped as
    lambda x, t: model(torch.from_numpy(x), t).detach().numpy()
(x is a read-only float64 view valid during the call); an ito.GMM (its exact score under `sde`,
no Python per step); or an ito.Model from ito.train / ito.load.
steps: grid steps (default 500); or nfe: score evaluations per sample (steps = nfe / evaluations
per step: pc 1 + corrector_steps, sra1 2, ode 4 with fixed-step RK4). "ode" with steps uses adaptive
dopri5 (rtol, atol; default 1e-5 each). A Python score runs on one thread in one block (one call per step); the GIL
is released otherwise. save_times: forward times on the sampler's grid t_k = T - k (T - t_end) / steps
whose states go into .trajectory. An ito.Model trained with a data normalisation samples in the
data's own units.)doc");

}

}  // namespace ito::python
