// One installation's license store: a directory holding store.json (the record), catalog.toml (the
// signed catalog it was installed from), events.jsonl and backups/. Opening for writing takes the
// store's exclusive lock for the object's lifetime; Save() replaces store.json atomically.
//
//   LICET_ASSIGN_OR_RETURN(Installation inst, Installation::Open(root, Access::kReadWrite, clock));
//   inst.record().volume.host = "kms.contoso.local";
//   LICET_RETURN_IF_ERROR(inst.Save());
//
// Layout and formats: docs/formats/store.md. Thread-compatible.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "event_log.h"
#include "install_record.h"
#include "license_facts.h"
#include "licet/core/catalog.h"
#include "licet/core/clock.h"
#include "licet/core/file_lock.h"
#include "licet/core/license_state.h"

namespace licet::client {

enum class Access { kReadOnly, kReadWrite };

/// `licet install` options.
struct InstallOptions {
  std::filesystem::path root;         // Required.
  std::string catalog;                // Required: bundled name or path.
  std::string edition;                // Required.
  std::vector<std::string> features;  // Default: none.
  std::vector<std::string>
      trust_keys;      // Extra trusted vendor keys (base64 or key-file line). Default: none.
  bool force = false;  // Replace an existing installation. Default: refuse.
};

class Installation {
 public:
  /// Creates a new installation (the Evaluation ISO's setup). Errors: kAlreadyInstalled,
  /// kUnknownEdition, kFeatureNotAllowed, catalog errors (kCatalogSignature/Untrusted/Invalid),
  /// kIoError.
  [[nodiscard]] static StatusOr<Installation> Create(const InstallOptions& options,
                                                     const Clock& clock);

  /// Opens an existing installation; kReadWrite takes the lock. Verifies the stored catalog against
  /// the vendor key pinned at install. Errors: kNotInstalled, kStoreCorrupt, kCatalogSignature,
  /// kStoreLocked, kIoError.
  [[nodiscard]] static StatusOr<Installation> Open(const std::filesystem::path& root, Access access,
                                                   const Clock& clock);

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] const Catalog& catalog() const { return catalog_; }
  [[nodiscard]] InstallRecord& record() { return record_; }
  [[nodiscard]] const InstallRecord& record() const { return record_; }
  /// The installation's edition in the catalog (checked to exist at open).
  [[nodiscard]] const Edition& edition() const;

  /// Installation time: the machine clock plus the lab offset, never earlier than the trusted-time
  /// high-water mark (so setting the clock back cannot extend an evaluation or a grace period).
  [[nodiscard]] TimePoint Now() const;
  /// The machine clock plus the lab offset, without the high-water floor (for diagnostics).
  [[nodiscard]] TimePoint ClockNow() const;
  /// The highest time seen: store.json, observed.json and the token's signed issue time.
  [[nodiscard]] TimePoint TrustedTime() const;
  [[nodiscard]] LicenseFacts Facts() const;
  [[nodiscard]] LicenseState State() const {
    return EvaluateLicense(Facts(), catalog_.policy(), Now());
  }

  /// This machine's hardware now (lab overrides applied), as bound into new activations.
  [[nodiscard]] const HardwareBinding& hardware() const { return hardware_; }
  /// The seal, token and hardware analysis of the store as last read or written.
  [[nodiscard]] const IntegrityFindings& integrity() const { return integrity_; }
  [[nodiscard]] const Observations& observations() const { return observations_; }

  /// Writes store.json atomically and raises the trusted-time marks (store.json and
  /// observed.json). Requires kReadWrite. Errors: kStoreTampered when the store's seal was broken
  /// when it was opened (a write would launder the edit) — restore a backup or reinstall.
  [[nodiscard]] Status Save();
  /// Lab clock reset: forgets the trusted-time marks of store.json and observed.json, then saves.
  /// Callers check the catalog is a lab catalog.
  [[nodiscard]] Status ResetTrustedTimeForLab();
  /// False when store.json's seal did not match its bytes at open.
  [[nodiscard]] bool sealed() const { return seal_matches_; }
  /// Lets Save() re-seal a store whose seal was broken: for restoring a verified backup.
  void AcceptRepair() { seal_matches_ = true; }
  /// Appends to events.jsonl, stamped with Now(). Requires kReadWrite.
  [[nodiscard]] Status Log(int id, EventLevel level, std::string message,
                           std::optional<ErrorCode> code = {},
                           std::map<std::string, std::string> data = {});
  /// Logs event 100 when the evaluation has expired and the last notice is an interval old; saves.
  [[nodiscard]] Status NoteForcedShutdownIfDue();

  [[nodiscard]] std::filesystem::path store_path() const { return root_ / "store.json"; }
  [[nodiscard]] std::filesystem::path events_path() const { return root_ / "events.jsonl"; }
  [[nodiscard]] std::filesystem::path backups_dir() const { return root_ / "backups"; }

 private:
  Installation(std::filesystem::path root, Catalog catalog, InstallRecord record,
               const Clock& clock, std::optional<FileLock> lock, bool seal_matches,
               std::string catalog_digest);

  // Re-reads observed.json and the hardware, and re-runs the integrity analysis.
  void Refresh();
  [[nodiscard]] FactsInput Input() const;
  [[nodiscard]] IntegritySubject Subject() const;

  std::filesystem::path root_;
  Catalog catalog_;
  InstallRecord record_;
  const Clock* clock_;
  std::optional<FileLock> lock_;  // held when opened for writing
  bool seal_matches_ = true;
  std::string catalog_digest_;  // of catalog.toml's bytes, for the profile
  HardwareBinding hardware_;
  Observations observations_;
  IntegrityFindings integrity_;
};

/// `--root` (or licet_open's root), else $LICET_ROOT, else /var/lib/licet. Text, not a path: an
/// application's first license check builds no std::filesystem::path.
[[nodiscard]] std::string DefaultRoot(const std::string& root_flag);

/// DISM /Image:DIR — the store inside an offline image root.
[[nodiscard]] std::filesystem::path ImageStoreRoot(const std::filesystem::path& image_dir);

}  // namespace licet::client
