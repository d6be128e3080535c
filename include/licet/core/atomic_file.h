// File: atomic_file.h
// Durable whole-file writes and reads. A write goes to a temporary file in the same directory, is
// fsync'ed, renamed over the target, and the directory is fsync'ed: after a crash at any instant
// the target holds either the old or the new contents, never a torn mix.
//
//   LICET_RETURN_IF_ERROR(licet::WriteFileAtomically(root / "store.json", json,
//   FileMode::kOwnerOnly));
//
// Thread-safe for distinct paths; concurrent writers to one path must hold a FileLock
// (file_lock.h).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "licet/core/status.h"

namespace licet {

enum class FileMode { kOwnerOnly /* 0600 */, kWorldReadable /* 0644 */ };

/// Replaces `path` with `contents` atomically and durably (see file banner).
/// Errors: kIoError (with the path and the system's reason), kAccessDenied.
[[nodiscard]] Status WriteFileAtomically(const std::filesystem::path& path,
                                         std::string_view contents,
                                         FileMode mode = FileMode::kWorldReadable);

/// Removes the temporaries that WriteFileAtomically(path, ...) calls left behind when their process
/// stopped before the rename, once they are `min_age` old (younger ones may be another process's
/// write in flight). Best effort: errors are ignored.
void RemoveStaleTemporaries(const std::filesystem::path& path, std::chrono::seconds min_age);

/// Reads a whole file. `max_bytes` guards against reading something absurd by mistake.
/// Errors: kNotFound when it does not exist, kIoError otherwise (too large included).
[[nodiscard]] StatusOr<std::string> ReadWholeFile(const std::filesystem::path& path,
                                                  size_t max_bytes = 64u << 20);

/// The same for a path given as text, read into a string sized for `expected_bytes` (a file of
/// another size still reads whole, in more reads). It builds no std::filesystem::path and asks the
/// file nothing: a first license check in a fresh process pays for every page of code, page fault
/// and system call it adds (bench/RESULTS.md, "Application SDK"). With `expected_bytes` > 0 the
/// file must be a regular file: a read that returns less than asked is taken as its end.
[[nodiscard]] StatusOr<std::string> ReadWholeFile(const char* path, size_t max_bytes,
                                                  size_t expected_bytes);

/// Appends one line durably (write + fsync): for append-only logs such as events.jsonl.
/// A crash may leave a partial last line, which readers must skip.
/// Errors: kIoError, kAccessDenied.
[[nodiscard]] Status AppendLineDurably(const std::filesystem::path& path, std::string_view line);

/// Makes the entries of `dir` (a rename into it, a new file) durable: fsync of the directory.
/// Errors: kIoError, kAccessDenied.
[[nodiscard]] Status SyncDirectory(const std::filesystem::path& dir);
/// Creates `dir` and parents if needed. Errors: kIoError, kAccessDenied.
[[nodiscard]] Status EnsureDirectory(const std::filesystem::path& dir);

/// Status for a failed system call on `path`, using errno.
[[nodiscard]] Status ErrnoStatus(std::string_view what, const std::filesystem::path& path, int err);

}  // namespace licet
