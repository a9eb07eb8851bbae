#include "okada/core/metrics.hpp"

#include <cstdio>
#include <stdexcept>

namespace okada {

void Histogram::Observe(double seconds) noexcept {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

Metrics::Series& Metrics::Get(const std::string& name, const std::string& help, Kind kind, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family* fam = nullptr;
  for (auto& f : families_)
    if (f->name == name) fam = f.get();
  if (!fam) {
    families_.push_back(std::make_unique<Family>(Family{name, help, kind, {}}));
    fam = families_.back().get();
  } else if (fam->kind != kind) {
    throw std::logic_error("metric " + name + " registered twice with different types");
  }
  for (auto& s : fam->series)
    if (s->labels == labels) return *s;
  auto s = std::make_unique<Series>();
  s->labels = labels;
  switch (kind) {
    case Kind::kCounter:
      s->counter = std::make_unique<Counter>();
      break;
    case Kind::kGauge:
      s->gauge = std::make_unique<Gauge>();
      break;
    case Kind::kHistogram:
      s->histogram = std::make_unique<Histogram>();
      break;
    case Kind::kCallback:
      break;
  }
  fam->series.push_back(std::move(s));
  return *fam->series.back();
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  return *Get(name, help, Kind::kCounter, labels).counter;
}
Gauge& Metrics::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  return *Get(name, help, Kind::kGauge, labels).gauge;
}
Histogram& Metrics::GetHistogram(const std::string& name, const std::string& help, const Labels& labels) {
  return *Get(name, help, Kind::kHistogram, labels).histogram;
}
void Metrics::AddCallbackGauge(const std::string& name, const std::string& help, const Labels& labels,
                               std::function<double()> fn) {
  Series& s = Get(name, help, Kind::kCallback, labels);
  std::lock_guard lock(mu_);
  s.callback = std::move(fn);
}

namespace {
std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
std::string LabelText(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  for (const auto& [k, v] : labels) out += (out.size() > 1 ? "," : "") + k + "=\"" + Escape(v) + "\"";
  if (!extra.empty()) out += (out.size() > 1 ? "," : "") + extra;
  return out + "}";
}
std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
}  // namespace

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& f : families_) {
    const char* type = f->kind == Kind::kCounter ? "counter" : f->kind == Kind::kHistogram ? "histogram" : "gauge";
    out += "# HELP " + f->name + " " + f->help + "\n# TYPE " + f->name + " " + type + "\n";
    for (const auto& s : f->series) {
      switch (f->kind) {
        case Kind::kCounter:
          out += f->name + LabelText(s->labels) + " " + std::to_string(s->counter->value()) + "\n";
          break;
        case Kind::kGauge:
          out += f->name + LabelText(s->labels) + " " + std::to_string(s->gauge->value()) + "\n";
          break;
        case Kind::kCallback:
          out += f->name + LabelText(s->labels) + " " + Num(s->callback ? s->callback() : 0) + "\n";
          break;
        case Kind::kHistogram: {
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
            cumulative += s->histogram->bucket(i);
            out += f->name + "_bucket" + LabelText(s->labels, "le=\"" + Num(Histogram::kBounds[i]) + "\"") + " " +
                   std::to_string(cumulative) + "\n";
          }
          out += f->name + "_bucket" + LabelText(s->labels, "le=\"+Inf\"") + " " +
                 std::to_string(s->histogram->count()) + "\n";
          out += f->name + "_sum" + LabelText(s->labels) + " " + Num(s->histogram->sum()) + "\n";
          out += f->name + "_count" + LabelText(s->labels) + " " + std::to_string(s->histogram->count()) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace okada
