// A SQLite VFS for the server's write path. It gathers the write-ahead log's writes: SQLite writes
// each WAL frame as two pwrite calls (its 24-byte header, then the page), so a commit of n pages
// costs 2n system calls, and on a virtual machine a system call costs as much as the SQLite work
// around it. This VFS wraps the default one; on a WAL file, a write that continues the previous one
// is kept in memory, and the gathered bytes reach the kernel in one write before anything that
// could observe them: a sync, a read, a truncate, a size query, a close, a write elsewhere in the
// file, or 128 KiB pending. Every other file, and every other method, goes straight to the default
// VFS.
//
// Guarantees are SQLite's own: SQLite never counts a write as durable before xSync, and the server
// runs with synchronous = FULL, where a commit syncs the WAL before the wal-index makes its frames
// visible to other connections. (With synchronous = NORMAL, frames could become visible to another
// connection while still gathered here: do not use this VFS in that mode.)
//
// It also lets one writer connection take the fdatasync out of its commits (WalSync): the group
// commit writes batch n+1 while another thread waits for the disk to confirm batch n, and answers
// batch n only then. What SQLite needs ordered stays synced in line (see WalSync).
#pragma once

#include <memory>

#include "licet/core/status.h"

struct sqlite3;

namespace licet::server {

/// The VFS name to pass to sqlite3_open_v2.
inline constexpr const char* kCoalescingVfsName = "licet-coalescing";

/// Registers the VFS once per process (not as the default). Thread-safe.
[[nodiscard]] Status RegisterCoalescingVfs();

/// Deferred commit syncs for one writer connection. While deferral is on, a commit hands its WAL
/// frames to the kernel and returns without waiting for the disk; Sync() then makes every frame
/// written so far durable, from any thread, without the connection. A deferred commit is visible
/// to readers at once but may be lost by a power cut until Sync() returns, so a caller acknowledges
/// it only after a Sync() that began after the commit returned. A crash never leaves the database
/// inconsistent: the syncs that order SQLite's writes stay in line (the WAL's first sync, the one
/// after a new WAL header, and every checkpoint's: Attach replaces the auto-checkpoint hook by one
/// that checkpoints with deferral off).
class WalSync {
 public:
  /// `db` must be open with kCoalescingVfsName, in WAL mode, synchronous = FULL; it checkpoints
  /// (passively) once its WAL holds `checkpoint_frames` frames. The WalSync must be destroyed
  /// before `db` is closed. Errors: kIoError (no WAL file of this VFS, or it cannot be opened).
  [[nodiscard]] static StatusOr<std::unique_ptr<WalSync>> Attach(sqlite3* db,
                                                                 int checkpoint_frames);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  /// Turns deferral on or off for the commits that follow. The caller holds the connection.
  void SetDeferred(bool deferred);
  /// Waits until every WAL frame written before the call is on disk. Thread-safe.
  /// Errors: kIoError (the disk refused: what was written since the last Sync may be lost).
  [[nodiscard]] Status Sync() const;

 private:
  WalSync(sqlite3* db, int fd, int checkpoint_frames)
      : db_(db), fd_(fd), checkpoint_frames_(checkpoint_frames) {}
  static int CheckpointHook(void* self, sqlite3* db, const char* schema, int frames);

  sqlite3* db_;
  int fd_;  // a second descriptor on the WAL file, for Sync
  int checkpoint_frames_;
};

}  // namespace licet::server
