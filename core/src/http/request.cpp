#include "okada/core/http/request.hpp"

#include <array>

namespace okada::http {

namespace {
constexpr std::array<std::string_view, 8> kMethodNames = {"GET",   "HEAD",   "POST",    "PUT",
                                                          "PATCH", "DELETE", "OPTIONS", "OTHER"};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string_view ToString(Method m) noexcept { return kMethodNames[static_cast<std::size_t>(m)]; }

Method ParseMethod(std::string_view s) noexcept {
  for (std::size_t i = 0; i + 1 < kMethodNames.size(); ++i)
    if (kMethodNames[i] == s) return static_cast<Method>(i);
  return Method::kOther;
}

bool IEquals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string QueryValueKeepingPlus(std::string_view q, std::string_view name) {
  std::string prefix = std::string(name) + "=";
  while (!q.empty()) {
    std::string_view pair = q.substr(0, q.find('&'));
    q = pair.size() < q.size() ? q.substr(pair.size() + 1) : std::string_view();
    if (pair.rfind(prefix, 0) != 0) continue;
    std::string raw;
    for (char c : pair.substr(prefix.size())) {
      if (c == '+')
        raw += "%2B";
      else
        raw += c;
    }
    return UrlDecode(raw).value_or(std::string());
  }
  return {};
}

std::optional<std::string> UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Request::Request(Method method, std::string target, std::vector<std::pair<std::string_view, std::string_view>> headers,
                 std::string body)
    : method_(method), target_(std::move(target)), headers_(std::move(headers)), body_(std::move(body)) {
  std::string_view t = target_;
  auto q = t.find('?');
  path_ = t.substr(0, q);
  if (q != std::string_view::npos) query_ = t.substr(q + 1);
}

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers_)
    if (IEquals(k, name)) return v;
  return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query_;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = UrlDecode(pair.substr(0, eq));
    if (key && *key == name) return eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params_)
    if (k == name) return v;
  return {};
}

std::optional<std::string_view> Response::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers)
    if (IEquals(k, name)) return std::string_view(v);
  return std::nullopt;
}

}  // namespace okada::http
