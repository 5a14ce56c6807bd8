// Denoising score matching: the loss goes down, and a small trained model
// recovers the exact score of a Gaussian data set.
#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/train.hpp>

using namespace ito::diffusion;

namespace {
train_options small_options(prediction p, std::uint64_t seed) {
  train_options o;
  o.arch.width = 48;
  o.arch.depth = 2;
  o.output = p;
  o.batch = 256;
  o.seed = seed;
  o.threads = 2;
  o.adam.lr = 2e-3;
  o.ema = 0.99;
  return o;
}

ensemble<double> gaussian_data(ito::sde::index_t d, ito::sde::index_t n, double mu, double sd, std::uint64_t seed) {
  boost::random::mt19937_64 rng(seed);
  boost::random::normal_distribution<double> z;
  ensemble<double> X(d, n);
  for (ito::sde::index_t i = 0; i < X.size(); ++i) X.data()[i] = mu + sd * z(rng);
  return X;
}
}  // namespace

TEST_CASE("train: the loss decreases and the validation loss is reported") {
  const auto data = make_dataset("8gaussians", 4000, 1);
  trainer<vp_sde> tr(vp_sde{}, data, small_options(prediction::eps, 3));
  CHECK(tr.train_size() == 3600);
  CHECK(tr.val_size() == 400);
  const double val0 = tr.validation_loss();
  double first = 0, last = 0;
  for (int i = 0; i < 20; ++i) first += tr.step();
  tr.run(400);
  for (int i = 0; i < 20; ++i) last += tr.step();
  CHECK(tr.steps_done() == 420);  // run(n) trains until n steps in total
  CHECK(last < 0.8 * first);
  CHECK(tr.validation_loss() < 0.8 * val0);
  std::vector<train_progress> seen;
  tr.run(500, [&](const train_progress& p) { seen.push_back(p); }, 20);
  REQUIRE(seen.size() == 4);  // steps 440, 460, 480, 500
  CHECK(seen.back().step == 500);
  CHECK(std::isfinite(seen.back().val_loss));
  CHECK(seen.back().steps_per_second > 0);
}

TEST_CASE("train: a small model learns the exact score of a Gaussian (eps, score, x0 and v outputs)") {
  // data N(mu, sd^2) in 2-D; under the VP SDE p_t = N(m mu, (m sd)^2 + s^2): score = -(x - m mu) / v.
  const double mu = 1.0, sd = 0.5;
  const auto data = gaussian_data(2, 8000, mu, sd, 7);
  for (auto p : {prediction::eps, prediction::score, prediction::x0, prediction::v}) {
    const std::string name = to_string(p);
    CAPTURE(name);
    trainer<vp_sde> tr(vp_sde{}, data, small_options(p, 11));
    tr.run(1500);
    auto model = tr.score_model();
    boost::random::mt19937_64 rng(99);
    boost::random::normal_distribution<double> z;
    // eps- and v-prediction are accurate down to small t; score and x0 outputs amplify the
    // network's error by 1/s and 1/s^2 there, so they are checked from t = 0.2.
    for (double t : {0.05, 0.2, 0.5, 0.9}) {
      if ((p == prediction::score || p == prediction::x0) && t < 0.1) continue;
      vp_sde f;
      const double m = f.mean_coeff(t), s = f.std(t), v = m * m * sd * sd + s * s;
      ensemble<double> X(2, 2000), got, exact(2, 2000);
      for (ito::sde::index_t i = 0; i < X.size(); ++i) X.data()[i] = m * mu + std::sqrt(v) * z(rng);
      model(X, t, got);
      exact = -(X.array() - m * mu) / v;
      // relative L2 error ||s_theta - s|| / ||s|| over the 2000 points
      const double rel = (got - exact).norm() / exact.norm();
      CAPTURE(t);
      MESSAGE(name << " t = " << t << ": relative L2 error " << rel);
      // bounds about 1.5x the largest errors measured with this seed, with both the
      // earlier mt19937 minibatch/time draws and the counter-based ones (max over
      // outputs: 0.15 / 0.055 / 0.021 at t < 0.1 / < 0.3 / above; README: training)
      CHECK(rel < (t < 0.1 ? 0.2 : t < 0.3 ? 0.08 : 0.03));
    }
  }
}

TEST_CASE("train: a const network_score is callable and knows its dimension") {
  const auto data = gaussian_data(2, 500, 0.0, 1.0, 3);
  trainer<vp_sde> tr(vp_sde{}, data, small_options(prediction::eps, 2));
  tr.run(3);
  const auto model = tr.score_model();
  CHECK(model.dim() == 2);
  const auto X = gaussian_data(2, 10, 0.0, 1.0, 5);
  ensemble<double> out;
  Eigen::Matrix<double, 1, Eigen::Dynamic> div;
  model(X, 0.5, out);
  model.divergence(X, 0.5, div);
  CHECK(out.rows() == 2);
  CHECK(out.allFinite());
  CHECK(div.size() == 10);
}

TEST_CASE("train: threads = 0 (all cores, the default) trains the same bits as one thread") {
  const auto data = make_dataset("8gaussians", 1500, 4);
  train_options o = small_options(prediction::eps, 5);
  o.batch = 600;  // three column tasks of the network, one partial
  CHECK(train_options{}.threads == 0u);
  o.threads = 1;
  trainer<vp_sde> one(vp_sde{}, data, o);
  o.threads = 0;
  trainer<vp_sde> all(vp_sde{}, data, o);
  one.run(15);
  all.run(15);
  CHECK(one.network().params() == all.network().params());
  CHECK(one.validation_loss() == all.validation_loss());
  o.threads = 3;  // more threads than cores
  trainer<vp_sde> three(vp_sde{}, data, o);
  three.run(15);
  CHECK(one.network().params() == three.network().params());
  o.seed = 6;  // and the comparison can fail: another seed trains other weights
  trainer<vp_sde> other(vp_sde{}, data, o);
  other.run(15);
  CHECK(one.network().params() != other.network().params());
}

TEST_CASE("train: minibatch picks and times are counter-based draws of (seed, step, column) with the right law") {
  const auto data = make_dataset("8gaussians", 1000, 4);
  trainer<vp_sde> tr(vp_sde{}, data, small_options(prediction::eps, 5));
  const auto n = tr.train_size();  // 900
  const vp_sde f;
  // a pure function: the same answer before and after training, and from another trainer
  const auto d0 = tr.draw_at(7, 3);
  tr.run(5);
  trainer<vp_sde> again(vp_sde{}, data, small_options(prediction::eps, 5));
  CHECK(tr.draw_at(7, 3).index == d0.index);
  CHECK(tr.draw_at(7, 3).t == d0.t);
  CHECK(again.draw_at(7, 3).t == d0.t);
  // law over 200 steps x 500 columns: index uniform on [0, n) (chi^2 on 10 cells of
  // 90 indices), t uniform on (eps, T) (mean and variance against theirs, 5 se)
  const int cells = 10;
  std::vector<double> count(cells, 0.0);
  double st = 0, st2 = 0;
  const double N = 200.0 * 500.0, a = f.eps(), b = f.T();
  for (std::uint64_t s = 0; s < 200; ++s)
    for (ito::sde::index_t j = 0; j < 500; ++j) {
      const auto d = tr.draw_at(s, j);
      REQUIRE(d.index >= 0);
      REQUIRE(d.index < n);
      REQUIRE(d.t > a);
      REQUIRE(d.t < b);
      count[static_cast<std::size_t>(d.index * cells / n)] += 1;
      const double u = (d.t - a) / (b - a);
      st += u;
      st2 += (u - 0.5) * (u - 0.5);
    }
  double chi2 = 0;
  for (double c : count) chi2 += (c - N / cells) * (c - N / cells) / (N / cells);
  MESSAGE("picks: chi^2 = " << chi2 << " on " << cells - 1 << " degrees of freedom");
  CHECK(chi2 < 9 + 5 * std::sqrt(2.0 * 9));  // mean 9, sd sqrt(18)
  // u ~ U(0,1): mean 1/2 (sd 1/sqrt(12 N)); E (u - 1/2)^2 = 1/12 (sd of one term sqrt(1/80 - 1/144))
  CHECK(std::abs(st / N - 0.5) < 5 / std::sqrt(12 * N));
  CHECK(std::abs(st2 / N - 1.0 / 12) < 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / N));
}

TEST_CASE("train: network_score divergence is the trace of the score's Jacobian") {
  const auto data = gaussian_data(2, 1000, 0.0, 1.0, 3);
  for (auto p : {prediction::eps, prediction::score, prediction::x0, prediction::v}) {
    trainer<vp_sde> tr(vp_sde{}, data, small_options(p, 1));
    tr.run(20);
    auto model = tr.score_model();
    const auto X = gaussian_data(2, 50, 0.0, 1.0, 4);
    Eigen::Matrix<double, 1, Eigen::Dynamic> div;
    model.divergence(X, 0.4, div);
    ensemble<double> sp, sm;
    Eigen::Matrix<double, 1, Eigen::Dynamic> fd = Eigen::Matrix<double, 1, Eigen::Dynamic>::Zero(50);
    const double h = 1e-2;  // the network is float: a wide step, quadratic error
    for (int j = 0; j < 2; ++j) {
      ensemble<double> Xp = X, Xm = X;
      Xp.row(j).array() += h;
      Xm.row(j).array() -= h;
      model(Xp, 0.4, sp);
      model(Xm, 0.4, sm);
      fd += (sp.row(j) - sm.row(j)) / (2 * h);
    }
    CHECK((div - fd).cwiseAbs().maxCoeff() < 2e-2 * std::max(1.0, fd.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("train: bad options are rejected with the argument named") {
  const auto data = gaussian_data(2, 100, 0.0, 1.0, 3);
  train_options o;
  o.batch = 0;
  CHECK_THROWS_WITH_AS(trainer<vp_sde>(vp_sde{}, data, o), doctest::Contains("batch"), ito::invalid_argument);
  o = train_options{};
  o.val_fraction = 1.0;
  CHECK_THROWS_WITH_AS(trainer<vp_sde>(vp_sde{}, data, o), doctest::Contains("val"), ito::invalid_argument);
  CHECK_THROWS_AS(parse_prediction("w"), ito::invalid_argument);
}
