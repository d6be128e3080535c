#include "licet/core/license_token.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "internal/license_claims_json.h"
#include "licet/core/paseto.h"

namespace licet {
namespace {

using nlohmann::json;

Status Invalid(std::string_view why) {
  return Status(ErrorCode::kTokenInvalid, fmt::format("the license token is not valid: {}", why));
}

}  // namespace

namespace core_internal {

nlohmann::json LicenseClaimsToJson(const LicenseClaims& c) {
  json j = {{"kid", c.issuer_key_id},
            {"product", c.product_id},
            {"cmid", c.cmid},
            {"sku", c.activation_id},
            {"edition", c.edition},
            {"channel", c.channel},
            {"hw", c.hardware_id},
            {"pkey", c.partial_key},
            {"method", c.method},
            {"nonce", c.nonce},
            {"iat", FormatIso8601(c.issued_at)}};
  if (c.expires_at) j["exp"] = FormatIso8601(*c.expires_at);
  if (c.renew_after) j["renew_after"] = FormatIso8601(*c.renew_after);
  return j;
}

StatusOr<LicenseClaims> LicenseClaimsFromJson(std::string_view payload) {
  const json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Invalid("its claims are not a JSON object");
  try {
    LicenseClaims c;
    c.issuer_key_id = j.at("kid").get<std::string>();
    c.product_id = j.at("product").get<std::string>();
    c.cmid = j.at("cmid").get<std::string>();
    c.activation_id = j.at("sku").get<std::string>();
    c.edition = j.at("edition").get<std::string>();
    c.channel = j.at("channel").get<std::string>();
    c.hardware_id = j.at("hw").get<std::string>();
    c.partial_key = j.at("pkey").get<std::string>();
    c.method = j.at("method").get<std::string>();
    c.nonce = j.at("nonce").get<std::string>();
    const auto time = [&](const char* name) -> StatusOr<TimePoint> {
      return ParseIso8601(j.at(name).get<std::string>());
    };
    LICET_ASSIGN_OR_RETURN(c.issued_at, time("iat"));
    if (j.contains("exp")) {
      LICET_ASSIGN_OR_RETURN(c.expires_at, time("exp"));
    }
    if (j.contains("renew_after")) {
      LICET_ASSIGN_OR_RETURN(c.renew_after, time("renew_after"));
    }
    return c;
  } catch (const std::exception& e) {
    return Invalid(fmt::format("a claim is missing or mistyped ({})", e.what()));
  }
}

}  // namespace core_internal

std::string IssueLicenseToken(const LicenseClaims& c, const SigningKey& key) {
  const json footer = {{"kid", key.key_id}};
  return paseto::SignV4Public(core_internal::LicenseClaimsToJson(c).dump(), footer.dump(),
                              kLicenseTokenImplicit, key.secret_key);
}

StatusOr<LicenseClaims> VerifyLicenseToken(std::string_view token,
                                           const std::array<std::uint8_t, 32>& public_key) {
  LICET_ASSIGN_OR_RETURN(const paseto::Verified v,
                         paseto::VerifyV4Public(token, kLicenseTokenImplicit, public_key));
  return core_internal::LicenseClaimsFromJson(v.payload);
}

}  // namespace licet
