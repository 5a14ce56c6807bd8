// libFuzzer target: ito::diffusion::load_gmm on arbitrary JSON text. An accepted
// mixture is evaluated (density, score, divergence, sampling) at its first mean,
// which must give finite numbers or a documented exception, never a crash.
#include <cstdlib>

#include <ito/diffusion/gmm.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = ito_fuzz::write_scratch(data, size, ".json");
  ito_fuzz::expect_clean([&] {
    const auto g = ito::diffusion::load_gmm(path);
    if (g.components() < 1 || g.dim() < 1) std::abort();
    if (g.dim() > 64) return;  // keep each run cheap
    ito::sde::ensemble<double> X = g.means().front();
    ito::sde::ensemble<double> score;
    g.score(X, score);
    (void)g.sample(4, 1);
    // round trip through JSON
    const auto h = ito::diffusion::gmm_from_json(ito::diffusion::gmm_to_json(g));
    if (h.components() != g.components()) std::abort();
  });
  return 0;
}
