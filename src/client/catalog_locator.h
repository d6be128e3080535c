// Finds a catalog by name or path, and the vendor keys this machine trusts.
//   NAME  -> <dir>/NAME.toml in $LICET_CATALOG_DIR, the build's bundled directory,
//   /usr/share/licet/catalogs PATH  -> anything containing '/' or ending in ".toml"
// Trusted keys: every *.pub in <dir>/trusted-keys/ of those directories and in
// /etc/licet/trusted-keys/.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "licet/core/catalog_signature.h"
#include "licet/core/status.h"

namespace licet::client {

struct CatalogSource {
  std::string text;
  std::filesystem::path path;
};

/// The directories searched for bundled catalogs, in order.
[[nodiscard]] std::vector<std::filesystem::path> CatalogDirectories();

/// Reads the catalog named or pointed to by `name_or_path`.
/// Errors: kNotFound listing the catalogs that do exist; kIoError.
[[nodiscard]] StatusOr<CatalogSource> LocateCatalog(const std::string& name_or_path);

/// Loads every trusted vendor key (unreadable or malformed key files are skipped).
[[nodiscard]] std::vector<TrustedKey> LoadTrustedKeys();

/// Loads and verifies `source` against the trusted keys plus `extra_keys` (from --trust-key: a
/// key-file line, or a bare base64 key, which is trusted under the key id the catalog's [vendor]
/// names). Errors: kInvalidArgument (a malformed extra key), as LoadSignedCatalog.
[[nodiscard]] StatusOr<Catalog> LoadCatalogTrusting(const CatalogSource& source,
                                                    const std::vector<std::string>& extra_keys);

/// Names of the bundled catalogs ("windows-server-2022", ...).
[[nodiscard]] std::vector<std::string> BundledCatalogNames();

}  // namespace licet::client
