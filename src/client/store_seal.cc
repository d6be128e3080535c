#include "store_seal.h"

#include <sodium.h>

#include <initializer_list>

#include "licet/core/encoding.h"

namespace licet::client {
namespace {

constexpr std::string_view kSealKey = "\"seal\": \"";
constexpr std::string_view kStorePurpose = "licet/store-seal/v1";

// The seal of the concatenation of `text_parts` (hashed in turn, never joined in memory).
std::string SealOf(std::string_view purpose, std::initializer_list<std::string_view> text_parts,
                   std::string_view cmid, std::string_view vendor_public_key) {
  crypto_generichash_state st;
  const auto absorb = [&](std::initializer_list<std::string_view> parts) {
    for (const std::string_view part : parts) {
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                                part.size());
    }
  };
  unsigned char key[crypto_generichash_KEYBYTES];
  crypto_generichash_init(&st, nullptr, 0, sizeof key);
  absorb({purpose, "|", cmid, "|", vendor_public_key});
  crypto_generichash_final(&st, key, sizeof key);
  unsigned char mac[32];
  crypto_generichash_init(&st, key, sizeof key, sizeof mac);
  absorb(text_parts);
  crypto_generichash_final(&st, mac, sizeof mac);
  return HexEncode(mac);
}

// Where the seal value starts in `text`, or npos. JSON escapes quotes inside strings, so the
// unescaped key can only be the member itself.
std::size_t SealOffset(std::string_view text) {
  const std::size_t at = text.find(kSealKey);
  if (at == std::string_view::npos) return at;
  const std::size_t value = at + kSealKey.size();
  if (value + kSealPlaceholder.size() > text.size()) return std::string_view::npos;
  return value;
}

}  // namespace

void SealStoreText(std::string& text, std::string_view cmid, std::string_view vendor_public_key) {
  const std::size_t at = SealOffset(text);
  if (at == std::string::npos) return;
  const std::string seal = SealOf(kStorePurpose, {text}, cmid, vendor_public_key);
  text.replace(at, seal.size(), seal);
}

bool StoreSealMatches(std::string_view text, std::string_view seal, std::string_view cmid,
                      std::string_view vendor_public_key) {
  if (seal.size() != kSealPlaceholder.size()) return false;
  const std::size_t at = SealOffset(text);
  if (at == std::string_view::npos || text.substr(at, seal.size()) != seal) return false;
  // The text as it was sealed: the placeholder where the seal now is.
  const std::string expected =
      SealOf(kStorePurpose, {text.substr(0, at), kSealPlaceholder, text.substr(at + seal.size())},
             cmid, vendor_public_key);
  return sodium_memcmp(expected.data(), seal.data(), seal.size()) == 0;
}

std::string SideSeal(std::string_view purpose, std::string_view data, std::string_view cmid,
                     std::string_view vendor_public_key) {
  return SealOf(purpose, {data}, cmid, vendor_public_key);
}

}  // namespace licet::client
