// The persistent record of one installation (store.json), and its JSON form. The license *state* is
// never stored: it is computed from this record, the catalog and the clock (license_state.h).
// Format: docs/formats/store.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog_profile.h"
#include "licet/core/channel.h"
#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet::client {

/// The product key installed with /ipk or DISM.
struct InstalledKey {
  std::string key;  // canonical, dashed; empty once cleared with /cpky
  std::string partial;
  std::string activation_id;  // the SKU the key belongs to
  Channel channel = Channel::kRetail;
};

/// An activation obtained from the vendor or a volume host (set by later components).
struct ActivationRecord {
  std::string method;  // "online", "phone", "volume"
  TimePoint activated_at{};
  std::optional<TimePoint> expires_at;   // volume activations expire; others do not
  std::optional<TimePoint> renew_after;  // volume: when the client renews (the host's /sri)
  std::string token;                     // the signed license token
  std::string token_hint;  // online: speeds the token's verification (paseto.h); never trusted
  std::string host;        // volume: "host:port" that granted it
  std::string hardware;    // the binding ("hw2.…") this activation was made for
};

/// A change that waits for `licet restart`, as Windows waits for a reboot.
struct PendingChange {
  std::optional<std::string> edition;  // DISM /Set-Edition target
  std::optional<InstalledKey> key;     // the key given to /Set-Edition
  bool rearm = false;                  // slmgr /rearm
  TimePoint staged_at{};
  std::string backup_id;  // snapshot taken before staging
};

/// Volume client settings (slmgr /skms, /skms-domain, /skhc).
struct VolumeClientSettings {
  std::string host;        // pinned host; empty = discover through DNS
  std::uint16_t port = 0;  // 0 = the catalog's port
  std::string domain;      // SRV lookup domain; empty = the machine's search domain
  bool host_caching = true;
  std::string dns_server;   // "IP[:PORT]" used for SRV lookups; empty = the system's resolvers
  std::string cached_host;  // last host that granted ("host:port"), tried first when caching
  std::optional<TimePoint> last_attempt_at;  // last volume request, successful or not
  std::string last_result;                   // its code, "0x00000000" for a grant
  std::uint32_t retry_minutes = 0;           // the host's /sai; 0 = the catalog's
  std::string duplicate_cmid_host;  // a host that saw this CMID on another machine; empty if none
};

struct InstallRecord {
  static constexpr int kFormat = 2;

  std::string product_id;
  std::string vendor_key_id;      // the catalog's signing key, pinned at install
  std::string vendor_public_key;  // base64
  std::string cmid;               // client machine ID (UUID), renewed by rearm
  TimePoint installed_at{};
  std::string edition;
  std::vector<std::string> features;
  TimePoint evaluation_started_at{};
  TimePoint grace_started_at{};
  std::optional<InstalledKey> key;
  std::optional<ActivationRecord> activation;
  std::optional<PendingChange> pending;
  int rearm_remaining = 0;
  VolumeClientSettings volume;
  std::string activation_url;  // empty = the catalog's
  std::string ca_file;         // PEM CA for an https activation URL; empty = the system's CAs
  TimePoint trusted_time{};    // high-water mark of every time this store has seen
  std::int64_t lab_clock_offset_seconds = 0;
  std::optional<TimePoint> last_shutdown_notice_at;  // throttles event 100
  std::uint32_t phone_nonce = 0;  // version-1 installation IDs only (kept as stores hold it)
  std::string phone_iid_key;      // the key (partial) the last shown installation ID was for
  /// What applications need from the catalog (catalog_profile.h); refreshed on every save.
  CatalogProfile profile;
  std::string seal;  // as read (store_seal.h); SerializeRecord writes a fresh one
};

/// Serialises with stable field names, pretty-printed, sealed (store_seal.h).
[[nodiscard]] std::string SerializeRecord(const InstallRecord& record);

/// Parses store.json. Errors: kStoreCorrupt naming the problem (bad JSON, missing or mistyped
/// field, unknown format version).
[[nodiscard]] StatusOr<InstallRecord> ParseRecord(std::string_view json, std::string_view source);
/// The same, into a default-constructed `out` (unspecified after an error): a record parsed where
/// it will stay is never moved, and an application's first check runs no InstallRecord move.
[[nodiscard]] Status ParseRecordInto(std::string_view json, std::string_view source,
                                     InstallRecord& out);

}  // namespace licet::client
