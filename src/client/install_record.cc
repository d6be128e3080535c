// store.json <-> InstallRecord with nlohmann::json. nlohmann throws on type errors; every throw is
// caught here and becomes kStoreCorrupt, so a damaged store never escapes as an exception.
#include "install_record.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "json_fields.h"
#include "store_seal.h"

namespace licet::client {
namespace {

using nlohmann::json;

constexpr std::int64_t kCenturySeconds = 100LL * 366 * 24 * 3600;

json TimeJson(TimePoint t) { return FormatIso8601(t); }

TimePoint TimeFrom(const json& j) {
  StatusOr<TimePoint> t = ParseIso8601(j.get<std::string>());
  if (!t.ok()) throw std::invalid_argument(std::string(t.status().message()));
  return *t;
}

std::optional<TimePoint> OptionalTime(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return TimeFrom(j.at(key));
}

json KeyJson(const InstalledKey& k) {
  return {{"key", k.key},
          {"partial", k.partial},
          {"activation_id", k.activation_id},
          {"channel", std::string(ChannelName(k.channel))}};
}

InstalledKey KeyFrom(const json& j) {
  InstalledKey k;
  k.key = j.at("key").get<std::string>();
  k.partial = j.at("partial").get<std::string>();
  k.activation_id = j.at("activation_id").get<std::string>();
  const std::optional<Channel> channel = ParseChannel(j.at("channel").get<std::string>());
  if (!channel)
    throw std::invalid_argument("unknown channel " + j.at("channel").get<std::string>());
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

ActivationRecord ActivationFrom(const json& j) {
  return ActivationRecord{.method = j.at("method").get<std::string>(),
                          .activated_at = TimeFrom(j.at("activated_at")),
                          .expires_at = OptionalTime(j, "expires_at"),
                          .renew_after = OptionalTime(j, "renew_after"),
                          .token = j.at("token").get<std::string>(),
                          .host = j.value("host", ""),
                          .hardware = j.at("hardware").get<std::string>()};
}

json PendingJson(const PendingChange& p) {
  return {{"edition", p.edition ? json(*p.edition) : json(nullptr)},
          {"product_key", p.key ? KeyJson(*p.key) : json(nullptr)},
          {"rearm", p.rearm},
          {"staged_at", TimeJson(p.staged_at)},
          {"backup_id", p.backup_id}};
}

PendingChange PendingFrom(const json& j) {
  PendingChange p;
  if (!j.at("edition").is_null()) p.edition = j.at("edition").get<std::string>();
  if (!j.at("product_key").is_null()) p.key = KeyFrom(j.at("product_key"));
  p.rearm = j.at("rearm").get<bool>();
  p.staged_at = TimeFrom(j.at("staged_at"));
  p.backup_id = j.at("backup_id").get<std::string>();
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
  try {
    const json j = json::parse(text);
    const int format = JsonInteger<int>(j.at("format"), "format");
    if (format != InstallRecord::kFormat) {
      return Status(ErrorCode::kStoreCorrupt,
                    fmt::format("{} has format {}, this Licet reads format {}", source, format,
                                InstallRecord::kFormat));
    }
    InstallRecord r;
    r.product_id = j.at("product_id").get<std::string>();
    r.vendor_key_id = j.at("vendor_key_id").get<std::string>();
    r.vendor_public_key = j.at("vendor_public_key").get<std::string>();
    r.cmid = j.at("cmid").get<std::string>();
    r.installed_at = TimeFrom(j.at("installed_at"));
    r.edition = j.at("edition").get<std::string>();
    r.features = j.at("features").get<std::vector<std::string>>();
    r.evaluation_started_at = TimeFrom(j.at("evaluation_started_at"));
    r.grace_started_at = TimeFrom(j.at("grace_started_at"));
    if (!j.at("product_key").is_null()) r.key = KeyFrom(j.at("product_key"));
    if (!j.at("activation").is_null()) r.activation = ActivationFrom(j.at("activation"));
    if (!j.at("pending").is_null()) r.pending = PendingFrom(j.at("pending"));
    r.rearm_remaining = JsonInteger<int>(j.at("rearm_remaining"), "rearm_remaining", 0, 1000);
    const json& v = j.at("volume");
    r.volume = VolumeClientSettings{
        .host = v.at("host").get<std::string>(),
        .port = JsonInteger<std::uint16_t>(v.at("port"), "port"),
        .domain = v.at("domain").get<std::string>(),
        .host_caching = v.at("host_caching").get<bool>(),
        // Added with volume activation: optional.
        .dns_server = v.value("dns_server", ""),
        .cached_host = v.value("cached_host", ""),
        .last_attempt_at = OptionalTime(v, "last_attempt_at"),
        .last_result = v.value("last_result", ""),
        .retry_minutes = OptionalJsonInteger<std::uint32_t>(v, "retry_minutes", 0u),
        .duplicate_cmid_host = v.value("duplicate_cmid_host", "")};
    r.activation_url = j.at("activation_url").get<std::string>();
    r.ca_file = j.value("ca_file", "");  // added after format 1 shipped: optional
    r.trusted_time = TimeFrom(j.at("trusted_time"));
    // Within a century either way: time arithmetic must never overflow.
    r.lab_clock_offset_seconds =
        JsonInteger<std::int64_t>(j.at("lab_clock_offset_seconds"), "lab_clock_offset_seconds",
                                  -kCenturySeconds, kCenturySeconds);
    r.last_shutdown_notice_at = OptionalTime(j, "last_shutdown_notice_at");
    // Added with phone activation: optional.
    r.phone_nonce = OptionalJsonInteger<std::uint32_t>(j, "phone_nonce", 0u, 0u, 0xfffffu);
    r.phone_iid_key = j.value("phone_iid_key", "");
    r.profile = ProfileFromJson(j.at("profile"));
    r.seal = j.value("seal", "");  // checked by the reader (store_seal.h), not here
    return r;
  } catch (const std::exception& e) {
    return Status(ErrorCode::kStoreCorrupt, fmt::format("{} cannot be read: {}", source, e.what()));
  }
}

}  // namespace licet::client
