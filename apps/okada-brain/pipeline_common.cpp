#include "pipeline_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace okada::brain {

namespace fs = std::filesystem;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Rfc3339(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Html(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

fs::path RegistryDir(const cli::Args& a) {
  if (a.Has("--registry")) return a.Get("--registry");
  if (const char* r = std::getenv("OKADA_BRAIN_REGISTRY"); r && *r) return r;
  if (const char* s = std::getenv("OKADA_STATE_DIR"); s && *s) return fs::path(s) / "brain" / "registry";
  throw std::invalid_argument("say where the registry is: --registry DIR (or OKADA_BRAIN_REGISTRY / OKADA_STATE_DIR)");
}

std::string RunId(const std::string& model) {
  std::string id = model + "-" + Rfc3339(std::time(nullptr)) + "-" + std::to_string(static_cast<int>(::getpid()));
  std::replace(id.begin(), id.end(), ':', '-');
  return id;
}

void Say(const std::string& line) { std::cerr << "okada brain: " << line << std::endl; }

// A grouped bar chart: one group per metric, one bar per series.
std::string BarChart(const std::string& title, const std::vector<std::string>& groups,
                     const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  const int w = 640, h = 280, left = 50, bottom = 40, top = 30;
  double max = 0;
  for (const auto& [name, values] : series)
    for (double v : values) max = std::max(max, v);
  if (max <= 0) max = 1;
  const char* colours[] = {"#2b6cb0", "#dd6b20", "#38a169", "#805ad5"};
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' role='img' aria-label='"
    << Html(title) << "'><text x='" << left << "' y='18' font-size='14'>" << Html(title) << "</text>";
  const double plot_h = h - bottom - top, group_w = static_cast<double>(w - left - 10) / groups.size();
  const double bar_w = group_w * 0.8 / std::max<std::size_t>(1, series.size());
  s << "<line x1='" << left << "' y1='" << h - bottom << "' x2='" << w - 10 << "' y2='" << h - bottom
    << "' stroke='#333'/>";
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = g < series[k].second.size() ? series[k].second[g] : 0;
      const double bh = plot_h * v / max;
      const double x = left + g * group_w + group_w * 0.1 + k * bar_w;
      s << "<rect x='" << Fixed(x, 1) << "' y='" << Fixed(h - bottom - bh, 1) << "' width='" << Fixed(bar_w - 2, 1)
        << "' height='" << Fixed(bh, 1) << "' fill='" << colours[k % 4] << "'><title>" << Html(series[k].first) << " "
        << Html(groups[g]) << ": " << Fixed(v) << "</title></rect>";
      s << "<text x='" << Fixed(x + bar_w / 2 - 1, 1) << "' y='" << Fixed(h - bottom - bh - 3, 1)
        << "' font-size='9' text-anchor='middle'>" << Fixed(v, 3) << "</text>";
    }
    s << "<text x='" << Fixed(left + g * group_w + group_w / 2, 1) << "' y='" << h - bottom + 15
      << "' font-size='11' text-anchor='middle'>" << Html(groups[g]) << "</text>";
  }
  for (std::size_t k = 0; k < series.size(); ++k)
    s << "<rect x='" << left + 130 * k << "' y='" << h - 14 << "' width='10' height='10' fill='" << colours[k % 4]
      << "'/><text x='" << left + 130 * k + 14 << "' y='" << h - 5 << "' font-size='11'>" << Html(series[k].first)
      << "</text>";
  s << "</svg>";
  return s.str();
}

}  // namespace okada::brain
