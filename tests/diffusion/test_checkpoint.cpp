// Checkpoints: round trip (forward SDE and data normalisation included), versions 1
// and 2 still load, bit-identical resume, a library-trained model sampled and scored
// through the checkpoint alone (model.hpp), and clear errors for truncated,
// corrupted, wrong-version and wrong-dimension files.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/model.hpp>
#include <ito/diffusion/train.hpp>

using namespace ito::diffusion;
namespace fs = std::filesystem;

namespace {
train_options tiny(unsigned threads = 1) {
  train_options o;
  o.arch.width = 16;
  o.arch.depth = 2;
  o.arch.frequencies = 4;
  o.arch.x_frequencies = 3;  // round trip and resume cover the x features
  o.arch.x_fourier_scale = 0.8;
  o.batch = 64;
  o.seed = 5;
  o.threads = threads;
  o.adam.warmup = 10;
  return o;
}

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("ito_test_checkpoint_" + std::to_string(::getpid()) + "_" + name);
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& p, const std::string& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

// The payload of `bytes` rewritten as format `version`: drop the v3 normalisation
// (two empty arrays, 16 bytes at the end) for version 2.
std::string as_version_2(const std::string& v3) {
  const std::size_t h = ito::detail::ckpt_header_size;
  std::string payload = v3.substr(h, v3.size() - h - 16);
  ito::detail::ckpt_writer hw;
  hw.pod<std::uint32_t>(2);
  hw.pod<std::uint64_t>(payload.size());
  hw.pod<std::uint32_t>(ito::detail::ckpt_crc32(payload));
  return std::string(ito::detail::ckpt_magic, 8) + hw.bytes() + payload;
}

std::string load_error(const fs::path& p) {
  try {
    (void)load_checkpoint(p);
  } catch (const ito::format_error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("checkpoint: save and load round trip every field") {
  const auto data = make_dataset("moons", 500, 1);
  trainer<vp_sde> tr(vp_sde{}, data, tiny());
  tr.run(7);
  const checkpoint c = tr.to_checkpoint();
  const fs::path p = temp_file("roundtrip.ito");
  save_checkpoint(p, c);
  CHECK_FALSE(fs::exists(p.string() + ".tmp"));
  const checkpoint r = load_checkpoint(p);
  CHECK(r.arch.dim == 2);
  CHECK(r.arch.width == 16);
  CHECK(r.arch.depth == 2);
  CHECK(r.arch.frequencies == 4);
  CHECK(r.arch.fourier_scale == c.arch.fourier_scale);
  CHECK(r.sde_name == "vp");
  CHECK(r.sde_params == spec_of(vp_sde{}).to_numbers());
  CHECK(r.sde_params.size() == 9);
  CHECK_FALSE(r.normalization.active());
  CHECK(r.prediction == "eps");
  CHECK(r.weighting == "simple");
  CHECK(r.step == 7);
  CHECK(r.batch == 64);
  CHECK(r.rng_state == c.rng_state);
  CHECK(r.params == c.params);
  CHECK(r.ema == c.ema);
  CHECK(r.adam_m == c.adam_m);
  CHECK(r.adam_v == c.adam_v);
  CHECK(r.frequencies == c.frequencies);
  CHECK(r.arch.x_frequencies == 3);
  CHECK(r.arch.x_fourier_scale == 0.8);
  CHECK(r.x_frequencies.size() == 3 * 2);
  CHECK(r.x_frequencies == c.x_frequencies);
  CHECK(checkpoint_bytes(r) == read_bytes(p));
  fs::remove(p);
}

TEST_CASE("checkpoint: a version-1 file (before x features) still loads, as a network without them") {
  const auto data = make_dataset("moons", 300, 4);
  train_options o = tiny();
  o.arch.x_frequencies = 0;
  o.arch.x_fourier_scale = 1.0;  // what a version-1 file loads as
  trainer<vp_sde> tr(vp_sde{}, data, o);
  tr.run(3);
  const checkpoint c = tr.to_checkpoint();
  // rebuild the version-1 layout from the version-2 bytes: drop the x-feature count
  // and scale (16 bytes after dim, width, depth, frequencies, Fourier scale) and the
  // empty x-frequency array (its 8-byte length after the frequency array)
  const std::string v3 = checkpoint_bytes(c);
  const std::string v2 = as_version_2(v3);
  const std::size_t h = ito::detail::ckpt_header_size;
  std::string payload = v2.substr(h);
  payload.erase(5 * 8, 16);
  std::size_t at = 5 * 8 + 8;  // after the network seed
  auto u64 = [&](std::size_t pos) {  // (no <cstring>: see checkpoint.hpp)
    std::uint64_t v = 0;
    std::copy_n(payload.data() + pos, 8, reinterpret_cast<char*>(&v));
    return v;
  };
  auto skip_str = [&] { at += 8 + u64(at); };
  auto skip_vec = [&] { at += 8 + 8 * u64(at); };
  skip_str();               // sde name
  skip_vec();               // sde parameters
  skip_str();               // prediction
  skip_str();               // weighting
  at += 8 * 11;             // batch .. step
  skip_str();               // rng state
  skip_vec();               // frequencies
  REQUIRE(u64(at) == 0);    // the empty x-frequency array
  payload.erase(at, 8);
  ito::detail::ckpt_writer hw;
  hw.pod<std::uint32_t>(1);
  hw.pod<std::uint64_t>(payload.size());
  hw.pod<std::uint32_t>(ito::detail::ckpt_crc32(payload));
  const fs::path p = temp_file("v1.ito");
  write_bytes(p, std::string(ito::detail::ckpt_magic, 8) + hw.bytes() + payload);
  const checkpoint r = load_checkpoint(p);
  CHECK(r.arch.x_frequencies == 0);
  CHECK(r.x_frequencies.empty());
  CHECK(r.params == c.params);
  CHECK(r.ema == c.ema);
  CHECK(r.rng_state == c.rng_state);
  CHECK(r.sde_spec().kind == "vp");
  CHECK(checkpoint_bytes(r) == v3);  // and it is written back as version 3
  fs::remove(p);
}

TEST_CASE("checkpoint: a version-2 file loads; one from the old library trainer (vp, 2 numbers) decodes") {
  const auto data = make_dataset("moons", 300, 4);
  trainer<vp_sde> tr(vp_sde{}, data, tiny());
  tr.run(3);
  checkpoint c = tr.to_checkpoint();
  const fs::path p = temp_file("v2.ito");
  write_bytes(p, as_version_2(checkpoint_bytes(c)));
  checkpoint r = load_checkpoint(p);
  CHECK(r.params == c.params);
  CHECK(r.x_frequencies == c.x_frequencies);
  CHECK_FALSE(r.normalization.active());
  CHECK(checkpoint_bytes(r) == checkpoint_bytes(c));
  // what examples/demo_model.hpp wrote before version 3: "vp" with (beta_min, beta_max)
  c.sde_params = {0.1, 20.0};
  write_bytes(p, as_version_2(checkpoint_bytes(c)));
  r = load_checkpoint(p);
  const forward_sde_spec s = r.sde_spec(p.string());
  CHECK(s.kind == "vp");
  CHECK(s.to_numbers() == spec_of(vp_sde{}).to_numbers());
  // and a checkpoint without a forward SDE says so
  c.sde_name = "";
  CHECK_THROWS_WITH_AS((void)c.sde_spec("m.ckpt"), doctest::Contains("names no forward SDE"), ito::format_error);
  c.sde_name = "vp";
  c.sde_params = {1, 2, 3};
  CHECK_THROWS_WITH_AS((void)c.sde_spec("m.ckpt"), doctest::Contains("expected 9"), ito::format_error);
  fs::remove(p);
}

TEST_CASE("checkpoint: the forward SDE's kind and every parameter round trip") {
  forward_sde_spec ou;
  ou.kind = "ou";
  ou.mu = 1.5;
  ou.sigma = 0.7;
  ou.beta_min = 0.3;
  ou.beta_max = 9;
  ou.T = 2.0;
  ou.eps = 1e-2;
  forward_sde_spec ve;
  ve.kind = "ve";
  ve.sigma_min = 0.02;
  ve.sigma_max = 30;
  forward_sde_spec cos;
  cos.kind = "vp-cosine";
  cos.cosine_s = 0.01;
  forward_sde_spec sub;
  sub.kind = "subvp";
  sub.beta_max = 15;
  sub.T = 0.9;
  for (const auto& spec : {forward_sde_spec{}, ou, ve, cos, sub}) {
    CAPTURE(spec.kind);
    // the SDE built from the spec gives the spec back (what trainer records) ...
    const forward_sde_spec again = std::visit([](const auto& f) { return spec_of(f); }, spec.make());
    CHECK(again.kind == spec.kind);
    CHECK(again.to_numbers() == spec.to_numbers());
    // ... and the nine numbers through a checkpoint file give the same SDE
    checkpoint c;
    c.arch.dim = 2;
    c.arch.width = 3;
    c.arch.depth = 1;
    c.arch.frequencies = 1;
    c.arch.x_frequencies = 0;
    c.sde_name = spec.kind;
    c.sde_params = spec.to_numbers();
    c.frequencies = {0.5};
    c.params.assign(static_cast<std::size_t>(c.arch.num_params()), 0.25);
    c.ema = c.adam_m = c.adam_v = c.params;
    const checkpoint r = parse_checkpoint(checkpoint_bytes(c), "mem");
    const forward_sde_spec back = r.sde_spec("mem");
    CHECK(back.kind == spec.kind);
    CHECK(back.to_numbers() == spec.to_numbers());
    std::visit([&](const auto& f) {
      CHECK(f.name() == spec.kind);
      CHECK(f.std(0.37) == std::visit([](const auto& g) { return g.std(0.37); }, spec.make()));
    }, back.make());
  }
  // a trainer records its SDE without being told
  const auto data = make_dataset("moons", 300, 4);
  trainer<ou_sde<linear_schedule>> tr(std::get<ou_sde<linear_schedule>>(ou.make()), data, tiny());
  CHECK(tr.to_checkpoint().sde_spec().to_numbers() == ou.to_numbers());
}

TEST_CASE("checkpoint: the data normalisation is fitted on request, stored and loaded") {
  auto data = make_dataset("moons", 600, 6);
  data.row(0) = data.row(0) * 3.0 + ensemble<double>::Constant(1, 600, 10.0);
  data.row(1) = data.row(1) * 0.25 + ensemble<double>::Constant(1, 600, -6.0);
  train_options o = tiny();
  o.normalize = true;
  trainer<vp_sde> tr(vp_sde{}, data, o);
  const data_normalization n = data_normalization::fit(data);
  CHECK(tr.normalization().mean == n.mean);
  CHECK(tr.normalization().scale == n.scale);
  CHECK(n.mean[0] == doctest::Approx(data.row(0).mean()).epsilon(1e-12));
  // training on x with normalize is training on the standardized y = (x - mean)/scale
  ensemble<double> y = data;
  n.to_model(y);
  train_options plain = tiny();
  trainer<vp_sde> ty(vp_sde{}, y, plain);
  tr.run(5);
  ty.run(5);
  CHECK(tr.network().params() == ty.network().params());
  // round trip through the file; resume keeps it
  const fs::path p = temp_file("norm.ito");
  save_checkpoint(p, tr.to_checkpoint());
  const checkpoint r = load_checkpoint(p);
  CHECK(r.normalization.mean == n.mean);
  CHECK(r.normalization.scale == n.scale);
  trainer<vp_sde> resumed(vp_sde{}, data, r, 1);
  CHECK(resumed.normalization().scale == n.scale);
  // a bad stored scale is a format error
  checkpoint bad = r;
  bad.normalization.scale[1] = -1;
  write_bytes(p, checkpoint_bytes(bad));
  CHECK(load_error(p).find("normalisation") != std::string::npos);
  fs::remove(p);
}

TEST_CASE("checkpoint: a library-trained model is sampled and scored from the checkpoint alone") {
  // data far from unit scale: mean (10, -6), scales about (3, 0.25)
  auto data = make_dataset("8gaussians", 2000, 8);
  data.row(0) = data.row(0) * 3.0 + ensemble<double>::Constant(1, 2000, 10.0);
  data.row(1) = data.row(1) * 0.25 + ensemble<double>::Constant(1, 2000, -6.0);
  train_options o = tiny();
  o.normalize = true;
  trainer<vp_sde> tr(vp_sde{}, data, o);
  tr.run(200);
  const fs::path p = temp_file("model.ito");
  save_checkpoint(p, tr.to_checkpoint());
  const checkpoint c = load_checkpoint(p);
  fs::remove(p);

  sampler_options so;
  so.steps = 50;
  so.seed = 3;
  so.save_times = {1.0 - 25 * (1.0 - 1e-3) / 50};  // on the grid t_k = T - k (T - eps) / K
  const auto res = sample_model(c, sampler_kind::em, 600, so);
  REQUIRE(res.samples.rows() == 2);
  // exactly the network's samples in model units, mapped by x = mean + scale y
  const auto score = network_score_from_checkpoint(vp_sde{}, c);
  auto y = sample(sampler_kind::em, vp_sde{}, score, 600, so);  // d from the score
  c.normalization.to_data(y.samples);
  c.normalization.to_data(y.trajectory[0]);
  CHECK(res.samples == y.samples);
  CHECK(res.trajectory[0] == y.trajectory[0]);
  // in data units: near the data's mean (model units would put them near 0, 2 to 24
  // data standard deviations away)
  for (int i = 0; i < 2; ++i) {
    const double m = res.samples.row(i).mean(), sd = c.normalization.scale[static_cast<std::size_t>(i)];
    CAPTURE(i);
    CHECK(std::abs(m - c.normalization.mean[static_cast<std::size_t>(i)]) < sd);
  }

  // NLL in data units = NLL of the standardized data + sum log scale (change of variables)
  const ensemble<double> X = data.leftCols(40);
  likelihood_options lo;
  lo.ode.rtol = lo.ode.atol = 1e-4;
  const auto lx = model_log_likelihood(c, X, lo);
  ensemble<double> Y = X;
  c.normalization.to_model(Y);
  const auto ly = log_likelihood(vp_sde{}, score, Y, lo);
  const double J = std::log(c.normalization.scale[0]) + std::log(c.normalization.scale[1]);
  CHECK(c.normalization.log_scale_sum() == J);
  CHECK(lx.logp == (ly.logp.array() - J).matrix());
  CHECK(lx.mean_nll == ly.mean_nll + J);
  CHECK(std::isfinite(lx.mean_nll));
  CHECK_THROWS_WITH_AS(model_log_likelihood(c, ensemble<double>::Zero(3, 2), lo), doctest::Contains("dimension"),
                       ito::format_error);
}

TEST_CASE("checkpoint: --resume continues bit for bit (and on another thread count)") {
  const auto data = make_dataset("8gaussians", 800, 2);
  trainer<vp_sde> straight(vp_sde{}, data, tiny(1));
  straight.run(60);

  const fs::path p = temp_file("resume.ito");
  {
    trainer<vp_sde> first(vp_sde{}, data, tiny(1));
    first.run(25);
    save_checkpoint(p, first.to_checkpoint());
  }
  trainer<vp_sde> resumed(vp_sde{}, data, load_checkpoint(p), 2);  // results do not depend on threads
  CHECK(resumed.steps_done() == 25);
  resumed.run(60);
  CHECK(resumed.network().params() == straight.network().params());
  CHECK(resumed.ema().weights() == straight.ema().weights());
  // The training noise is a pure function of (seed, step): the step is the stream's whole state.
  CHECK(resumed.to_checkpoint().step == straight.to_checkpoint().step);
  CHECK(resumed.to_checkpoint().seed == straight.to_checkpoint().seed);
  CHECK(resumed.validation_loss() == straight.validation_loss());
  fs::remove(p);
}

TEST_CASE("checkpoint: bad files fail with a message that says which") {
  const auto data = make_dataset("moons", 300, 3);
  trainer<vp_sde> tr(vp_sde{}, data, tiny());
  tr.run(3);
  const std::string good = checkpoint_bytes(tr.to_checkpoint());
  const fs::path p = temp_file("bad.ito");

  write_bytes(p, good.substr(0, good.size() - 100));
  CHECK(load_error(p).find("truncated") != std::string::npos);
  CHECK(load_error(p).find(p.string()) != std::string::npos);
  write_bytes(p, good.substr(0, 10));
  CHECK(load_error(p).find("truncated") != std::string::npos);

  std::string bad = good;
  bad[bad.size() / 2] ^= 0x20;
  write_bytes(p, bad);
  CHECK(load_error(p).find("corrupted") != std::string::npos);

  bad = good;
  bad[8] = 9;  // format version 9
  write_bytes(p, bad);
  CHECK(load_error(p).find("version 9") != std::string::npos);

  write_bytes(p, "x,y\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n");
  CHECK(load_error(p).find("not an ito checkpoint") != std::string::npos);

  // a consistent file whose arrays do not fit its architecture
  checkpoint c = tr.to_checkpoint();
  c.arch.width = 17;
  write_bytes(p, checkpoint_bytes(c));
  CHECK(load_error(p).find("wrong dimension") != std::string::npos);

  // the model's dimension against the data's
  write_bytes(p, good);
  const checkpoint ok = load_checkpoint(p);
  CHECK_THROWS_WITH_AS(check_checkpoint_dim(ok, 3, p.string()), doctest::Contains("wrong dimension"),
                       ito::format_error);
  const auto data3 = make_dataset("moons", 300, 3);
  ensemble<double> three(3, 300);
  three.topRows(2) = data3;
  three.row(2).setZero();
  CHECK_THROWS_WITH_AS(trainer<vp_sde>(vp_sde{}, three, ok, 1), doctest::Contains("dimension"), std::exception);

  CHECK_THROWS_AS(load_checkpoint(temp_file("missing.ito")), ito::io_error);
  fs::remove(p);
}
