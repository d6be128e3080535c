// File: phone_activation.h
// Phone (offline) activation: the installation ID (IID) a customer reads to the vendor, and the
// confirmation ID (CID) typed back. Both are decimal digits in groups of six, each group ending in
// a check digit (Damm algorithm over the group's number and its five digits), so a typo is caught
// and named group by group. The CID is a short Schnorr signature on brainpoolP160r1 (80-bit
// security) by the vendor's phone-activation key over the IID: a client verifies it with the
// public key from the catalog and cannot mint one. Format and the reasons for these sizes:
// docs/formats/phone_activation.md.
//
//   const std::string iid = licet::phone::FormatInstallationId(fields);  // 36 digits
//   LICET_ASSIGN_OR_RETURN(auto cid, licet::phone::ConfirmationId::Sign(iid_fields, product, key));
//   LICET_RETURN_IF_ERROR(licet::phone::VerifyConfirmation(cid, iid_fields, product, public_key));
//
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "licet/core/catalog_signature.h"
#include "licet/core/status.h"

namespace licet::phone {

inline constexpr int kDigitsPerGroup = 6;  // five digits and a check digit
inline constexpr int kIidGroups = 6;       // 30 data digits: the 98 bits below
inline constexpr int kCidGroups = 15;      // 75 data digits: the 240-bit signature

/// The installation ID's format versions. Version 1 carried a random nonce where version 2 carries
/// the key proof; its IIDs still parse (stores activated with one still verify), but a vendor no
/// longer confirms them: anyone could make one up for a serial they guessed.
inline constexpr std::uint32_t kIidVersion = 2;

/// What an installation ID carries (98 bits).
struct InstallationIdFields {
  std::uint32_t key_group = 0;          // 20 bits: the product key's group (its SKU)
  std::uint32_t key_serial = 0;         // 30 bits: the product key's serial
  std::uint32_t hardware_hash = 0;      // 24 bits: the machine binding
  std::uint32_t key_proof = 0;          // 20 bits: KeyProof (version 1: a random nonce)
  std::uint32_t version = kIidVersion;  // 4 bits

  friend bool operator==(const InstallationIdFields&, const InstallationIdFields&) = default;
};

/// 20 bits that only a holder of the whole key (its MAC included) can compute: BLAKE2b over the
/// key's dashed text and the hardware hash. The IID names the key by group and serial only; the
/// vendor rebuilds the key and checks this, so an IID made up for a guessed serial is refused
/// (one guess in 2^20 passes).
[[nodiscard]] std::uint32_t KeyProof(std::string_view dashed_key, std::uint32_t hardware_hash);

/// Damm check digit of `digits` (decimal characters); detects every single-digit error and every
/// swap of two adjacent digits.
[[nodiscard]] int DammCheckDigit(std::string_view digits);

/// "123456-234567-..." (groups of six joined by dashes).
[[nodiscard]] std::string FormatInstallationId(const InstallationIdFields& fields);
/// Accepts groups separated by spaces or dashes, or run together. Errors: kCidInvalidCheckDigits
/// (0xC004F04D) naming the first bad group; kCidIidInvalidData (0xC004F02C) for a wrong length,
/// non-digits, or a number out of range.
[[nodiscard]] StatusOr<InstallationIdFields> ParseInstallationId(std::string_view text);

/// Checks one typed group (1-based `index`), for wizards that check as the user types.
/// Errors: kCidInvalidCheckDigits, kCidIidInvalidData.
[[nodiscard]] Status CheckGroup(std::string_view group, int index);

/// The vendor's phone-activation key: a brainpoolP160r1 scalar, and its public point (compressed,
/// 21 bytes).
struct PhoneKey {
  std::array<std::uint8_t, 20> secret{};
  std::array<std::uint8_t, 21> public_key{};

  /// A fresh key. Errors: kInternal (OpenSSL).
  [[nodiscard]] static StatusOr<PhoneKey> Generate();
  /// The key derived from `seed`.
  [[nodiscard]] static StatusOr<PhoneKey> Derive(std::string_view seed);
  /// The vendor's phone key, derived from its root signing key: no second secret to keep, and the
  /// catalog's [vendor] phone_public_key is checked against it when licet-server starts.
  [[nodiscard]] static StatusOr<PhoneKey> FromRootKey(const SigningKey& root);
};

/// Signs the IID (with the product ID, so a CID is valid for one product) and formats the CID:
/// 15 groups of six digits. Errors: kInternal.
[[nodiscard]] StatusOr<std::string> SignConfirmationId(const InstallationIdFields& iid,
                                                       std::string_view product_id,
                                                       const PhoneKey& key);

/// Parses a typed CID. Errors: kCidInvalidCheckDigits naming the group, kCidIidInvalidData.
[[nodiscard]] StatusOr<std::vector<std::uint8_t>> ParseConfirmationId(std::string_view text);

/// Verifies a parsed CID against an IID. Errors: kCidIidMismatch (0xC004F031) when the signature
/// does not hold for this IID; kCidIidInvalidData for a malformed public key or signature.
[[nodiscard]] Status VerifyConfirmationId(const std::vector<std::uint8_t>& cid,
                                          const InstallationIdFields& iid,
                                          std::string_view product_id,
                                          const std::array<std::uint8_t, 21>& public_key);

}  // namespace licet::phone
