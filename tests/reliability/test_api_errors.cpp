// Bad input at the library API: every class of bad argument or file throws the
// documented ito exception type (ito/sde/error.hpp) with a message that names
// the argument or file position; an SDE that blows up is reported per the NaN
// policy (solve_options::on_nan) with its step, time and path.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <unistd.h>

#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/csv.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/gmm.hpp>
#include <ito/diffusion/samplers.hpp>
#include <ito/diffusion/train.hpp>
#include <ito/sde/ou.hpp>
#include <ito/sde/solve.hpp>
#include <ito/sde/steppers/euler_maruyama.hpp>

namespace fs = std::filesystem;
namespace dif = ito::diffusion;
namespace sde = ito::sde;
using sde::ensemble;
using sde::matrix_t;

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

/// A scratch directory removed at the end of each test case.
struct scratch {
  fs::path dir = fs::temp_directory_path() / ("ito_api_errors_" + std::to_string(::getpid()));
  scratch() { fs::create_directories(dir); }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    const auto p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

dif::checkpoint small_checkpoint() {
  dif::checkpoint c;
  c.arch.dim = 2;
  c.arch.width = 3;
  c.arch.x_frequencies = 0;
  c.arch.depth = 1;
  c.arch.frequencies = 2;
  c.sde_name = "vp";
  c.sde_params = {0.1, 20.0};
  c.rng_state = "1 2";
  c.frequencies = {0.5, -1.0};
  const auto P = static_cast<std::size_t>(c.arch.num_params());
  c.params.assign(P, 0.25);
  c.ema = c.params;
  c.adam_m.assign(P, 0.0);
  c.adam_v.assign(P, 0.0);
  return c;
}

}  // namespace

TEST_CASE("forward SDE parameters: sigma_min >= sigma_max, beta_max < beta_min, eps outside [0, T), non-finite") {
  CHECK_THROWS_WITH_AS(dif::ve_sde(1.0, 1.0), doctest::Contains("sigma_max = 1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::ve_sde(2.0, 1.0), doctest::Contains("> sigma_min"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::ve_sde(-1.0, 1.0), doctest::Contains("sigma_min = -1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(5.0, 1.0), doctest::Contains("beta_max = 1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(k_nan, 1.0), doctest::Contains("beta_min"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(0.1, k_inf), doctest::Contains("beta_max = inf"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(0.1, 20, 1.0, 1.0), doctest::Contains("eps = 1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(0.1, 20, 1.0, -0.1), doctest::Contains("eps = -0.1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::vp_sde(0.1, 20, 0.0), doctest::Contains("T = 0"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::subvp_sde(3, 2), doctest::Contains("beta_max = 2"), ito::invalid_argument);
}

TEST_CASE("OU parameters and times") {
  CHECK_THROWS_WITH_AS(sde::scalar_ou(-1.0, 0.0, 1.0), doctest::Contains("kappa = -1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(sde::scalar_ou(1.0, k_nan, 1.0), doctest::Contains("theta"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(sde::scalar_ou(1.0, 0.0, -2.0), doctest::Contains("sigma = -2"), ito::invalid_argument);
}

TEST_CASE("solve options and problems: zero/negative steps, dt, paths; t1 <= t0; non-finite x0") {
  auto f = [](const ensemble<>& x, double, ensemble<>& out) { out = -x; };
  auto g = [](double, matrix_t<>& G) { G(0, 0) = 1; };
  CHECK_THROWS_WITH_AS(sde::make_additive_problem<double>(f, g, ensemble<>::Zero(1, 1), 1.0, 1.0, 1),
                       doctest::Contains("t1 = 1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(sde::make_additive_problem<double>(f, g, ensemble<>::Constant(1, 1, k_nan), 0.0, 1.0, 1),
                       doctest::Contains("x0"), ito::invalid_argument);
  const auto p = sde::make_additive_problem<double>(f, g, ensemble<>::Zero(1, 1), 0.0, 1.0, 1);
  sde::solve_options<> o;
  o.paths = 4;
  o.threads = 1;
  o.steps = -3;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("steps"), ito::invalid_argument);
  o.steps = 0;
  o.dt = -0.1;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("dt"), ito::invalid_argument);
  o.dt = 0;  // neither steps nor dt
  CHECK_THROWS_AS(sde::solve(p, sde::euler_maruyama{}, o), ito::invalid_argument);
  o.dt = k_nan;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("dt"), ito::invalid_argument);
  o.dt = 0.1;
  o.paths = -5;
  CHECK_THROWS_WITH_AS(sde::solve(p, sde::euler_maruyama{}, o), doctest::Contains("paths"), ito::invalid_argument);
}

TEST_CASE("blow-up dX = X^3 dt + dW from x0 = 2 with dt = 0.5: step, time and path, never silent NaN") {
  auto cube = [](const ensemble<>& x, double, ensemble<>& out) { out = x.array().cube().matrix(); };
  auto g = [](double, matrix_t<>& G) { G(0, 0) = 1; };
  const auto p = sde::make_additive_problem<double>(cube, g, ensemble<>::Constant(1, 1, 2.0), 0.0, 10.0, 1);
  sde::solve_options<> o;
  o.dt = 0.5;
  o.paths = 3;
  o.threads = 1;
  o.seed = 11;
  // default policy: throw, naming the step, the time and the path
  try {
    (void)sde::solve(p, sde::euler_maruyama{}, o);
    FAIL("no exception for a blow-up");
  } catch (const ito::numerical_error& e) {
    const std::string m = e.what();
    INFO(m);
    CHECK(m.find("non-finite state after step ") != std::string::npos);
    CHECK(m.find("(t = ") != std::string::npos);
    CHECK(m.find("in path ") != std::string::npos);
  }
  // stop policy: no throw, the summary says where; from x0 = 2 with dt = 0.5 the
  // deterministic part alone overflows within a few steps (2 -> 6 -> 114 -> ~7e5 -> ~2e17 -> ~3e51 -> inf)
  o.on_nan = sde::nan_policy::stop;
  const auto sol = sde::solve(p, sde::euler_maruyama{}, o);
  REQUIRE(sol.summary.blow_up.has_value());
  const auto& b = *sol.summary.blow_up;
  CHECK(b.step >= 1);
  CHECK(b.step <= 20);
  CHECK(b.time == doctest::Approx(0.5 * static_cast<double>(b.step)));
  CHECK(b.path >= 0);
  CHECK(b.path < 3);
  CHECK(b.component == 0);
}

TEST_CASE("CSV: nonexistent, directory, empty, non-numeric cell, ragged row, NaN/Inf -> io_error/format_error with file:line:column") {
  scratch s;
  CHECK_THROWS_WITH_AS(dif::read_csv((s.dir / "missing.csv").string()), doctest::Contains("missing.csv"), ito::io_error);
  // a directory cannot be read as a file (also for root, unlike chmod 000)
  CHECK_THROWS_AS(dif::read_csv(s.dir.string()), ito::io_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("empty.csv", "")), doctest::Contains("empty.csv:1:1: no data rows"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("hdr.csv", "x1,x2\n")), doctest::Contains("after the header"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("cell.csv", "x,y\n1,2\n3,abc\n")),
                       doctest::Contains("cell.csv:3:2: 'abc' is not a number"), ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("ragged.csv", "1,2,3\n4,5\n")), doctest::Contains("ragged.csv:2:3: ragged row"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("nan.csv", "1,2\nnan,4\n")), doctest::Contains("nan.csv:2:1: non-finite"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("inf.csv", "1,2\n3,-inf\n")), doctest::Contains("inf.csv:2:2: non-finite"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::read_csv(s.file("ovf.csv", "1,1e999\n")), doctest::Contains("ovf.csv:1:2"),
                       ito::format_error);
  // writing into a missing directory: io_error naming the path, nothing left behind
  const auto out = (s.dir / "no_such_dir" / "x.csv").string();
  CHECK_THROWS_WITH_AS(dif::write_csv(out, ensemble<>::Zero(2, 3)), doctest::Contains("no_such_dir/x.csv"), ito::io_error);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(s.dir / "no_such_dir"));  // and no temporary anywhere
}

TEST_CASE("GMM JSON: invalid JSON, non-PD covariance, weights not summing to 1, wrong dimension, missing key") {
  scratch s;
  CHECK_THROWS_AS(dif::load_gmm((s.dir / "none.json").string()), ito::io_error);
  CHECK_THROWS_WITH_AS(dif::load_gmm(s.file("trunc.json", "{\"weights\": [1")), doctest::Contains("invalid JSON"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(
      dif::load_gmm(s.file("notpd.json", R"({"weights":[1],"means":[[0,0]],"covariances":[[[1,2],[2,1]]]})")),
      doctest::Contains("notpd.json: gmm covariances[0]"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(
      dif::load_gmm(s.file("w.json", R"({"weights":[0.5,0.6],"means":[[0],[1]],"covariances":[[[1]],[[1]]]})")),
      doctest::Contains("sum of gmm weights = 1.1"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(
      dif::load_gmm(s.file("dim.json", R"({"weights":[1],"means":[[0,0,0]],"covariances":[[[1,0],[0,1]]]})")),
      doctest::Contains("dim.json: gmm covariances[0] shape"), ito::invalid_argument);
  CHECK_THROWS_WITH_AS(dif::load_gmm(s.file("key.json", R"({"weights":[1],"means":[[0]]})")),
                       doctest::Contains("key \"covariances\": missing"), ito::format_error);
  CHECK_THROWS_WITH_AS(
      dif::load_gmm(s.file("str.json", R"({"weights":[1],"means":[["a"]],"covariances":[[[1]]]})")),
      doctest::Contains("means[0][0]: expected a number"), ito::format_error);
  // evaluating at points of the wrong dimension
  const auto g = dif::load_gmm(s.file("ok.json", R"({"weights":[1],"means":[[0,0]],"covariances":[[[1,0],[0,1]]]})"));
  ensemble<> sc;
  CHECK_THROWS_WITH_AS(g.score(ensemble<>::Zero(3, 2), sc), doctest::Contains("points rows = 3"), ito::invalid_argument);
}

TEST_CASE("checkpoint: truncated, corrupted, wrong version, not a checkpoint, wrong dimension") {
  scratch s;
  const std::string good = dif::checkpoint_bytes(small_checkpoint());
  CHECK_NOTHROW(dif::parse_checkpoint(good, "good.ckpt"));
  CHECK_THROWS_AS(dif::load_checkpoint(s.dir / "none.ckpt"), ito::io_error);
  CHECK_THROWS_WITH_AS(dif::load_checkpoint(s.file("empty.ckpt", "")), doctest::Contains("empty.ckpt: truncated"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::parse_checkpoint(good.substr(0, good.size() - 5), "t.ckpt"),
                       doctest::Contains("t.ckpt: truncated checkpoint"), ito::format_error);
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x40;
  CHECK_THROWS_WITH_AS(dif::parse_checkpoint(bad, "c.ckpt"), doctest::Contains("checksum mismatch"), ito::format_error);
  std::string ver = good;
  ver[8] = 9;  // u32 version right after the 8-byte magic
  CHECK_THROWS_WITH_AS(dif::parse_checkpoint(ver, "v.ckpt"), doctest::Contains("unsupported checkpoint format version 9"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::parse_checkpoint("x,y\n1,2\n3,4\n5,6\n7,8\n", "data.csv"), doctest::Contains("bad magic"),
                       ito::format_error);
  CHECK_THROWS_WITH_AS(dif::check_checkpoint_dim(small_checkpoint(), 3, "m.ckpt"),
                       doctest::Contains("model in the checkpoint has dimension 2 but the data has dimension 3"),
                       ito::format_error);
}

TEST_CASE("sampler and trainer options: zero steps/batch/width, non-finite data") {
  dif::sampler_options so;
  so.steps = 0;
  CHECK_THROWS_WITH_AS(so.validate(), doctest::Contains("steps = 0"), ito::invalid_argument);
  so.steps = 10;
  so.snr = k_nan;
  CHECK_THROWS_WITH_AS(so.validate(), doctest::Contains("snr"), ito::invalid_argument);
  dif::train_options to;
  to.batch = 0;
  CHECK_THROWS_WITH_AS(to.check(), doctest::Contains("batch = 0"), ito::invalid_argument);
  to.batch = 8;
  to.arch.width = 0;
  CHECK_THROWS_WITH_AS(to.check(), doctest::Contains("width = 0"), ito::invalid_argument);
  to.arch.width = -4;
  CHECK_THROWS_WITH_AS(to.check(), doctest::Contains("width = -4"), ito::invalid_argument);
  to.arch.width = 8;
  to.arch.depth = 0;
  CHECK_THROWS_WITH_AS(to.check(), doctest::Contains("depth = 0"), ito::invalid_argument);
  to.arch.depth = 1;
  to.val_fraction = 1.5;
  CHECK_THROWS_WITH_AS(to.check(), doctest::Contains("val = 1.5"), ito::invalid_argument);
  to.val_fraction = 0.1;
  ensemble<> data = ensemble<>::Random(2, 16);
  data(1, 5) = k_nan;
  CHECK_THROWS_WITH_AS(dif::trainer<dif::vp_sde>(dif::vp_sde{}, data, to), doctest::Contains("data"),
                       ito::invalid_argument);
}

TEST_CASE("checkpoint: a directory given as the checkpoint is io_error naming it") {
  scratch s;
  const std::string dir = s.dir.string();
  CHECK_THROWS_WITH_AS(dif::load_checkpoint(s.dir), doctest::Contains(dir.c_str()), ito::io_error);
}
