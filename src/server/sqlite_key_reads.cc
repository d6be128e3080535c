#include "sqlite_key_reads.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
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
  std::vector<std::int64_t> rowids;
  {
    Stmt ids(db, "SELECT rowid FROM activations WHERE key_tag = ? AND rowid > ?");
    ids.Bind(1, tags.Key(key));
    ids.Bind(2, after);
    int rc = SQLITE_ROW;
    while ((rc = ids.Step()) == SQLITE_ROW) rowids.push_back(ids.Int(0));
    if (rc != SQLITE_DONE) return SqliteError(db, "listing a key's activations");
  }
  std::ranges::sort(rowids);
  Stmt row(db, "SELECT key, hardware_id, cmid, created_at FROM activations WHERE rowid = ?");
  for (const std::int64_t rowid : rowids) {
    row.Reset();
    row.Bind(1, rowid);
    if (row.Step() != SQLITE_ROW) return SqliteError(db, "reading a key's activations");
    if (row.Text(0) != key) continue;
    if (!visit(ActivationRow{.seq = rowid,
                             .cmid = row.Text(2),
                             .hardware_id = row.Text(1),
                             .created_at = row.Text(3)})) {
      break;
    }
  }
  return OkStatus();
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
  if (max_machines == 0) {  // the counts alone: one index probe says whether any machine exists
    Stmt any(db, "SELECT 1 FROM activations WHERE key_tag = ? AND key = ? LIMIT 1");
    any.Bind(1, tags.Key(key)).Bind(2, key);
    const int found = any.Step();
    if (found != SQLITE_ROW && found != SQLITE_DONE) return SqliteError(db, "reading a key");
    info.machines_truncated = found == SQLITE_ROW;
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
