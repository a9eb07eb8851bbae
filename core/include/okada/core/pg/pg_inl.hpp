#pragma once
// Inline parts of pg.hpp: value conversions for Row::Get.

#include <cstdio>

namespace okada::pg {

inline Param ToParam(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string(buf);
}

namespace detail {
template <>
struct Convert<std::string> {
  static std::string From(std::string_view s) { return std::string(s); }
};
template <>
struct Convert<std::string_view> {
  static std::string_view From(std::string_view s) { return s; }
};
template <>
struct Convert<std::int64_t> {
  static std::int64_t From(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) BadValue("int64", s);
    return v;
  }
};
template <>
struct Convert<int> {
  static int From(std::string_view s) { return static_cast<int>(Convert<std::int64_t>::From(s)); }
};
template <>
struct Convert<double> {
  static double From(std::string_view s) {
    std::string tmp(s);
    char* end = nullptr;
    double v = std::strtod(tmp.c_str(), &end);
    if (end != tmp.c_str() + tmp.size()) BadValue("double", s);
    return v;
  }
};
template <>
struct Convert<bool> {
  static bool From(std::string_view s) {
    if (s == "t" || s == "true") return true;
    if (s == "f" || s == "false") return false;
    BadValue("bool", s);
  }
};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace detail

template <typename T>
T Row::Get(int column) const {
  if constexpr (detail::IsOptional<T>::value) {
    if (IsNull(column)) return std::nullopt;
    return detail::Convert<typename T::value_type>::From(Raw(column));
  } else {
    if (IsNull(column)) detail::BadValue("NULL", "non-optional column is NULL");
    return detail::Convert<T>::From(Raw(column));
  }
}

template <typename T>
T Row::Get(std::string_view column) const {
  return Get<T>(Column(column));
}

}  // namespace okada::pg
