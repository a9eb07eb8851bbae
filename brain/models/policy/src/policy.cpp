#include "okada/brain/policy/policy.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace okada::brain::policy {
namespace {

// y[rows, out] = x[rows, in] · Wᵀ + b, W row-major [out, in]; b may be null.
void Linear(const float* x, int rows, int in, const float* w, const float* b, int out, float* y) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<std::size_t>(r) * in;
    float* yr = y + static_cast<std::size_t>(r) * out;
    for (int o = 0; o < out; ++o) {
      const float* wo = w + static_cast<std::size_t>(o) * in;
      double s = b ? b[o] : 0.0;
      for (int i = 0; i < in; ++i) s += static_cast<double>(xr[i]) * wo[i];
      yr[o] = static_cast<float>(s);
    }
  }
}

// In place: x = LayerNorm(x) · g + b per row (biased variance, eps 1e-5, as torch::layer_norm).
void LayerNorm(float* x, int rows, int d, const float* g, const float* b) {
  for (int r = 0; r < rows; ++r) {
    float* xr = x + static_cast<std::size_t>(r) * d;
    double mean = 0, var = 0;
    for (int i = 0; i < d; ++i) mean += xr[i];
    mean /= d;
    for (int i = 0; i < d; ++i) var += (xr[i] - mean) * (xr[i] - mean);
    var /= d;
    double inv = 1.0 / std::sqrt(var + 1e-5);
    for (int i = 0; i < d; ++i) xr[i] = static_cast<float>((xr[i] - mean) * inv * g[i] + b[i]);
  }
}

// Softmax in place over the entries with allowed[j] (others set to 0); `allowed` null: all.
void Softmax(double* v, int n, const char* allowed) {
  double m = -std::numeric_limits<double>::infinity();
  for (int j = 0; j < n; ++j)
    if (!allowed || allowed[j]) m = std::max(m, v[j]);
  double s = 0;
  for (int j = 0; j < n; ++j) {
    v[j] = (!allowed || allowed[j]) ? std::exp(v[j] - m) : 0.0;
    s += v[j];
  }
  for (int j = 0; j < n; ++j) v[j] /= s;
}

Point Transform(const Point& p, int k) {
  switch (k) {
    case 1:
      return {p.y, p.x};
    case 2:
      return {1 - p.x, p.y};
    case 3:
      return {p.x, 1 - p.y};
    case 4:
      return {1 - p.x, 1 - p.y};
    case 5:
      return {p.y, 1 - p.x};
    case 6:
      return {1 - p.y, p.x};
    case 7:
      return {1 - p.y, 1 - p.x};
    default:
      return p;
  }
}

}  // namespace

Policy Policy::Load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("policy weights " + file.string() + ": cannot open");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return FromBytes(buffer.str(), file.string());
}

Policy Policy::FromBytes(std::string_view bytes, std::string_view what) {
  Policy p;
  ReadWeights(bytes, what, p.config_, p.tensors_);
  return p;
}

std::size_t Policy::Parameters() const {
  std::size_t n = 0;
  for (const Tensor& t : tensors_) n += t.values.size();
  return n;
}

Decoded Policy::Decode(const Instance& instance) const {
  const int d = config_.embed_dim, heads = config_.heads, f = config_.ff_dim, dk = d / heads;
  const int n = instance.pairs, N = instance.Size();
  if (n < 1 || N != 2 * n + 1) throw std::invalid_argument("instance must have 2 * pairs + 1 points");
  // Tensors in Layout order: 6 input embeddings, 12 per encoder layer, then the 6 decoder maps.
  auto w = [&](int index) { return tensors_[static_cast<std::size_t>(index)].values.data(); };
  const auto& pts = instance.points;

  std::vector<float> h(static_cast<std::size_t>(N) * d);
  {
    float in2[2] = {static_cast<float>(pts[0].x), static_cast<float>(pts[0].y)};
    Linear(in2, 1, 2, w(0), w(1), d, h.data());
    for (int i = 1; i <= n; ++i) {
      const Point &p = pts[i], &q = pts[i + n];
      float pick[4] = {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(q.x),
                       static_cast<float>(q.y)};
      float deliv[4] = {pick[2], pick[3], pick[0], pick[1]};
      Linear(pick, 1, 4, w(2), w(3), d, h.data() + static_cast<std::size_t>(i) * d);
      Linear(deliv, 1, 4, w(4), w(5), d, h.data() + static_cast<std::size_t>(i + n) * d);
    }
  }

  const std::size_t nd = static_cast<std::size_t>(N) * d;
  std::vector<float> q(nd), k(nd), v(nd), att(nd), o(nd), ff(static_cast<std::size_t>(N) * f);
  std::vector<double> scores(static_cast<std::size_t>(N));
  const double scale = 1.0 / std::sqrt(static_cast<double>(dk));
  for (int l = 0; l < config_.layers; ++l) {
    const int base = 6 + 12 * l;
    Linear(h.data(), N, d, w(base + 0), nullptr, d, q.data());
    Linear(h.data(), N, d, w(base + 1), nullptr, d, k.data());
    Linear(h.data(), N, d, w(base + 2), nullptr, d, v.data());
    for (int hd = 0; hd < heads; ++hd) {
      const int off = hd * dk;
      for (int i = 0; i < N; ++i) {
        for (int j = 0; j < N; ++j) {
          double s = 0;
          for (int c = 0; c < dk; ++c) s += static_cast<double>(q[i * d + off + c]) * k[j * d + off + c];
          scores[j] = s * scale;
        }
        Softmax(scores.data(), N, nullptr);
        for (int c = 0; c < dk; ++c) {
          double s = 0;
          for (int j = 0; j < N; ++j) s += scores[j] * v[j * d + off + c];
          att[i * d + off + c] = static_cast<float>(s);
        }
      }
    }
    Linear(att.data(), N, d, w(base + 3), nullptr, d, o.data());
    for (std::size_t i = 0; i < nd; ++i) h[i] += o[i];
    LayerNorm(h.data(), N, d, w(base + 4), w(base + 5));
    Linear(h.data(), N, d, w(base + 6), w(base + 7), f, ff.data());
    for (float& x : ff) x = std::max(x, 0.0f);
    Linear(ff.data(), N, f, w(base + 8), w(base + 9), d, o.data());
    for (std::size_t i = 0; i < nd; ++i) h[i] += o[i];
    LayerNorm(h.data(), N, d, w(base + 10), w(base + 11));
  }

  const int dec = 6 + 12 * config_.layers;  // dec_wg, dec_wc, dec_wk, dec_wv, dec_wo, dec_wl
  std::vector<float> mean(static_cast<std::size_t>(d), 0.0f), graph(static_cast<std::size_t>(d));
  for (int c = 0; c < d; ++c) {
    double s = 0;
    for (int i = 0; i < N; ++i) s += h[i * d + c];
    mean[c] = static_cast<float>(s / N);
  }
  Linear(mean.data(), 1, d, w(dec + 0), nullptr, d, graph.data());
  std::vector<float>& keys = k;  // reuse the buffers: glimpse keys, values and pointer keys
  std::vector<float>& values = v;
  std::vector<float>& logit_keys = q;
  Linear(h.data(), N, d, w(dec + 2), nullptr, d, keys.data());
  Linear(h.data(), N, d, w(dec + 3), nullptr, d, values.data());
  Linear(h.data(), N, d, w(dec + 5), nullptr, d, logit_keys.data());

  Decoded out;
  std::vector<char> visited(static_cast<std::size_t>(N), 0), allowed(static_cast<std::size_t>(N), 0);
  visited[0] = 1;
  std::vector<float> query(static_cast<std::size_t>(d)), glimpse(static_cast<std::size_t>(d)),
      projected(static_cast<std::size_t>(d));
  std::vector<double> logits(static_cast<std::size_t>(N));
  int current = 0;
  const double logit_scale = 1.0 / std::sqrt(static_cast<double>(d));
  for (int step = 0; step < 2 * n; ++step) {
    for (int j = 0; j < N; ++j) allowed[j] = !visited[j] && (j <= n || visited[j - n]);
    Linear(h.data() + static_cast<std::size_t>(current) * d, 1, d, w(dec + 1), nullptr, d, query.data());
    for (int c = 0; c < d; ++c) query[c] += graph[c];
    for (int hd = 0; hd < heads; ++hd) {
      const int off = hd * dk;
      for (int j = 0; j < N; ++j) {
        if (!allowed[j]) continue;
        double s = 0;
        for (int c = 0; c < dk; ++c) s += static_cast<double>(query[off + c]) * keys[j * d + off + c];
        scores[j] = s * scale;
      }
      Softmax(scores.data(), N, allowed.data());
      for (int c = 0; c < dk; ++c) {
        double s = 0;
        for (int j = 0; j < N; ++j)
          if (allowed[j]) s += scores[j] * values[j * d + off + c];
        glimpse[off + c] = static_cast<float>(s);
      }
    }
    Linear(glimpse.data(), 1, d, w(dec + 4), nullptr, d, projected.data());
    double best = -std::numeric_limits<double>::infinity(), m = best;
    int pick = -1;
    for (int j = 0; j < N; ++j) {
      if (!allowed[j]) continue;
      double s = 0;
      for (int c = 0; c < d; ++c) s += static_cast<double>(projected[c]) * logit_keys[j * d + c];
      logits[j] = 10.0 * std::tanh(s * logit_scale);
      if (logits[j] > best) {
        best = logits[j];
        pick = j;
      }
      m = std::max(m, logits[j]);
    }
    double z = 0;
    for (int j = 0; j < N; ++j)
      if (allowed[j]) z += std::exp(logits[j] - m);
    out.log_probs.push_back(logits[pick] - m - std::log(z));
    out.tour.push_back(pick);
    visited[pick] = 1;
    current = pick;
  }
  out.length = TourLength(instance, out.tour);
  return out;
}

std::vector<int> Policy::BestTour(const Instance& instance, int augmentations) const {
  augmentations = std::clamp(augmentations, 1, 8);
  std::vector<int> best;
  double best_length = std::numeric_limits<double>::infinity();
  Instance copy = instance;
  for (int a = 0; a < augmentations; ++a) {
    for (std::size_t i = 0; i < copy.points.size(); ++i) copy.points[i] = Transform(instance.points[i], a);
    Decoded dcd = Decode(copy);
    double length = TourLength(instance, dcd.tour);
    if (length < best_length - 1e-12) {
      best_length = length;
      best = std::move(dcd.tour);
    }
  }
  return best;
}

}  // namespace okada::brain::policy
