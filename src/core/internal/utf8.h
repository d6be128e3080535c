// UTF-8 well-formedness, shared by the JSON reader (which refuses what is not UTF-8) and the JSON
// writer (which replaces it). Core-internal.
#pragma once

#include <cstddef>
#include <string_view>

namespace licet::core_internal {

/// The length of the well-formed multi-byte UTF-8 sequence at the start of `s` (2 to 4, as
/// Unicode's table 3-7 allows: no overlong forms, no surrogates, nothing past U+10FFFF), or 0.
inline std::size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](std::size_t i) -> unsigned {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u;
  };
  const unsigned b0 = byte(0);
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;   // no overlong forms
    if (b0 == 0xED) high = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;   // no overlong forms
    if (b0 == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace licet::core_internal
