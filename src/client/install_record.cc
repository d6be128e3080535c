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

// The readers below ask for members in the order nlohmann-json writes them (sorted by name), so
// that each lookup starts where the last one matched (JsonValue::find).

InstalledKey KeyFrom(const JsonValue& j) {
  InstalledKey k;
  k.activation_id = j.at("activation_id").string();
  const std::string_view channel_name = j.at("channel").string();
  const std::optional<Channel> channel = ParseChannel(channel_name);
  if (!channel) throw JsonReadError(fmt::format("unknown channel {}", channel_name));
  k.channel = *channel;
  k.key = j.at("key").string();
  k.partial = j.at("partial").string();
  return k;
}

json ActivationJson(const ActivationRecord& a) {
  return {{"method", a.method},
          {"activated_at", TimeJson(a.activated_at)},
          {"expires_at", a.expires_at ? TimeJson(*a.expires_at) : json(nullptr)},
          {"renew_after", a.renew_after ? TimeJson(*a.renew_after) : json(nullptr)},
          {"token", a.token},
          {"token_hint", a.token_hint},
          {"host", a.host},
          {"hardware", a.hardware}};
}

ActivationRecord ActivationFrom(const JsonValue& j) {
  ActivationRecord a;
  a.activated_at = TimeFrom(j.at("activated_at"));
  a.expires_at = OptionalTime(j, "expires_at");
  a.hardware = j.at("hardware").string();
  a.host = StringOr(j, "host");
  a.method = j.at("method").string();
  a.renew_after = OptionalTime(j, "renew_after");
  a.token = j.at("token").string();
  a.token_hint = StringOr(j, "token_hint");
  return a;
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
  p.backup_id = j.at("backup_id").string();
  if (const JsonValue edition = j.at("edition"); !edition.is_null()) p.edition = edition.string();
  if (const JsonValue key = j.at("product_key"); !key.is_null()) p.key = KeyFrom(key);
  p.rearm = j.at("rearm").boolean();
  p.staged_at = TimeFrom(j.at("staged_at"));
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
    if (const JsonValue a = j.at("activation"); !a.is_null()) r.activation = ActivationFrom(a);
    r.activation_url = j.at("activation_url").string();
    r.ca_file = StringOr(j, "ca_file");  // added after format 1 shipped: optional
    r.cmid = j.at("cmid").string();
    r.edition = j.at("edition").string();
    r.evaluation_started_at = TimeFrom(j.at("evaluation_started_at"));
    r.features = j.at("features").strings();
    r.grace_started_at = TimeFrom(j.at("grace_started_at"));
    r.installed_at = TimeFrom(j.at("installed_at"));
    // Within a century either way: time arithmetic must never overflow.
    r.lab_clock_offset_seconds =
        j.at("lab_clock_offset_seconds").integer<std::int64_t>(-kCenturySeconds, kCenturySeconds);
    r.last_shutdown_notice_at = OptionalTime(j, "last_shutdown_notice_at");
    if (const JsonValue p = j.at("pending"); !p.is_null()) r.pending = PendingFrom(p);
    // Added with phone activation: optional.
    r.phone_iid_key = StringOr(j, "phone_iid_key");
    const std::optional<JsonValue> phone_nonce = j.find("phone_nonce");
    r.phone_nonce = phone_nonce ? phone_nonce->integer<std::uint32_t>(0u, 0xfffffu) : 0u;
    r.product_id = j.at("product_id").string();
    if (const JsonValue k = j.at("product_key"); !k.is_null()) r.key = KeyFrom(k);
    r.profile = ProfileFromJson(j.at("profile"));
    r.rearm_remaining = j.at("rearm_remaining").integer<int>(0, 1000);
    r.seal = StringOr(j, "seal");  // checked by the reader (store_seal.h), not here
    r.trusted_time = TimeFrom(j.at("trusted_time"));
    r.vendor_key_id = j.at("vendor_key_id").string();
    r.vendor_public_key = j.at("vendor_public_key").string();
    const JsonValue v = j.at("volume");
    VolumeClientSettings& volume = r.volume;  // (the optional members came with volume activation)
    volume.cached_host = StringOr(v, "cached_host");
    volume.dns_server = StringOr(v, "dns_server");
    volume.domain = v.at("domain").string();
    volume.duplicate_cmid_host = StringOr(v, "duplicate_cmid_host");
    volume.host = v.at("host").string();
    volume.host_caching = v.at("host_caching").boolean();
    volume.last_attempt_at = OptionalTime(v, "last_attempt_at");
    volume.last_result = StringOr(v, "last_result");
    volume.port = v.at("port").integer<std::uint16_t>();
    const std::optional<JsonValue> retry_minutes = v.find("retry_minutes");
    volume.retry_minutes = retry_minutes ? retry_minutes->integer<std::uint32_t>() : 0u;
    return OkStatus();
  } catch (const JsonReadError& e) {
    return Status(ErrorCode::kStoreCorrupt, fmt::format("{} cannot be read: {}", source, e.what()));
  }
}

}  // namespace licet::client
