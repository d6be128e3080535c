// The file `licet-server keys generate --out FILE` writes. It grows with the store: each chunk of
// keys is appended to FILE.partial and synced once the store committed it, and the complete listing
// is renamed to FILE. So a run that dies part-way (killed, a full disk) leaves FILE.partial listing
// only keys that are stored, and never a FILE that lacks keys; the keys of the one chunk being
// written when it died may be stored without being listed, given to nobody.
//
//   StatusOr<KeyListing> listing = KeyListing::Create("keys.txt");
//   for (chunk ...) { store.AddKeys(issue, chunk); listing->Append(chunk); }
//   listing->Finish();  // keys.txt.partial -> keys.txt
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "licet/core/key_minter.h"
#include "licet/core/status.h"

namespace licet::server {

/// The keys' text, one per line.
[[nodiscard]] std::string KeyLines(std::span<const MintedKey> keys);

class KeyListing {
 public:
  /// Creates (or empties) `path`.partial, readable by its owner only. Errors: kIoError,
  /// kAccessDenied.
  [[nodiscard]] static StatusOr<KeyListing> Create(std::filesystem::path path);

  /// Appends one key per line and syncs (AppendLineDurably). Errors: kIoError.
  [[nodiscard]] Status Append(std::span<const MintedKey> keys);
  /// Renames the listing to its final name, durably. Errors: kIoError.
  [[nodiscard]] Status Finish();

  [[nodiscard]] const std::filesystem::path& partial_path() const { return partial_; }

 private:
  KeyListing(std::filesystem::path path, std::filesystem::path partial)
      : path_(std::move(path)), partial_(std::move(partial)) {}

  std::filesystem::path path_;
  std::filesystem::path partial_;
};

}  // namespace licet::server
