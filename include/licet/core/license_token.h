// File: license_token.h
// License tokens: PASETO v4.public tokens (paseto.h) whose payload is a JSON object of claims and
// whose footer names the signing key ({"kid": "..."}). Issued by licet-server (and later by volume
// hosts), verified by clients offline with the vendor's public key from the catalog.
// Format: docs/formats/license_token.md.
//
//   const std::string token = licet::IssueLicenseToken(claims, vendor_signing_key);
//   LICET_ASSIGN_OR_RETURN(licet::LicenseClaims c, licet::VerifyLicenseToken(token,
//   vendor_public_key));
//
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "licet/core/catalog_signature.h"
#include "licet/core/clock.h"
#include "licet/core/paseto.h"
#include "licet/core/status.h"

namespace licet {

struct LicenseClaims {
  std::string issuer_key_id;  // "kid": also in the footer
  std::string product_id;
  std::string cmid;
  std::string activation_id;  // the SKU
  std::string edition;
  std::string channel;      // ChannelName()
  std::string hardware_id;  // hex hash of the machine binding
  std::string partial_key;  // last five characters of the product key
  std::string method;       // "online", "phone", "volume"
  std::string nonce;        // the client's request nonce, echoed
  TimePoint issued_at{};
  std::optional<TimePoint> expires_at;   // volume: +180 days; online activations: none
  std::optional<TimePoint> renew_after;  // volume: +7 days
};

/// The implicit assertion every license token is signed under, so a PASETO signed by the same key
/// for another purpose cannot pass as a license token.
inline constexpr std::string_view kLicenseTokenImplicit = "licet/license-token/v1";

/// Signs `claims` with `key` (the vendor's, or a volume host's).
[[nodiscard]] std::string IssueLicenseToken(const LicenseClaims& claims, const SigningKey& key);

/// The same, signed by `signer`, which must hold `key`'s secret (`key` gives the token its id).
[[nodiscard]] std::string IssueLicenseToken(const LicenseClaims& claims, const SigningKey& key,
                                            paseto::Ed25519Signer& signer);

/// Verifies the signature with `public_key` and decodes the claims. Does not judge them (nonce,
/// CMID, hardware, expiry): that is the caller's job. `hint`: the token's verification hint
/// (paseto::VerificationHintV4Public), which only makes it faster. Errors: kTokenInvalid.
[[nodiscard]] StatusOr<LicenseClaims> VerifyLicenseToken(
    std::string_view token, const std::array<std::uint8_t, 32>& public_key,
    std::string_view hint = {});

}  // namespace licet
