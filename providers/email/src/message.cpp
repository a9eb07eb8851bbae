// The message format: RFC 5322 headers, MIME (RFC 2045) quoted-printable bodies, RFC 2047 encoded words for
// header text that is not ASCII, SMTP dot-stuffing (RFC 5321 §4.5.2), and the address check. Pure functions.
//
// Encoding side (what the mailer sends) is strict and 7-bit: every line is at most 76 characters (header fields
// of plain ASCII at most 78), and the whole message is ASCII. Decoding side (what the sink reads) is lenient:
// mail from other tools may fold, pad or mis-case things, and a sink that refuses them is no help in development.

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <utility>
#include <vector>

#include "internal.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/text.hpp"
#include "okada/providers/email.hpp"

namespace okada::email {
namespace internal {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 (core's strict rules).
std::size_t Utf8Length(std::string_view s, std::size_t i) { return text::Utf8SequenceLength(s, i); }

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = byte(i) << 16;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0 || padding) return std::nullopt;  // a foreign character, or data after the padding
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 == 1) return std::nullopt;  // six lone bits make no byte
  return out;
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string SanitizeUtf8(std::string_view s) {
  if (text::IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8Length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string ToLf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace internal

namespace {

using internal::Base64Encode;

constexpr std::size_t kMaxLine = 76;         // RFC 2045 §6.7 and RFC 2047 §2 (encoded lines)
constexpr std::size_t kMaxHeaderLine = 78;   // RFC 5322 §2.1.1 (SHOULD)
constexpr std::size_t kMaxEncodedWord = 75;  // RFC 2047 §2
constexpr std::size_t kWordOverhead = 12;    // "=?UTF-8?B?" + "?="
constexpr std::size_t kMaxPlainWord = 66;    // longer runs without a space are encoded (they could not be folded)
constexpr std::size_t kMaxFromName = 200;
constexpr std::size_t kMaxSubject = 1000;
constexpr std::size_t kMaxText = 256 * 1024;  // quoted-printable triples it at worst: still under a 1 MiB relay

constexpr char kHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// Bytes in the character that starts at s[i]: its lead byte and the continuation bytes that follow (at most 3).
// Never splits a well-formed character; a stray byte is a character of its own.
std::size_t CharBytes(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t want = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  std::size_t n = 1;
  while (want > 0 && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) {
    ++n;
    --want;
  }
  return n;
}

// Text that may go into a header as it is: printable ASCII, nothing that reads as an encoded word, no space at
// either end (it would be lost to the field's surrounding whitespace), and every word short enough to fold.
bool PlainHeaderText(std::string_view s) {
  if (s.find("=?") != std::string_view::npos) return false;
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) return false;
  std::size_t word = 0;
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
    word = c == ' ' ? 0 : word + 1;
    if (word > kMaxPlainWord) return false;
  }
  return true;
}

// Plain text folded before a space wherever the line would pass 78 characters. Unfolding (removing the CRLFs)
// gives the text back exactly.
std::string FoldPlain(std::string_view s, std::size_t used) {
  std::string out;
  std::size_t col = used;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] == ' ') ++j;
    while (j < s.size() && s[j] != ' ') ++j;
    std::string_view segment = s.substr(i, j - i);  // its leading spaces, then one word
    if (i > 0 && col + segment.size() > kMaxHeaderLine) {
      out += "\r\n";
      col = 0;
    }
    out += segment;
    col += segment.size();
    i = j;
  }
  return out;
}

// RFC 2047 B encoded words for all of `s`, each of whole characters (§5: a character is never split between
// words), joined by CRLF SP. The first word fits on a line that already holds `used` characters, every line
// ends by column 76.
std::string EncodedWords(std::string_view s, std::size_t used) {
  std::string out;
  std::size_t budget = used + kWordOverhead + 8 <= kMaxLine ? kMaxLine - used : 0;
  bool first = true;
  if (budget == 0) {
    // Too little room after the field name: start the words on the next line.
    out += "\r\n ";
    budget = kMaxEncodedWord;
  }
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t max_bytes = (budget - kWordOverhead) / 4 * 3;
    std::size_t j = i;
    while (j < s.size()) {
      std::size_t n = CharBytes(s, j);
      if (j + n - i > max_bytes) break;
      j += n;
    }
    if (j == i) j = i + CharBytes(s, i);  // cannot happen with budgets of at least 20; never loop forever
    if (!first) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += Base64Encode(s.substr(i, j - i));
    out += "?=";
    first = false;
    budget = kMaxEncodedWord;
    i = j;
  }
  return out;
}

std::size_t LastLineLength(std::string_view s, std::size_t used) {
  std::size_t nl = s.rfind('\n');
  return nl == std::string_view::npos ? used + s.size() : s.size() - nl - 1;
}

// From: a bare address, or a display name (an atom phrase, a quoted string, or encoded words) and <address>.
std::string FromField(std::string_view name, std::string_view address) {
  constexpr std::size_t kUsed = 6;  // "From: "
  if (name.empty()) return std::string(address);
  std::string phrase;
  bool atoms = name.front() != ' ' && name.back() != ' ' && name.find("  ") == std::string_view::npos &&
               name.size() <= kMaxPlainWord;
  for (char c : name) atoms = atoms && (IsAtext(c) || c == ' ');
  if (atoms && name.find("=?") == std::string_view::npos) {
    phrase = std::string(name);
  } else if (PlainHeaderText(name) && name.size() <= kMaxPlainWord) {
    phrase = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') phrase += '\\';
      phrase += c;
    }
    phrase += '"';
  } else {
    phrase = EncodedWords(name, kUsed);
  }
  std::string out = phrase;
  std::string angle = "<" + std::string(address) + ">";
  out += LastLineLength(phrase, kUsed) + 1 + angle.size() > kMaxHeaderLine ? "\r\n " : " ";
  out += angle;
  return out;
}

// RFC 5322 §3.3 date-time in UTC: "Wed, 04 Mar 2026 09:05:00 +0000" (English names whatever the locale).
std::string MailDate(std::int64_t unix_ms) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_ms < 0 ? 0 : unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[static_cast<std::size_t>(tm.tm_wday)],
                tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// One line of a body (no line break in it) in quoted-printable, soft-broken so that no output line passes 76
// characters including the '=' of a soft break.
void EncodeQpLine(std::string_view line, std::string& out) {
  std::size_t col = 0;
  for (std::size_t k = 0; k < line.size(); ++k) {
    auto c = static_cast<unsigned char>(line[k]);
    bool last = k + 1 == line.size();
    char token[3];
    std::size_t len = 1;
    if ((c == ' ' || c == '\t') && !last) {
      token[0] = static_cast<char>(c);
    } else if (c >= 33 && c <= 126 && c != '=') {
      token[0] = static_cast<char>(c);
    } else {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 0x0F];
      len = 3;
    }
    // The last token may end the line at column 76; any other leaves room for the '=' of a soft break.
    if (col + len > (last ? kMaxLine : kMaxLine - 1)) {
      out += "=\r\n";
      col = 0;
    }
    out.append(token, len);
    col += len;
  }
}

// The bytes of [begin, end) of a quoted-printable line, =XX decoded; a malformed escape is kept as it is.
void DecodeQpRun(std::string_view s, std::size_t begin, std::size_t end, std::string& out) {
  for (std::size_t k = begin; k < end; ++k) {
    if (s[k] == '=' && k + 2 < end) {
      int hi = HexValue(s[k + 1]);
      int lo = HexValue(s[k + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        k += 2;
        continue;
      }
    }
    out += s[k];
  }
}

// One RFC 2047 encoded word starting at s[i] ("=?charset?B|Q?text?="). On success sets `decoded` and `end` (just
// past the "?=").
bool DecodeWord(std::string_view s, std::size_t i, std::string& decoded, std::size_t& end) {
  if (s.compare(i, 2, "=?") != 0) return false;
  std::size_t q1 = s.find('?', i + 2);
  if (q1 == std::string_view::npos || q1 == i + 2 || q1 + 3 >= s.size() || s[q1 + 2] != '?') return false;
  std::string charset = internal::Lower(s.substr(i + 2, q1 - i - 2));
  if (std::size_t star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 language
  char encoding = s[q1 + 1];
  std::size_t text_begin = q1 + 3;
  std::size_t close = s.find("?=", text_begin);
  if (close == std::string_view::npos) return false;
  std::string_view payload = s.substr(text_begin, close - text_begin);
  for (char c : charset)
    if (c == ' ' || c == '\t' || c == '=') return false;
  for (char c : payload)
    if (c == ' ' || c == '\t') return false;

  std::string bytes;
  if (encoding == 'B' || encoding == 'b') {
    auto b = internal::Base64Decode(payload);
    if (!b) return false;
    bytes = std::move(*b);
  } else if (encoding == 'Q' || encoding == 'q') {
    for (std::size_t k = 0; k < payload.size(); ++k) {
      char c = payload[k];
      if (c == '_') {
        bytes += ' ';
      } else if (c == '=' && k + 2 < payload.size() && HexValue(payload[k + 1]) >= 0 && HexValue(payload[k + 2]) >= 0) {
        bytes += static_cast<char>(HexValue(payload[k + 1]) * 16 + HexValue(payload[k + 2]));
        k += 2;
      } else {
        bytes += c;
      }
    }
  } else {
    return false;
  }
  if (charset == "iso-8859-1" || charset == "iso8859-1" || charset == "latin1" || charset == "latin-1")
    decoded = internal::Latin1ToUtf8(bytes);
  else
    decoded = std::move(bytes);  // UTF-8, US-ASCII, or bytes of a charset we do not convert
  end = close + 2;
  return true;
}

[[noreturn]] void Reject(const char* field, const char* code, const std::string& why) {
  Error e(ErrorCode::kValidationFailed, std::string(field) + " " + why);
  e.WithField(FieldError{field, code, why});
  throw e;
}

void CheckHeaderText(const char* field, std::string_view s, std::size_t max) {
  if (s.size() > max) Reject(field, "TOO_LONG", "must be at most " + std::to_string(max) + " bytes");
  if (!text::IsValidUtf8(s)) Reject(field, "INVALID_FORMAT", "must be valid UTF-8");
  if (text::HasControlChars(s)) Reject(field, "INVALID_FORMAT", "must not contain control characters or line breaks");
}

}  // namespace

bool IsValidAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  std::size_t at = address.find('@');
  if (at == std::string_view::npos || at != address.rfind('@')) return false;
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  for (char c : local)
    if (!IsAtext(c) && c != '.') return false;
  int labels = 0;
  while (true) {
    std::size_t dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2;
}

void Validate(const Mail& mail) {
  if (!IsValidAddress(mail.to)) Reject("to", "INVALID_FORMAT", "must be one address of the form local@domain");
  CheckHeaderText("from_name", mail.from_name, kMaxFromName);
  CheckHeaderText("subject", mail.subject, kMaxSubject);
  if (mail.text.size() > kMaxText) Reject("text", "TOO_LONG", "must be at most 262144 bytes");
  if (!text::IsValidUtf8(mail.text)) Reject("text", "INVALID_FORMAT", "must be valid UTF-8");
  if (text::HasControlChars(mail.text, true))
    Reject("text", "INVALID_FORMAT", "must not contain control characters other than line breaks and tabs");
}

std::string QuotedPrintableEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  std::size_t i = 0;
  for (;;) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    EncodeQpLine(text.substr(i, end - i), out);
    if (end == text.size()) break;
    out += "\r\n";
    i = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
  }
  return out;
}

std::string QuotedPrintableDecode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  std::size_t i = 0;
  while (i < encoded.size()) {
    std::size_t nl = encoded.find('\n', i);
    bool has_break = nl != std::string_view::npos;
    std::size_t line_end = has_break ? nl : encoded.size();
    std::size_t end = line_end;
    bool crlf = has_break && end > i && encoded[end - 1] == '\r';
    if (crlf) --end;
    while (end > i && (encoded[end - 1] == ' ' || encoded[end - 1] == '\t')) --end;  // transport padding
    bool soft = end > i && encoded[end - 1] == '=';
    if (soft) --end;
    DecodeQpRun(encoded, i, end, out);
    if (!soft && has_break) out += crlf ? "\r\n" : "\n";
    i = has_break ? nl + 1 : encoded.size();
  }
  return out;
}

std::string EncodeHeaderText(std::string_view utf8, std::size_t used) {
  if (PlainHeaderText(utf8)) return FoldPlain(utf8, used);
  return EncodedWords(utf8, used);
}

std::string DecodeHeaderText(std::string_view text) {
  // Unfolding (RFC 5322 §2.2.3) removes the CRLF of each fold and keeps the whitespace after it.
  std::string s;
  s.reserve(text.size());
  for (char c : text)
    if (c != '\r' && c != '\n') s += c;

  std::string out;
  out.reserve(s.size());
  bool after_word = false;   // only whitespace since the last encoded word
  std::size_t word_end = 0;  // out.size() just after that word
  for (std::size_t i = 0; i < s.size();) {
    std::string decoded;
    std::size_t end = 0;
    if (s[i] == '=' && DecodeWord(s, i, decoded, end)) {
      if (after_word) out.resize(word_end);  // RFC 2047 §6.2: whitespace between encoded words is not text
      out += decoded;
      word_end = out.size();
      after_word = true;
      i = end;
      continue;
    }
    if (s[i] != ' ' && s[i] != '\t') after_word = false;
    out += s[i];
    ++i;
  }
  return out;
}

std::string DotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string DotUnstuff(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  bool line_start = true;
  for (char c : message) {
    bool skip = line_start && c == '.';
    line_start = c == '\n';
    if (skip) continue;
    out += c;
  }
  return out;
}

std::string ComposeMessage(const Mail& mail, std::string_view from_address, std::string_view message_id,
                           std::int64_t unix_ms) {
  std::string m;
  m.reserve(512 + mail.text.size() * 5 / 4);
  m += "Date: " + MailDate(unix_ms) + "\r\n";
  m += "From: " + FromField(mail.from_name, from_address) + "\r\n";
  m += "To: " + mail.to + "\r\n";
  m += "Subject: " + EncodeHeaderText(mail.subject, 9) + "\r\n";
  m += "Message-ID: " + std::string(message_id) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += QuotedPrintableEncode(mail.text);
  // Always one more line break: DATA ends with CRLF "." CRLF, and the receiver takes exactly this CRLF off again,
  // so a text that ends with a line break keeps it.
  m += "\r\n";
  return m;
}

namespace internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The display name of a From value ("Name <a@b>", "\"Name\" <a@b>", "=?UTF-8?B?...?= <a@b>"), still encoded.
std::string DisplayName(std::string_view from) {
  std::size_t angle = from.rfind('<');
  if (angle == std::string_view::npos) return {};
  std::string_view name = Trim(from.substr(0, angle));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
      if (name[i] == '\\' && i + 2 < name.size()) ++i;
      out += name[i];
    }
    return out;
  }
  return std::string(name);
}

// The charset parameter of a Content-Type value, lower case; empty when absent.
std::string Charset(std::string_view content_type) {
  std::string lower = Lower(content_type);
  std::size_t p = lower.find("charset=");
  if (p == std::string::npos) return {};
  std::string_view v = std::string_view(lower).substr(p + 8);
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(Trim(v.substr(0, v.find_first_of("; \t"))));
}

}  // namespace

ParsedMessage ParseMessage(std::string_view raw) {
  std::size_t split = raw.find("\r\n\r\n");
  std::size_t body_at = split == std::string_view::npos ? std::string_view::npos : split + 4;
  if (split == std::string_view::npos) {
    split = raw.find("\n\n");
    body_at = split == std::string_view::npos ? raw.size() : split + 2;
    if (split == std::string_view::npos) split = raw.size();
  }
  std::string_view head = raw.substr(0, split);
  std::string_view body = raw.substr(body_at);

  // Header fields, unfolded: a line that starts with whitespace continues the one before.
  std::vector<std::pair<std::string, std::string>> fields;
  for (std::size_t i = 0; i < head.size();) {
    std::size_t nl = head.find('\n', i);
    std::string_view line = head.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    i = nl == std::string_view::npos ? head.size() : nl + 1;
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (!fields.empty()) fields.back().second += line;
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields.emplace_back(Lower(Trim(line.substr(0, colon))), std::string(line.substr(colon + 1)));
  }
  auto field = [&](std::string_view name) -> std::string_view {
    for (const auto& [n, v] : fields)
      if (n == name) return Trim(v);
    return {};
  };

  ParsedMessage m;
  m.message_id = SanitizeUtf8(field("message-id"));
  m.subject = SanitizeUtf8(DecodeHeaderText(field("subject")));
  m.from_name = SanitizeUtf8(DecodeHeaderText(DisplayName(field("from"))));

  // The CRLF before the final "." belongs to the transport (ComposeMessage adds it).
  if (body.size() >= 2 && body.substr(body.size() - 2) == "\r\n")
    body.remove_suffix(2);
  else if (!body.empty() && body.back() == '\n')
    body.remove_suffix(1);
  std::string encoding = Lower(field("content-transfer-encoding"));
  std::string decoded;
  if (encoding == "quoted-printable") {
    decoded = QuotedPrintableDecode(body);
  } else if (encoding == "base64") {
    decoded = Base64Decode(body).value_or(std::string(body));
  } else {
    decoded = std::string(body);  // 7bit, 8bit, binary, or none given
  }
  std::string charset = Charset(field("content-type"));
  if (charset == "iso-8859-1" || charset == "latin1") decoded = Latin1ToUtf8(decoded);
  m.text = SanitizeUtf8(ToLf(decoded));
  return m;
}

}  // namespace internal
}  // namespace okada::email
