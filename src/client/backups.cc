#include "backups.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "licet/core/atomic_file.h"
#include "store_seal.h"

namespace licet::client {
namespace fs = std::filesystem;
namespace {

std::optional<long> NumericId(std::string_view name) {
  long value = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec != std::errc() || ptr != name.data() + name.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<BackupInfo> ReadInfo(const fs::path& dir) {
  StatusOr<std::string> text = ReadWholeFile(dir / "meta.json", 1 << 16);
  if (!text.ok()) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  BackupInfo info;
  info.id = dir.filename().string();
  StatusOr<TimePoint> created = ParseIso8601(j.value("created", ""));
  if (!created.ok()) return std::nullopt;
  info.created = *created;
  info.reason = j.value("reason", "");
  info.edition = j.value("edition", "");
  info.partial_key = j.value("partial_key", "");
  return info;
}

}  // namespace

StatusOr<std::string> CreateBackup(Installation& inst, std::string_view reason) {
  long next = 1;
  for (const BackupInfo& b : ListBackups(inst))
    next = std::max(next, NumericId(b.id).value_or(0) + 1);
  const std::string id = std::to_string(next);
  const fs::path dir = inst.backups_dir() / id;
  LICET_RETURN_IF_ERROR(EnsureDirectory(dir));
  const InstallRecord& r = inst.record();
  // A store whose seal is broken is copied byte for byte, so the backup stays visibly tampered
  // instead of being sealed afresh (which would make restoring it launder the edit).
  std::string text;
  if (inst.sealed()) {
    text = SerializeRecord(r);
  } else {
    LICET_ASSIGN_OR_RETURN(text, ReadWholeFile(inst.store_path()));
  }
  LICET_RETURN_IF_ERROR(WriteFileAtomically(dir / "store.json", text, FileMode::kOwnerOnly));
  const nlohmann::json meta = {{"created", FormatIso8601(inst.Now())},
                               {"reason", reason},
                               {"edition", r.edition},
                               {"partial_key", r.key ? r.key->partial : ""}};
  // meta.json last: a backup without it is incomplete and ignored by ListBackups.
  LICET_RETURN_IF_ERROR(WriteFileAtomically(dir / "meta.json", meta.dump(2) + "\n"));
  return id;
}

std::vector<BackupInfo> ListBackups(const Installation& inst) {
  std::vector<BackupInfo> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(inst.backups_dir(), ec)) {
    if (!NumericId(e.path().filename().string())) continue;
    if (std::optional<BackupInfo> info = ReadInfo(e.path())) out.push_back(std::move(*info));
  }
  std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return NumericId(a.id).value_or(0) < NumericId(b.id).value_or(0);
  });
  return out;
}

StatusOr<BackupInfo> RestoreBackup(Installation& inst, std::string_view id) {
  const std::vector<BackupInfo> all = ListBackups(inst);
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const BackupInfo& b) { return b.id == id; });
  if (it == all.end()) {
    std::string ids;
    for (const BackupInfo& b : all) ids += (ids.empty() ? "" : ", ") + b.id;
    return Status(ErrorCode::kNotFound, fmt::format("there is no backup '{}' (backups: {})", id,
                                                    ids.empty() ? "none" : ids));
  }
  const fs::path path = inst.backups_dir() / it->id / "store.json";
  LICET_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  LICET_ASSIGN_OR_RETURN(InstallRecord restored, ParseRecord(text, path.string()));
  if (!StoreSealMatches(text, restored.seal, restored.cmid, restored.vendor_public_key)) {
    return Status(ErrorCode::kStoreTampered,
                  fmt::format("backup {} was changed outside Licet (its seal does not match)", id));
  }
  if (restored.product_id != inst.record().product_id ||
      inst.catalog().FindEdition(restored.edition) == nullptr) {
    return Status(ErrorCode::kStoreCorrupt,
                  fmt::format("backup {} belongs to another product", id));
  }
  LICET_RETURN_IF_ERROR(CreateBackup(inst, fmt::format("before restoring backup {}", id)).status());
  const InstallRecord& current = inst.record();
  restored.trusted_time = current.trusted_time;
  restored.lab_clock_offset_seconds = current.lab_clock_offset_seconds;
  restored.rearm_remaining = std::min(restored.rearm_remaining, current.rearm_remaining);
  restored.last_shutdown_notice_at = current.last_shutdown_notice_at;
  inst.record() = std::move(restored);
  inst.AcceptRepair();  // a verified backup replaces whatever the store held
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(
      inst.Log(event_id::kBackupRestored, EventLevel::kInformation,
               fmt::format("Restored backup {} ({}): the installation is {} again", id, it->reason,
                           inst.record().edition)));
  return *it;
}

}  // namespace licet::client
