// libFuzzer target: ito::diffusion::read_csv_table on arbitrary file content.
// Accepted files must hold only finite numbers in a rectangular d x N table,
// and must round-trip through csv_text.
#include <cmath>
#include <cstdlib>

#include <ito/diffusion/csv.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = ito_fuzz::write_scratch(data, size, ".csv");
  ito_fuzz::expect_clean([&] {
    const auto t = ito::diffusion::read_csv_table(path);
    if (t.data.size() == 0 || !t.data.allFinite()) std::abort();
    if (!t.header.empty() && static_cast<ito::sde::index_t>(t.header.size()) != t.data.rows()) std::abort();
    // round trip: write the numbers back and read them again, bit for bit
    const std::string text = ito::diffusion::csv_text(t.data);
    const std::string again = ito_fuzz::write_scratch(reinterpret_cast<const std::uint8_t*>(text.data()),
                                                       text.size(), ".csv");
    if (ito::diffusion::read_csv(again) != t.data) std::abort();
  });
  return 0;
}
