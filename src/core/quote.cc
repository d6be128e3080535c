#include "licet/core/quote.h"

#include <fmt/format.h>

namespace licet {

std::string QuoteInput(std::string_view text, std::size_t max) {
  std::string_view shown = text;
  if (shown.size() > max) {
    std::size_t cut = max;
    // Back up over UTF-8 continuation bytes so that no character is cut in two.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    shown = text.substr(0, cut);
  }
  std::string out = "'";
  for (const char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  if (shown.size() < text.size()) return out + fmt::format("…' ({} bytes)", text.size());
  return out + "'";
}

}  // namespace licet
