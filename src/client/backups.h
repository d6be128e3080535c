// Snapshots of the license store, taken before every conversion (the seed's "sauvegarder avant
// toute modification") and restorable with `licet backup restore ID`. Each backup is a directory
// backups/<id>/ holding a copy of store.json and meta.json; ids are increasing integers.
#pragma once

#include <string>
#include <vector>

#include "installation.h"

namespace licet::client {

struct BackupInfo {
  std::string id;
  TimePoint created{};
  std::string reason;
  std::string edition;
  std::string partial_key;  // empty when no key was installed
};

/// Copies the current record into a new backup. Returns its id. Errors: kIoError.
[[nodiscard]] StatusOr<std::string> CreateBackup(Installation& inst, std::string_view reason);

/// Lists backups, oldest first. Unreadable entries are skipped.
[[nodiscard]] std::vector<BackupInfo> ListBackups(const Installation& inst);

/// Replaces the record with backup `id`, after backing up the current one. The trusted time, the
/// lab clock and the rearm count are not rolled back (a restore must not buy time or rearms).
/// Errors: kNotFound listing the ids, kStoreCorrupt if the backup is unreadable, kIoError.
[[nodiscard]] StatusOr<BackupInfo> RestoreBackup(Installation& inst, std::string_view id);

}  // namespace licet::client
