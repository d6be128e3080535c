#include "online_activation.h"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "command_hint.h"
#include "http_client.h"
#include "json_fields.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"
#include "licet/core/license_token.h"
#include "licet/core/paseto.h"

namespace licet::client {
namespace {

using nlohmann::json;

Status TokenRefused(std::string_view why) {
  return Status(ErrorCode::kTokenInvalid,
                fmt::format("the activation server's token was refused: {}", why));
}

}  // namespace

std::string HardwareId(const Installation& inst) { return inst.hardware().ToString(); }

std::string ActivationUrl(const Installation& inst) {
  return inst.record().activation_url.empty() ? inst.catalog().activation_url()
                                              : inst.record().activation_url;
}

Status CheckTokenForInstallation(const Installation& inst, const std::string& token,
                                 const std::string& expected_nonce) {
  StatusOr<LicenseClaims> claims = VerifyLicenseToken(token, inst.catalog().vendor().public_key);
  if (!claims.ok()) return TokenRefused(claims.status().message());
  const InstallRecord& r = inst.record();
  if (claims->product_id != inst.catalog().product().id)
    return TokenRefused("it is for another product");
  if (claims->cmid != r.cmid) return TokenRefused("it was issued to another installation (CMID)");
  if (claims->hardware_id != HardwareId(inst))
    return TokenRefused("it is bound to another machine");
  if (!r.key || claims->activation_id != r.key->activation_id)
    return TokenRefused("it is for another SKU");
  if (!expected_nonce.empty() && claims->nonce != expected_nonce)
    return TokenRefused("it does not answer this request (nonce)");
  return OkStatus();
}

Status CheckReadyToActivate(const Installation& inst) {
  const InstallRecord& r = inst.record();
  if (r.pending && r.pending->edition) {
    return Status(ErrorCode::kRestartRequired,
                  fmt::format("a conversion to {} is pending", *r.pending->edition),
                  LicetCommand("restart", inst.root()));
  }
  if (!r.key)
    return Status(ErrorCode::kProductKeyNotInstalled, "no product key is installed",
                  LicetCommand("slmgr /ipk <key>", inst.root()));
  if (r.key->key.empty()) {
    return Status(ErrorCode::kProductKeyNotInstalled,
                  "the product key was cleared from the store (/cpky); install it again",
                  LicetCommand("slmgr /ipk <key>", inst.root()));
  }
  return OkStatus();
}

StatusOr<OnlineActivationResult> ActivateOnline(Installation& inst) {
  LICET_RETURN_IF_ERROR(CheckReadyToActivate(inst));
  InstallRecord& r = inst.record();
  if (r.key->channel == Channel::kVolumeGvlk) {
    return Status(
        ErrorCode::kNotSupported,
        "a GVLK activates against a volume activation host, which arrives with licet-volume",
        LicetCommand("slmgr /ipk <MAK or Retail key>", inst.root()));
  }
  std::uint8_t nonce_bytes[16];
  randombytes_buf(nonce_bytes, sizeof nonce_bytes);
  const std::string nonce = HexEncode(nonce_bytes);
  const std::string url = ActivationUrl(inst);
  const json request = {{"product_key", r.key->key},
                        {"activation_id", r.key->activation_id},
                        {"edition", r.edition},
                        {"cmid", r.cmid},
                        {"hardware_id", HardwareId(inst)},
                        {"nonce", nonce},
                        {"client_time", FormatIso8601(inst.Now())}};
  LICET_ASSIGN_OR_RETURN(const HttpReply reply, PostJson(url + "/v1/activations", request.dump(),
                                                         std::chrono::seconds(15), r.ca_file));
  if (reply.status != 200) return ServerErrorStatus(reply, url);
  const json body = json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) {
    return Status(ErrorCode::kServerProtocol,
                  fmt::format("the activation server at {} answered without a license token", url));
  }
  const std::string token = body["token"];
  LICET_RETURN_IF_ERROR(CheckTokenForInstallation(inst, token, nonce));
  r.activation = ActivationRecord{
      .method = "online",
      .activated_at = inst.Now(),
      .expires_at = std::nullopt,
      .token = token,
      .token_hint = paseto::VerificationHintV4Public(token, inst.catalog().vendor().public_key),
      .hardware = HardwareId(inst)};
  LICET_RETURN_IF_ERROR(inst.Save());
  OnlineActivationResult result{.server = url};
  if (body.contains("activation") && body["activation"].is_object()) {
    try {
      result.used = OptionalJsonInteger<std::uint32_t>(body["activation"], "used", 0u);
      result.limit = OptionalJsonInteger<std::uint32_t>(body["activation"], "limit", 0u);
    } catch (const std::invalid_argument&) {
      // The counts are information for the administrator; the token is what matters.
    }
    result.reused = body["activation"].value("reused", false);
  }
  return result;
}

}  // namespace licet::client
