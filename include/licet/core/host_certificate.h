// File: host_certificate.h
// A volume host's certificate: a PASETO v4.public token signed by the vendor's root key
// (licet-server issues it when the host activates its host key, CSVLK) naming the host's own
// Ed25519 public key, the SKUs it may activate and the newest product version it may serve. Volume
// clients trust a host only through this certificate, so a host the vendor never activated cannot
// activate anyone. Format: docs/formats/license_token.md (same envelope, implicit assertion
// licet/host-certificate/v1).
//
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "licet/core/catalog_signature.h"
#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet {

struct HostCertificateClaims {
  std::string issuer_key_id;
  std::string product_id;
  std::string host_id;                             // the host machine's hardware ID
  std::array<std::uint8_t, 32> host_public_key{};  // signs the host's volume replies
  std::string host_key_partial;                    // the CSVLK's last five characters
  std::vector<std::string> skus;  // activation IDs of the GVLK SKUs it may activate
  std::uint32_t max_version = 0;  // newest product version it may serve
  std::string nonce;              // the host's request nonce, echoed
  TimePoint issued_at{};
  TimePoint expires_at{};
};

[[nodiscard]] std::string IssueHostCertificate(const HostCertificateClaims& claims,
                                               const SigningKey& vendor_key);

/// Verifies the vendor's signature and decodes. Does not judge expiry. Errors: kTokenInvalid.
[[nodiscard]] StatusOr<HostCertificateClaims> VerifyHostCertificate(
    std::string_view certificate, const std::array<std::uint8_t, 32>& vendor_public_key);

}  // namespace licet
