// File: catalog_signature.h
// Signing and verifying catalogs with the vendor's Ed25519 root key. A signed catalog is the TOML
// body followed by one last line:
//     # licet-signature: ed25519 <key-id> <base64 signature over every byte before this line>
// which TOML parsers read as a comment. See docs/formats/catalog.md.
//
//   LICET_ASSIGN_OR_RETURN(licet::Catalog c, licet::LoadSignedCatalog(text, path, trusted_keys));
//
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "licet/core/catalog.h"
#include "licet/core/status.h"

namespace licet {

/// A vendor public key this machine trusts for catalogs.
struct TrustedKey {
  std::string key_id;
  std::array<std::uint8_t, 32> public_key{};
};

/// A vendor root key pair. The secret never leaves the vendor (the lab's is published on purpose).
struct SigningKey {
  std::string key_id;
  std::array<std::uint8_t, 32> public_key{};
  std::array<std::uint8_t, 64> secret_key{};

  /// A fresh random key pair.
  [[nodiscard]] static SigningKey Generate(std::string key_id);
};

/// Key files are one line each: "ed25519-public <key-id> <base64>" / "ed25519-secret <key-id>
/// <base64>".
[[nodiscard]] std::string FormatPublicKeyFile(const TrustedKey& key);
[[nodiscard]] std::string FormatSecretKeyFile(const SigningKey& key);
/// Errors: kInvalidArgument describing the expected line.
[[nodiscard]] StatusOr<TrustedKey> ParsePublicKeyFile(std::string_view text);
[[nodiscard]] StatusOr<SigningKey> ParseSecretKeyFile(std::string_view text);
/// Accepts either a key file line or a bare base64 key (key id then taken as "cli").
[[nodiscard]] StatusOr<TrustedKey> ParseTrustedKeyArgument(std::string_view text);

/// The catalog text without its signature line (the whole text if unsigned).
[[nodiscard]] std::string_view CatalogBody(std::string_view text);

/// Returns `body` (ending in a newline) followed by its signature line. Any previous signature line
/// in `body` is replaced.
[[nodiscard]] std::string SignCatalogText(std::string_view body, const SigningKey& key);

/// Verifies and parses a signed catalog: the signature line must be present (else "unsigned"), its
/// key must be in `trusted` and equal [vendor].public_key (else kCatalogUntrusted), and the
/// signature must match the bytes (else "altered"). Errors: kCatalogSignature, kCatalogUntrusted,
/// kCatalogInvalid.
[[nodiscard]] StatusOr<Catalog> LoadSignedCatalog(std::string_view text, std::string_view source,
                                                  std::span<const TrustedKey> trusted);

}  // namespace licet
