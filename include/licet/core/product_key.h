// File: product_key.h
// Licet product keys: 25 characters in 5 groups of 5 over a 24-symbol alphabet, carrying a format
// version, a key group (which the catalog maps to a SKU), a serial, a 52-bit MAC that only the
// vendor can compute, and a 10-bit checksum that catches typos offline.
// The byte-level format is specified in docs/formats/product_key.md.
//
//   LICET_ASSIGN_OR_RETURN(licet::ProductKey key, licet::ProductKey::Parse("bcdfg hjkmp …"));
//   const licet::Sku* sku = catalog.FindSkuByGroup(key.group());
//
// Thread-safe: ProductKey is an immutable value.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "licet/core/status.h"

namespace licet {

/// The 24 symbols of a product key, in digit order (no vowels, no look-alikes 0/O, 1/I/L, 5/S,
/// Z/2).
inline constexpr std::string_view kProductKeyAlphabet = "BCDFGHJKMPQRTVWXY2346789";
inline constexpr int kProductKeyLength = 25;
inline constexpr std::uint32_t kMaxKeyGroup = (1u << 20) - 1;
inline constexpr std::uint32_t kMaxKeySerial = (1u << 30) - 1;
/// The only format version defined so far.
inline constexpr std::uint8_t kProductKeyVersion = 1;

/// The vendor's secret for key MACs (HMAC-SHA-256 key). Never on a client, except the lab's
/// published one.
struct KeyMacSecret {
  std::array<std::uint8_t, 32> bytes{};
};

/// Turns what a person typed into 25 upper-case characters without separators: lower case, spaces,
/// missing or extra dashes and typographic dashes (U+2010–U+2015, U+2212, U+FE63, U+FF0D) are
/// accepted. It does not check the alphabet, so it also serves literal keys (which may hold other
/// letters). Errors: kInvalidProductKey saying what is wrong (length, a stray character).
[[nodiscard]] StatusOr<std::string> NormalizeKeyText(std::string_view typed);

/// "ABCDE-FGHIJ-…" from 25 characters.
[[nodiscard]] std::string FormatKeyGroups(std::string_view compact);

class ProductKey {
 public:
  /// Decodes and checks a key: alphabet, length, numeric range, checksum and version. Does not
  /// (cannot) check the MAC. Errors: kInvalidProductKey with what is wrong ("character 3 'A' is not
  /// used in product keys", "the checksum does not match: a character was mistyped").
  [[nodiscard]] static StatusOr<ProductKey> Parse(std::string_view typed);

  /// Makes the key for (`group`, `serial`) with the vendor's MAC secret. Preconditions (checked):
  /// group <= kMaxKeyGroup, serial <= kMaxKeySerial.
  [[nodiscard]] static ProductKey Generate(std::uint32_t group, std::uint32_t serial,
                                           const KeyMacSecret& secret);

  /// True when the embedded MAC was made with `secret` (constant-time comparison).
  [[nodiscard]] bool VerifyMac(const KeyMacSecret& secret) const;

  [[nodiscard]] std::uint8_t version() const { return version_; }
  [[nodiscard]] std::uint32_t group() const { return group_; }
  [[nodiscard]] std::uint32_t serial() const { return serial_; }
  [[nodiscard]] std::uint64_t mac() const { return mac_; }
  /// Canonical form with dashes, e.g. "BCDFG-HJKMP-QRTVW-XY234-6789B".
  [[nodiscard]] const std::string& text() const { return text_; }
  /// The last five characters, as slmgr's "Partial Product Key".
  [[nodiscard]] std::string_view partial() const { return std::string_view(text_).substr(24); }

  friend bool operator==(const ProductKey& a, const ProductKey& b) { return a.text_ == b.text_; }

 private:
  ProductKey(std::uint8_t version, std::uint32_t group, std::uint32_t serial, std::uint64_t mac,
             std::string text)
      : version_(version), group_(group), serial_(serial), mac_(mac), text_(std::move(text)) {}

  std::uint8_t version_;
  std::uint32_t group_;
  std::uint32_t serial_;
  std::uint64_t mac_;
  std::string text_;
};

/// A key shown by its last five characters only, as slmgr /dlv does: "*****-*****-*****-*****-"
/// followed by `partial`.
[[nodiscard]] std::string MaskedProductKey(std::string_view partial);

/// Parses a 64-hex-digit secret. Errors: kInvalidArgument.
[[nodiscard]] StatusOr<KeyMacSecret> ParseKeyMacSecret(std::string_view hex);

}  // namespace licet
