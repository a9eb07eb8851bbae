// Implicit-feedback ALS (Hu, Koren & Volinsky 2008): preference p = 1 for every (user, item) seen, confidence
// c = 1 + alpha * log1p(weight); alternately solves for user and item factors in closed form, using
// YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ so each row costs O(n f² + f³) rather than O(items f²).
#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>

#include "okada/brain/recs/models.hpp"
#include "okada/brain/recs/split.hpp"

namespace okada::brain::recs {
namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Solves every row of `solve` (size rows × f) against the fixed factors `fixed`, given each row's neighbours.
void HalfStep(const Matrix& fixed, Matrix& solve, const std::vector<std::size_t>& begin,
              const std::vector<std::uint32_t>& other, const std::vector<float>& value, const AlsOptions& o) {
  const int f = o.factors;
  const Eigen::MatrixXd gram = fixed.transpose() * fixed;
  ParallelFor(static_cast<std::size_t>(solve.rows()), o.threads, [&](std::size_t r) {
    const std::size_t n = begin[r + 1] - begin[r];
    if (n == 0) {
      solve.row(static_cast<Eigen::Index>(r)).setZero();
      return;
    }
    Eigen::MatrixXd y(static_cast<Eigen::Index>(n), f);
    Eigen::VectorXd extra(static_cast<Eigen::Index>(n));  // c - 1
    Eigen::VectorXd conf(static_cast<Eigen::Index>(n));   // c
    for (std::size_t k = 0; k < n; ++k) {
      y.row(static_cast<Eigen::Index>(k)) = fixed.row(other[begin[r] + k]);
      const double c = 1.0 + o.alpha * std::log1p(static_cast<double>(value[begin[r] + k]));
      extra[static_cast<Eigen::Index>(k)] = c - 1.0;
      conf[static_cast<Eigen::Index>(k)] = c;
    }
    Eigen::MatrixXd a = gram;
    a.noalias() += y.transpose() * extra.asDiagonal() * y;
    a.diagonal().array() += o.regularization;
    const Eigen::VectorXd b = y.transpose() * conf;
    solve.row(static_cast<Eigen::Index>(r)) = a.llt().solve(b).transpose();
  });
}

class Als final : public Scorer {
 public:
  Als(const TrainData& d, const AlsOptions& o)
      : d_(d),
        users_(static_cast<Eigen::Index>(d.users), o.factors),
        items_(static_cast<Eigen::Index>(d.items), o.factors) {
    Rng rng(o.seed);
    const double scale = 0.1 / std::sqrt(static_cast<double>(o.factors));
    for (Eigen::Index i = 0; i < items_.size(); ++i) items_.data()[i] = (rng.Uniform() * 2 - 1) * scale;
    users_.setZero();
    for (int it = 0; it < o.iterations; ++it) {
      HalfStep(items_, users_, d.user_begin, d.user_item, d.user_value, o);
      HalfStep(users_, items_, d.item_begin, d.item_user, d.item_value, o);
    }
  }
  const char* Name() const override { return "als"; }
  void Score(std::uint32_t user, std::int64_t, std::span<float> out) const override {
    if (user >= d_.users) {
      std::fill(out.begin(), out.end(), 0.0f);
      return;
    }
    const Eigen::VectorXd s = items_ * users_.row(user).transpose();
    for (Eigen::Index i = 0; i < s.size(); ++i) out[static_cast<std::size_t>(i)] = static_cast<float>(s[i]);
  }

 private:
  const TrainData& d_;
  Matrix users_;
  Matrix items_;
};

}  // namespace

std::unique_ptr<Scorer> MakeAls(const TrainData& data, const AlsOptions& options) {
  return std::make_unique<Als>(data, options);
}

}  // namespace okada::brain::recs
