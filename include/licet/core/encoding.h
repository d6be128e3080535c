// File: encoding.h
// Base64 and hex helpers, for keys and signatures in text files.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace licet {

/// Standard base64 with padding.
[[nodiscard]] std::string Base64Encode(std::span<const std::uint8_t> bytes);
/// Strict inverse of Base64Encode; nullopt on any malformed input.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> Base64Decode(std::string_view text);

enum class Base64Alphabet {
  kStandardPadded,   // RFC 4648 section 4: '+', '/', '=' to a multiple of four characters
  kUrlSafeUnpadded,  // RFC 4648 section 5 without '=' (PASETO)
};
/// `bytes` in `alphabet`, as libsodium's encoder writes them, in a time independent of the bytes:
/// the one text DecodeBase64Into accepts for them.
[[nodiscard]] std::string EncodeBase64(std::string_view bytes, Base64Alphabet alphabet);
/// Decodes `text` into `out` (replacing its contents). False on a character outside the
/// alphabet, a length no encoding has, padding missing or out of place, or unused low bits that
/// are not zero: each byte string has exactly one accepted text. Runs in variable time: for public
/// data (keys, signatures, tokens), never for secrets.
[[nodiscard]] bool DecodeBase64Into(std::string_view text, Base64Alphabet alphabet,
                                    std::string& out);
/// Lower-case hex.
[[nodiscard]] std::string HexEncode(std::span<const std::uint8_t> bytes);
/// BLAKE2b-256 of `data`, hex: a content fingerprint (not a MAC).
[[nodiscard]] std::string ContentDigest(std::string_view data);
/// A random RFC 4122 version-4 UUID, lower case.
[[nodiscard]] std::string RandomUuid();

}  // namespace licet
