#include "key_listing.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "licet/core/atomic_file.h"

namespace licet::server {

std::string KeyLines(std::span<const MintedKey> keys) {
  std::string lines;
  lines.reserve(keys.size() * (static_cast<std::size_t>(kDashedKeyLength) + 1));
  for (const MintedKey& k : keys) lines.append(k.text_view()).push_back('\n');
  return lines;
}

StatusOr<KeyListing> KeyListing::Create(std::filesystem::path path) {
  std::filesystem::path partial = path;
  partial += ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create", partial, errno);
  return KeyListing(std::move(path), std::move(partial), fd);
}

KeyListing::KeyListing(KeyListing&& other) noexcept
    : path_(std::move(other.path_)), partial_(std::move(other.partial_)), fd_(other.fd_) {
  other.fd_ = -1;
}

KeyListing::~KeyListing() {
  if (fd_ >= 0) ::close(fd_);
}

Status KeyListing::Append(std::span<const MintedKey> keys) {
  const std::string lines = KeyLines(keys);
  std::string_view rest = lines;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot write", partial_, errno);
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fdatasync(fd_) != 0) return ErrnoStatus("cannot sync", partial_, errno);
  return OkStatus();
}

Status KeyListing::Finish() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return ErrnoStatus("cannot close", partial_, errno);
  if (::rename(partial_.c_str(), path_.c_str()) != 0)
    return ErrnoStatus("cannot rename to " + path_.string(), partial_, errno);
  return SyncDirectory(path_.has_parent_path() ? path_.parent_path() : std::filesystem::path("."));
}

}  // namespace licet::server
