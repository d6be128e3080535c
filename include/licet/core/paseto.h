// File: paseto.h
// PASETO v4.public (Ed25519) tokens: the format of Licet's license tokens, verifiable offline by
// any standard PASETO library. Only v4.public is implemented; see
// https://github.com/paseto-standard/paseto-spec.
//
//   const std::string token = licet::paseto::SignV4Public(payload_json, footer_json, "",
//   secret_key); LICET_ASSIGN_OR_RETURN(licet::paseto::Verified v,
//   licet::paseto::VerifyV4Public(token, "", public_key));
//
// Thread-safe. The tests run the official test vectors (tests/testdata/paseto_v4.json).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "licet/core/status.h"

namespace licet::paseto {

inline constexpr std::string_view kV4PublicHeader = "v4.public.";

struct Verified {
  std::string payload;  // the signed message (Licet: JSON claims)
  std::string footer;   // the signed, unencrypted footer (Licet: JSON with "kid")
};

/// Signs `payload` with the 64-byte Ed25519 secret key. `footer` may be empty; `implicit` is the
/// implicit assertion (bound but not transmitted).
[[nodiscard]] std::string SignV4Public(std::string_view payload, std::string_view footer,
                                       std::string_view implicit,
                                       const std::array<std::uint8_t, 64>& secret_key);

/// A footer encoded once for many tokens (a volume host signs every reply with the same one).
struct PreparedFooter {
  std::string raw;      // as signed
  std::string encoded;  // as transmitted: "." and its base64url; empty for an empty footer
};
[[nodiscard]] PreparedFooter PrepareFooter(std::string_view footer);

/// SignV4Public with a footer prepared once; the same token, without re-encoding the footer.
[[nodiscard]] std::string SignV4Public(std::string_view payload, const PreparedFooter& footer,
                                       std::string_view implicit,
                                       const std::array<std::uint8_t, 64>& secret_key);

/// Makes Ed25519 signatures with one secret key, in a way of its own (the server's signer makes
/// each nonce ahead of time: licet/core/precomputed_nonce_signer.h). Any valid Ed25519 signature
/// of `message` will do: verifiers cannot tell how it was made.
class Ed25519Signer {
 public:
  virtual ~Ed25519Signer() = default;
  [[nodiscard]] virtual std::array<std::uint8_t, 64> Sign(std::string_view message) = 0;
};

/// SignV4Public with the signature made by `signer` (the same token, but for the signature when
/// the signer does not sign deterministically).
[[nodiscard]] std::string SignV4Public(std::string_view payload, const PreparedFooter& footer,
                                       std::string_view implicit, Ed25519Signer& signer);

/// Verifies a v4.public token. `hint`, if given, is what VerificationHintV4Public made for this
/// token and key; it makes the verification faster and never changes its result. Errors:
/// kTokenInvalid (wrong header, bad base64url, too short, bad signature, footer mismatch).
[[nodiscard]] StatusOr<Verified> VerifyV4Public(std::string_view token, std::string_view implicit,
                                                const std::array<std::uint8_t, 32>& public_key,
                                                std::string_view hint = {});

/// A hint to keep beside a token that will be verified again with `public_key` (base64url, 86
/// characters): the x coordinates of the key's point and of the signature's R, which spare each
/// later verification the two square roots that decode them (a sixth of its work). Checked, never
/// trusted: a wrong or stale hint only costs that time. Empty when the token's signature or the
/// key does not decode.
[[nodiscard]] std::string VerificationHintV4Public(std::string_view token,
                                                   const std::array<std::uint8_t, 32>& public_key);

/// The footer of a token without verifying anything (to pick the key by its id). Errors:
/// kTokenInvalid.
[[nodiscard]] StatusOr<std::string> UnverifiedFooter(std::string_view token);

/// Base64url without padding (RFC 4648 section 5), as PASETO uses.
[[nodiscard]] std::string Base64UrlEncode(std::string_view bytes);
/// Strict: padding, whitespace or any other character fails.
[[nodiscard]] StatusOr<std::string> Base64UrlDecode(std::string_view text);

}  // namespace licet::paseto
