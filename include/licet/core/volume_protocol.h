// File: volume_protocol.h
// The volume activation protocol between a GVLK client and a licet-volume host: one request, one
// reply, each a frame on a TCP connection (port 1688 by default). A frame is a 12-byte header
// ("LVOL", version, kind, reserved, big-endian payload length) and a JSON payload. Replies carry
// PASETO tokens signed by the host's key, with the vendor-signed host certificate in their footer,
// so a client trusts only hosts the vendor activated. Spec: docs/formats/volume_protocol.md.
//
//   LICET_ASSIGN_OR_RETURN(FrameHeader h, DecodeFrameHeader(first_12_bytes, FrameKind::kRequest));
//   LICET_ASSIGN_OR_RETURN(VolumeRequest r, ParseVolumeRequest(payload));
//
// Thread-safe: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "licet/core/catalog_signature.h"
#include "licet/core/clock.h"
#include "licet/core/error_code.h"
#include "licet/core/host_certificate.h"
#include "licet/core/license_token.h"
#include "licet/core/paseto.h"
#include "licet/core/status.h"

namespace licet::volume {

inline constexpr std::size_t kFrameHeaderSize = 12;
inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::uint32_t kMaxRequestPayload = 4096;
inline constexpr std::uint32_t kMaxReplyPayload = 65536;

enum class FrameKind : std::uint8_t { kRequest = 1, kReply = 2 };

struct FrameHeader {
  FrameKind kind = FrameKind::kRequest;
  std::uint32_t payload_size = 0;
};

/// The 12-byte header for a payload of `payload_size` bytes.
[[nodiscard]] std::array<char, kFrameHeaderSize> EncodeFrameHeader(FrameKind kind,
                                                                   std::uint32_t payload_size);
/// A whole frame: header and payload.
[[nodiscard]] std::string EncodeFrame(FrameKind kind, std::string_view payload);

/// Checks magic, version, kind (must be `expected`), reserved bytes and the size limit for that
/// kind. `bytes` must hold at least kFrameHeaderSize bytes. Errors: kServerProtocol.
[[nodiscard]] StatusOr<FrameHeader> DecodeFrameHeader(std::string_view bytes, FrameKind expected);

/// What a client asks a volume host.
struct VolumeRequest {
  std::string product_id;
  std::uint32_t product_version = 0;
  std::string activation_id;  // the GVLK's SKU
  std::string edition;
  std::string cmid;            // UUID
  std::string hardware_id;     // 32 hex digits
  std::string machine_name;    // shown in the host's event 12290; 1-63 printable characters
  std::string license_status;  // LicenseStatusId() of the client before the request
  TimePoint client_time{};
  std::string nonce;  // 32 hex digits, echoed in the reply
};

[[nodiscard]] std::string SerializeVolumeRequest(const VolumeRequest& request);
/// Strict: every field present, typed and in range. Errors: kInvalidArgument naming the field.
[[nodiscard]] StatusOr<VolumeRequest> ParseVolumeRequest(std::string_view payload);

/// A host's refusal that it signs, so a client can trust the count it reports.
struct VolumeDenial {
  ErrorCode result = ErrorCode::kOk;
  std::string message;
  std::uint32_t count = 0;      // the host's current count
  std::uint32_t threshold = 0;  // the count this product needs
  std::string cmid;
  std::string nonce;
  TimePoint host_time{};
  std::uint32_t retry_minutes = 0;  // the host's activation interval (/sai)
  bool duplicate_cmid = false;      // another machine already presented this CMID
};

/// The extra, signed facts that come with a grant (alongside the license claims).
struct GrantFacts {
  std::uint32_t count = 0;
  std::uint32_t renewal_minutes = 0;  // /sri
  std::uint32_t retry_minutes = 0;    // /sai
  TimePoint host_time{};
  bool duplicate_cmid = false;
};

/// The footer of every token a host signs: {"kid": host key id, "hcert": certificate}, prepared
/// (encoded) once per host.
[[nodiscard]] paseto::PreparedFooter VolumeFooter(const SigningKey& host_key,
                                                  std::string_view certificate);

/// A volume license token: a license token signed by the host, with VolumeFooter() as footer.
/// `signer` signs with the host key (a host's own: licet/core/precomputed_nonce_signer.h).
[[nodiscard]] std::string IssueGrant(const LicenseClaims& claims, const GrantFacts& facts,
                                     paseto::Ed25519Signer& signer,
                                     const paseto::PreparedFooter& footer);
[[nodiscard]] std::string IssueDenial(const VolumeDenial& denial, paseto::Ed25519Signer& signer,
                                      const paseto::PreparedFooter& footer);
/// The same, signed as libsodium signs.
[[nodiscard]] std::string IssueGrant(const LicenseClaims& claims, const GrantFacts& facts,
                                     const SigningKey& host_key,
                                     const paseto::PreparedFooter& footer);
[[nodiscard]] std::string IssueDenial(const VolumeDenial& denial, const SigningKey& host_key,
                                      const paseto::PreparedFooter& footer);

/// A reply frame's payload: {"grant": token} | {"denial": token} | {"error": {code, message}}.
/// Only the last is unsigned (a host that cannot sign: not activated, or a malformed request).
[[nodiscard]] std::string GrantPayload(std::string_view token);
[[nodiscard]] std::string DenialPayload(std::string_view token);
[[nodiscard]] std::string ErrorPayload(const Status& status);

/// A reply after its chain was verified: certificate against the vendor key, token against the
/// certificate's host key.
struct VerifiedReply {
  HostCertificateClaims certificate;
  std::optional<LicenseClaims> grant;  // set for a grant
  GrantFacts grant_facts;
  std::optional<VolumeDenial> denial;  // set for a denial
  std::string token;                   // the grant token, to store
};

/// Verifies a volume license token (stored or received) up to the vendor key. Does not judge the
/// claims. Errors: kTokenInvalid.
[[nodiscard]] StatusOr<VerifiedReply> VerifyVolumeToken(
    std::string_view token, const std::array<std::uint8_t, 32>& vendor_public_key);

/// Parses and verifies a reply payload. An unsigned error comes back as its Status (the host's
/// code and message); anything malformed or unverifiable is kServerProtocol / kTokenInvalid.
[[nodiscard]] StatusOr<VerifiedReply> ParseReply(
    std::string_view payload, const std::array<std::uint8_t, 32>& vendor_public_key);

}  // namespace licet::volume
