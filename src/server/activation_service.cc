#include "activation_service.h"

#include <fmt/format.h>

#include "licet/core/encoding.h"
#include "licet/core/host_certificate.h"
#include "licet/core/json_writer.h"
#include "licet/core/license_token.h"
#include "licet/core/phone_activation.h"

namespace licet::server {
namespace {

using nlohmann::json;

// The string field `name` (`value`, nullopt when it is missing or not a string): 1 to `max`
// printable ASCII characters.
StatusOr<std::string> PrintableField(std::optional<std::string_view> value, const char* name,
                                     size_t max) {
  if (!value) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the request needs a string field \"{}\"", name));
  }
  if (value->empty() || value->size() > max) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("\"{}\" must have 1 to {} characters", name, max));
  }
  for (char c : *value) {
    if (c < 0x20 || c > 0x7E)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("\"{}\" must be printable ASCII", name));
  }
  return std::string(*value);
}

StatusOr<std::string> Field(const json& j, const char* name, size_t max) {
  const auto it = j.find(name);
  return PrintableField(it != j.end() && it->is_string()
                            ? std::optional<std::string_view>(it->get_ref<const std::string&>())
                            : std::nullopt,
                        name, max);
}

StatusOr<std::string> Field(const JsonValue& j, const char* name, size_t max) {
  const std::optional<JsonValue> v = j.find(name);
  return PrintableField(v && v->is_string() ? std::optional(v->string()) : std::nullopt, name, max);
}

// `s` with `key` masked down to its last group wherever its message or remedy names it.
Status MaskKey(const Status& s, const ProductKey& key) {
  if (s.ok()) return s;
  const std::string masked = MaskedProductKey(key.partial());
  const auto mask = [&](std::string_view text) {
    std::string out(text);
    for (size_t at = out.find(key.text()); at != std::string::npos;
         at = out.find(key.text(), at + masked.size()))
      out.replace(at, key.text().size(), masked);
    return out;
  };
  return Status(s.code(), mask(s.message()), mask(s.remedy()));
}

}  // namespace

StatusOr<ActivationService::Prepared> ActivationService::Prepare(const JsonValue& request) const {
  if (!request.is_object())
    return Status(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  LICET_ASSIGN_OR_RETURN(const std::string typed_key, Field(request, "product_key", 64));
  LICET_ASSIGN_OR_RETURN(const std::string edition, Field(request, "edition", 64));
  LICET_ASSIGN_OR_RETURN(const std::string cmid, Field(request, "cmid", 64));
  LICET_ASSIGN_OR_RETURN(const std::string hardware_id, Field(request, "hardware_id", 128));
  LICET_ASSIGN_OR_RETURN(const std::string nonce, Field(request, "nonce", 128));
  const Catalog& catalog = data_.catalog;
  LICET_ASSIGN_OR_RETURN(const ResolvedKey key, catalog.ResolveKey(typed_key));
  const Channel channel = key.sku->channel;
  if (channel == Channel::kVolumeGvlk) {
    return Status(ErrorCode::kNotSupported,
                  fmt::format("{} is a public volume client key (GVLK): it activates against a "
                              "volume activation host, "
                              "never against the vendor's server",
                              key.text),
                  "Point the installation at your volume host: licet slmgr /skms HOST[:1688], then "
                  "licet slmgr /ato; "
                  "or install a MAK/Retail key");
  }
  if (channel == Channel::kVolumeCsvlk) {
    return Status(
        ErrorCode::kNotSupported,
        fmt::format("{} is a volume host key (CSVLK): it activates a volume host", key.text),
        "licet-volume init --host-key KEY --server URL");
  }
  LICET_RETURN_IF_ERROR(CheckIssuedKey(key));
  const Edition* ed = catalog.FindEdition(edition);
  if (ed == nullptr || !key.sku->Licenses(ed->id)) {
    return Status(ErrorCode::kMismatchedProductSku,
                  fmt::format("{} is a {} key for {}; the installation is {}", key.text,
                              ChannelName(channel), key.sku->primary_edition(), edition));
  }
  const TimePoint now = clock_.Now();
  const auto make_token = [&] {
    const LicenseClaims claims{.issuer_key_id = data_.signing_key.key_id,
                               .product_id = catalog.product().id,
                               .cmid = cmid,
                               .activation_id = key.sku->activation_id,
                               .edition = ed->id,
                               .channel = std::string(ChannelName(channel)),
                               .hardware_id = hardware_id,
                               .partial_key = std::string(key.partial()),
                               .method = "online",
                               .nonce = nonce,
                               .issued_at = now,
                               .expires_at = std::nullopt,
                               .renew_after = std::nullopt};
    return signer_ != nullptr ? IssueLicenseToken(claims, data_.signing_key, *signer_)
                              : IssueLicenseToken(claims, data_.signing_key);
  };
  return Prepared{.attempt = {.key = key.text,
                              .cmid = cmid,
                              .hardware_id = hardware_id,
                              .nonce = nonce,
                              .now = now},
                  .token = make_token()};
}

void ActivationService::ActivateAsync(const JsonValue& request,
                                      std::function<void(StatusOr<std::string>)> done) {
  StatusOr<Prepared> prepared = Prepare(request);
  if (!prepared.ok()) return done(prepared.status());
  const TimePoint now = prepared->attempt.now;
  store_.RecordActivationAsync(std::move(prepared->attempt), std::move(prepared->token),
                               [now, done = std::move(done)](StatusOr<ActivationOutcome> outcome) {
                                 if (!outcome.ok()) return done(outcome.status());
                                 // Written straight to text: a nlohmann-json document costs
                                 // allocations per member.
                                 JsonWriter answer;
                                 answer.BeginObject()
                                     .Member("token", outcome->token)
                                     .Member("server_time", FormatIso8601(now))
                                     .Key("activation")
                                     .BeginObject()
                                     .Member("replayed", outcome->replayed)
                                     .Member("reused", outcome->reused)
                                     .Member("used", outcome->used)
                                     .Member("limit", outcome->limit)
                                     .EndObject()
                                     .EndObject();
                                 done(std::move(answer).Take());
                               });
}

StatusOr<json> ActivationService::ConfirmPhone(const json& request) {
  if (!request.is_object())
    return Status(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  LICET_ASSIGN_OR_RETURN(const std::string typed_iid, Field(request, "installation_id", 128));
  StatusOr<phone::InstallationIdFields> parsed = phone::ParseInstallationId(typed_iid);
  if (!parsed.ok()) {
    // The code's own remedy speaks to the customer typing a confirmation ID; here an agent (or
    // the phone page) typed the installation ID the customer reads.
    return parsed.status().WithFix(
        "Read the installation ID again, group by group (licet slui 4 or licet slmgr /dti shows "
        "it)");
  }
  const phone::InstallationIdFields& iid = *parsed;
  const Catalog& catalog = data_.catalog;
  if (!catalog.vendor().phone_public_key) {
    return Status(ErrorCode::kNotSupported,
                  fmt::format("{} offers no phone activation (its catalog has no "
                              "phone_public_key)",
                              catalog.product().name));
  }
  const Sku* sku = catalog.FindSkuByGroup(iid.key_group);
  if (sku == nullptr || iid.key_serial > kMaxKeySerial) {
    return Status(ErrorCode::kCidIidInvalidData,
                  fmt::format("the installation ID names key group {}, which {} does not have",
                              iid.key_group, catalog.product().name));
  }
  if (sku->channel == Channel::kVolumeGvlk || sku->channel == Channel::kVolumeCsvlk) {
    return Status(ErrorCode::kNotSupported,
                  fmt::format("{} keys do not activate by phone", ChannelName(sku->channel)));
  }
  const ProductKey made = ProductKey::Generate(iid.key_group, iid.key_serial, data_.key_mac_secret);
  // The group and serial are easy to guess; the key proof shows the reader holds the whole key.
  if (iid.version != phone::kIidVersion) {
    return Status(ErrorCode::kCidIidInvalidData,
                  fmt::format("the installation ID is of format version {}, which does not prove "
                              "its key; this server confirms version {} only",
                              iid.version, phone::kIidVersion),
                  "Update Licet on the machine, then read the new ID: licet slmgr /dti");
  }
  if (iid.key_proof != phone::KeyProof(made.text(), iid.hardware_hash)) {
    return Status(ErrorCode::kCidIidInvalidData,
                  "the installation ID does not prove the key it names (it was misread, or made "
                  "up)",
                  "Read the installation ID again: licet slmgr /dti");
  }
  // An installation ID names its key by group and serial only, and one made up passes the proof
  // once in 2^20 tries, so no answer to one may hand out the whole key: every refusal from here on
  // is masked, on the way out.
  StatusOr<json> answer = ConfirmPhoneKey(iid, made);
  if (!answer.ok()) return MaskKey(answer.status(), made);
  return answer;
}

StatusOr<json> ActivationService::ConfirmPhoneKey(const phone::InstallationIdFields& iid,
                                                  const ProductKey& made) {
  const Catalog& catalog = data_.catalog;
  LICET_ASSIGN_OR_RETURN(const ResolvedKey key, catalog.ResolveKey(made.text()));
  LICET_RETURN_IF_ERROR(CheckIssuedKey(key));
  LICET_ASSIGN_OR_RETURN(const phone::PhoneKey phone_key,
                         phone::PhoneKey::FromRootKey(data_.signing_key));
  if (phone_key.public_key != *catalog.vendor().phone_public_key) {
    return Status(ErrorCode::kInternal,
                  "the catalog's phone_public_key is not the one this server's root key gives",
                  "Put the line `licet catalog phone-key --key ROOT.secret` prints in the "
                  "catalog's [vendor] table, and sign it again");
  }
  LICET_ASSIGN_OR_RETURN(const std::string cid,
                         phone::SignConfirmationId(iid, catalog.product().id, phone_key));
  const TimePoint now = clock_.Now();
  // One machine (its hardware hash) per key counts once, as online re-activation does.
  const std::string machine = fmt::format("phone-hw-{:06x}", iid.hardware_hash);
  LICET_ASSIGN_OR_RETURN(
      const ActivationOutcome outcome,
      store_.RecordActivation({.key = key.text,
                               .cmid = machine,
                               .hardware_id = machine,
                               .nonce = fmt::format("phone-{:05x}", iid.key_proof),
                               .now = now},
                              cid));
  return json{{"confirmation_id", outcome.token},
              {"partial_key", std::string(key.partial())},
              {"activation",
               {{"replayed", outcome.replayed},
                {"reused", outcome.reused},
                {"used", outcome.used},
                {"limit", outcome.limit}}}};
}

Status ActivationService::CheckIssuedKey(const ResolvedKey& key) const {
  if (!key.decoded || !key.decoded->VerifyMac(data_.key_mac_secret)) {
    return Status(ErrorCode::kInvalidProductKey,
                  fmt::format("{} is well formed but was not issued by {}: its MAC does not verify",
                              key.text, data_.catalog.vendor().name));
  }
  return OkStatus();
}

StatusOr<json> ActivationService::ActivateHost(const json& request) {
  if (!request.is_object())
    return Status(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  LICET_ASSIGN_OR_RETURN(const std::string typed_key, Field(request, "host_key", 64));
  LICET_ASSIGN_OR_RETURN(const std::string host_pk_text, Field(request, "host_public_key", 64));
  LICET_ASSIGN_OR_RETURN(const std::string host_id, Field(request, "host_id", 128));
  LICET_ASSIGN_OR_RETURN(const std::string nonce, Field(request, "nonce", 128));
  const std::optional<std::vector<std::uint8_t>> host_pk = Base64Decode(host_pk_text);
  if (!host_pk || host_pk->size() != 32) {
    return Status(ErrorCode::kInvalidArgument,
                  "\"host_public_key\" must be a base64 Ed25519 public key (32 bytes)");
  }
  const Catalog& catalog = data_.catalog;
  LICET_ASSIGN_OR_RETURN(const ResolvedKey key, catalog.ResolveKey(typed_key));
  if (key.sku->channel != Channel::kVolumeCsvlk) {
    return Status(ErrorCode::kNotSupported,
                  fmt::format("{} is a {} key, not a volume host key (Volume:CSVLK)", key.text,
                              ChannelName(key.sku->channel)),
                  "Activate a volume host with its host key (CSVLK) from the vendor");
  }
  LICET_RETURN_IF_ERROR(CheckIssuedKey(key));
  const TimePoint now = clock_.Now();
  HostCertificateClaims claims{.issuer_key_id = data_.signing_key.key_id,
                               .product_id = catalog.product().id,
                               .host_id = host_id,
                               .host_public_key = {},
                               .host_key_partial = std::string(key.partial()),
                               .skus = {},
                               .max_version = catalog.product().version,
                               .nonce = nonce,
                               .issued_at = now,
                               .expires_at = now + std::chrono::days(3 * 365)};
  std::copy(host_pk->begin(), host_pk->end(), claims.host_public_key.begin());
  for (const Sku& sku : catalog.skus()) {
    if (sku.channel == Channel::kVolumeGvlk) claims.skus.push_back(sku.activation_id);
  }
  LICET_ASSIGN_OR_RETURN(
      const ActivationOutcome outcome,
      store_.RecordActivation(
          {.key = key.text, .cmid = host_id, .hardware_id = host_id, .nonce = nonce, .now = now},
          IssueHostCertificate(claims, data_.signing_key)));
  return json{{"certificate", outcome.token},
              {"server_time", FormatIso8601(now)},
              {"activation",
               {{"replayed", outcome.replayed},
                {"reused", outcome.reused},
                {"used", outcome.used},
                {"limit", outcome.limit}}}};
}

}  // namespace licet::server
