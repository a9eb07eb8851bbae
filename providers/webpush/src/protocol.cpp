// Small pieces of the Web Push protocol (RFC 8030, RFC 8292) shared by the sender and the sandbox: an endpoint's
// origin (the VAPID audience), the Authorization header's syntax, the Urgency and Topic header values, and the
// tolerant base64url of browser keys.

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

#include "internal.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/request.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {

namespace urls = boost::urls;

namespace internal {
namespace {

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::optional<VapidParams> ParseVapidHeader(std::string_view header) {
  header = Trim(header);
  // auth-scheme is case-insensitive (RFC 9110 §11.1), then at least one space.
  if (header.size() < 6 || !http::IEquals(header.substr(0, 5), "vapid") || (header[5] != ' ' && header[5] != '\t'))
    return std::nullopt;
  std::string_view rest = header.substr(6);
  VapidParams out;
  bool have_t = false, have_k = false;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view param = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (param.empty()) continue;
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = Trim(param.substr(0, eq));
    std::string_view value = Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value.empty()) return std::nullopt;
    if (http::IEquals(name, "t")) {
      if (have_t) return std::nullopt;
      have_t = true;
      out.token = value;
    } else if (http::IEquals(name, "k")) {
      if (have_k) return std::nullopt;
      have_k = true;
      out.key = value;
    }
    // Other parameters are ignored (extensibility, RFC 8292 §3).
  }
  if (!have_t || !have_k) return std::nullopt;
  return out;
}

std::optional<std::string> DecodeLenient(std::string_view text) {
  std::size_t pad = 0;
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++pad;
  }
  if (pad > 2 || (pad > 0 && (text.size() + pad) % 4 != 0)) return std::nullopt;
  return crypto::Base64UrlDecode(text);
}

bool IsUrgency(std::string_view s) { return s == "very-low" || s == "low" || s == "normal" || s == "high"; }

bool IsTopic(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!IsBase64UrlChar(c)) return false;
  return true;
}

}  // namespace internal

std::string Audience(std::string_view endpoint) {
  auto fail = [](const char* why) { return Error(ErrorCode::kPushSubscriptionInvalid, why); };
  if (endpoint.size() > 4096) throw fail("push endpoint is longer than 4096 characters");
  auto parsed = urls::parse_uri(endpoint);
  if (!parsed) throw fail("push endpoint is not an absolute URL");
  urls::url_view u = *parsed;
  std::string out;
  std::uint16_t default_port = 0;
  if (u.scheme_id() == urls::scheme::https) {
    out = "https://";
    default_port = 443;
  } else if (u.scheme_id() == urls::scheme::http) {
    out = "http://";
    default_port = 80;
  } else {
    throw fail("push endpoint must be an http(s) URL");
  }
  if (u.has_userinfo()) throw fail("push endpoint must not carry credentials");
  if (u.host_type() == urls::host_type::none || u.encoded_host().empty()) throw fail("push endpoint has no host");
  if (u.host_type() == urls::host_type::ipvfuture) throw fail("push endpoint has no usable host");
  std::string host(u.encoded_host());
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += host;
  if (u.has_port() && !u.port().empty()) {
    std::uint16_t port = u.port_number();
    if (port == 0) throw fail("push endpoint has an invalid port");
    if (port != default_port) out += ":" + std::to_string(port);
  }
  return out;
}

}  // namespace okada::webpush
