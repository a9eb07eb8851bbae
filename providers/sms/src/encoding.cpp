// SMS length accounting: GSM 03.38 (7-bit default alphabet + extension table) versus UCS-2 (UTF-16 units).
// A pure function, no allocation, thread-safe; safe on any byte string (malformed UTF-8 makes the text UCS-2, one
// UTF-16 unit per bad byte, as a gateway would substitute U+FFFD).

#include <cstdint>
#include <string_view>

#include "okada/providers/sms.hpp"

namespace okada::sms {
namespace {

constexpr int kGsmSingle = 160;
constexpr int kGsmPart = 153;  // 7 septets of each part go to the concatenation header
constexpr int kUcsSingle = 70;
constexpr int kUcsPart = 67;

// GSM 03.38 default alphabet beyond ASCII letters and digits (` is in neither table; ç, ê, â, î, ô, û, ë are not
// in GSM-7, Ç is).
constexpr std::u32string_view kGsmBasic =
    U" !\"#$%&'()*+,-./:;<=>?@_\n\r"
    U"£¥èéùìòÇØøÅåÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"
    U"ΔΦΓΛΩΠΨΣΘΞ";
// Extension table: each is sent as escape (0x1B) + one septet.
constexpr std::u32string_view kGsmExtension = U"\f^{}\\[~]|€";

// Septets needed for one code point in GSM-7: 1 (default alphabet), 2 (extension table), 0 (not representable).
int GsmSeptets(char32_t c) {
  if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9')) return 1;
  if (kGsmBasic.find(c) != std::u32string_view::npos) return 1;
  if (kGsmExtension.find(c) != std::u32string_view::npos) return 2;
  return 0;
}

// Decodes one UTF-8 sequence at `s[i]`, strictly (no overlong forms, no surrogates, nothing above U+10FFFF).
// Returns false for a malformed sequence; `len` is then 1 so the caller skips exactly one byte.
bool DecodeUtf8(std::string_view s, std::size_t i, char32_t& out, std::size_t& len) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  len = 1;
  if (b0 < 0x80) {
    out = b0;
    return true;
  }
  std::size_t need = 0;  // continuation bytes
  char32_t cp = 0;
  char32_t min = 0;  // smallest code point this length may encode (shorter forms are overlong)
  if ((b0 & 0xE0) == 0xC0) {
    need = 1;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return false;  // a continuation byte or 0xF8..0xFF where a sequence should start
  }
  if (i + need >= s.size()) return false;  // truncated sequence
  for (std::size_t k = 1; k <= need; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  out = cp;
  len = need + 1;
  return true;
}

}  // namespace

Encoding Measure(std::string_view utf8_text) {
  long septets = 0;
  long units = 0;  // UTF-16 code units
  bool gsm7 = true;
  std::size_t i = 0;
  while (i < utf8_text.size()) {
    char32_t cp = 0;
    std::size_t len = 1;
    if (!DecodeUtf8(utf8_text, i, cp, len)) {
      gsm7 = false;  // malformed input cannot be sent as GSM-7; counts as one replacement character
      units += 1;
    } else {
      units += cp >= 0x10000 ? 2 : 1;
      int s = GsmSeptets(cp);
      if (s == 0) gsm7 = false;
      septets += s;
    }
    i += len;
  }
  Encoding e;
  e.gsm7 = gsm7;
  if (gsm7) {
    e.parts = septets <= kGsmSingle ? 1 : static_cast<int>((septets + kGsmPart - 1) / kGsmPart);
  } else {
    e.parts = units <= kUcsSingle ? 1 : static_cast<int>((units + kUcsPart - 1) / kUcsPart);
  }
  return e;
}

}  // namespace okada::sms
