// libFuzzer target for JsonDocument, the reader of store.json, observed.json and a token's claims,
// checked against nlohmann-json (which writes those files and was their reader before): whatever
// JsonDocument accepts, nlohmann-json accepts and reads to the same values; whatever nlohmann-json
// accepts, JsonDocument accepts too, unless it breaks one of JsonDocument's stricter rules (a
// member named twice, nesting past 64 levels). The same bytes also go through JsonWriter, which
// writes the activation service's answers and the claims tokens sign, as one string: the text it
// writes is valid JSON to both readers, and reads back as the bytes themselves when they are
// UTF-8 (else with U+FFFD in place of what is not).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "internal/json_compare.h"
#include "licet/core/check.h"
#include "licet/core/json_reader.h"
#include "licet/core/json_writer.h"

namespace {

void CheckWrittenString(std::string_view bytes) {
  licet::JsonWriter w;
  w.BeginArray().String(bytes).EndArray();
  const std::string written = std::move(w).Take();
  const licet::StatusOr<licet::JsonDocument> doc = licet::JsonDocument::Parse(written);
  LICET_CHECK(doc.ok(), "what JsonWriter writes, JsonDocument reads");
  const std::string_view read = doc->root().elements().at(0).string();
  const nlohmann::json theirs = nlohmann::json::parse(written);  // throws (a crash) if invalid
  LICET_CHECK(theirs.at(0).get<std::string>() == read, "both readers read the same string");
  // Bytes that are UTF-8 come back as they were; others only grow (each bad byte is 3 bytes).
  if (read.size() == bytes.size()) {
    LICET_CHECK(read == bytes, "UTF-8 bytes read back as written");
  } else {
    LICET_CHECK(read.size() > bytes.size(), "a replaced byte lengthens the string");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckWrittenString(text);
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
