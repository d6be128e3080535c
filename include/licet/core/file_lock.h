// File: file_lock.h
// An advisory lock on a file (flock), released when the object is destroyed. Licet commands that
// change an installation hold the exclusive lock for the whole read-modify-write, so two commands
// never interleave their updates.
//
//   LICET_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(root / ".lock", LockMode::kExclusive));
//
// Thread-compatible. Movable, not copyable.
#pragma once

#include <chrono>
#include <filesystem>

#include "licet/core/status.h"

namespace licet {

enum class LockMode { kShared, kExclusive };

class FileLock {
 public:
  /// Takes the lock, waiting up to `timeout` for another holder to release it. Creates the file.
  /// Errors: kStoreLocked after the timeout, kIoError / kAccessDenied if the file cannot be opened.
  [[nodiscard]] static StatusOr<FileLock> Acquire(
      const std::filesystem::path& path, LockMode mode,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace licet
