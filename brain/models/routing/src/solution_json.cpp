#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "okada/brain/routing/solution.hpp"

namespace okada::brain::routing {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
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
  return out;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A small recursive-descent reader: the library must not depend on Boost, and a solution file needs only
// objects, arrays, numbers, strings, booleans and null. Depth is bounded so hostile input cannot overflow
// the stack.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  SolutionFile Parse() {
    SolutionFile out;
    bool has_routes = false;
    Expect('{');
    if (!Consume('}')) {
      do {
        std::string key = String();
        Expect(':');
        if (key == "instance") {
          out.instance = String();
        } else if (key == "feasible") {
          out.feasible = Bool();
        } else if (key == "vehicles") {
          double v = Number();
          if (v != std::floor(v) || v < 0 || v > 1e9) Fail("\"vehicles\" must be a non-negative integer");
          out.vehicles = static_cast<int>(v);
        } else if (key == "distance") {
          out.distance = Number();
        } else if (key == "seconds") {
          out.seconds = Number();
        } else if (key == "routes") {
          out.routes = Routes();
          has_routes = true;
        } else {
          SkipValue(0);
        }
      } while (Consume(','));
      Expect('}');
    }
    SkipSpace();
    if (pos_ != text_.size()) Fail("trailing characters after the JSON object");
    if (!has_routes) throw std::runtime_error("solution JSON has no \"routes\" field");
    return out;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error("solution JSON at byte " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Consume(c)) Fail(std::string("expected '") + c + "'");
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) Fail("unterminated escape");
        char e = text_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (pos_ + 4 > text_.size()) Fail("short \\u escape");
            unsigned code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
            pos_ += 4;
            // Only ASCII matters for instance names; other code points are kept as '?'.
            out += code < 0x80 ? static_cast<char>(code) : '?';
            break;
          }
          default:
            out += e;
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= text_.size()) Fail("unterminated string");
    ++pos_;
    return out;
  }
  double Number() {
    SkipSpace();
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' || text_[pos_] == '+' ||
            text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E'))
      ++pos_;
    if (start == pos_) Fail("expected a number");
    std::string token(text_.substr(start, pos_ - start));
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || !std::isfinite(v)) Fail("bad number '" + token + "'");
    return v;
  }
  bool Bool() {
    SkipSpace();
    if (text_.substr(pos_, 4) == "true") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "false") {
      pos_ += 5;
      return false;
    }
    Fail("expected true or false");
  }
  std::vector<std::vector<int>> Routes() {
    std::vector<std::vector<int>> routes;
    Expect('[');
    if (Consume(']')) return routes;
    do {
      std::vector<int> route;
      Expect('[');
      if (!Consume(']')) {
        do {
          double v = Number();
          if (v != std::floor(v) || std::fabs(v) > 1e9) Fail("task ids must be integers");
          route.push_back(static_cast<int>(v));
        } while (Consume(','));
        Expect(']');
      }
      routes.push_back(std::move(route));
    } while (Consume(','));
    Expect(']');
    return routes;
  }
  void SkipValue(int depth) {
    if (depth > 64) Fail("nesting too deep");
    char c = Peek();
    if (c == '{') {
      ++pos_;
      if (Consume('}')) return;
      do {
        String();
        Expect(':');
        SkipValue(depth + 1);
      } while (Consume(','));
      Expect('}');
    } else if (c == '[') {
      ++pos_;
      if (Consume(']')) return;
      do SkipValue(depth + 1);
      while (Consume(','));
      Expect(']');
    } else if (c == '"') {
      String();
    } else if (c == 't' || c == 'f') {
      Bool();
    } else if (c == 'n') {
      if (text_.substr(pos_, 4) != "null") Fail("expected null");
      pos_ += 4;
    } else {
      Number();
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string WriteSolutionJson(const SolutionFile& solution) {
  std::string out = "{\"instance\": \"" + Escape(solution.instance) + "\"";
  if (solution.feasible) out += std::string(", \"feasible\": ") + (*solution.feasible ? "true" : "false");
  if (solution.vehicles) out += ", \"vehicles\": " + std::to_string(*solution.vehicles);
  if (solution.distance) out += ", \"distance\": " + Fixed(*solution.distance, 4);
  if (solution.seconds) out += ", \"seconds\": " + Fixed(*solution.seconds, 3);
  out += ", \"routes\": [";
  for (std::size_t r = 0; r < solution.routes.size(); ++r) {
    if (r) out += ", ";
    out += '[';
    for (std::size_t i = 0; i < solution.routes[r].size(); ++i) {
      if (i) out += ", ";
      out += std::to_string(solution.routes[r][i]);
    }
    out += ']';
  }
  out += "]}";
  return out;
}

SolutionFile ReadSolutionJson(std::string_view json) { return Reader(json).Parse(); }

}  // namespace okada::brain::routing
