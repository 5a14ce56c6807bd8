#pragma once
/// \file any_score.hpp
/// \brief A score of any concrete type behind one type: code that takes the score as
/// a template parameter (the samplers, the likelihood) is compiled once for it.
///
/// An any_score holds a copy of a score that knows its dimension (dim()) and its
/// exact divergence (divergence(X, t, div), div_j = sum_i d s_i / d x_i at column j),
/// such as gmm_score or network_score. Calls go through one virtual function per
/// batch (a d x N block), not per point, so the cost is one indirect call per score
/// evaluation of a block. Copies are deep (each worker thread of a sampler gets its
/// own copy, with its own scratch buffers), so results are those of the held score,
/// bit for bit.

#include <Eigen/Core>
#include <memory>
#include <type_traits>
#include <utility>

#include <ito/diffusion/score.hpp>

namespace ito::diffusion {

/// A score with a known dimension and an exact divergence.
template <class Score, class S = double>
concept exact_score = score_function<Score, S> && has_dimension<Score> && has_divergence<Score, S>;

/// \brief Any exact_score behind one type (see the file comment).
template <class S = double>
class any_score {
 public:
  using row_vector = Eigen::Matrix<S, 1, Eigen::Dynamic>;

  /// Holds a copy of `score`.
  template <class Score>
    requires(!std::is_same_v<std::remove_cvref_t<Score>, any_score> && exact_score<std::remove_cvref_t<Score>, S>)
  any_score(Score&& score)  // NOLINT: implicit, so any exact score converts
      : held_(std::make_unique<model<std::remove_cvref_t<Score>>>(std::forward<Score>(score))) {}

  any_score(const any_score& o) : held_(o.held_->clone()) {}
  any_score(any_score&&) noexcept = default;
  any_score& operator=(const any_score& o) {
    if (this != &o) held_ = o.held_->clone();
    return *this;
  }
  any_score& operator=(any_score&&) noexcept = default;
  ~any_score() = default;

  /// out = score(X, t), d x N.
  void operator()(const ensemble<S>& X, S t, ensemble<S>& out) { held_->eval(X, t, out); }
  /// div = divergence of the score at each column of X (1 x N).
  void divergence(const ensemble<S>& X, S t, row_vector& div) { held_->divergence(X, t, div); }
  /// The data dimension d.
  index_t dim() const { return held_->dim(); }

 private:
  struct concept_t {
    virtual ~concept_t() = default;
    virtual std::unique_ptr<concept_t> clone() const = 0;
    virtual void eval(const ensemble<S>& X, S t, ensemble<S>& out) = 0;
    virtual void divergence(const ensemble<S>& X, S t, row_vector& div) = 0;
    virtual index_t dim() const = 0;
  };
  template <class Score>
  struct model final : concept_t {
    Score score;
    explicit model(Score s) : score(std::move(s)) {}
    std::unique_ptr<concept_t> clone() const override { return std::make_unique<model>(score); }
    void eval(const ensemble<S>& X, S t, ensemble<S>& out) override { score(X, t, out); }
    void divergence(const ensemble<S>& X, S t, row_vector& div) override { score.divergence(X, t, div); }
    index_t dim() const override { return index_t(score.dim()); }
  };
  std::unique_ptr<concept_t> held_;
};

}  // namespace ito::diffusion
