// A SQLite prepared statement, finalised when it goes out of scope: binding, stepping, reading
// columns. sqlite_store.cc's only way to run SQL that takes parameters.
//
//   Stmt q(db, "SELECT role FROM admin_tokens WHERE hash = ?");
//   q.Bind(1, hash);
//   if (q.Step() == SQLITE_ROW) role = q.Text(0);
//
// Not thread-safe: the connection's owner serialises its use.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace licet::server {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds text that outlives the statement's next step (no copy).
  Stmt& BindStatic(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  // Ready to step again with the same bindings.
  void Rewind() { sqlite3_reset(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p != nullptr ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
                        : std::string();
  }
  // The column's bytes, valid until the next step or reset.
  std::span<const std::uint8_t> Blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
    return p != nullptr ? std::span(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
                        : std::span<const std::uint8_t>();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace licet::server
