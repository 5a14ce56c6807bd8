// The score network: shapes, hand-written gradients against central finite
// differences (double precision), exact divergence, determinism and threading.
#include <doctest/doctest.h>

#include <tuple>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <ito/diffusion/nn/mlp.hpp>

using namespace ito::diffusion::nn;
using dmlp = mlp<double>;

namespace {

template <class S>
Eigen::Matrix<S, -1, -1> randn(Eigen::Index r, Eigen::Index c, std::uint64_t seed) {
  boost::random::mt19937_64 rng(seed);
  boost::random::normal_distribution<double> n;
  Eigen::Matrix<S, -1, -1> m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<S>(n(rng));
  return m;
}

template <class S>
Eigen::Matrix<S, 1, -1> times(Eigen::Index n, std::uint64_t seed) {
  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_real_distribution<double> u(0.01, 1.0);
  Eigen::Matrix<S, 1, -1> t(n);
  for (auto& v : t) v = static_cast<S>(u(rng));
  return t;
}

// L(theta) = sum(out .* R): dL/dout = R.
double loss(dmlp& net, const dmlp::matrix& X, const dmlp::row_vector& t, const dmlp::matrix& R) {
  dmlp::matrix out;
  net(X, t, out);
  return (out.array() * R.array()).sum();
}

// Largest relative error between grad() and central differences of loss(),
// over parameters 0, stride, 2 stride, ...
double worst_gradient_error(dmlp& net, const dmlp::matrix& X, const dmlp::row_vector& t, const dmlp::matrix& R,
                            Eigen::Index stride) {
  dmlp::matrix out;
  net.forward(X, t, out);
  net.backward(R);
  const dmlp::vector g = net.grad();
  const double h = 1e-6;
  double worst = 0;
  for (Eigen::Index i = 0; i < net.num_params(); i += stride) {
    const double keep = net.params()(i);
    net.params()(i) = keep + h;
    const double lp = loss(net, X, t, R);
    net.params()(i) = keep - h;
    const double lm = loss(net, X, t, R);
    net.params()(i) = keep;
    const double fd = (lp - lm) / (2 * h);
    worst = std::max(worst, std::abs(fd - g(i)) / std::max({std::abs(fd), std::abs(g(i)), 1e-3}));
  }
  return worst;
}

}  // namespace

TEST_CASE("mlp: config, parameter count and forward shapes") {
  mlp_config c;
  CHECK(c.x_frequencies == 16);  // the default (library and ito train): 2G = 32 x features
  CHECK(c.input_dim() == 2 + 32 + 32);
  c.x_frequencies = 0;  // the reference network 2 + 32 -> 128 -> 128 -> 128 -> 2
  CHECK(c.input_dim() == 34);
  CHECK(c.num_params() == 128 * 35 + 2 * 128 * 129 + 2 * 129);
  mlp<float> net(c);
  CHECK(net.num_params() == c.num_params());
  CHECK(net.frequencies().size() == 16);
  mlp<float>::matrix X = randn<float>(2, 37, 1), out;
  net(X, 0.5f, out);
  CHECK(out.rows() == 2);
  CHECK(out.cols() == 37);
  CHECK(out.allFinite());
  CHECK_THROWS_AS(net(randn<float>(3, 5, 1), 0.5f, out), ito::invalid_argument);
  mlp_config bad;
  bad.depth = 0;
  CHECK_THROWS_AS(mlp<float>{bad}, ito::invalid_argument);
}

TEST_CASE("mlp: every gradient matches central finite differences (double)") {
  mlp_config c;
  c.dim = 3;
  c.width = 7;
  c.depth = 3;
  c.frequencies = 4;
  c.fourier_scale = 2.0;
  c.seed = 11;
  for (Eigen::Index G : {0, 5}) {  // without and with random Fourier features of x
    c.x_frequencies = G;
    c.x_fourier_scale = 0.7;
    for (unsigned threads : {1u, 2u}) {
      dmlp net(c, threads);
      CHECK(net.num_params() == 7 * (3 + 2 * G + 8 + 1) + 2 * 7 * 8 + 3 * 8);
      const auto X = randn<double>(3, 9, 2);
      const auto t = times<double>(9, 3);
      const auto R = randn<double>(3, 9, 4);
      const double worst = worst_gradient_error(net, X, t, R, 1);
      CAPTURE(threads);
      CAPTURE(G);
      CHECK(worst < 1e-6);
    }
  }
}

TEST_CASE("mlp: x features are sin and cos of 2 pi B x, B ~ N(0, scale^2), drawn after w") {
  mlp_config c;
  c.seed = 9;
  const mlp<double> plain(c);
  c.x_frequencies = 3;
  c.x_fourier_scale = 2.5;
  const mlp<double> featured(c);
  // the time frequencies are the same draws with or without x features
  CHECK(featured.frequencies() == plain.frequencies());
  REQUIRE(featured.x_frequencies().rows() == 3);
  REQUIRE(featured.x_frequencies().cols() == 2);
  CHECK(featured.x_frequencies().allFinite());
  CHECK(featured.x_frequencies().cwiseAbs().maxCoeff() > 0);
  // a network whose first layer reads only the sin feature of projection 0:
  // out_0 = W_out silu(W_0 a + b) with W_0 = e_0 (row of the sin(2 pi B_0 x) input)
  mlp_config one;
  one.dim = 2;
  one.width = 1;
  one.depth = 1;
  one.frequencies = 0;
  one.x_frequencies = 1;
  mlp<double> net(one);
  net.x_frequencies() << 0.25, -0.5;
  net.params().setZero();
  net.params()(2) = 1.0;                   // W_0 (1 x 4): [x1 x2 sin cos] -> reads sin
  net.params()(5) = 1.0;                   // W_1 (2 x 1) row 0
  dmlp::matrix X(2, 1), out;
  X << 0.3, 0.1;
  net(X, 0.5, out);
  const double a = std::sin(2 * 3.141592653589793 * (0.25 * 0.3 - 0.5 * 0.1));
  CHECK(out(0, 0) == doctest::Approx(a / (1 + std::exp(-a))).epsilon(1e-14));
  CHECK(out(1, 0) == 0.0);
}

TEST_CASE("mlp: gradient of the reference architecture on sampled parameters") {
  mlp_config c;
  c.seed = 5;
  dmlp net(c, 2);
  const auto X = randn<double>(2, 6, 7);
  const auto t = times<double>(6, 8);
  const auto R = randn<double>(2, 6, 9);
  const double worst = worst_gradient_error(net, X, t, R, 97);  // every layer is visited
  CHECK(worst < 1e-6);
}

TEST_CASE("mlp: exact divergence matches finite differences of the output") {
  // with x features the tangent also passes through sin/cos(2 pi B x)
  for (Eigen::Index G : {0, 6}) {
    CAPTURE(G);
    mlp_config c;
    c.dim = 3;
    c.width = 16;
    c.depth = 2;
    c.frequencies = 4;
    c.x_frequencies = G;
    c.seed = 3;
    dmlp net(c, 2);
    const auto X = randn<double>(3, 300, 4);  // more than one inference block per thread
    const double t = 0.3;
    dmlp::row_vector div;
    net.divergence(X, t, div);
    REQUIRE(div.size() == 300);
    dmlp::matrix op, om;
    dmlp::row_vector fd = dmlp::row_vector::Zero(300);
    const double h = 1e-5;
    for (int j = 0; j < 3; ++j) {
      dmlp::matrix Xp = X, Xm = X;
      Xp.row(j).array() += h;
      Xm.row(j).array() -= h;
      net(Xp, t, op);
      net(Xm, t, om);
      fd += (op.row(j) - om.row(j)) / (2 * h);
    }
    CHECK((div - fd).cwiseAbs().maxCoeff() < 1e-7 * std::max(1.0, fd.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("mlp: identical bits for any thread count (fixed column tasks, gradients summed in task order)") {
  mlp_config c;
  c.seed = 42;
  const Eigen::Index N = 700;  // two full tasks of 256 columns and a partial one
  const auto X = randn<float>(2, N, 1);
  const auto t = times<float>(N, 2);
  const auto R = randn<float>(2, N, 3);
  auto run = [&](unsigned k) {
    mlp<float> net(c, k);
    mlp<float>::matrix out, inf;
    mlp<float>::row_vector div;
    net.forward(X, t, out);
    net.backward(R);
    mlp<float>::vector g = net.grad();
    net(X, 0.25f, inf);
    net.divergence(X, 0.25f, div);
    return std::make_tuple(out, g, inf, div);
  };
  const auto one = run(1);
  for (unsigned k : {2u, 3u, 0u}) {
    CAPTURE(k);
    const auto a = run(k);
    CHECK(std::get<0>(a) == std::get<0>(one));
    CHECK(std::get<1>(a) == std::get<1>(one));
    CHECK(std::get<2>(a) == std::get<2>(one));
    CHECK(std::get<3>(a) == std::get<3>(one));
  }
  // the inference path (blocked, no caches) equals the training forward
  mlp<float> net(c, 2);
  mlp<float>::matrix o1, o2;
  net(X, t, o1);
  net.forward(X, t, o2);
  CHECK((o1 - o2).norm() <= 1e-6f * o2.norm());
  // different seeds give different networks
  mlp_config c2 = c;
  c2.seed = 43;
  mlp<float> other(c2);
  CHECK(other.params() != net.params());
  CHECK(other.frequencies() != net.frequencies());
}
