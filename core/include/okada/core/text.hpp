#pragma once
/// Checks on text from clients, shared by every service's input validation. Pure functions, thread-safe.
#include <cstddef>
#include <string_view>

namespace okada::text {

/// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) noexcept;
/// Length in bytes of the well-formed UTF-8 sequence starting at s[i] (i < s.size()), or 0 when the bytes there
/// are not one (by the same strict rules).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) noexcept;
/// C0 controls or DEL; with `allow_newlines`, \n, \r and \t are allowed.
bool HasControlChars(std::string_view s, bool allow_newlines = false) noexcept;

}  // namespace okada::text
