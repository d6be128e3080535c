#include "licet/core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "internal/sodium_init.h"

namespace licet {
namespace {

// Writes all of `data` to `fd`, retrying on short writes and EINTR.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Status SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("cannot sync directory", dir, err);
  return OkStatus();
}

Status ErrnoStatus(std::string_view what, const std::filesystem::path& path, int err) {
  const ErrorCode code = (err == EACCES || err == EPERM || err == EROFS) ? ErrorCode::kAccessDenied
                                                                         : ErrorCode::kIoError;
  return Status(code, fmt::format("{} {}: {}", what, path.string(), std::strerror(err)));
}

Status EnsureDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoStatus("cannot create directory", dir, ec.value());
  return OkStatus();
}

namespace {

// A temporary's name: the target's, this suffix and eight random hex digits.
constexpr std::string_view kTemporarySuffix = ".tmp-";

}  // namespace

void RemoveStaleTemporaries(const std::filesystem::path& path, std::chrono::seconds min_age) {
  namespace fs = std::filesystem;
  const std::string prefix = path.filename().string() + std::string(kTemporarySuffix);
  const fs::file_time_type cutoff = fs::file_time_type::clock::now() - min_age;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (!it->path().filename().string().starts_with(prefix)) continue;
    std::error_code entry_ec;
    const fs::file_time_type written = it->last_write_time(entry_ec);
    if (!entry_ec && written < cutoff) fs::remove(it->path(), entry_ec);
  }
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           FileMode mode) {
  // A random suffix keeps two writers (which should hold a lock anyway) from sharing a temp file.
  core_internal::EnsureSodiumInitialized();
  const std::filesystem::path tmp =
      fmt::format("{}{}{:08x}", path.string(), kTemporarySuffix, randombytes_random());
  const mode_t perms = mode == FileMode::kOwnerOnly ? 0600 : 0644;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, perms);
  if (fd < 0) return ErrnoStatus("cannot create", tmp, errno);
  if (!WriteAll(fd, contents) || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot write", tmp, err);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot close", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot replace", path, err);
  }
  return SyncDirectory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

StatusOr<std::string> ReadWholeFile(const std::filesystem::path& path, size_t max_bytes) {
  // Sized by stat plus one byte, so that the end of the file needs no second allocation. Files
  // that do not know their size (/proc says 0) grow the string as they are read.
  struct stat st {};
  const size_t expected =
      ::stat(path.c_str(), &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) : 0;
  return ReadWholeFile(path.c_str(), max_bytes, expected);
}

StatusOr<std::string> ReadWholeFile(const char* path, size_t max_bytes, size_t expected_bytes) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return Status(ErrorCode::kNotFound, fmt::format("{} does not exist", path));
    return ErrnoStatus("cannot open", path, errno);
  }
  // One byte past the limit is what tells a file over it, and one past the expected size is what
  // tells its end without growing the string.
  const size_t cap = max_bytes < SIZE_MAX ? max_bytes + 1 : max_bytes;
  std::string out(std::min(expected_bytes < SIZE_MAX ? expected_bytes + 1 : cap, cap), '\0');
  size_t used = 0;
  while (true) {
    if (used == out.size()) {
      if (used > max_bytes) {
        ::close(fd);
        return Status(
            ErrorCode::kIoError,
            fmt::format("{} is larger than {} bytes; refusing to read it", path, max_bytes));
      }
      out.resize(std::min(std::max<size_t>(2 * used, 4096), cap));
    }
    const size_t asked = out.size() - used;
    const ssize_t n = ::read(fd, out.data() + used, asked);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoStatus("cannot read", path, err);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
    // A file whose size is known is a regular file (/proc's say 0), and Linux returns less than
    // asked from one only at its end (or past ~2 GiB in one call): no second read to hear so.
    if (expected_bytes > 0 && static_cast<size_t>(n) < asked && asked < (size_t{1} << 30)) break;
  }
  ::close(fd);
  out.resize(used);
  return out;
}

Status AppendLineDurably(const std::filesystem::path& path, std::string_view line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot open", path, errno);
  std::string data(line);
  data.push_back('\n');
  const bool ok = WriteAll(fd, data) && ::fdatasync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return ErrnoStatus("cannot append to", path, err);
  return OkStatus();
}

}  // namespace licet
