// libsodium's strict base64 decoder: the reference that encoding_test.cc and
// fuzz/base64_fuzzer.cc hold DecodeBase64Into (licet/core/encoding.h) to.
#pragma once

#include <sodium.h>

#include <optional>
#include <string>
#include <string_view>

namespace licet::core_internal {

/// The bytes libsodium decodes `text` to in `variant` (sodium_base64_VARIANT_*), or nullopt if
/// it refuses any of it.
inline std::optional<std::string> SodiumBase64Decode(std::string_view text, int variant) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace licet::core_internal
