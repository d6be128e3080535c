// libsodium's strict base64 decoder and its encoder: the reference that encoding_test.cc and
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

inline std::string SodiumBase64Encode(std::string_view bytes, int variant) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), static_cast<unsigned>(variant)), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  text.pop_back();  // the terminating NUL
  return text;
}

}  // namespace licet::core_internal
