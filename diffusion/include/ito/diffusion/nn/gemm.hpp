#pragma once
/// \file gemm.hpp
/// \brief Matrix products into preallocated memory with persistent packing buffers.
///
/// Eigen's matrix product (GEMM, Goto & van de Geijn 2008 blocking) packs blocks of
/// both operands into two scratch buffers of kc x mc and kc x nc scalars that it
/// allocates and frees on every product. For the network's products (128 x 256 by
/// 256 x 128 in float, for instance) those buffers are 128 KiB and more, glibc's
/// default mmap threshold: every product then maps and unmaps fresh pages, measured
/// 0.95 ms instead of 0.12 ms per product (DESIGN.md, "Performance notes").
///
/// product_buffers keeps the two buffers across calls, and product() runs Eigen's
/// own kernel (internal::general_matrix_matrix_product, the code path of
/// `dst.noalias() = lhs * rhs` with the same blocking sizes, so the same bits) with
/// them. No process-wide setting is touched. Products that Eigen evaluates without
/// GEMM (a vector operand, or tiny sizes) go through Eigen's expression unchanged.
/// This relies on Eigen 3.4's internal GEMM interface.

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>

namespace ito::diffusion::nn {

/// The two packing buffers of Eigen's GEMM, grown on demand and kept (one per thread).
template <class S>
class product_buffers {
 public:
  /// Buffers of at least a and b scalars.
  void reserve(Eigen::Index a, Eigen::Index b) {
    if (a_.size() < a) a_.resize(a);
    if (b_.size() < b) b_.resize(b);
  }
  S* a() { return a_.data(); }
  S* b() { return b_.data(); }

 private:
  Eigen::Matrix<S, Eigen::Dynamic, 1> a_, b_;  // Eigen-aligned
};

namespace detail {

/// Eigen's level-3 blocking (kc, mc, nc) pointing at caller-owned buffers.
template <class S>
class borrowed_blocking : public Eigen::internal::level3_blocking<S, S> {
 public:
  borrowed_blocking(Eigen::Index m, Eigen::Index n, Eigen::Index k, product_buffers<S>& buf) {
    // as gemm_blocking_space(m, n, k, 1 thread, l3_blocking = true)
    this->m_mc = m;
    this->m_nc = n;
    this->m_kc = k;
    Eigen::internal::computeProductBlockingSizes<S, S, 1>(this->m_kc, this->m_mc, this->m_nc, Eigen::Index{1});
    buf.reserve(this->m_mc * this->m_kc, this->m_kc * this->m_nc);
    this->m_blockA = buf.a();
    this->m_blockB = buf.b();
  }
};

}  // namespace detail

/// dst = lhs * rhs (dst column-major with unit inner stride, not aliasing lhs or rhs;
/// lhs and rhs plain or transposed column-major blocks, maps or matrices, optionally
/// times a scalar), with the packing buffers `buf`.
template <class S, class Dst, class Lhs, class Rhs>
void product(Dst&& dst, const Lhs& lhs, const Rhs& rhs, product_buffers<S>& buf) {
  using Eigen::Index;
  using lhs_traits = Eigen::internal::blas_traits<Lhs>;
  using rhs_traits = Eigen::internal::blas_traits<Rhs>;
  static_assert(std::is_same_v<typename Lhs::Scalar, S> && std::is_same_v<typename Rhs::Scalar, S>);
  static_assert(!(std::remove_reference_t<Dst>::Flags & Eigen::RowMajorBit), "product(): dst must be column-major");
  const Index m = lhs.rows(), n = rhs.cols(), k = lhs.cols();
  eigen_assert(dst.rows() == m && dst.cols() == n && rhs.rows() == k);
  // Eigen's own choice (GeneralMatrixMatrix.h evalTo / scaleAndAddTo): lazy or GEMV there
  if (m == 1 || n == 1 || k == 0 || m + n + k < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD) {
    dst.noalias() = lhs * rhs;
    return;
  }
  eigen_assert(dst.innerStride() == 1);
  const auto& a = lhs_traits::extract(lhs);
  const auto& b = rhs_traits::extract(rhs);
  using A = std::remove_cv_t<std::remove_reference_t<decltype(a)>>;
  using B = std::remove_cv_t<std::remove_reference_t<decltype(b)>>;
  static_assert(!lhs_traits::NeedToConjugate && !rhs_traits::NeedToConjugate);
  constexpr int a_order = (A::Flags & Eigen::RowMajorBit) ? Eigen::RowMajor : Eigen::ColMajor;
  constexpr int b_order = (B::Flags & Eigen::RowMajorBit) ? Eigen::RowMajor : Eigen::ColMajor;
  const S alpha = lhs_traits::extractScalarFactor(lhs) * rhs_traits::extractScalarFactor(rhs);
  dst.setZero();
  detail::borrowed_blocking<S> blocking(m, n, k, buf);
  Eigen::internal::general_matrix_matrix_product<Index, S, a_order, false, S, b_order, false, Eigen::ColMajor, 1>::run(
      m, n, k, a.data(), a.outerStride(), b.data(), b.outerStride(), dst.data(), 1, dst.outerStride(), alpha, blocking,
      nullptr);
}

}  // namespace ito::diffusion::nn
