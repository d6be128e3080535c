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
  ::close(fd);
  return KeyListing(std::move(path), std::move(partial));
}

Status KeyListing::Append(std::span<const MintedKey> keys) {
  if (keys.empty()) return OkStatus();
  std::string lines = KeyLines(keys);
  lines.pop_back();  // AppendLineDurably ends the last line
  return AppendLineDurably(partial_, lines);
}

Status KeyListing::Finish() {
  if (::rename(partial_.c_str(), path_.c_str()) != 0)
    return ErrnoStatus("cannot rename to " + path_.string(), partial_, errno);
  return SyncDirectory(path_.has_parent_path() ? path_.parent_path() : std::filesystem::path("."));
}

}  // namespace licet::server
