#include "licet/core/license_token.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "internal/license_claims_json.h"
#include "licet/core/json_reader.h"
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
  // Read with JsonDocument, not nlohmann-json: an application's first license check reads these
  // claims (see json_reader.h).
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(payload);
  if (!doc.ok() || !doc->root().is_object()) return Invalid("its claims are not a JSON object");
  try {
    const JsonValue j = doc->root();
    const auto text = [&j](std::string_view name) { return std::string(j.at(name).string()); };
    LicenseClaims c;
    c.issuer_key_id = text("kid");
    c.product_id = text("product");
    c.cmid = text("cmid");
    c.activation_id = text("sku");
    c.edition = text("edition");
    c.channel = text("channel");
    c.hardware_id = text("hw");
    c.partial_key = text("pkey");
    c.method = text("method");
    c.nonce = text("nonce");
    LICET_ASSIGN_OR_RETURN(c.issued_at, ParseIso8601(j.at("iat").string()));
    if (const std::optional<JsonValue> exp = j.find("exp")) {
      LICET_ASSIGN_OR_RETURN(c.expires_at, ParseIso8601(exp->string()));
    }
    if (const std::optional<JsonValue> renew = j.find("renew_after")) {
      LICET_ASSIGN_OR_RETURN(c.renew_after, ParseIso8601(renew->string()));
    }
    return c;
  } catch (const JsonReadError& e) {
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
