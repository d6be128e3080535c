// A volume host's data directory (licet-volume --data DIR):
//   host.json        settings: intervals (/sai, /sri), DNS publishing, lab clock, pinned vendor key
//   host.secret      the host's Ed25519 key pair (owner-only); signs every reply
//   host.cert        the vendor-signed host certificate (absent until the host key is activated)
//   catalog.toml     the vendor's signed catalog
//   clients.journal  the CMIDs seen (client_table.h)
//   stats.json       requests by license status and result, written by `serve` every second
//   events.jsonl     events 12290 (requests) and 12293 (DNS publication failed)
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "licet/core/catalog.h"
#include "licet/core/catalog_signature.h"
#include "licet/core/clock.h"
#include "licet/core/host_certificate.h"
#include "licet/core/status.h"

namespace licet::volume {

/// host.json.
struct HostSettings {
  static constexpr int kFormat = 1;
  std::string host_id;                              // UUID made at init; the host's "machine"
  std::string vendor_key_id;                        // pinned at init
  std::string vendor_public_key;                    // base64
  std::uint32_t activation_interval_minutes = 120;  // /sai: clients retry this often
  std::uint32_t renewal_interval_minutes = 10080;   // /sri: clients renew this often
  bool dns_publishing = true;
  std::string dns_domain;       // last domain published to
  std::string dns_last_result;  // "ok", or the failure's message
  std::optional<TimePoint> dns_last_attempt;
  std::int64_t lab_clock_offset_seconds = 0;  // lab catalogs only
};

struct HostData {
  std::filesystem::path dir;
  HostSettings settings;
  Catalog catalog;
  SigningKey host_key;
  std::string certificate;  // empty: not activated
  std::optional<HostCertificateClaims> certificate_claims;

  [[nodiscard]] bool activated() const { return certificate_claims.has_value(); }
  [[nodiscard]] std::filesystem::path settings_path() const { return dir / "host.json"; }
  [[nodiscard]] std::filesystem::path journal_path() const { return dir / "clients.journal"; }
  [[nodiscard]] std::filesystem::path stats_path() const { return dir / "stats.json"; }
  [[nodiscard]] std::filesystem::path events_path() const { return dir / "events.jsonl"; }
};

struct HostInitOptions {
  std::filesystem::path data;           // Required.
  std::string catalog;                  // Required: bundled name or path.
  std::vector<std::string> trust_keys;  // Extra vendor keys (--trust-key). Default: none.
};

/// Creates the directory, the host key pair and host.json. Errors: kAlreadyInstalled, catalog
/// errors, kIoError.
[[nodiscard]] Status InitHostData(const HostInitOptions& options);

/// Loads and checks everything (the catalog against the pinned vendor key, the certificate against
/// the catalog's vendor key). Errors: kNotInstalled (run init), kStoreCorrupt, catalog errors.
[[nodiscard]] StatusOr<HostData> LoadHostData(const std::filesystem::path& dir);

/// Replaces host.json atomically.
[[nodiscard]] Status SaveHostSettings(const std::filesystem::path& dir, const HostSettings& s);
[[nodiscard]] StatusOr<HostSettings> LoadHostSettings(const std::filesystem::path& dir);

/// Activates the host key against licet-server (POST /v1/host-activations) and stores the
/// certificate. Errors: the server's codes (0xC004C008, 0xC004C003, 0x80070032, ...), transport
/// errors, kTokenInvalid (a certificate that is not the vendor's or not for this host).
[[nodiscard]] Status ActivateHostKey(HostData& host, const std::string& host_key,
                                     const std::string& server_url, const std::string& ca_file);

/// The host's time: the machine clock plus the lab offset.
[[nodiscard]] TimePoint HostNow(const HostSettings& settings);

}  // namespace licet::volume
