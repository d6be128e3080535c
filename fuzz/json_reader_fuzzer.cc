// libFuzzer target for JsonDocument, the reader of store.json, observed.json and a token's claims,
// checked against nlohmann-json (which writes those files and was their reader before): whatever
// JsonDocument accepts, nlohmann-json accepts and reads to the same values; whatever nlohmann-json
// accepts, JsonDocument accepts too, unless it breaks one of JsonDocument's stricter rules (a
// member named twice, nesting past 64 levels).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "licet/core/check.h"
#include "licet/core/json_reader.h"

namespace {

using licet::JsonType;
using licet::JsonValue;

bool SameValue(const JsonValue& v, const nlohmann::json& n) {
  switch (v.type()) {
    case JsonType::kNull:
      return n.is_null();
    case JsonType::kBool:
      return n.is_boolean() && v.boolean() == n.get<bool>();
    case JsonType::kString:
      return n.is_string() && v.string() == n.get_ref<const std::string&>();
    case JsonType::kNumber:
      if (n.is_number_unsigned()) return v.integer<std::uint64_t>() == n.get<std::uint64_t>();
      if (n.is_number_integer()) return v.integer<std::int64_t>() == n.get<std::int64_t>();
      return n.is_number_float();
    case JsonType::kArray: {
      const std::vector<JsonValue> e = v.elements();
      if (!n.is_array() || e.size() != n.size()) return false;
      for (std::size_t i = 0; i < e.size(); ++i) {
        if (!SameValue(e[i], n[i])) return false;
      }
      return true;
    }
    case JsonType::kObject: {
      const auto members = v.members();
      if (!n.is_object() || members.size() != n.size()) return false;
      for (const auto& [name, value] : members) {
        const auto it = n.find(std::string(name));
        if (it == n.end() || !SameValue(value, *it)) return false;
        LICET_CHECK(v.find(name).has_value(), "a member is found by its name");
      }
      return true;
    }
  }
  return false;
}

}  // namespace

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
    LICET_CHECK(SameValue(doc->root(), theirs), "both read the same values");
  } else if (!theirs.is_discarded()) {
    const std::string why(doc.status().message());
    LICET_CHECK(why.find("appears twice") != std::string::npos ||
                    why.find("64 levels") != std::string::npos,
                "JsonDocument refuses only what its stricter rules forbid");
  }
  return 0;
}
