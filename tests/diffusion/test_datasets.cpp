// Built-in 2-D data sets: determinism by seed, shapes, geometry, the registry.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <ito/diffusion/datasets.hpp>
#include <string>

using namespace ito::diffusion;
using Eigen::Index;

TEST_CASE("datasets: every set is 2 x n, finite, deterministic by seed, different across seeds") {
  for (const auto& name : dataset_names()) {
    if (name == "gmm") continue;
    CAPTURE(name);
    const auto X = make_dataset(name, 1000, 7);
    CHECK(X.rows() == 2);
    CHECK(X.cols() == 1000);
    CHECK(X.allFinite());
    CHECK(X == make_dataset(name, 1000, 7));
    CHECK((X - make_dataset(name, 1000, 8)).cwiseAbs().maxCoeff() > 0.1);
    // unit spread: RMS distance to the mean per coordinate in [0.8, 1.25]
    const double rms = std::sqrt((X.colwise() - X.rowwise().mean()).squaredNorm() / (2.0 * 1000));
    CHECK(rms > 0.8);
    CHECK(rms < 1.25);
    CHECK(make_dataset(name, 0, 1).cols() == 0);
  }
}

TEST_CASE("datasets: rings lie on radii 0.5, 1, 1.5, 2 with equal shares and noise 0.08/1.5") {
  const Index n = 20000;
  const auto X = datasets::rings(n, 3);
  const auto radii = datasets::rings_radii();
  std::vector<double> count(4, 0);
  double ss = 0;
  for (Index j = 0; j < n; ++j) {
    const double r = X.col(j).norm();
    const std::size_t k = static_cast<std::size_t>(std::clamp(std::lround(r / 0.5) - 1, 0L, 3L));
    count[k] += 1;
    ss += (r - radii[k]) * (r - radii[k]);
  }
  for (double c : count) CHECK(std::abs(c / n - 0.25) < 5 * std::sqrt(0.25 * 0.75 / n));
  // radial residual ~ N(0, 0.0533^2) to first order: RMS within 5 sigma (se of a std ~ sigma / sqrt(2n))
  const double sigma = 0.08 / 1.5;
  CHECK(std::abs(std::sqrt(ss / n) - sigma) < 5 * sigma / std::sqrt(2.0 * n) + 0.002);
}

TEST_CASE("datasets: 8 gaussians cluster around 8 centres of radius sqrt(2)") {
  const Index n = 8000;
  const auto X = datasets::eight_gaussians(n, 1);
  double ss = 0;
  for (Index j = 0; j < n; ++j) {
    const double a = std::round(std::atan2(X(1, j), X(0, j)) / (datasets::pi / 4)) * datasets::pi / 4;
    const double r = 4 / 1.414 / 2;  // centre radius 1.41443 (toy_data.py's 4 / 1.414, halved)
    const double dx = X(0, j) - r * std::cos(a), dy = X(1, j) - r * std::sin(a);
    ss += dx * dx + dy * dy;
  }
  const double sigma = 0.5 / 1.414 / 2;  // per coordinate
  CHECK(std::sqrt(ss / (2.0 * n)) == doctest::Approx(sigma).epsilon(0.05));
}

TEST_CASE("datasets: checkerboard points lie on the dark squares of [-2, 2]^2") {
  const auto X = datasets::checkerboard(5000, 2);
  CHECK(X.cwiseAbs().maxCoeff() <= 2.0);
  Index light = 0;  // squares with floor(x) + floor(y) odd must stay empty
  for (Index j = 0; j < X.cols(); ++j)
    light += (static_cast<long>(std::floor(X(0, j))) + static_cast<long>(std::floor(X(1, j)))) % 2 != 0;
  CHECK(light == 0);
}

TEST_CASE("datasets: moons have mean (0, 0.2) and two halves") {
  const Index n = 20000;
  const auto X = datasets::two_moons(n, 5);
  const Eigen::VectorXd m = X.rowwise().mean();
  const Eigen::VectorXd sd = (X.colwise() - m).rowwise().norm() / std::sqrt(double(n));
  CHECK(std::abs(m(0) - 0.0) < 5 * sd(0) / std::sqrt(double(n)));
  CHECK(std::abs(m(1) - 0.2) < 5 * sd(1) / std::sqrt(double(n)));
}

TEST_CASE("datasets: registry errors and the gmm data set") {
  CHECK_THROWS_WITH_AS(make_dataset("spirals", 10, 0),
                       "dataset = 'spirals': unknown; expected one of 8gaussians, moons, swissroll, checkerboard, "
                       "rings, pinwheel, gmm",
                       ito::invalid_argument);
  CHECK_THROWS_WITH_AS(make_dataset("gmm", 10, 0), doctest::Contains("mixture JSON file"), ito::invalid_argument);
  CHECK_THROWS_AS(make_dataset("moons", -1, 0), ito::invalid_argument);
  const std::string path = (std::filesystem::temp_directory_path() / "ito_test_datasets_gmm.json").string();
  gaussian_mixture::vec mu(3);
  mu << 1, 2, 3;
  save_gmm(path, gaussian_mixture({1.0}, {mu}, {gaussian_mixture::mat::Identity(3, 3) * 0.01}));
  const auto X = make_dataset("gmm", 500, 4, path);
  CHECK(X.rows() == 3);
  CHECK(X.cols() == 500);
  CHECK((X.rowwise().mean() - mu).cwiseAbs().maxCoeff() < 5 * 0.1 / std::sqrt(500.0));
  CHECK(make_dataset("gmm:" + path, 500, 4) == X);
  std::filesystem::remove(path);
}
