// libFuzzer target for DecodeBase64Into (encoding.h), which decodes license tokens and keys,
// checked against libsodium's strict decoder, which it replaced: both alphabets accept the same
// texts with the same bytes, and each accepted text is the one encoding of its bytes. Texts with a
// byte over 0x7F are refused (libsodium 1.0.18 reads those as '/').
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "internal/sodium_base64.h"
#include "licet/core/check.h"
#include "licet/core/encoding.h"

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
    const std::optional<std::string> theirs =
        licet::core_internal::SodiumBase64Decode(text, v.sodium);
    LICET_CHECK(accepted == theirs.has_value(), "both decoders accept the same texts");
    if (accepted) {
      LICET_CHECK(ours == *theirs, "both decoders read the same bytes");
      LICET_CHECK(licet::EncodeBase64(ours, v.alphabet) == text,
                  "an accepted text is the one encoding");
    }
  }
  return 0;
}
