#include "license_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "licet/core/product_key.h"

namespace licet::client {
namespace {

using nlohmann::json;

std::string NameLine(const LicenseReport& r) {
  return fmt::format("{}, {} edition", r.product_name, r.edition);
}

std::string DescriptionLine(const LicenseReport& r) {
  return r.channel ? fmt::format("{}, {}", r.product_name, ChannelDescription(*r.channel))
                   : fmt::format("{}, no product key installed", r.product_name);
}

long long Minutes(Seconds s) { return s.count() / 60; }

// The line under "License Status", as slmgr words it.
std::string StatusDetail(const LicenseReport& r) {
  const LicenseState& s = r.state;
  const Seconds left = s.Remaining(r.now);
  const std::string span =
      fmt::format("{} minute(s) ({} day(s))", Minutes(left), left.count() / 86400);
  switch (s.status) {
    case LicenseStatus::kLicensed:
      if (s.evaluation_end) return "Timebased activation expiration: " + span + "\n";
      if (s.ends) return "Volume activation expiration: " + span + "\n";
      return {};
    case LicenseStatus::kNotification:
      return fmt::format("Notification Reason: {} ({})\n", FormatCode(s.reason),
                         LookupError(s.reason).message);
    case LicenseStatus::kUnlicensed:
      return fmt::format("Reason: {} ({})\n", FormatCode(s.reason), LookupError(s.reason).message);
    default:
      return "Time remaining: " + span + "\n";
  }
}

}  // namespace

LicenseReport BuildReport(const Installation& inst) {
  const InstallRecord& rec = inst.record();
  const Catalog& cat = inst.catalog();
  LicenseReport r;
  r.product_id = cat.product().id;
  r.product_name = cat.product().name;
  r.edition = rec.edition;
  r.edition_name = inst.edition().name;
  if (rec.pending) {
    r.pending_edition = rec.pending->edition;
    r.pending_rearm = rec.pending->rearm;
  }
  const Sku* sku = nullptr;
  if (rec.key) {
    sku = cat.FindSkuByActivationId(rec.key->activation_id);
    r.channel = rec.key->channel;
    r.partial_product_key = rec.key->partial;
    r.key_in_store = !rec.key->key.empty();
  } else if (inst.edition().evaluation) {
    sku = cat.FindSku(rec.edition, Channel::kTimeBasedEval);
    r.channel = Channel::kTimeBasedEval;
  }
  if (sku != nullptr) r.activation_id = sku->activation_id;
  r.application_id = cat.product().application_id;
  r.now = inst.Now();
  r.state = inst.State();
  r.rearm_remaining = rec.rearm_remaining;
  r.trusted_time = rec.trusted_time;
  r.installed_at = rec.installed_at;
  r.cmid = rec.cmid;
  r.features = rec.features;
  r.volume = rec.volume;
  r.volume_srv_service = cat.volume().srv_service;
  r.volume_default_port = cat.volume().port;
  // The host's /sai and /sri values, once a host has answered; the catalog's until then.
  r.volume_retry_minutes = rec.volume.retry_minutes != 0
                               ? static_cast<int>(rec.volume.retry_minutes)
                               : cat.policy().volume_retry_minutes;
  r.volume_renewal_minutes = cat.policy().volume_renewal_minutes;
  if (rec.activation && rec.activation->renew_after) {
    r.volume_renewal_minutes =
        static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(
                             *rec.activation->renew_after - rec.activation->activated_at)
                             .count());
  }
  r.activation = rec.activation;
  r.lab_clock_offset_seconds = rec.lab_clock_offset_seconds;
  r.lab = cat.product().lab;
  return r;
}

std::string FormatLicenseInfo(const LicenseReport& r, bool detailed) {
  std::string out;
  if (detailed) out += "Software licensing service version: licet " LICET_VERSION "\n\n";
  out += fmt::format("Name: {}\nDescription: {}\n", NameLine(r), DescriptionLine(r));
  if (detailed) {
    out += fmt::format("Activation ID: {}\nApplication ID: {}\n",
                       r.activation_id.empty() ? "(none)" : r.activation_id, r.application_id);
    out += fmt::format("Product Key Channel: {}\n", r.channel ? ChannelName(*r.channel) : "(none)");
  }
  out += fmt::format("Partial Product Key: {}\n",
                     r.partial_product_key.empty() ? "(none)" : r.partial_product_key);
  out += fmt::format("License Status: {}\n", LicenseStatusLabel(r.state.status));
  out += StatusDetail(r);
  if (r.state.enforcement == Enforcement::kForcedShutdown) {
    out += fmt::format("Reduced functionality: the system shuts down every {} minutes.\n",
                       Minutes(r.state.shutdown_interval));
  }
  if (r.state.evaluation_end)
    out += fmt::format("Evaluation End Date: {}\n", FormatHuman(*r.state.evaluation_end));
  if (r.pending_edition) {
    out += fmt::format("Pending edition: {} (restart to complete: licet restart)\n",
                       *r.pending_edition);
  }
  if (r.pending_rearm) out += "Pending rearm: restart to apply (licet restart)\n";
  if (!detailed) return out;
  out += fmt::format("Remaining Windows rearm count: {}\nRemaining SKU rearm count: {}\n",
                     r.rearm_remaining, r.rearm_remaining);
  out += fmt::format("Trusted time: {}\n", FormatHuman(r.trusted_time));
  out += fmt::format("Installation Date: {}\n", FormatHuman(r.installed_at));
  if (r.activation) {
    out += fmt::format("Most recent activation: {} on {}\n", r.activation->method,
                       FormatHuman(r.activation->activated_at));
  }
  out +=
      fmt::format("Installed features: {}\n",
                  r.features.empty() ? "(none)" : fmt::format("{}", fmt::join(r.features, ", ")));
  if (r.lab_clock_offset_seconds != 0) {
    out += fmt::format("Lab clock offset: +{}\n",
                       FormatDurationHuman(Seconds(r.lab_clock_offset_seconds)));
  }
  out += "\nVolume activation client information:\n";
  out += fmt::format("    Client Machine ID (CMID): {}\n", r.cmid);
  if (r.volume.host.empty()) {
    out += fmt::format("    DNS auto-discovery: volume host name from DNS ({} SRV record){}\n",
                       r.volume_srv_service,
                       r.volume.domain.empty() ? "" : " in domain " + r.volume.domain);
  } else {
    out += fmt::format("    Registered volume host name: {}:{}\n", r.volume.host,
                       r.volume.port != 0 ? r.volume.port : r.volume_default_port);
  }
  out += fmt::format("    Activation interval: {} minutes\n    Renewal interval: {} minutes\n",
                     r.volume_retry_minutes, r.volume_renewal_minutes);
  out += fmt::format("    Volume host caching is {}{}\n",
                     r.volume.host_caching ? "enabled" : "disabled",
                     r.volume.host_caching && !r.volume.cached_host.empty()
                         ? " (cached host " + r.volume.cached_host + ")"
                         : "");
  if (r.activation && r.activation->method == "volume") {
    out += fmt::format("    Activated by volume host: {}\n", r.activation->host);
    if (r.activation->renew_after)
      out += fmt::format("    Next renewal: {}\n", FormatHuman(*r.activation->renew_after));
  }
  if (r.volume.last_attempt_at) {
    out += fmt::format("    Last volume request: {} ({})\n", FormatHuman(*r.volume.last_attempt_at),
                       r.volume.last_result);
  }
  if (!r.volume.duplicate_cmid_host.empty()) {
    out += fmt::format(
        "    Warning: the volume host {} saw this CMID on another machine (cloned image): run "
        "slmgr /rearm\n",
        r.volume.duplicate_cmid_host);
  }
  return out;
}

std::string FormatExpiration(const LicenseReport& r) {
  std::string out = NameLine(r) + ":\n    ";
  const LicenseState& s = r.state;
  switch (s.status) {
    case LicenseStatus::kLicensed:
      if (s.evaluation_end)
        return out + fmt::format("Timebased activation will expire {}\n", FormatHuman(*s.ends));
      if (s.ends)
        return out + fmt::format("Volume activation will expire {}\n", FormatHuman(*s.ends));
      return out + "The machine is permanently activated.\n";
    case LicenseStatus::kNotification:
      return out + fmt::format("Notification: {} ({})\n", s.explanation, FormatCode(s.reason));
    case LicenseStatus::kUnlicensed:
      return out + "Not activated: no product key is installed.\n";
    default:
      return out + fmt::format("{} ends {}\n", LicenseStatusLabel(s.status),
                               s.ends ? FormatHuman(*s.ends) : "never");
  }
}

json ReportJson(const LicenseReport& r) {
  const LicenseState& s = r.state;
  const auto opt_time = [](const std::optional<TimePoint>& t) {
    return t ? json(FormatIso8601(*t)) : json(nullptr);
  };
  json j = {
      {"product", {{"id", r.product_id}, {"name", r.product_name}, {"lab", r.lab}}},
      {"edition", r.edition},
      {"edition_name", r.edition_name},
      {"pending_edition", r.pending_edition ? json(*r.pending_edition) : json(nullptr)},
      {"pending_rearm", r.pending_rearm},
      {"channel", r.channel ? json(ChannelName(*r.channel)) : json(nullptr)},
      {"activation_id", r.activation_id.empty() ? json(nullptr) : json(r.activation_id)},
      {"application_id", r.application_id},
      {"license_status", LicenseStatusId(s.status)},
      {"license_status_label", LicenseStatusLabel(s.status)},
      {"license_status_code", static_cast<int>(s.status)},
      {"coarse_status", CoarseStatusId(s.coarse())},
      {"reason", s.reason == ErrorCode::kOk ? json(nullptr)
                                            : json{{"code", FormatCode(s.reason)},
                                                   {"symbol", LookupError(s.reason).symbol}}},
      {"explanation", s.explanation},
      {"grace_minutes_remaining", s.ends ? json(Minutes(s.Remaining(r.now))) : json(nullptr)},
      {"status_ends", opt_time(s.ends)},
      {"evaluation_end", opt_time(s.evaluation_end)},
      {"enforcement",
       {{"kind", EnforcementName(s.enforcement)},
        {"shutdown_interval_minutes", s.enforcement == Enforcement::kForcedShutdown
                                          ? json(Minutes(s.shutdown_interval))
                                          : json(nullptr)}}},
      {"partial_product_key",
       r.partial_product_key.empty() ? json(nullptr) : json(r.partial_product_key)},
      {"rearm_remaining", r.rearm_remaining},
      {"cmid", r.cmid},
      {"features", r.features},
      {"installed_at", FormatIso8601(r.installed_at)},
      {"trusted_time", FormatIso8601(r.trusted_time)},
      {"now", FormatIso8601(r.now)},
      {"lab_clock_offset_seconds", r.lab_clock_offset_seconds},
      {"volume",
       {{"host", r.volume.host.empty() ? json(nullptr) : json(r.volume.host)},
        {"port", r.volume.port != 0 ? r.volume.port : r.volume_default_port},
        {"domain", r.volume.domain.empty() ? json(nullptr) : json(r.volume.domain)},
        {"host_caching", r.volume.host_caching},
        {"srv_service", r.volume_srv_service}}},
      {"activation", r.activation
                         ? json{{"method", r.activation->method},
                                {"activated_at", FormatIso8601(r.activation->activated_at)},
                                {"expires_at", opt_time(r.activation->expires_at)}}
                         : json(nullptr)},
  };
  return j;
}

std::string FormatStatusSummary(const LicenseReport& r) {
  std::string out = fmt::format("{} ({})\n", r.edition_name, r.edition);
  out +=
      fmt::format("  Status:   {} — {}\n", LicenseStatusLabel(r.state.status), r.state.explanation);
  if (r.state.ends)
    out += fmt::format("  Ends:     {} ({} left)\n", FormatHuman(*r.state.ends),
                       FormatDurationHuman(r.state.Remaining(r.now)));
  out += fmt::format("  Channel:  {}\n", r.channel ? ChannelName(*r.channel) : "(no product key)");
  if (!r.partial_product_key.empty())
    out += fmt::format("  Key:      {}\n", MaskedProductKey(r.partial_product_key));
  if (r.pending_edition)
    out += fmt::format("  Pending:  edition {} at the next restart (licet restart)\n",
                       *r.pending_edition);
  if (r.pending_rearm) out += "  Pending:  rearm at the next restart (licet restart)\n";
  out +=
      fmt::format("  Features: {}\n",
                  r.features.empty() ? "(none)" : fmt::format("{}", fmt::join(r.features, ", ")));
  out += fmt::format("  CMID:     {}\n", r.cmid);
  return out;
}

}  // namespace licet::client
