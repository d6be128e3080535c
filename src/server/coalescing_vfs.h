// A SQLite VFS that gathers the write-ahead log's writes: SQLite writes each WAL frame as two
// pwrite calls (its 24-byte header, then the page), so a commit of n pages costs 2n system calls,
// and on a virtual machine a system call costs as much as the SQLite work around it. This VFS wraps
// the default one; on a WAL file, a write that continues the previous one is kept in memory, and
// the gathered bytes reach the kernel in one write before anything that could observe them: a sync,
// a read, a truncate, a size query, a close, a write elsewhere in the file, or 128 KiB pending.
// Every other file, and every other method, goes straight to the default VFS.
//
// Guarantees are SQLite's own: SQLite never counts a write as durable before xSync, and the server
// runs with synchronous = FULL, where a commit syncs the WAL before the wal-index makes its frames
// visible to other connections. (With synchronous = NORMAL, frames could become visible to another
// connection while still gathered here: do not use this VFS in that mode.)
#pragma once

#include "licet/core/status.h"

namespace licet::server {

/// The VFS name to pass to sqlite3_open_v2.
inline constexpr const char* kCoalescingVfsName = "licet-coalescing";

/// Registers the VFS once per process (not as the default). Thread-safe.
[[nodiscard]] Status RegisterCoalescingVfs();

}  // namespace licet::server
