// The SQLite store's second connection, for reads that must not hold up activations: the admin
// API's (a key, its activations, statistics, a bearer token's role) and `licet-server keys show`.
//
// Why: the store's writer connection is one, guarded by a mutex that the group commit takes for
// every batch. A key with 100,000 machines takes most of a second to read, and on that connection
// every activation waited behind it. In WAL mode a second connection reads a snapshot of the last
// commit while the writer goes on, so an admin read now costs activations nothing but CPU.
//
// A snapshot may show an activation committed but not yet durable (its batch waits for the
// syncer, group_commit.h); it is durable a few milliseconds later, or the server stops taking
// activations (a failed sync) before anyone is told of it.
//
//   LICET_ASSIGN_OR_RETURN(std::unique_ptr<SqliteReader> reader, SqliteReader::Open(path));
//   LICET_RETURN_IF_ERROR(reader->InSnapshot([&](sqlite3* db) { return Read(db); }));
//
// Thread-safe: reads take turns on the one connection.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "licet/core/status.h"

struct sqlite3;

namespace licet::server {

class SqliteReader {
 public:
  /// Opens `path`, which the store's writer has created and migrated, for queries only (through
  /// the writer's VFS, kCoalescingVfsName, which must be registered). Errors: kIoError.
  [[nodiscard]] static StatusOr<std::unique_ptr<SqliteReader>> Open(const std::string& path);
  ~SqliteReader();
  SqliteReader(const SqliteReader&) = delete;
  SqliteReader& operator=(const SqliteReader&) = delete;

  /// Runs `read` in one read transaction: every query it makes sees the same commit. Returns
  /// what `read` returned, or kIoError if the transaction could not begin.
  [[nodiscard]] Status InSnapshot(const std::function<Status(sqlite3*)>& read);

 private:
  explicit SqliteReader(sqlite3* db) : db_(db) {}

  std::mutex mu_;  // the connection
  sqlite3* db_;
};

}  // namespace licet::server
