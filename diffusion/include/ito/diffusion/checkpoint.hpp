#pragma once
/// \file checkpoint.hpp
/// \brief A versioned binary checkpoint of a score model and its training state.
///
/// Layout (little-endian, as written by this machine):
///   header  : magic "ITOCKPT\x1a" (8 bytes), u32 format version, u64 payload size,
///             u32 CRC-32 of the payload (boost::crc_32_type)
///   payload : architecture (dim, width, depth, frequencies, Fourier scale, [v2: x
///             frequencies G, x Fourier scale], seed),
///             forward SDE (name + parameters), parametrization and loss weighting,
///             training settings (batch, seed, validation fraction, lr, EMA decay, clip,
///             warm-up), step count, RNG state (text), Fourier frequencies, [v2: the
///             G x d x-feature matrix, column-major], weights, EMA weights, Adam first
///             and second moments, [v3: data normalisation mean and scale (d each, or
///             none)].
/// The forward SDE is its kind ("vp", "vp-cosine", "subvp", "ve", "ou") and the nine
/// numbers of forward_sde_spec::to_numbers() (beta_min, beta_max, cosine_s, sigma_min,
/// sigma_max, mu, sigma, T, eps); checkpoint::sde_spec() decodes it.
/// Version 2 added the x features; version 3 the data normalisation. Version 1 and 2
/// files still load (no normalisation; a version 2 file of the library's trainer that
/// stored only (beta_min, beta_max) for vp/subvp decodes with T = 1, eps = 1e-3).
/// Numbers are stored as f64 (exact for float and double networks), so a resumed run
/// continues bit for bit. save_checkpoint writes through ito::write_file_atomically
/// (unique temporary, fsync, rename, directory fsync): an interrupted save leaves the previous file intact.
/// load_checkpoint throws ito::format_error naming the file and what is wrong:
/// truncated, not a checkpoint, wrong version, corrupted (checksum), inconsistent sizes;
/// check_checkpoint_dim() reports a dimension mismatch with the data.

#include <boost/crc.hpp>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <string_view>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <cmath>

#include <ito/diffusion/forward_sde.hpp>
#include <ito/diffusion/nn/mlp.hpp>
#include <ito/sde/atomic_file.hpp>
#include <ito/sde/error.hpp>
#include <ito/sde/types.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace ito::diffusion {

/// An affine normalisation of the data, per dimension i:
///   y_i = (x_i - mean_i) / scale_i   (model units)     x_i = mean_i + scale_i y_i   (data units).
/// A model trained on y has the density p_x(x) = p_y(y) / prod_i scale_i, so
///   log p_x(x) = log p_y(y) - sum_i log scale_i   (change of variables).
/// Empty mean and scale: the identity (no normalisation).
struct data_normalization {
  std::vector<double> mean, scale;

  bool active() const { return !mean.empty(); }
  ito::sde::index_t dim() const { return static_cast<ito::sde::index_t>(mean.size()); }

  /// The per-dimension mean and standard deviation (population, 1/n) of X (d x n,
  /// one sample per column); a dimension with zero spread gets scale 1.
  template <class Derived>
  static data_normalization fit(const Eigen::MatrixBase<Derived>& X) {
    ito::detail::require(X.cols() >= 1, "data size", X.cols(), "at least 1 sample");
    data_normalization n;
    const auto d = static_cast<std::size_t>(X.rows());
    n.mean.resize(d);
    n.scale.resize(d);
    for (std::size_t i = 0; i < d; ++i) {
      const auto row = X.row(static_cast<ito::sde::index_t>(i)).template cast<double>();
      const double m = row.mean();
      const double sd = std::sqrt((row.array() - m).square().mean());
      n.mean[i] = m;
      n.scale[i] = sd > 0 && std::isfinite(sd) ? sd : 1.0;
    }
    return n;
  }

  /// ito::invalid_argument unless inactive, or of dimension `d` with finite means and
  /// finite positive scales.
  void check(ito::sde::index_t d) const {
    if (!active() && scale.empty()) return;
    ito::detail::require(dim() == d && scale.size() == mean.size(), "normalisation dimension", dim(),
                         "the model dimension " + std::to_string(d) + " (mean and scale of equal length)");
    for (std::size_t i = 0; i < mean.size(); ++i) {
      ito::detail::require(std::isfinite(mean[i]), "normalisation mean[" + std::to_string(i) + "]", mean[i],
                           "a finite number");
      ito::detail::require(std::isfinite(scale[i]) && scale[i] > 0, "normalisation scale[" + std::to_string(i) + "]",
                           scale[i], "a finite number > 0");
    }
  }

  /// sum_i log scale_i (0 when inactive): subtract it from a log-density in model units.
  double log_scale_sum() const {
    double s = 0;
    for (double v : scale) s += std::log(v);
    return s;
  }

  /// Data units -> model units, in place (d x n).
  template <class S>
  void to_model(ito::sde::ensemble<S>& X) const {
    if (!active()) return;
    for (ito::sde::index_t i = 0; i < X.rows(); ++i)
      X.row(i) = (X.row(i).array() - static_cast<S>(mean[static_cast<std::size_t>(i)])) /
                 static_cast<S>(scale[static_cast<std::size_t>(i)]);
  }

  /// Model units -> data units, in place (d x n).
  template <class S>
  void to_data(ito::sde::ensemble<S>& Y) const {
    if (!active()) return;
    for (ito::sde::index_t i = 0; i < Y.rows(); ++i)
      Y.row(i) = Y.row(i).array() * static_cast<S>(scale[static_cast<std::size_t>(i)]) +
                 static_cast<S>(mean[static_cast<std::size_t>(i)]);
  }
};

/// Everything a checkpoint holds (plain data; train.hpp converts to and from a trainer).
struct checkpoint {
  static constexpr std::uint32_t format_version = 3;
  static constexpr std::uint32_t oldest_readable_version = 1;

  nn::mlp_config arch;
  std::string sde_name;              ///< forward_sde_spec::kind ("" = an SDE without a spec)
  std::vector<double> sde_params;    ///< forward_sde_spec::to_numbers()
  std::string prediction = "eps";    ///< "eps", "score", "x0"
  std::string weighting = "simple";  ///< "simple", "likelihood"
  // training settings (so that --resume continues the same run)
  std::int64_t batch = 512;
  std::uint64_t seed = 0;
  double val_fraction = 0.1;
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8, clip_norm = 1.0;
  std::int64_t warmup = 100;
  double ema_decay = 0.999;
  // state
  std::int64_t step = 0;
  std::string rng_state;
  std::vector<double> frequencies, x_frequencies, params, ema, adam_m, adam_v;
  data_normalization normalization;  ///< v3; inactive in older files

  /// The forward SDE the model was trained with; ito::format_error naming `file` if the
  /// checkpoint holds none (a custom SDE) or a bad one.
  forward_sde_spec sde_spec(const std::string& file = "checkpoint") const {
    if (sde_name.empty())
      throw ito::format_error(file + ": the checkpoint names no forward SDE (trained with a custom SDE type): "
                              "sample it from C++ with that SDE and network_score_from_checkpoint()");
    try {
      return forward_sde_spec::from_numbers(sde_name, sde_params);
    } catch (const std::exception& e) {
      throw ito::format_error(file + ": bad forward SDE in checkpoint: " + e.what());
    }
  }
};

}  // namespace ito::diffusion

// (No <cstring>: glibc's <string.h> declares ::index, which makes `index` ambiguous
// in code that uses namespace ito::diffusion.)
// Internals live in ito::detail (not ito::diffusion::detail) so that unqualified
// `detail::require` in ito::diffusion keeps finding the core's helpers.
namespace ito::detail {

class ckpt_writer {
 public:
  template <class T>
  void pod(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&v);
    buf_.insert(buf_.end(), p, p + sizeof(T));
  }
  void str(const std::string& s) {
    pod<std::uint64_t>(s.size());
    buf_.insert(buf_.end(), s.begin(), s.end());
  }
  void vec(const std::vector<double>& v) {
    pod<std::uint64_t>(v.size());
    for (double x : v) pod(x);
  }
  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
};

class ckpt_reader {
 public:
  ckpt_reader(const std::string& file, const char* data, std::size_t size) : file_(file), p_(data), end_(data + size) {}
  template <class T>
  T pod(const char* what) {
    need(sizeof(T), what);
    T v;
    std::copy_n(p_, sizeof(T), reinterpret_cast<char*>(&v));
    p_ += sizeof(T);
    return v;
  }
  std::string str(const char* what) {
    const auto n = pod<std::uint64_t>(what);
    need(n, what);
    std::string s(p_, p_ + n);
    p_ += n;
    return s;
  }
  std::vector<double> vec(const char* what) {
    const auto n = pod<std::uint64_t>(what);
    // compare counts, not bytes: n * 8 wraps around for a crafted count
    if (n > left() / sizeof(double))
      throw ito::format_error(file_ + ": inconsistent checkpoint: field '" + what + "' claims " + std::to_string(n) +
                              " values but only " + std::to_string(left()) + " bytes remain");
    std::vector<double> v(n);
    if (n) std::copy_n(p_, n * sizeof(double), reinterpret_cast<char*>(v.data()));
    p_ += n * sizeof(double);
    return v;
  }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  void need(std::uint64_t n, const char* what) const {
    if (n > left())
      throw ito::format_error(file_ + ": inconsistent checkpoint: field '" + what + "' needs " + std::to_string(n) +
                              " bytes but only " + std::to_string(left()) + " remain");
  }
  std::string file_;
  const char* p_;
  const char* end_;
};

/// The number of weights of a checked architecture (all sizes >= 1, frequencies >= 0),
/// or limit + 1 as soon as it exceeds limit (limit < 2^62); never overflows and visits
/// at most limit + 1 layers, however large the stored depth.
inline std::uint64_t ckpt_num_params_capped(const ito::diffusion::nn::mlp_config& a, std::uint64_t limit) {
  const auto over = [&](std::int64_t v) { return static_cast<std::uint64_t>(v) > limit; };
  if (over(a.dim) || over(a.width) || over(a.depth) || over(a.frequencies) || over(a.x_frequencies)) return limit + 1;
  const auto in0 = static_cast<std::uint64_t>(a.dim) + 2 * static_cast<std::uint64_t>(a.frequencies) +
                   2 * static_cast<std::uint64_t>(a.x_frequencies);
  std::uint64_t p = 0;
  for (std::int64_t l = 0; l <= a.depth; ++l) {
    const std::uint64_t in = (l == 0 ? in0 : static_cast<std::uint64_t>(a.width)) + 1;
    const auto out = static_cast<std::uint64_t>(l == a.depth ? a.dim : a.width);
    if (out > (limit - p) / in) return limit + 1;
    p += out * in;
  }
  return p;
}

inline constexpr char ckpt_magic[8] = {'I', 'T', 'O', 'C', 'K', 'P', 'T', '\x1a'};
inline constexpr std::size_t ckpt_header_size = 8 + 4 + 8 + 4;

inline std::uint32_t ckpt_crc32(const std::string& bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

}  // namespace ito::detail

namespace ito::diffusion {

/// Serialise a checkpoint (header + payload) to bytes.
inline std::string checkpoint_bytes(const checkpoint& c) {
  ito::detail::ckpt_writer w;
  w.pod<std::int64_t>(c.arch.dim);
  w.pod<std::int64_t>(c.arch.width);
  w.pod<std::int64_t>(c.arch.depth);
  w.pod<std::int64_t>(c.arch.frequencies);
  w.pod<double>(c.arch.fourier_scale);
  w.pod<std::int64_t>(c.arch.x_frequencies);
  w.pod<double>(c.arch.x_fourier_scale);
  w.pod<std::uint64_t>(c.arch.seed);
  w.str(c.sde_name);
  w.vec(c.sde_params);
  w.str(c.prediction);
  w.str(c.weighting);
  w.pod(c.batch);
  w.pod(c.seed);
  w.pod(c.val_fraction);
  w.pod(c.lr);
  w.pod(c.beta1);
  w.pod(c.beta2);
  w.pod(c.adam_eps);
  w.pod(c.clip_norm);
  w.pod(c.warmup);
  w.pod(c.ema_decay);
  w.pod(c.step);
  w.str(c.rng_state);
  w.vec(c.frequencies);
  w.vec(c.x_frequencies);
  w.vec(c.params);
  w.vec(c.ema);
  w.vec(c.adam_m);
  w.vec(c.adam_v);
  w.vec(c.normalization.mean);
  w.vec(c.normalization.scale);
  const std::string& payload = w.bytes();
  std::string out(ito::detail::ckpt_magic, 8);
  ito::detail::ckpt_writer h;
  h.pod<std::uint32_t>(checkpoint::format_version);
  h.pod<std::uint64_t>(payload.size());
  h.pod<std::uint32_t>(ito::detail::ckpt_crc32(payload));
  out += h.bytes();
  out += payload;
  return out;
}

/// Parse bytes read from `file` (the name is used in messages).
inline checkpoint parse_checkpoint(const std::string& bytes, const std::string& file) {
  if (bytes.size() < ito::detail::ckpt_header_size) {
    if (bytes.size() >= 8 && std::string_view(bytes.data(), 8) != std::string_view(ito::detail::ckpt_magic, 8))
      throw ito::format_error(file + ": not an ito checkpoint (bad magic number)");
    throw ito::format_error(file + ": truncated checkpoint: " + std::to_string(bytes.size()) +
                            " bytes, shorter than the " + std::to_string(ito::detail::ckpt_header_size) + "-byte header");
  }
  if (std::string_view(bytes.data(), 8) != std::string_view(ito::detail::ckpt_magic, 8))
    throw ito::format_error(file + ": not an ito checkpoint (bad magic number)");
  ito::detail::ckpt_reader h(file, bytes.data() + 8, ito::detail::ckpt_header_size - 8);
  const auto version = h.pod<std::uint32_t>("format version");
  const auto size = h.pod<std::uint64_t>("payload size");
  const auto crc = h.pod<std::uint32_t>("checksum");
  if (version < checkpoint::oldest_readable_version || version > checkpoint::format_version)
    throw ito::format_error(file + ": unsupported checkpoint format version " + std::to_string(version) +
                            " (this build reads versions " + std::to_string(checkpoint::oldest_readable_version) +
                            " to " + std::to_string(checkpoint::format_version) + ")");
  const std::size_t have = bytes.size() - ito::detail::ckpt_header_size;
  if (have < size)
    throw ito::format_error(file + ": truncated checkpoint: payload has " + std::to_string(have) + " of " +
                            std::to_string(size) + " bytes");
  if (have > size)
    throw ito::format_error(file + ": corrupted checkpoint: " + std::to_string(have - size) +
                            " unexpected bytes after the payload");
  const std::string payload = bytes.substr(ito::detail::ckpt_header_size);
  if (ito::detail::ckpt_crc32(payload) != crc) throw ito::format_error(file + ": corrupted checkpoint (checksum mismatch)");

  ito::detail::ckpt_reader r(file, payload.data(), payload.size());
  checkpoint c;
  c.arch.dim = r.pod<std::int64_t>("dim");
  c.arch.width = r.pod<std::int64_t>("width");
  c.arch.depth = r.pod<std::int64_t>("depth");
  c.arch.frequencies = r.pod<std::int64_t>("frequencies");
  c.arch.fourier_scale = r.pod<double>("fourier scale");
  if (version >= 2) {
    c.arch.x_frequencies = r.pod<std::int64_t>("x frequencies");
    c.arch.x_fourier_scale = r.pod<double>("x fourier scale");
  } else {
    c.arch.x_frequencies = 0;
  }
  c.arch.seed = r.pod<std::uint64_t>("network seed");
  c.sde_name = r.str("sde name");
  c.sde_params = r.vec("sde parameters");
  c.prediction = r.str("prediction");
  c.weighting = r.str("weighting");
  c.batch = r.pod<std::int64_t>("batch");
  c.seed = r.pod<std::uint64_t>("seed");
  c.val_fraction = r.pod<double>("val fraction");
  c.lr = r.pod<double>("lr");
  c.beta1 = r.pod<double>("beta1");
  c.beta2 = r.pod<double>("beta2");
  c.adam_eps = r.pod<double>("adam eps");
  c.clip_norm = r.pod<double>("clip norm");
  c.warmup = r.pod<std::int64_t>("warmup");
  c.ema_decay = r.pod<double>("ema decay");
  c.step = r.pod<std::int64_t>("step");
  c.rng_state = r.str("rng state");
  c.frequencies = r.vec("frequencies");
  if (version >= 2) c.x_frequencies = r.vec("x frequencies");
  c.params = r.vec("weights");
  c.ema = r.vec("ema weights");
  c.adam_m = r.vec("adam m");
  c.adam_v = r.vec("adam v");
  if (version >= 3) {
    c.normalization.mean = r.vec("normalisation mean");
    c.normalization.scale = r.vec("normalisation scale");
  }
  if (r.left() != 0) throw ito::format_error(file + ": inconsistent checkpoint: trailing bytes in the payload");
  try {
    c.arch.check();
  } catch (const std::exception& e) {
    throw ito::format_error(file + ": bad architecture in checkpoint: " + e.what());
  }
  // Count the architecture's weights without overflow (a crafted depth or width
  // would overflow num_params() or loop for ages) before trusting num_params().
  if (ito::detail::ckpt_num_params_capped(c.arch, c.params.size()) != c.params.size())
    throw ito::format_error(file + ": wrong dimension in checkpoint: weights has " + std::to_string(c.params.size()) +
                            " values, which does not match the architecture (dim " + std::to_string(c.arch.dim) +
                            ", width " + std::to_string(c.arch.width) + ", depth " + std::to_string(c.arch.depth) +
                            ", frequencies " + std::to_string(c.arch.frequencies) + ", x frequencies " +
                            std::to_string(c.arch.x_frequencies) + ")");
  const auto P = static_cast<std::size_t>(c.arch.num_params());
  const auto bad = [&](const std::vector<double>& v, std::size_t n, const char* what) {
    if (v.size() != n)
      throw ito::format_error(file + ": wrong dimension in checkpoint: " + what + " has " + std::to_string(v.size()) +
                              " values, the architecture (dim " + std::to_string(c.arch.dim) + ", width " +
                              std::to_string(c.arch.width) + ", depth " + std::to_string(c.arch.depth) + ") needs " +
                              std::to_string(n));
  };
  bad(c.frequencies, static_cast<std::size_t>(c.arch.frequencies), "frequencies");
  // G x d without overflow: both are at most the weight count here
  bad(c.x_frequencies, static_cast<std::size_t>(c.arch.x_frequencies) * static_cast<std::size_t>(c.arch.dim),
      "x frequencies");
  bad(c.params, P, "weights");
  bad(c.ema, P, "ema weights");
  bad(c.adam_m, P, "adam m");
  bad(c.adam_v, P, "adam v");
  try {
    c.normalization.check(c.arch.dim);
  } catch (const std::exception& e) {
    throw ito::format_error(file + ": bad data normalisation in checkpoint: " + e.what());
  }
  return c;
}

/// Write a checkpoint atomically and durably (ito::write_file_atomically).
inline void save_checkpoint(const std::filesystem::path& path, const checkpoint& c) {
  ito::write_file_atomically(path, checkpoint_bytes(c));
}

/// Read and validate a checkpoint; throws ito::io_error or ito::format_error.
inline checkpoint load_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ito::io_error("cannot open checkpoint '" + path.string() + "'");
  std::string bytes;
  try {  // reading a directory throws std::ios_base::failure from the stream buffer
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    throw ito::io_error("cannot read checkpoint '" + path.string() + "': " + e.what());
  }
  return parse_checkpoint(bytes, path.string());
}

/// Throw ito::format_error unless the model's dimension is `dim` (e.g. the data's).
inline void check_checkpoint_dim(const checkpoint& c, ito::sde::index_t dim, const std::string& file,
                                 const std::string& against = "the data") {
  if (c.arch.dim != dim)
    throw ito::format_error(file + ": wrong dimension: the model in the checkpoint has dimension " +
                            std::to_string(c.arch.dim) + " but " + against + " has dimension " + std::to_string(dim));
}

}  // namespace ito::diffusion
