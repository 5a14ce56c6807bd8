/// \file gmm.cpp
/// \brief Mixture JSON I/O and diffuse (gmm.hpp), compiled once.
#include "ito/diffusion/gmm.hpp"

#include <nlohmann/json.hpp>

namespace ito::diffusion {

gaussian_mixture diffuse(const gaussian_mixture& g, double a, double b, double s) {
  ito::detail::require_finite("a (mean coefficient)", a);
  ito::detail::require_finite("b (mean offset)", b);
  ito::detail::require(std::isfinite(s) && s >= 0, "s (std)", s, "a finite number >= 0");
  std::vector<gaussian_mixture::vec> means;
  std::vector<gaussian_mixture::mat> covs;
  for (index_t k = 0; k < g.components(); ++k) {
    means.push_back((a * g.means()[k]).array() + b);
    gaussian_mixture::mat C = (a * a) * g.covariances()[k];
    C.diagonal().array() += s * s;
    covs.push_back(C);
  }
  return gaussian_mixture(g.weights(), std::move(means), std::move(covs));
}

gaussian_mixture gmm_from_json(const nlohmann::json& j, const std::string& source) {
  auto fail = [&](const std::string& where, const std::string& what) -> void {
    throw ito::format_error(source + ": " + where + ": " + what);
  };
  if (!j.is_object()) fail("top level", "expected an object with keys weights, means, covariances");
  for (const char* key : {"weights", "means", "covariances"}) {
    if (!j.contains(key)) fail(std::string("key \"") + key + "\"", "missing");
    if (!j.at(key).is_array()) fail(std::string("key \"") + key + "\"", "expected an array");
  }
  auto number = [&](const nlohmann::json& v, const std::string& where) {
    if (!v.is_number()) fail(where, "expected a number, got " + v.dump());
    return v.get<double>();
  };
  std::vector<double> w;
  const auto& jw = j.at("weights");
  for (std::size_t k = 0; k < jw.size(); ++k) w.push_back(number(jw[k], "weights[" + std::to_string(k) + "]"));
  std::vector<gaussian_mixture::vec> means;
  const auto& jm = j.at("means");
  for (std::size_t k = 0; k < jm.size(); ++k) {
    const std::string at = "means[" + std::to_string(k) + "]";
    if (!jm[k].is_array()) fail(at, "expected an array of numbers");
    gaussian_mixture::vec m(static_cast<index_t>(jm[k].size()));
    for (std::size_t i = 0; i < jm[k].size(); ++i)
      m(static_cast<index_t>(i)) = number(jm[k][i], at + "[" + std::to_string(i) + "]");
    means.push_back(m);
  }
  std::vector<gaussian_mixture::mat> covs;
  const auto& jc = j.at("covariances");
  for (std::size_t k = 0; k < jc.size(); ++k) {
    const std::string at = "covariances[" + std::to_string(k) + "]";
    if (!jc[k].is_array() || jc[k].empty()) fail(at, "expected a non-empty array of rows");
    const std::size_t rows = jc[k].size();
    gaussian_mixture::mat C(static_cast<index_t>(rows), static_cast<index_t>(rows));
    for (std::size_t r = 0; r < rows; ++r) {
      const std::string atr = at + "[" + std::to_string(r) + "]";
      if (!jc[k][r].is_array() || jc[k][r].size() != rows)
        fail(atr, "expected a row of " + std::to_string(rows) + " numbers (a square matrix)");
      for (std::size_t c = 0; c < rows; ++c)
        C(static_cast<index_t>(r), static_cast<index_t>(c)) = number(jc[k][r][c], atr + "[" + std::to_string(c) + "]");
    }
    covs.push_back(C);
  }
  try {
    return gaussian_mixture(std::move(w), std::move(means), std::move(covs));
  } catch (const ito::invalid_argument& e) {
    throw ito::invalid_argument(source + ": " + e.what());
  }
}

nlohmann::json gmm_to_json(const gaussian_mixture& g) {
  nlohmann::json j;
  j["weights"] = g.weights();
  j["means"] = nlohmann::json::array();
  j["covariances"] = nlohmann::json::array();
  for (index_t k = 0; k < g.components(); ++k) {
    const auto& m = g.means()[k];
    j["means"].push_back(std::vector<double>(m.data(), m.data() + m.size()));
    nlohmann::json rows = nlohmann::json::array();
    const auto& C = g.covariances()[k];
    for (index_t r = 0; r < C.rows(); ++r) {
      std::vector<double> row(static_cast<std::size_t>(C.cols()));
      for (index_t c = 0; c < C.cols(); ++c) row[static_cast<std::size_t>(c)] = C(r, c);
      rows.push_back(row);
    }
    j["covariances"].push_back(rows);
  }
  return j;
}

gaussian_mixture load_gmm(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ito::io_error(path + ": cannot open for reading");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ito::format_error(path + ": invalid JSON: " + e.what());
  }
  return gmm_from_json(j, path);
}

void save_gmm(const std::string& path, const gaussian_mixture& g) {
  detail::write_file_atomically(path, gmm_to_json(g).dump(2) + "\n");
}

}  // namespace ito::diffusion
