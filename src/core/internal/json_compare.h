// Whether a JsonDocument value holds what nlohmann-json read from the same text: the reference
// that json_reader_test.cc and fuzz/json_reader_fuzzer.cc hold JsonDocument to. Integers compare
// exactly, other numbers by kind (JsonDocument keeps no floating-point value).
#pragma once

#include <nlohmann/json.hpp>

#include "licet/core/json_reader.h"

namespace licet::core_internal {

inline bool SameJsonValue(const JsonValue& v, const nlohmann::json& n) {
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
        if (!SameJsonValue(e[i], n[i])) return false;
      }
      return true;
    }
    case JsonType::kObject: {
      const auto members = v.members();
      if (!n.is_object() || members.size() != n.size()) return false;
      for (const auto& [name, value] : members) {
        const auto it = n.find(std::string(name));
        if (it == n.end() || !SameJsonValue(value, *it)) return false;
        if (!v.find(name).has_value()) return false;  // found by its name, too
      }
      return true;
    }
  }
  return false;
}

}  // namespace licet::core_internal
