#include "licet/core/encoding.h"

#include <fmt/format.h>
#include <sodium.h>

#include "internal/sodium_init.h"

namespace licet {

namespace {

// Each alphabet in one 64-byte cache line: every character is read from the same line, so an
// encoding's timing tells nothing of its bytes (libsodium's encoder computes each character with
// masks instead, for the same reason, in about seven times the time: bench/RESULTS.md).
struct alignas(64) Base64Table {
  char chars[65];  // and the literal's NUL, never read
};
constexpr Base64Table kStandardChars{
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"};
constexpr Base64Table kUrlSafeChars{
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"};

}  // namespace

// Three bytes to four characters at a time.
std::string EncodeBase64(std::string_view bytes, Base64Alphabet alphabet) {
  const bool url = alphabet == Base64Alphabet::kUrlSafeUnpadded;
  const char* const chars = url ? kUrlSafeChars.chars : kStandardChars.chars;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t whole = bytes.size() / 3;
  const std::size_t rest = bytes.size() % 3;
  std::string out(4 * whole + (rest == 0 ? 0 : url ? rest + 1 : 4), '=');
  char* o = out.data();
  for (std::size_t i = 0; i < whole; ++i, in += 3, o += 4) {
    const unsigned v = unsigned{in[0]} << 16 | unsigned{in[1]} << 8 | unsigned{in[2]};
    o[0] = chars[v >> 18];
    o[1] = chars[v >> 12 & 63];
    o[2] = chars[v >> 6 & 63];
    o[3] = chars[v & 63];
  }
  if (rest != 0) {  // one or two bytes left: two or three characters, then '=' if padded
    const unsigned v = unsigned{in[0]} << 16 | (rest == 2 ? unsigned{in[1]} << 8 : 0u);
    o[0] = chars[v >> 18];
    o[1] = chars[v >> 12 & 63];
    if (rest == 2) o[2] = chars[v >> 6 & 63];
  }
  return out;
}

std::string Base64Encode(std::span<const std::uint8_t> bytes) {
  return EncodeBase64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                      Base64Alphabet::kStandardPadded);
}

namespace {

// The 6-bit value of a base64 character, or -1. Compared rather than looked up: a first license
// check then touches no table's page.
int SextetOf(char c, Base64Alphabet alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  const bool url = alphabet == Base64Alphabet::kUrlSafeUnpadded;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

}  // namespace

bool DecodeBase64Into(std::string_view text, Base64Alphabet alphabet, std::string& out) {
  std::size_t padding = 0;
  if (alphabet == Base64Alphabet::kStandardPadded) {
    if (text.size() % 4 != 0) return false;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
      ++padding;
    }
    text.remove_suffix(padding);
  }
  // A last group of 2 or 3 characters holds 1 or 2 bytes (and needs 2 or 1 '=' when padded); a
  // lone character holds none.
  const std::size_t tail = text.size() % 4;
  if (tail == 1 || (alphabet == Base64Alphabet::kStandardPadded && padding != (4 - tail) % 4)) {
    return false;
  }
  out.resize(text.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1));
  std::size_t at = 0;
  std::uint32_t bits = 0;
  int held = 0;  // bits not yet written
  for (const char c : text) {
    const int sextet = SextetOf(c, alphabet);
    if (sextet < 0) return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out[at++] = static_cast<char>((bits >> held) & 0xFF);
    }
  }
  // The unused low bits of the last character must be zero, so that each byte string has
  // exactly one encoding (as libsodium's decoder requires).
  return (bits & ((1u << held) - 1)) == 0;
}

std::optional<std::vector<std::uint8_t>> Base64Decode(std::string_view text) {
  std::string bytes;
  if (!DecodeBase64Into(text, Base64Alphabet::kStandardPadded, bytes)) return std::nullopt;
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::string ContentDigest(std::string_view data) {
  std::uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  return HexEncode(digest);
}

std::string RandomUuid() {
  core_internal::EnsureSodiumInitialized();
  std::uint8_t b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = HexEncode(b);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

}  // namespace licet
