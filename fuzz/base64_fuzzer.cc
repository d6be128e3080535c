// libFuzzer target for DecodeBase64Into (encoding.h), which decodes license tokens and keys,
// checked against libsodium's strict decoder, which it replaced: both alphabets accept the same
// texts with the same bytes, and each accepted text is the one encoding of its bytes. Texts with a
// byte over 0x7F are refused (libsodium 1.0.18 reads those as '/').
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "licet/core/check.h"
#include "licet/core/encoding.h"

namespace {

std::optional<std::string> SodiumDecode(std::string_view text, int variant) {
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

std::string SodiumEncode(std::string_view bytes, int variant) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), static_cast<unsigned>(variant)), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  text.pop_back();  // NUL
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool high_byte = false;
  for (const char c : text) high_byte = high_byte || static_cast<unsigned char>(c) > 0x7F;
  const struct {
    licet::Base64Alphabet alphabet;
    int sodium;
  } variants[] = {
      {licet::Base64Alphabet::kStandardPadded, sodium_base64_VARIANT_ORIGINAL},
      {licet::Base64Alphabet::kUrlSafeUnpadded, sodium_base64_VARIANT_URLSAFE_NO_PADDING}};
  for (const auto& v : variants) {
    std::string ours;
    const bool accepted = licet::DecodeBase64Into(text, v.alphabet, ours);
    if (high_byte) {
      LICET_CHECK(!accepted, "a byte over 0x7F is refused");
      continue;
    }
    const std::optional<std::string> theirs = SodiumDecode(text, v.sodium);
    LICET_CHECK(accepted == theirs.has_value(), "both decoders accept the same texts");
    if (accepted) {
      LICET_CHECK(ours == *theirs, "both decoders read the same bytes");
      LICET_CHECK(SodiumEncode(ours, v.sodium) == text, "an accepted text is the one encoding");
    }
  }
  return 0;
}
