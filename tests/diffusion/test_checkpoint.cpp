// Checkpoints: round trip, bit-identical resume on one thread, and clear errors
// for truncated, corrupted, wrong-version and wrong-dimension files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <ito/diffusion/checkpoint.hpp>
#include <ito/diffusion/datasets.hpp>
#include <ito/diffusion/forward_sde.hpp>
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
  trainer<vp_sde> tr(vp_sde{}, data, tiny(), "vp", {0.1, 20.0});
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
  CHECK(r.sde_params == std::vector<double>{0.1, 20.0});
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
  trainer<vp_sde> tr(vp_sde{}, data, o, "vp", {0.1, 20.0});
  tr.run(3);
  const checkpoint c = tr.to_checkpoint();
  // rebuild the version-1 layout from the version-2 bytes: drop the x-feature count
  // and scale (16 bytes after dim, width, depth, frequencies, Fourier scale) and the
  // empty x-frequency array (its 8-byte length after the frequency array)
  const std::string v2 = checkpoint_bytes(c);
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
  CHECK(checkpoint_bytes(r) == v2);  // and it is written back as version 2
  fs::remove(p);
}

TEST_CASE("checkpoint: --resume continues bit for bit (one thread)") {
  const auto data = make_dataset("8gaussians", 800, 2);
  trainer<vp_sde> straight(vp_sde{}, data, tiny(1));
  straight.run(60);

  const fs::path p = temp_file("resume.ito");
  {
    trainer<vp_sde> first(vp_sde{}, data, tiny(1));
    first.run(25);
    save_checkpoint(p, first.to_checkpoint());
  }
  trainer<vp_sde> resumed(vp_sde{}, data, load_checkpoint(p), 1);
  CHECK(resumed.steps_done() == 25);
  resumed.run(60);
  CHECK(resumed.network().params() == straight.network().params());
  CHECK(resumed.ema().weights() == straight.ema().weights());
  CHECK(resumed.to_checkpoint().rng_state == straight.to_checkpoint().rng_state);
  CHECK(resumed.validation_loss() == straight.validation_loss());
  fs::remove(p);
}

TEST_CASE("checkpoint: bad files fail with a message that says which") {
  const auto data = make_dataset("moons", 300, 3);
  trainer<vp_sde> tr(vp_sde{}, data, tiny(), "vp", {0.1, 20.0});
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
