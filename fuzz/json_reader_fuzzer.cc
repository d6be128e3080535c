// libFuzzer target for JsonDocument, the reader of store.json, observed.json and a token's claims,
// checked against nlohmann-json (which writes those files and was their reader before): whatever
// JsonDocument accepts, nlohmann-json accepts and reads to the same values; whatever nlohmann-json
// accepts, JsonDocument accepts too, unless it breaks one of JsonDocument's stricter rules (a
// member named twice, nesting past 64 levels).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "internal/json_compare.h"
#include "licet/core/check.h"
#include "licet/core/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const licet::StatusOr<licet::JsonDocument> doc = licet::JsonDocument::Parse(text);
  // A raw NUL is valid nowhere in JSON text (nlohmann-json takes it for the end of the input).
  if (text.find('\0') != std::string_view::npos) {
    LICET_CHECK(!doc.ok(), "text with a NUL byte is refused");
    return 0;
  }
  nlohmann::json theirs;
  bool number_overflow = false;  // nlohmann-json refuses a float beyond a double's range
  try {
    theirs = nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
    number_overflow = true;
    theirs = nlohmann::json::value_t::discarded;
  } catch (const nlohmann::json::parse_error&) {
    theirs = nlohmann::json::value_t::discarded;
  }
  if (doc.ok()) {
    if (number_overflow) return 0;
    LICET_CHECK(!theirs.is_discarded(), "what JsonDocument accepts, nlohmann-json accepts");
    LICET_CHECK(licet::core_internal::SameJsonValue(doc->root(), theirs),
                "both read the same values");
  } else if (!theirs.is_discarded()) {
    const std::string why(doc.status().message());
    LICET_CHECK(why.find("appears twice") != std::string::npos ||
                    why.find("64 levels") != std::string::npos,
                "JsonDocument refuses only what its stricter rules forbid");
  }
  return 0;
}
