#include "licet/core/license_token.h"

#include <fmt/format.h>

#include <utility>

#include "internal/license_claims_json.h"
#include "licet/core/json_reader.h"
#include "licet/core/paseto.h"

namespace licet {
namespace {

Status Invalid(std::string_view why) {
  return Status(ErrorCode::kTokenInvalid, fmt::format("the license token is not valid: {}", why));
}

}  // namespace

namespace core_internal {

void WriteLicenseClaims(JsonWriter& w, const LicenseClaims& c) {
  w.Member("kid", c.issuer_key_id)
      .Member("product", c.product_id)
      .Member("cmid", c.cmid)
      .Member("sku", c.activation_id)
      .Member("edition", c.edition)
      .Member("channel", c.channel)
      .Member("hw", c.hardware_id)
      .Member("pkey", c.partial_key)
      .Member("method", c.method)
      .Member("nonce", c.nonce)
      .Member("iat", FormatIso8601(c.issued_at));
  if (c.expires_at) w.Member("exp", FormatIso8601(*c.expires_at));
  if (c.renew_after) w.Member("renew_after", FormatIso8601(*c.renew_after));
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

namespace {

// The claims' JSON and the footer naming the key, as a token signs them.
std::pair<std::string, std::string> TokenContent(const LicenseClaims& c, const SigningKey& key) {
  JsonWriter claims;
  claims.BeginObject();
  core_internal::WriteLicenseClaims(claims, c);
  claims.EndObject();
  JsonWriter footer;
  footer.BeginObject().Member("kid", key.key_id).EndObject();
  return {std::move(claims).Take(), std::move(footer).Take()};
}

}  // namespace

std::string IssueLicenseToken(const LicenseClaims& c, const SigningKey& key) {
  const auto [claims, footer] = TokenContent(c, key);
  return paseto::SignV4Public(claims, footer, kLicenseTokenImplicit, key.secret_key);
}

std::string IssueLicenseToken(const LicenseClaims& c, const SigningKey& key,
                              paseto::Ed25519Signer& signer) {
  const auto [claims, footer] = TokenContent(c, key);
  return paseto::SignV4Public(claims, paseto::PrepareFooter(footer), kLicenseTokenImplicit, signer);
}

StatusOr<LicenseClaims> VerifyLicenseToken(std::string_view token,
                                           const std::array<std::uint8_t, 32>& public_key,
                                           std::string_view hint) {
  LICET_ASSIGN_OR_RETURN(const paseto::Verified v,
                         paseto::VerifyV4Public(token, kLicenseTokenImplicit, public_key, hint));
  return core_internal::LicenseClaimsFromJson(v.payload);
}

}  // namespace licet
