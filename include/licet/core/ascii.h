// File: ascii.h
// ASCII case folding and digit tests for identifiers (edition and feature IDs, channel names,
// command options, typed digits).
// Unlike std::tolower it does not depend on the process's locale, and it is inline: a first license
// check in a fresh process does not touch libc's locale tables for it.
#pragma once

#include <string>
#include <string_view>

namespace licet {

[[nodiscard]] constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

[[nodiscard]] constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `s` with A-Z lower-cased; other bytes unchanged.
[[nodiscard]] inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

/// True when `a` and `b` are equal but for the case of A-Z.
[[nodiscard]] constexpr bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace licet
