// store.json <-> InstallRecord: written with nlohmann-json, read with Licet's own JsonDocument (a
// first license check in a fresh process reads this file, and nlohmann's parser was a third of
// that check's time). The reader throws JsonReadError on a missing or mistyped member; each throw
// is caught here and becomes kStoreCorrupt, so a damaged store never escapes as an exception.
#include "install_record.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "licet/core/json_reader.h"
#include "store_seal.h"

namespace licet::client {
namespace {

using nlohmann::json;

constexpr std::int64_t kCenturySeconds = 100LL * 366 * 24 * 3600;

json TimeJson(TimePoint t) { return FormatIso8601(t); }

TimePoint TimeFrom(const JsonValue& j) {
  StatusOr<TimePoint> t = ParseIso8601(j.string());
  if (!t.ok()) throw JsonReadError(std::string(t.status().message()));
  return *t;
}

std::optional<TimePoint> OptionalTime(const JsonValue& j, std::string_view key) {
  const std::optional<JsonValue> v = j.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return TimeFrom(*v);
}

std::string StringOr(const JsonValue& j, std::string_view key, std::string_view fallback = "") {
  const std::optional<JsonValue> v = j.find(key);
  return std::string(v ? v->string() : fallback);
}

json KeyJson(const InstalledKey& k) {
  return {{"key", k.key},
          {"partial", k.partial},
          {"activation_id", k.activation_id},
          {"channel", std::string(ChannelName(k.channel))}};
}

InstalledKey KeyFrom(const JsonValue& j) {
  InstalledKey k;
  k.key = j.at("key").string();
  k.partial = j.at("partial").string();
  k.activation_id = j.at("activation_id").string();
  const std::string_view channel_name = j.at("channel").string();
  const std::optional<Channel> channel = ParseChannel(channel_name);
  if (!channel) throw JsonReadError(fmt::format("unknown channel {}", channel_name));
  k.channel = *channel;
  return k;
}

json ActivationJson(const ActivationRecord& a) {
  return {{"method", a.method},
          {"activated_at", TimeJson(a.activated_at)},
          {"expires_at", a.expires_at ? TimeJson(*a.expires_at) : json(nullptr)},
          {"renew_after", a.renew_after ? TimeJson(*a.renew_after) : json(nullptr)},
          {"token", a.token},
          {"host", a.host},
          {"hardware", a.hardware}};
}

ActivationRecord ActivationFrom(const JsonValue& j) {
  return ActivationRecord{.method = std::string(j.at("method").string()),
                          .activated_at = TimeFrom(j.at("activated_at")),
                          .expires_at = OptionalTime(j, "expires_at"),
                          .renew_after = OptionalTime(j, "renew_after"),
                          .token = std::string(j.at("token").string()),
                          .host = StringOr(j, "host"),
                          .hardware = std::string(j.at("hardware").string())};
}

json PendingJson(const PendingChange& p) {
  return {{"edition", p.edition ? json(*p.edition) : json(nullptr)},
          {"product_key", p.key ? KeyJson(*p.key) : json(nullptr)},
          {"rearm", p.rearm},
          {"staged_at", TimeJson(p.staged_at)},
          {"backup_id", p.backup_id}};
}

PendingChange PendingFrom(const JsonValue& j) {
  PendingChange p;
  if (!j.at("edition").is_null()) p.edition = j.at("edition").string();
  if (!j.at("product_key").is_null()) p.key = KeyFrom(j.at("product_key"));
  p.rearm = j.at("rearm").boolean();
  p.staged_at = TimeFrom(j.at("staged_at"));
  p.backup_id = j.at("backup_id").string();
  return p;
}

}  // namespace

std::string SerializeRecord(const InstallRecord& r) {
  json j = {
      {"format", InstallRecord::kFormat},
      {"product_id", r.product_id},
      {"vendor_key_id", r.vendor_key_id},
      {"vendor_public_key", r.vendor_public_key},
      {"cmid", r.cmid},
      {"installed_at", TimeJson(r.installed_at)},
      {"edition", r.edition},
      {"features", r.features},
      {"evaluation_started_at", TimeJson(r.evaluation_started_at)},
      {"grace_started_at", TimeJson(r.grace_started_at)},
      {"product_key", r.key ? KeyJson(*r.key) : json(nullptr)},
      {"activation", r.activation ? ActivationJson(*r.activation) : json(nullptr)},
      {"pending", r.pending ? PendingJson(*r.pending) : json(nullptr)},
      {"rearm_remaining", r.rearm_remaining},
      {"volume",
       {{"host", r.volume.host},
        {"port", r.volume.port},
        {"domain", r.volume.domain},
        {"host_caching", r.volume.host_caching},
        {"dns_server", r.volume.dns_server},
        {"cached_host", r.volume.cached_host},
        {"last_attempt_at",
         r.volume.last_attempt_at ? TimeJson(*r.volume.last_attempt_at) : json(nullptr)},
        {"last_result", r.volume.last_result},
        {"retry_minutes", r.volume.retry_minutes},
        {"duplicate_cmid_host", r.volume.duplicate_cmid_host}}},
      {"activation_url", r.activation_url},
      {"ca_file", r.ca_file},
      {"trusted_time", TimeJson(r.trusted_time)},
      {"lab_clock_offset_seconds", r.lab_clock_offset_seconds},
      {"last_shutdown_notice_at",
       r.last_shutdown_notice_at ? TimeJson(*r.last_shutdown_notice_at) : json(nullptr)},
      {"phone_nonce", r.phone_nonce},
      {"phone_iid_key", r.phone_iid_key},
      {"profile", ProfileJson(r.profile)},
      {"seal", kSealPlaceholder},
  };
  std::string text = j.dump(2) + "\n";
  SealStoreText(text, r.cmid, r.vendor_public_key);
  return text;
}

StatusOr<InstallRecord> ParseRecord(std::string_view text, std::string_view source) {
  InstallRecord r;
  LICET_RETURN_IF_ERROR(ParseRecordInto(text, source, r));
  return r;
}

Status ParseRecordInto(std::string_view text, std::string_view source, InstallRecord& r) {
  const StatusOr<JsonDocument> doc = JsonDocument::Parse(text);
  if (!doc.ok()) {
    return Status(ErrorCode::kStoreCorrupt,
                  fmt::format("{} cannot be read: {}", source, doc.status().message()));
  }
  try {
    const JsonValue j = doc->root();
    const int format = j.at("format").integer<int>();
    if (format != InstallRecord::kFormat) {
      return Status(ErrorCode::kStoreCorrupt,
                    fmt::format("{} has format {}, this Licet reads format {}", source, format,
                                InstallRecord::kFormat));
    }
    r.product_id = j.at("product_id").string();
    r.vendor_key_id = j.at("vendor_key_id").string();
    r.vendor_public_key = j.at("vendor_public_key").string();
    r.cmid = j.at("cmid").string();
    r.installed_at = TimeFrom(j.at("installed_at"));
    r.edition = j.at("edition").string();
    r.features = j.at("features").strings();
    r.evaluation_started_at = TimeFrom(j.at("evaluation_started_at"));
    r.grace_started_at = TimeFrom(j.at("grace_started_at"));
    if (!j.at("product_key").is_null()) r.key = KeyFrom(j.at("product_key"));
    if (!j.at("activation").is_null()) r.activation = ActivationFrom(j.at("activation"));
    if (!j.at("pending").is_null()) r.pending = PendingFrom(j.at("pending"));
    r.rearm_remaining = j.at("rearm_remaining").integer<int>(0, 1000);
    const JsonValue v = j.at("volume");
    const std::optional<JsonValue> retry_minutes = v.find("retry_minutes");
    r.volume = VolumeClientSettings{
        .host = std::string(v.at("host").string()),
        .port = v.at("port").integer<std::uint16_t>(),
        .domain = std::string(v.at("domain").string()),
        .host_caching = v.at("host_caching").boolean(),
        // Added with volume activation: optional.
        .dns_server = StringOr(v, "dns_server"),
        .cached_host = StringOr(v, "cached_host"),
        .last_attempt_at = OptionalTime(v, "last_attempt_at"),
        .last_result = StringOr(v, "last_result"),
        .retry_minutes = retry_minutes ? retry_minutes->integer<std::uint32_t>() : 0u,
        .duplicate_cmid_host = StringOr(v, "duplicate_cmid_host")};
    r.activation_url = j.at("activation_url").string();
    r.ca_file = StringOr(j, "ca_file");  // added after format 1 shipped: optional
    r.trusted_time = TimeFrom(j.at("trusted_time"));
    // Within a century either way: time arithmetic must never overflow.
    r.lab_clock_offset_seconds =
        j.at("lab_clock_offset_seconds").integer<std::int64_t>(-kCenturySeconds, kCenturySeconds);
    r.last_shutdown_notice_at = OptionalTime(j, "last_shutdown_notice_at");
    // Added with phone activation: optional.
    const std::optional<JsonValue> phone_nonce = j.find("phone_nonce");
    r.phone_nonce = phone_nonce ? phone_nonce->integer<std::uint32_t>(0u, 0xfffffu) : 0u;
    r.phone_iid_key = StringOr(j, "phone_iid_key");
    r.profile = ProfileFromJson(j.at("profile"));
    r.seal = StringOr(j, "seal");  // checked by the reader (store_seal.h), not here
    return OkStatus();
  } catch (const JsonReadError& e) {
    return Status(ErrorCode::kStoreCorrupt, fmt::format("{} cannot be read: {}", source, e.what()));
  }
}

}  // namespace licet::client
