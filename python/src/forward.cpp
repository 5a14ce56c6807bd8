// The forward SDEs (ito.VPSDE, VPCosineSDE, SubVPSDE, VESDE, OUSDE) and the Gaussian mixture
// (ito.GMM: density, score, and the exact score of its marginals under a forward SDE).
#include <boost/random/mersenne_twister.hpp>

#include "forward.hpp"

namespace ito::python {
namespace {

/// Members shared by every forward SDE class.
template <class F, class C>
void forward_members(C& c) {
  c.def("mean_coeff", &F::mean_coeff, py::arg("t"), "a(t): q(x_t | x_0) = N(a(t) x_0 + b(t), s(t)^2 I).")
      .def("mean_offset", &F::mean_offset, py::arg("t"), "b(t), the mean offset of q(x_t | x_0).")
      .def("std", &F::std, py::arg("t"), "s(t), the standard deviation of q(x_t | x_0).")
      .def("diffusion", &F::diffusion, py::arg("t"), "g(t): dX = f(X, t) dt + g(t) dW.")
      .def("drift_coeff", &F::drift_coeff, py::arg("t"), "c(t) in the drift f(x, t) = c(t) x + o(t).")
      .def("drift_offset", &F::drift_offset, py::arg("t"), "o(t) in the drift f(x, t) = c(t) x + o(t).")
      .def(
          "drift",
          [](const F& f, py::handle x, double t) {
            ensemble<double> X = to_ensemble<double>(x, "x"), out;
            f.drift(X, t, out);
            return own(std::move(out));
          },
          py::arg("x"), py::arg("t"), "drift(x, t) -> (n, d): f(x, t) = drift_coeff(t) x + drift_offset(t).")
      .def(
          "prior_sample",
          [](const F& f, long long n, long long d, std::uint64_t seed) {
            require_count("n", n, 0);
            require_count("d", d);
            boost::random::mt19937_64 eng(ito::sde::splitmix64(seed));
            return own(f.template prior_sample<double>(d, n, eng));
          },
          py::arg("n"), py::arg("d") = 2, py::arg("seed") = 0,
          "prior_sample(n, d=2, seed=0) -> (n, d): draws of the prior N(prior_mean, prior_std^2 I) at T.")
      .def(
          "prior_logp",
          [](const F& f, py::handle x) {
            const auto X = to_ensemble<double>(x, "x");
            return vector_array(f.prior_logp(X));
          },
          py::arg("x"), "prior_logp(x) -> (n,): log N(x; prior_mean, prior_std^2 I) in nats.")
      .def(
          "marginal_sample",
          [](const F& f, py::handle x0, double t, std::uint64_t seed) {
            ito::detail::require(t >= 0 && t <= f.T(), "t", t, "in [0, T]");
            const auto X = to_ensemble<double>(x0, "x0");
            boost::random::mt19937_64 eng(ito::sde::splitmix64(seed));
            return own(f.marginal_sample(X, t, eng));
          },
          py::arg("x0"), py::arg("t"), py::arg("seed") = 0,
          "marginal_sample(x0, t, seed=0) -> (n, d): x_t = a(t) x0 + b(t) + s(t) z, z ~ N(0, I)\n"
          "(the exact forward noising of each row of x0 to time t).")
      .def_property_readonly("T", &F::T, "final time T (the prior's time).")
      .def_property_readonly("eps", &F::eps, "smallest time the samplers reach.")
      .def_property_readonly("prior_mean", &F::prior_mean)
      .def_property_readonly("prior_std", &F::prior_std)
      .def_property_readonly("name", &F::name, "the checkpoint name: vp, vp-cosine, subvp, ve or ou.");
}

}  // namespace

void init_forward(py::module_& m) {
  using dif::linear_schedule;
  {
    py::class_<dif::vp_sde> c(m, "VPSDE",
                              "Variance-preserving SDE dX = -beta(t)/2 X dt + sqrt(beta(t)) dW, beta linear from\n"
                              "beta_min to beta_max on [0, 1] (Song et al. 2021; score_sde VPSDE). a(t) = exp(-B/2),\n"
                              "s(t) = sqrt(1 - exp(-B)), B(t) = int_0^t beta. Prior N(0, I).");
    c.def(py::init<double, double, double, double>(), py::kw_only(), py::arg("beta_min") = 0.1,
          py::arg("beta_max") = 20.0, py::arg("T") = 1.0, py::arg("eps") = 1e-3,
          "VPSDE(*, beta_min=0.1, beta_max=20.0, T=1.0, eps=1e-3)")
        .def("beta", [](const dif::vp_sde& f, double t) { return f.beta(t); }, py::arg("t"), "beta(t) = g(t)^2.")
        .def("__repr__", [](const dif::vp_sde& f) {
          return "ito.VPSDE(beta_min=" + ito::detail::to_text(f.schedule.beta_min) +
                 ", beta_max=" + ito::detail::to_text(f.schedule.beta_max) + ")";
        });
    forward_members<dif::vp_sde>(c);
  }
  {
    py::class_<dif::vp_cosine_sde> c(m, "VPCosineSDE",
                                     "VP SDE with the cosine schedule (Nichol & Dhariwal 2021): alpha_bar(t) =\n"
                                     "cos^2((t + s)/(1 + s) pi/2) / cos^2(s/(1 + s) pi/2); T < 1.");
    c.def(py::init<double, double, double>(), py::kw_only(), py::arg("s") = 0.008, py::arg("T") = 0.995,
          py::arg("eps") = 1e-3, "VPCosineSDE(*, s=0.008, T=0.995, eps=1e-3)")
        .def("__repr__", [](const dif::vp_cosine_sde& f) { return "ito.VPCosineSDE(s=" + ito::detail::to_text(f.schedule.s) + ")"; });
    forward_members<dif::vp_cosine_sde>(c);
  }
  {
    py::class_<dif::subvp_sde> c(m, "SubVPSDE",
                                 "sub-VP SDE dX = -beta/2 X dt + sqrt(beta (1 - exp(-2 B(t)))) dW (Song et al. 2021\n"
                                 "eq. 34): a(t) = exp(-B/2), s(t) = 1 - exp(-B). Prior N(0, I).");
    c.def(py::init<double, double, double, double>(), py::kw_only(), py::arg("beta_min") = 0.1,
          py::arg("beta_max") = 20.0, py::arg("T") = 1.0, py::arg("eps") = 1e-3,
          "SubVPSDE(*, beta_min=0.1, beta_max=20.0, T=1.0, eps=1e-3)")
        .def("__repr__", [](const dif::subvp_sde&) { return std::string("ito.SubVPSDE()"); });
    forward_members<dif::subvp_sde>(c);
  }
  {
    py::class_<dif::ve_sde> c(m, "VESDE",
                              "Variance-exploding SDE dX = sqrt(d sigma^2/dt) dW, sigma(t) = sigma_min\n"
                              "(sigma_max/sigma_min)^t: a(t) = 1, s(t) = sqrt(sigma(t)^2 - sigma_min^2).\n"
                              "Prior N(0, sigma_max^2 I).");
    c.def(py::init<double, double, double, double>(), py::kw_only(), py::arg("sigma_min") = 0.01,
          py::arg("sigma_max") = 50.0, py::arg("T") = 1.0, py::arg("eps") = 1e-3,
          "VESDE(*, sigma_min=0.01, sigma_max=50.0, T=1.0, eps=1e-3)")
        .def("sigma", &dif::ve_sde::sigma, py::arg("t"), "sigma(t) = sigma_min (sigma_max/sigma_min)^t.")
        .def("__repr__", [](const dif::ve_sde& f) {
          return "ito.VESDE(sigma_min=" + ito::detail::to_text(f.sigma_min) + ", sigma_max=" + ito::detail::to_text(f.sigma_max) + ")";
        });
    forward_members<dif::ve_sde>(c);
  }
  {
    py::class_<ou_linear_sde> c(m, "OUSDE",
                                "Ornstein-Uhlenbeck forward SDE dX = beta(t)/(2 sigma^2) (mu - X) dt + sqrt(beta(t)) dW\n"
                                "with stationary law N(mu, sigma^2), beta linear (seed 000): a(t) = exp(-B/(2 sigma^2)),\n"
                                "b(t) = mu (1 - a), s(t)^2 = sigma^2 (1 - exp(-B/sigma^2)). VP is mu = 0, sigma = 1.");
    c.def(py::init([](double mu, double sigma, double beta_min, double beta_max, double T, double eps) {
            return ou_linear_sde(mu, sigma, linear_schedule{beta_min, beta_max}, T, eps);
          }),
          py::kw_only(), py::arg("mu") = 0.0, py::arg("sigma") = 1.0, py::arg("beta_min") = 0.1,
          py::arg("beta_max") = 20.0, py::arg("T") = 1.0, py::arg("eps") = 1e-3,
          "OUSDE(*, mu=0.0, sigma=1.0, beta_min=0.1, beta_max=20.0, T=1.0, eps=1e-3)")
        .def("beta", [](const ou_linear_sde& f, double t) { return f.beta(t); }, py::arg("t"), "beta(t) = g(t)^2.")
        .def("__repr__", [](const ou_linear_sde& f) {
          return "ito.OUSDE(mu=" + ito::detail::to_text(f.mu) + ", sigma=" + ito::detail::to_text(f.sigma) + ")";
        });
    forward_members<ou_linear_sde>(c);
  }

  // ---- Gaussian mixture ----
  using gmm = dif::gaussian_mixture;
  py::class_<gmm>(m, "GMM",
                  "Gaussian mixture p(x) = sum_k w_k N(x; mu_k, Sigma_k): exact density and score, and the exact\n"
                  "score of its marginal p_t under a forward SDE (p_t is the mixture with means a mu_k + b and\n"
                  "covariances a^2 Sigma_k + s^2 I). Usable directly as the `score` of ito.sample.")
      .def(py::init([](std::vector<double> w, py::handle means, py::handle covs) {
             auto mu = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(means);
             auto cv = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(covs);
             if (!mu || mu.ndim() != 2) throw ito::invalid_argument("means: expected an array of shape (K, d)");
             const index_t K = mu.shape(0), d = mu.shape(1);
             if (!cv || cv.ndim() != 3 || cv.shape(0) != K || cv.shape(1) != d || cv.shape(2) != d)
               throw ito::invalid_argument("covariances: expected an array of shape (K, d, d) = (" +
                                           std::to_string(K) + ", " + std::to_string(d) + ", " + std::to_string(d) + ")");
             std::vector<gmm::vec> mus;
             std::vector<gmm::mat> cs;
             for (index_t k = 0; k < K; ++k) {
               gmm::vec v(d);
               gmm::mat C(d, d);
               for (index_t i = 0; i < d; ++i) {
                 v(i) = mu.at(k, i);
                 for (index_t j = 0; j < d; ++j) C(i, j) = cv.at(k, i, j);
               }
               mus.push_back(v);
               cs.push_back(C);
             }
             return gmm(std::move(w), std::move(mus), std::move(cs));
           }),
           py::arg("weights"), py::arg("means"), py::arg("covariances"),
           "GMM(weights (K,), means (K, d), covariances (K, d, d)); weights > 0 summing to 1, covariances SPD.")
      .def_static("load", &dif::load_gmm, py::arg("path"),
                  "GMM.load(path): read {weights, means, covariances} JSON (the `ito` program's --oracle format).")
      .def("save", [](const gmm& g, const std::string& path) { dif::save_gmm(path, g); }, py::arg("path"),
           "save(path): write the mixture as JSON (atomically).")
      .def_property_readonly("dim", &gmm::dim)
      .def_property_readonly("components", &gmm::components)
      .def_property_readonly("weights", [](const gmm& g) { return vector_array(g.weights()); })
      .def_property_readonly("mean", [](const gmm& g) { return vector_array(g.mean()); }, "E x, shape (d,).")
      .def(
          "sample",
          [](const gmm& g, long long n, std::uint64_t seed) {
            require_count("n", n, 0);
            return own(g.sample(n, seed));
          },
          py::arg("n"), py::arg("seed") = 0, "sample(n, seed=0) -> (n, d) exact draws.")
      .def(
          "log_density", [](const gmm& g, py::handle x) { return vector_array(g.log_density(to_ensemble<double>(x, "x", g.dim()))); },
          py::arg("x"), "log_density(x) -> (n,): log p(x) in nats (log-sum-exp).")
      .def(
          "density", [](const gmm& g, py::handle x) { return vector_array(g.density(to_ensemble<double>(x, "x", g.dim()))); },
          py::arg("x"), "density(x) -> (n,): p(x).")
      .def(
          "score", [](const gmm& g, py::handle x) { return own(g.score(to_ensemble<double>(x, "x", g.dim()))); },
          py::arg("x"), "score(x) -> (n, d): grad_x log p(x) = sum_k r_k(x) Sigma_k^{-1} (mu_k - x).")
      .def(
          "marginal",
          [](const gmm& g, py::handle sde, double t) {
            return std::visit([&](const auto& f) { return dif::diffuse(g, f.mean_coeff(t), f.mean_offset(t), f.std(t)); },
                              to_sde(sde));
          },
          py::arg("sde"), py::arg("t"), "marginal(sde, t) -> GMM: the law p_t of x_t = a(t) x_0 + b(t) + s(t) z.")
      .def(
          "score_at",
          [](const gmm& g, py::handle sde, py::handle x, double t) {
            return std::visit(
                [&](const auto& f) {
                  const dif::gmm_score<std::decay_t<decltype(f)>> s(g, f);
                  ensemble<double> out;
                  s(to_ensemble<double>(x, "x", g.dim()), t, out);
                  return own(std::move(out));
                },
                to_sde(sde));
          },
          py::arg("sde"), py::arg("x"), py::arg("t"),
          "score_at(sde, x, t) -> (n, d): the exact score grad_x log p_t(x) of the data's marginal at time t.")
      .def("__repr__", [](const gmm& g) {
        return "ito.GMM(components=" + std::to_string(g.components()) + ", dim=" + std::to_string(g.dim()) + ")";
      });
}

}  // namespace ito::python
