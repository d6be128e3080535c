// Checked numbers from JSON that crossed a boundary (store files, server replies): nlohmann's
// get<int>() converts a float such as 2e85 with undefined behaviour and wraps out-of-range
// integers, so every number read from outside goes through here.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace licet::client {

/// `j` as a T in [min, max]. Throws std::invalid_argument naming `what` when `j` is not an integer
/// or is out of range (callers turn it into kStoreCorrupt or kServerProtocol).
template <typename T>
T JsonInteger(const nlohmann::json& j, const char* what, T min = std::numeric_limits<T>::min(),
              T max = std::numeric_limits<T>::max()) {
  if (!j.is_number_integer()) throw std::invalid_argument(std::string(what) + " is not an integer");
  const auto check = [&](auto v) {
    if (std::cmp_less(v, min) || std::cmp_greater(v, max)) {
      throw std::invalid_argument(std::string(what) + " is out of range");
    }
    return static_cast<T>(v);
  };
  return j.is_number_unsigned() ? check(j.get<std::uint64_t>()) : check(j.get<std::int64_t>());
}

/// JsonInteger for a member that may be absent (`fallback` then).
template <typename T>
T OptionalJsonInteger(const nlohmann::json& object, const char* key, T fallback,
                      T min = std::numeric_limits<T>::min(),
                      T max = std::numeric_limits<T>::max()) {
  const auto it = object.find(key);
  return it == object.end() ? fallback : JsonInteger<T>(*it, key, min, max);
}

}  // namespace licet::client
