// What slmgr /dli, /dlv, /xpr and `licet status --json` show: one report built from the
// installation, rendered as Windows-style text or as JSON with plainly named fields.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "installation.h"

namespace licet::client {

struct LicenseReport {
  std::string product_id;
  std::string product_name;
  std::string edition;
  std::string edition_name;
  std::optional<std::string> pending_edition;
  bool pending_rearm = false;
  std::optional<Channel>
      channel;  // the key's channel, Retail:TB:Eval for evaluations, none otherwise
  std::string activation_id;
  std::string application_id;
  std::string partial_product_key;  // empty when no key
  bool key_in_store = false;        // false after /cpky
  LicenseState state;
  TimePoint now{};
  int rearm_remaining = 0;
  TimePoint trusted_time{};
  TimePoint installed_at{};
  std::string cmid;
  std::vector<std::string> features;
  VolumeClientSettings volume;
  std::string volume_srv_service;
  std::uint16_t volume_default_port = 0;
  int volume_retry_minutes = 0;
  int volume_renewal_minutes = 0;
  std::optional<ActivationRecord> activation;
  std::int64_t lab_clock_offset_seconds = 0;
  bool lab = false;
};

[[nodiscard]] LicenseReport BuildReport(const Installation& inst);

/// slmgr /dli (`detailed` false) or /dlv (`detailed` true).
[[nodiscard]] std::string FormatLicenseInfo(const LicenseReport& report, bool detailed);
/// slmgr /xpr.
[[nodiscard]] std::string FormatExpiration(const LicenseReport& report);
/// `licet status --json`.
[[nodiscard]] nlohmann::json ReportJson(const LicenseReport& report);
/// `licet status`: a short human summary.
[[nodiscard]] std::string FormatStatusSummary(const LicenseReport& report);

}  // namespace licet::client
