// File: encoding.h
// Base64 and hex helpers over libsodium, for keys and signatures in text files.
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
/// Lower-case hex.
[[nodiscard]] std::string HexEncode(std::span<const std::uint8_t> bytes);
/// BLAKE2b-256 of `data`, hex: a content fingerprint (not a MAC).
[[nodiscard]] std::string ContentDigest(std::string_view data);
/// A random RFC 4122 version-4 UUID, lower case.
[[nodiscard]] std::string RandomUuid();

}  // namespace licet
