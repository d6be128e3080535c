#include "licet/core/host_certificate.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "licet/core/encoding.h"
#include "licet/core/paseto.h"

namespace licet {
namespace {

using nlohmann::json;

constexpr std::string_view kImplicit = "licet/host-certificate/v1";

Status Invalid(std::string_view why) {
  return Status(ErrorCode::kTokenInvalid,
                fmt::format("the host certificate is not valid: {}", why));
}

}  // namespace

std::string IssueHostCertificate(const HostCertificateClaims& c, const SigningKey& vendor_key) {
  const json j = {{"kid", c.issuer_key_id},
                  {"product", c.product_id},
                  {"host", c.host_id},
                  {"host_pk", Base64Encode(c.host_public_key)},
                  {"csvlk", c.host_key_partial},
                  {"skus", c.skus},
                  {"max_version", c.max_version},
                  {"nonce", c.nonce},
                  {"iat", FormatIso8601(c.issued_at)},
                  {"exp", FormatIso8601(c.expires_at)}};
  return paseto::SignV4Public(j.dump(), json{{"kid", vendor_key.key_id}}.dump(), kImplicit,
                              vendor_key.secret_key);
}

StatusOr<HostCertificateClaims> VerifyHostCertificate(
    std::string_view certificate, const std::array<std::uint8_t, 32>& vendor_public_key) {
  LICET_ASSIGN_OR_RETURN(const paseto::Verified v,
                         paseto::VerifyV4Public(certificate, kImplicit, vendor_public_key));
  const json j = json::parse(v.payload, nullptr, false);
  if (!j.is_object()) return Invalid("its claims are not a JSON object");
  try {
    HostCertificateClaims c;
    c.issuer_key_id = j.at("kid").get<std::string>();
    c.product_id = j.at("product").get<std::string>();
    c.host_id = j.at("host").get<std::string>();
    const std::optional<std::vector<std::uint8_t>> pk =
        Base64Decode(j.at("host_pk").get<std::string>());
    if (!pk || pk->size() != c.host_public_key.size())
      return Invalid("the host public key is malformed");
    std::copy(pk->begin(), pk->end(), c.host_public_key.begin());
    c.host_key_partial = j.at("csvlk").get<std::string>();
    c.skus = j.at("skus").get<std::vector<std::string>>();
    c.max_version = j.at("max_version").get<std::uint32_t>();
    c.nonce = j.at("nonce").get<std::string>();
    LICET_ASSIGN_OR_RETURN(c.issued_at, ParseIso8601(j.at("iat").get<std::string>()));
    LICET_ASSIGN_OR_RETURN(c.expires_at, ParseIso8601(j.at("exp").get<std::string>()));
    return c;
  } catch (const std::exception& e) {
    return Invalid(fmt::format("a claim is missing or mistyped ({})", e.what()));
  }
}

}  // namespace licet
