#include "licet/core/volume_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "internal/license_claims_json.h"
#include "licet/core/hardware_binding.h"
#include "licet/core/paseto.h"

namespace licet::volume {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "LVOL";
// A denial is signed under its own implicit assertion, so it can never pass as a license token.
constexpr std::string_view kDenialImplicit = "licet/volume-denial/v1";

Status BadRequest(std::string_view why) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("malformed volume request: {}", why),
                "Update the client: its request does not follow docs/formats/volume_protocol.md.");
}

Status BadReply(std::string_view why) {
  return Status(ErrorCode::kServerProtocol,
                fmt::format("the volume host's reply is malformed: {}", why),
                "Check the host is a licet-volume host (licet-volume status on the host).");
}

bool IsHex(std::string_view s, std::size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : std::isxdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

bool IsName(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// Reads a string field, checked by `valid`.
template <typename Valid>
StatusOr<std::string> StringField(const json& j, const char* name, Valid valid,
                                  std::string_view expected) {
  const auto it = j.find(name);
  if (it == j.end() || !it->is_string())
    return BadRequest(fmt::format("\"{}\" is missing or not a string", name));
  std::string value = it->get<std::string>();
  if (!valid(value)) return BadRequest(fmt::format("\"{}\" is not {}", name, expected));
  return value;
}

std::string CodeText(ErrorCode code) { return FormatCode(code); }

std::optional<ErrorCode> CodeFromText(std::string_view text) {
  if (text.size() != 10 || text.substr(0, 2) != "0x" || !IsHex(text.substr(2), 8))
    return std::nullopt;
  const ErrorInfo* info = FindError(
      static_cast<std::uint32_t>(std::strtoul(std::string(text.substr(2)).c_str(), nullptr, 16)));
  if (info == nullptr) return std::nullopt;
  return info->code;
}

struct Footer {
  std::string kid;
  std::string certificate;
};

StatusOr<Footer> ReadFooter(std::string_view token) {
  StatusOr<std::string> text = paseto::UnverifiedFooter(token);
  if (!text.ok()) return Status(ErrorCode::kTokenInvalid, std::string(text.status().message()));
  const json f = json::parse(*text, nullptr, false);
  if (!f.is_object() || !f.contains("hcert") || !f["hcert"].is_string() || !f.contains("kid") ||
      !f["kid"].is_string()) {
    return Status(ErrorCode::kTokenInvalid,
                  "the volume token's footer does not carry a host certificate");
  }
  return Footer{f["kid"].get<std::string>(), f["hcert"].get<std::string>()};
}

}  // namespace

paseto::PreparedFooter VolumeFooter(const SigningKey& host_key, std::string_view certificate) {
  return paseto::PrepareFooter(json{{"kid", host_key.key_id}, {"hcert", certificate}}.dump());
}

std::array<char, kFrameHeaderSize> EncodeFrameHeader(FrameKind kind, std::uint32_t payload_size) {
  std::array<char, kFrameHeaderSize> h{};
  std::copy(kMagic.begin(), kMagic.end(), h.begin());
  h[4] = static_cast<char>(kProtocolVersion);
  h[5] = static_cast<char>(kind);
  for (std::size_t i = 0; i < 4; ++i)
    h[8 + i] = static_cast<char>((payload_size >> (24 - 8 * i)) & 0xff);
  return h;
}

std::string EncodeFrame(FrameKind kind, std::string_view payload) {
  const auto header = EncodeFrameHeader(kind, static_cast<std::uint32_t>(payload.size()));
  std::string frame(header.begin(), header.end());
  frame.append(payload);
  return frame;
}

StatusOr<FrameHeader> DecodeFrameHeader(std::string_view bytes, FrameKind expected) {
  const auto bad = [](std::string_view why) {
    return Status(ErrorCode::kServerProtocol, fmt::format("not a Licet volume frame: {}", why));
  };
  if (bytes.size() < kFrameHeaderSize) return bad("the header is truncated");
  if (bytes.substr(0, 4) != kMagic) return bad("wrong magic (expected \"LVOL\")");
  if (static_cast<std::uint8_t>(bytes[4]) != kProtocolVersion)
    return bad(fmt::format("protocol version {} (this build speaks {})",
                           static_cast<int>(static_cast<std::uint8_t>(bytes[4])),
                           kProtocolVersion));
  if (static_cast<std::uint8_t>(bytes[5]) != static_cast<std::uint8_t>(expected))
    return bad("unexpected frame kind");
  if (bytes[6] != 0 || bytes[7] != 0) return bad("reserved bytes are not zero");
  std::uint32_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) size = (size << 8) | static_cast<std::uint8_t>(bytes[8 + i]);
  const std::uint32_t limit =
      expected == FrameKind::kRequest ? kMaxRequestPayload : kMaxReplyPayload;
  if (size == 0 || size > limit)
    return bad(fmt::format("payload of {} bytes (1 to {} allowed)", size, limit));
  return FrameHeader{expected, size};
}

std::string SerializeVolumeRequest(const VolumeRequest& r) {
  return json{{"product", r.product_id},
              {"version", r.product_version},
              {"sku", r.activation_id},
              {"edition", r.edition},
              {"cmid", r.cmid},
              {"hw", r.hardware_id},
              {"machine", r.machine_name},
              {"status", r.license_status},
              {"client_time", FormatIso8601(r.client_time)},
              {"nonce", r.nonce}}
      .dump();
}

StatusOr<VolumeRequest> ParseVolumeRequest(std::string_view payload) {
  const json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return BadRequest("the payload is not a JSON object");
  const auto name = [](std::size_t max) {
    return [max](const std::string& s) { return IsName(s, max); };
  };
  VolumeRequest r;
  LICET_ASSIGN_OR_RETURN(r.product_id, StringField(j, "product", name(64), "a product ID"));
  LICET_ASSIGN_OR_RETURN(r.activation_id, StringField(j, "sku", IsUuid, "a UUID"));
  LICET_ASSIGN_OR_RETURN(r.edition, StringField(j, "edition", name(64), "an edition ID"));
  LICET_ASSIGN_OR_RETURN(r.cmid, StringField(j, "cmid", IsUuid, "a UUID"));
  LICET_ASSIGN_OR_RETURN(r.hardware_id,
                         StringField(j, "hw", IsHardwareBindingText, "a hardware binding (hw2.…)"));
  LICET_ASSIGN_OR_RETURN(
      r.machine_name, StringField(j, "machine", name(63), "1-63 letters, digits, '.', '_' or '-'"));
  LICET_ASSIGN_OR_RETURN(r.license_status,
                         StringField(j, "status", name(32), "a license status ID"));
  LICET_ASSIGN_OR_RETURN(
      r.nonce, StringField(
                   j, "nonce", [](const std::string& s) { return IsHex(s, 32); }, "32 hex digits"));
  LICET_ASSIGN_OR_RETURN(
      const std::string time,
      StringField(
          j, "client_time", [](const std::string& t) { return !t.empty() && t.size() <= 32; },
          "an ISO 8601 time"));
  StatusOr<TimePoint> t = ParseIso8601(time);
  if (!t.ok()) return BadRequest("\"client_time\" is not an ISO 8601 time");
  r.client_time = *t;
  const auto v = j.find("version");
  if (v == j.end() || !v->is_number_unsigned() || v->get<std::uint64_t>() > 0xffffffffu)
    return BadRequest("\"version\" is missing or not an unsigned 32-bit number");
  r.product_version = v->get<std::uint32_t>();
  return r;
}

namespace {

// A grant's payload: the license claims, plus the host's facts (which license token readers
// ignore).
std::string GrantClaims(const LicenseClaims& c, const GrantFacts& f) {
  JsonWriter w;
  w.BeginObject();
  core_internal::WriteLicenseClaims(w, c);
  w.Member("count", f.count)
      .Member("renewal_minutes", f.renewal_minutes)
      .Member("retry_minutes", f.retry_minutes)
      .Member("host_time", FormatIso8601(f.host_time))
      .Member("duplicate_cmid", f.duplicate_cmid)
      .EndObject();
  return std::move(w).Take();
}

std::string DenialClaims(const VolumeDenial& d) {
  const json j = {{"result", CodeText(d.result)},
                  {"message", d.message},
                  {"count", d.count},
                  {"threshold", d.threshold},
                  {"cmid", d.cmid},
                  {"nonce", d.nonce},
                  {"host_time", FormatIso8601(d.host_time)},
                  {"retry_minutes", d.retry_minutes},
                  {"duplicate_cmid", d.duplicate_cmid}};
  return j.dump();
}

}  // namespace

std::string IssueGrant(const LicenseClaims& claims, const GrantFacts& facts,
                       paseto::Ed25519Signer& signer, const paseto::PreparedFooter& footer) {
  return paseto::SignV4Public(GrantClaims(claims, facts), footer, kLicenseTokenImplicit, signer);
}

std::string IssueDenial(const VolumeDenial& denial, paseto::Ed25519Signer& signer,
                        const paseto::PreparedFooter& footer) {
  return paseto::SignV4Public(DenialClaims(denial), footer, kDenialImplicit, signer);
}

std::string IssueGrant(const LicenseClaims& claims, const GrantFacts& facts,
                       const SigningKey& host_key, const paseto::PreparedFooter& footer) {
  return paseto::SignV4Public(GrantClaims(claims, facts), footer, kLicenseTokenImplicit,
                              host_key.secret_key);
}

std::string IssueDenial(const VolumeDenial& denial, const SigningKey& host_key,
                        const paseto::PreparedFooter& footer) {
  return paseto::SignV4Public(DenialClaims(denial), footer, kDenialImplicit, host_key.secret_key);
}

// PASETO tokens are base64url parts joined by dots: nothing in them needs JSON escaping, so the
// payload is assembled directly (this runs once per request on the host).
std::string GrantPayload(std::string_view token) {
  return fmt::format("{{\"grant\":\"{}\"}}", token);
}
std::string DenialPayload(std::string_view token) {
  return fmt::format("{{\"denial\":\"{}\"}}", token);
}
std::string ErrorPayload(const Status& status) {
  return json{{"error",
               {{"code", CodeText(status.code())},
                {"message", status.message()},
                {"remedy", status.remedy()}}}}
      .dump();
}

namespace {

// Verifies the footer's certificate with the vendor key, then the token with the host key.
StatusOr<VerifiedReply> VerifyChain(std::string_view token, std::string_view implicit,
                                    const std::array<std::uint8_t, 32>& vendor_public_key,
                                    std::string& payload_out) {
  LICET_ASSIGN_OR_RETURN(const Footer footer, ReadFooter(token));
  StatusOr<HostCertificateClaims> cert =
      VerifyHostCertificate(footer.certificate, vendor_public_key);
  if (!cert.ok()) {
    return Status(ErrorCode::kTokenInvalid,
                  fmt::format("the volume host's certificate is not the vendor's: {}",
                              cert.status().message()));
  }
  StatusOr<paseto::Verified> v = paseto::VerifyV4Public(token, implicit, cert->host_public_key);
  if (!v.ok()) {
    return Status(ErrorCode::kTokenInvalid,
                  fmt::format("the volume host's reply is not signed by the certified host key: {}",
                              v.status().message()));
  }
  payload_out = std::move(v->payload);
  VerifiedReply reply;
  reply.certificate = std::move(*cert);
  return reply;
}

}  // namespace

StatusOr<VerifiedReply> VerifyVolumeToken(std::string_view token,
                                          const std::array<std::uint8_t, 32>& vendor_public_key) {
  std::string payload;
  LICET_ASSIGN_OR_RETURN(VerifiedReply reply,
                         VerifyChain(token, kLicenseTokenImplicit, vendor_public_key, payload));
  // VerifyChain checked the signature; the claims are read as a license token's.
  LICET_ASSIGN_OR_RETURN(LicenseClaims claims, core_internal::LicenseClaimsFromJson(payload));
  const json j = json::parse(payload, nullptr, false);
  if (j.is_object()) {
    reply.grant_facts.count = j.value("count", 0u);
    reply.grant_facts.renewal_minutes = j.value("renewal_minutes", 0u);
    reply.grant_facts.retry_minutes = j.value("retry_minutes", 0u);
    reply.grant_facts.duplicate_cmid = j.value("duplicate_cmid", false);
    if (StatusOr<TimePoint> t = ParseIso8601(j.value("host_time", "")); t.ok())
      reply.grant_facts.host_time = *t;
  }
  reply.grant = std::move(claims);
  reply.token = std::string(token);
  return reply;
}

StatusOr<VerifiedReply> ParseReply(std::string_view payload,
                                   const std::array<std::uint8_t, 32>& vendor_public_key) {
  const json j = json::parse(payload, nullptr, false);
  if (!j.is_object()) return BadReply("not a JSON object");
  if (j.contains("grant") && j["grant"].is_string())
    return VerifyVolumeToken(j["grant"].get<std::string>(), vendor_public_key);
  if (j.contains("denial") && j["denial"].is_string()) {
    std::string claims_text;
    LICET_ASSIGN_OR_RETURN(VerifiedReply reply,
                           VerifyChain(j["denial"].get<std::string>(), kDenialImplicit,
                                       vendor_public_key, claims_text));
    const json d = json::parse(claims_text, nullptr, false);
    if (!d.is_object()) return BadReply("the denial's claims are not a JSON object");
    try {
      VolumeDenial denial;
      const std::optional<ErrorCode> code = CodeFromText(d.at("result").get<std::string>());
      if (!code || *code == ErrorCode::kOk) return BadReply("the denial names no known error");
      denial.result = *code;
      denial.message = d.at("message").get<std::string>();
      denial.count = d.at("count").get<std::uint32_t>();
      denial.threshold = d.at("threshold").get<std::uint32_t>();
      denial.cmid = d.at("cmid").get<std::string>();
      denial.nonce = d.at("nonce").get<std::string>();
      denial.retry_minutes = d.at("retry_minutes").get<std::uint32_t>();
      denial.duplicate_cmid = d.at("duplicate_cmid").get<bool>();
      StatusOr<TimePoint> t = ParseIso8601(d.at("host_time").get<std::string>());
      if (!t.ok()) return BadReply("the denial's host time is not ISO 8601");
      denial.host_time = *t;
      reply.denial = std::move(denial);
      return reply;
    } catch (const std::exception& e) {
      return BadReply(fmt::format("a denial claim is missing or mistyped ({})", e.what()));
    }
  }
  if (j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    const std::optional<ErrorCode> code = e.contains("code") && e["code"].is_string()
                                              ? CodeFromText(e["code"].get<std::string>())
                                              : std::nullopt;
    if (!code || *code == ErrorCode::kOk) return BadReply("the error names no known code");
    const auto text = [&](const char* name) {
      return e.contains(name) && e[name].is_string() ? e[name].get<std::string>() : std::string();
    };
    return Status(*code, text("message"), text("remedy"));
  }
  return BadReply("it holds neither a grant, a denial nor an error");
}

}  // namespace licet::volume
