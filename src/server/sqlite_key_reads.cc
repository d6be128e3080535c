#include "sqlite_key_reads.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "sqlite_statement.h"

namespace licet::server {

Status SqliteError(sqlite3* db, std::string_view what) {
  return Status(ErrorCode::kIoError,
                fmt::format("SQLite error while {}: {}", what, sqlite3_errmsg(db)));
}

Status KeyNotIssued(std::string_view key) {
  return Status(ErrorCode::kNotFound, fmt::format("key {} was not issued by this server", key),
                "Check the key: this data directory knows only the keys its licet-server keys "
                "generate printed");
}

Status CheckKeyIssued(sqlite3* db, const std::string& key) {
  Stmt known(db, "SELECT 1 FROM keys WHERE key = ?");
  known.Bind(1, key);
  const int rc = known.Step();
  if (rc == SQLITE_DONE) return KeyNotIssued(key);
  if (rc != SQLITE_ROW) return SqliteError(db, "reading a key");
  return OkStatus();
}

Status VisitKeyActivations(sqlite3* db, const ActivationTags& tags, const std::string& key,
                           std::int64_t after, const ServerStore::ActivationVisitor& visit) {
  Stmt seqs(db, "SELECT seq FROM activation_machines WHERE key_tag = ? AND seq > ? ORDER BY seq");
  seqs.Bind(1, tags.Key(key)).Bind(2, after);
  Stmt row(db, "SELECT key, hardware_id, cmid, created_at FROM activations WHERE rowid = ?");
  int rc = SQLITE_ROW;
  while ((rc = seqs.Step()) == SQLITE_ROW) {
    const std::int64_t seq = seqs.Int(0);
    row.Reset();
    row.Bind(1, seq);
    if (row.Step() != SQLITE_ROW) return SqliteError(db, "reading a key's activations");
    if (row.Text(0) != key) continue;
    if (!visit(ActivationRow{.seq = seq,
                             .cmid = row.Text(2),
                             .hardware_id = row.Text(1),
                             .created_at = row.Text(3)})) {
      return OkStatus();
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "listing a key's activations");
  return OkStatus();
}

StatusOr<std::vector<std::int64_t>> MachineActivationSeqs(sqlite3* db, const ActivationTags& tags,
                                                          const std::string& key,
                                                          const std::string& hardware_id) {
  Stmt seqs(db, "SELECT seq FROM activation_machines WHERE key_tag = ? AND machine_tag = ?");
  seqs.Bind(1, tags.Key(key)).Bind(2, tags.Machine(hardware_id));
  Stmt row(db, "SELECT 1 FROM activations WHERE rowid = ? AND key = ? AND hardware_id = ?");
  std::vector<std::int64_t> found;
  int rc = SQLITE_ROW;
  while ((rc = seqs.Step()) == SQLITE_ROW) {
    row.Reset();
    row.Bind(1, seqs.Int(0)).Bind(2, key).Bind(3, hardware_id);
    const int matched = row.Step();
    if (matched == SQLITE_ROW) {
      found.push_back(seqs.Int(0));
    } else if (matched != SQLITE_DONE) {
      return SqliteError(db, "reading a machine's activations");
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "finding a machine's activations");
  return found;
}

StatusOr<KeyInfo> ReadKey(sqlite3* db, const ActivationTags& tags, const std::string& key,
                          std::size_t max_machines) {
  Stmt q(db,
         "SELECT grp, serial, activation_id, channel, max_activations, used, blocked, max_total, "
         "total, released FROM keys WHERE key = ?");
  q.Bind(1, key);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return KeyNotIssued(key);
  if (rc != SQLITE_ROW) return SqliteError(db, "reading a key");
  KeyInfo info;
  info.key = key;
  info.serial = static_cast<std::uint32_t>(q.Int(1));
  info.issue = KeyIssue{.group = static_cast<std::uint32_t>(q.Int(0)),
                        .activation_id = q.Text(2),
                        .channel = ParseChannel(q.Text(3)).value_or(Channel::kRetail),
                        .max_activations = static_cast<std::uint32_t>(q.Int(4)),
                        .max_total = static_cast<std::uint32_t>(q.Int(7))};
  info.total = static_cast<std::uint32_t>(q.Int(8));
  info.used = static_cast<std::uint32_t>(q.Int(5));
  info.blocked = q.Int(6) != 0;
  info.released = static_cast<std::uint32_t>(q.Int(9));
  if (max_machines == 0) {  // the counts alone: whether any machine exists
    LICET_RETURN_IF_ERROR(VisitKeyActivations(db, tags, key, 0, [&](const ActivationRow&) {
      info.machines_truncated = true;
      return false;
    }));
    return info;
  }
  // Reads activations until one more machine than asked for shows that the list is cut short:
  // a key of 100,000 machines costs its index entries and the first rows, not every row.
  std::unordered_set<std::string> seen;
  LICET_RETURN_IF_ERROR(VisitKeyActivations(db, tags, key, 0, [&](ActivationRow row) {
    if (!seen.insert(row.hardware_id).second) return true;
    if (info.machines.size() == max_machines) {
      info.machines_truncated = true;
      return false;
    }
    info.machines.push_back(std::move(row.hardware_id));
    return true;
  }));
  return info;
}

}  // namespace licet::server
