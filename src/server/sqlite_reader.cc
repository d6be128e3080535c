#include "sqlite_reader.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "coalescing_vfs.h"
#include "sqlite_key_reads.h"

namespace licet::server {

StatusOr<std::unique_ptr<SqliteReader>> SqliteReader::Open(const std::string& path) {
  sqlite3* db = nullptr;
  // Read-write without CREATE: a WAL reader updates the shared wal-index, and the file must be
  // the writer's. query_only then refuses any write made through this connection. NOMUTEX: mu_
  // serialises every use of the connection (InSnapshot).
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      kCoalescingVfsName) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status s(ErrorCode::kIoError,
             fmt::format("cannot open {} for reading: {}", path,
                         db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 10000);  // a WAL reader waits only while the WAL is being recovered
  return std::unique_ptr<SqliteReader>(new SqliteReader(db));
}

SqliteReader::~SqliteReader() { sqlite3_close(db_); }

Status SqliteReader::InSnapshot(const std::function<Status(sqlite3*)>& read) {
  std::lock_guard lock(mu_);
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "starting a read");
  }
  const Status status = read(db_);
  // A read transaction has nothing to keep: ending it releases the snapshot, so that checkpoints
  // can reach past it.
  (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

}  // namespace licet::server
