#include "license_integrity.h"

#include <fmt/format.h>

#include "licet/core/license_token.h"
#include "licet/core/phone_activation.h"
#include "licet/core/product_key.h"
#include "licet/core/volume_protocol.h"

namespace licet::client {
namespace {

struct TokenView {
  std::string cmid;  // phone activations: the installation's own (an IID carries no CMID)
  std::string product_id;
  std::string activation_id;
  std::string hardware;
  std::optional<TimePoint> issued_at;
};

IntegrityFindings Tampered(ErrorCode code, std::string detail) {
  IntegrityFindings f;
  f.tampering = code;
  f.tampering_detail = std::move(detail);
  return f;
}

// The phone activation's "iid:<IID>;cid:<CID>" verified with the phone key; the IID's key must be
// the installed key and its hardware hash the activation's binding. Not inlined, like
// VolumeGrantClaims: an online activation's first check then verifies its token in a frame
// without their locals (a first check pays for each page of stack it reaches).
[[gnu::noinline]] StatusOr<TokenView> VerifyPhoneActivation(const IntegritySubject& s,
                                                            const ActivationRecord& a) {
  const std::string& t = a.token;
  const std::size_t semi = t.find(";cid:");
  if (!t.starts_with("iid:") || semi == std::string::npos || !s.phone_public_key) {
    return Status(ErrorCode::kStoreTampered, "the phone activation record is malformed");
  }
  LICET_ASSIGN_OR_RETURN(const phone::InstallationIdFields iid,
                         phone::ParseInstallationId(t.substr(4, semi - 4)));
  LICET_ASSIGN_OR_RETURN(const std::vector<std::uint8_t> cid,
                         phone::ParseConfirmationId(t.substr(semi + 5)));
  LICET_RETURN_IF_ERROR(phone::VerifyConfirmationId(cid, iid, s.product_id, *s.phone_public_key));
  const std::optional<HardwareBinding> bound = HardwareBinding::Parse(a.hardware);
  if (!bound || bound->Hash24() != iid.hardware_hash) {
    return Status(ErrorCode::kStoreTampered,
                  "the phone activation's hardware does not match its installation ID");
  }
  const InstallRecord& r = *s.record;
  if (r.key && !r.key->key.empty()) {
    StatusOr<ProductKey> key = ProductKey::Parse(r.key->key);
    if (key.ok() && (key->group() != iid.key_group || key->serial() != iid.key_serial)) {
      return Status(ErrorCode::kTokenForeignInstallation,
                    "the phone activation was confirmed for another product key");
    }
  }
  return TokenView{.cmid = r.cmid,
                   .product_id = s.product_id,
                   .activation_id = r.key ? r.key->activation_id : "",
                   .hardware = a.hardware,
                   .issued_at = std::nullopt};
}

// The claims of a volume activation's grant, if the vendor's key verifies it.
[[gnu::noinline]] std::optional<LicenseClaims> VolumeGrantClaims(const IntegritySubject& s,
                                                                 const ActivationRecord& a) {
  StatusOr<volume::VerifiedReply> v = volume::VerifyVolumeToken(a.token, s.vendor_public_key);
  if (v.ok() && v->grant) return std::move(v->grant);
  return std::nullopt;
}

// What CheckIntegrity compares of verified claims.
TokenView ViewOf(LicenseClaims&& claims) {
  return TokenView{.cmid = std::move(claims.cmid),
                   .product_id = std::move(claims.product_id),
                   .activation_id = std::move(claims.activation_id),
                   .hardware = std::move(claims.hardware_id),
                   .issued_at = claims.issued_at};
}

Status NotSignedByVendor(const ActivationRecord& a) {
  return Status(ErrorCode::kStoreTampered,
                fmt::format("the {} license token is not signed by the vendor", a.method));
}

StatusOr<TokenView> VerifyActivation(const IntegritySubject& s, const ActivationRecord& a) {
  if (a.method == "phone") return VerifyPhoneActivation(s, a);
  if (a.method == "volume") {
    std::optional<LicenseClaims> claims = VolumeGrantClaims(s, a);
    if (!claims) return NotSignedByVendor(a);
    return ViewOf(std::move(*claims));
  }
  StatusOr<LicenseClaims> claims = VerifyLicenseToken(a.token, s.vendor_public_key, a.token_hint);
  if (!claims.ok()) return NotSignedByVendor(a);
  return ViewOf(std::move(*claims));
}

// What a verified (or refused) activation says about the installation. Not inlined, so that its
// hardware parse and messages are not part of the frame the token is verified under.
[[gnu::noinline]] IntegrityFindings FindingsOf(const IntegritySubject& s,
                                               StatusOr<TokenView>&& token,
                                               const HardwareBinding& current) {
  if (!token.ok()) {
    const ErrorCode code = token.status().code() == ErrorCode::kTokenForeignInstallation
                               ? ErrorCode::kTokenForeignInstallation
                               : ErrorCode::kStoreTampered;
    return Tampered(code, std::string(token.status().message()));
  }
  const InstallRecord& r = *s.record;
  if (token->product_id != s.product_id || token->cmid != r.cmid || !r.key ||
      token->activation_id != r.key->activation_id) {
    return Tampered(ErrorCode::kTokenForeignInstallation,
                    fmt::format("the license token was issued to another installation "
                                "(CMID {}), not to this one ({})",
                                token->cmid, r.cmid));
  }
  const std::optional<HardwareBinding> bound = HardwareBinding::Parse(token->hardware);
  if (!bound) {
    return Tampered(ErrorCode::kStoreTampered, "the license token carries no hardware binding");
  }
  IntegrityFindings f;
  f.hardware = MatchHardware(*bound, current);
  f.signed_time = token->issued_at;
  if (f.hardware->verdict == HardwareVerdict::kForeign) {
    return Tampered(ErrorCode::kTokenForeignMachine,
                    "the license token was issued to another machine: none of this machine's "
                    "hardware matches its binding");
  }
  return f;
}

}  // namespace

std::string ChangedComponents(const HardwareMatch& match) {
  std::string out;
  for (const HardwareComponent c : match.changed) {
    out += (out.empty() ? "" : ", ") + std::string(HardwareComponentName(c));
  }
  return out;
}

IntegrityFindings CheckIntegrity(const IntegritySubject& s, const HardwareBinding& current) {
  IntegrityFindings f;
  if (s.record->activation) {
    f = FindingsOf(s, VerifyActivation(s, *s.record->activation), current);
    if (f.tampering) return f;
  }
  if (!s.seal_matches) {
    IntegrityFindings t =
        Tampered(ErrorCode::kStoreTampered,
                 "store.json was changed outside Licet (its seal does not match)");
    t.hardware = f.hardware;
    return t;
  }
  return f;
}

}  // namespace licet::client
