// Implicit-feedback ALS (Hu, Koren & Volinsky 2008): preference p = 1 for every (user, item) seen, confidence
// c = 1 + alpha * log1p(weight); alternately solves for user and item factors in closed form, using
// YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ so each row costs O(n f² + f³) rather than O(items f²). Scoring solves the user's factors
// from the history given (fold-in) against the trained item factors: the same solve as a training half-step.
#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>

#include "okada/brain/recs/models.hpp"
#include "okada/brain/recs/split.hpp"

namespace okada::brain::recs {
namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double Confidence(double alpha, float weight) { return 1.0 + alpha * std::log1p(static_cast<double>(weight)); }

// Solves one row's factors given its neighbours (rows of `fixed`) and their weights.
Eigen::VectorXd SolveRow(const Matrix& fixed, const Eigen::MatrixXd& gram, std::span<const std::uint32_t> other,
                         std::span<const float> value, double alpha, double regularization) {
  const Eigen::Index n = static_cast<Eigen::Index>(other.size()), f = fixed.cols();
  Eigen::MatrixXd y(n, f);
  Eigen::VectorXd extra(n), conf(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    y.row(k) = fixed.row(other[static_cast<std::size_t>(k)]);
    const double c = Confidence(alpha, value[static_cast<std::size_t>(k)]);
    extra[k] = c - 1.0;
    conf[k] = c;
  }
  Eigen::MatrixXd a = gram;
  a.noalias() += y.transpose() * extra.asDiagonal() * y;
  a.diagonal().array() += regularization;
  return a.llt().solve(y.transpose() * conf);
}

void HalfStep(const Matrix& fixed, Matrix& solve, const std::vector<std::size_t>& begin,
              const std::vector<std::uint32_t>& other, const std::vector<float>& value, const AlsOptions& o) {
  const Eigen::MatrixXd gram = fixed.transpose() * fixed;
  ParallelFor(static_cast<std::size_t>(solve.rows()), o.threads, [&](std::size_t r) {
    const std::size_t n = begin[r + 1] - begin[r];
    if (n == 0) {
      solve.row(static_cast<Eigen::Index>(r)).setZero();
      return;
    }
    solve.row(static_cast<Eigen::Index>(r)) =
        SolveRow(fixed, gram, {other.data() + begin[r], n}, {value.data() + begin[r], n}, o.alpha, o.regularization)
            .transpose();
  });
}

class Als final : public Scorer {
 public:
  Als(const TrainData& d, const AlsOptions& o)
      : alpha_(o.alpha), regularization_(o.regularization), items_(static_cast<Eigen::Index>(d.items), o.factors) {
    Matrix users(static_cast<Eigen::Index>(d.users), o.factors);
    Rng rng(o.seed);
    const double scale = 0.1 / std::sqrt(static_cast<double>(o.factors));
    for (Eigen::Index i = 0; i < items_.size(); ++i) items_.data()[i] = (rng.Uniform() * 2 - 1) * scale;
    users.setZero();
    for (int it = 0; it < o.iterations; ++it) {
      HalfStep(items_, users, d.user_begin, d.user_item, d.user_value, o);
      HalfStep(users, items_, d.item_begin, d.item_user, d.item_value, o);
    }
    gram_ = items_.transpose() * items_;
  }
  Als(BinaryReader& in, std::size_t items) {
    alpha_ = in.Get<double>();
    regularization_ = in.Get<double>();
    const auto factors = in.Get<std::uint32_t>();
    const std::vector<double> y = in.GetVector<double>();
    if (factors == 0 || factors > 4096 || y.size() != items * factors || !std::isfinite(alpha_) ||
        !std::isfinite(regularization_))
      throw std::runtime_error("model file corrupt (als)");
    items_.resize(static_cast<Eigen::Index>(items), factors);
    std::copy(y.begin(), y.end(), items_.data());
    gram_ = items_.transpose() * items_;
  }
  const char* Name() const override { return "als"; }
  void Score(const History& h, std::int64_t, std::span<float> out) const override {
    std::fill(out.begin(), out.end(), 0.0f);
    std::vector<std::uint32_t> known;
    std::vector<float> value;
    for (std::size_t k = 0; k < h.Size(); ++k) {
      if (h.items[k] >= static_cast<std::size_t>(items_.rows())) continue;
      known.push_back(h.items[k]);
      value.push_back(h.value[k]);
    }
    if (known.empty()) return;
    const Eigen::VectorXd x = SolveRow(items_, gram_, known, value, alpha_, regularization_);
    const Eigen::VectorXd s = items_ * x;
    for (Eigen::Index i = 0; i < s.size(); ++i) out[static_cast<std::size_t>(i)] = static_cast<float>(s[i]);
  }
  void Save(BinaryWriter& out) const override {
    out.Put<double>(alpha_);
    out.Put<double>(regularization_);
    out.Put<std::uint32_t>(static_cast<std::uint32_t>(items_.cols()));
    out.PutVector(std::vector<double>(items_.data(), items_.data() + items_.size()));
  }

 private:
  double alpha_ = 1;
  double regularization_ = 1;
  Matrix items_;
  Eigen::MatrixXd gram_;
};

}  // namespace

std::unique_ptr<Scorer> MakeAls(const TrainData& data, const AlsOptions& options) {
  return std::make_unique<Als>(data, options);
}

std::unique_ptr<Scorer> LoadAls(BinaryReader& in, std::size_t items) { return std::make_unique<Als>(in, items); }

}  // namespace okada::brain::recs
