#pragma once
// Files the tests write and read back: ito_test_<name> in the system's temporary directory.
#include <filesystem>
#include <fstream>
#include <string>

namespace ito::test {

inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("ito_test_" + name)).string();
}

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace ito::test
