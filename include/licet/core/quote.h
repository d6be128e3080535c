// What a user typed, quoted for an error message: long input is cut (a 3,000-character "key" is
// not echoed whole) and control bytes are escaped (a pasted escape sequence does not reach the
// terminal).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace licet {

/// `text` in single quotes; control bytes and DEL as \xHH; past `max` bytes, cut at a character
/// boundary and followed by "…' (N bytes)".
[[nodiscard]] std::string QuoteInput(std::string_view text, std::size_t max = 48);

}  // namespace licet
