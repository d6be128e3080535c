#include "catalog_locator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "licet/core/atomic_file.h"

#ifndef LICET_DEFAULT_CATALOG_DIR
#define LICET_DEFAULT_CATALOG_DIR "/usr/share/licet/catalogs"
#endif

namespace licet::client {
namespace fs = std::filesystem;

std::vector<fs::path> CatalogDirectories() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("LICET_CATALOG_DIR"); env != nullptr && *env != '\0')
    dirs.emplace_back(env);
  dirs.emplace_back(LICET_DEFAULT_CATALOG_DIR);
  dirs.emplace_back("/usr/share/licet/catalogs");
  return dirs;
}

std::vector<std::string> BundledCatalogNames() {
  std::vector<std::string> names;
  for (const fs::path& dir : CatalogDirectories()) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

StatusOr<CatalogSource> LocateCatalog(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.ends_with(".toml"));
  std::vector<fs::path> candidates;
  if (is_path) {
    candidates.emplace_back(name_or_path);
  } else {
    for (const fs::path& dir : CatalogDirectories())
      candidates.push_back(dir / (name_or_path + ".toml"));
  }
  for (const fs::path& p : candidates) {
    StatusOr<std::string> text = ReadWholeFile(p, 8u << 20);
    if (text.ok()) return CatalogSource{.text = std::move(text).value(), .path = p};
    if (text.status().code() != ErrorCode::kNotFound) return text.status();
  }
  std::string known;
  for (const std::string& n : BundledCatalogNames()) known += (known.empty() ? "" : ", ") + n;
  return Status(ErrorCode::kNotFound,
                fmt::format("no catalog '{}' was found (bundled catalogs: {})", name_or_path,
                            known.empty() ? "none" : known),
                "licet install --catalog windows-server-2022 --edition ServerStandardEval");
}

std::vector<TrustedKey> LoadTrustedKeys() {
  std::vector<fs::path> dirs;
  for (const fs::path& d : CatalogDirectories()) dirs.push_back(d / "trusted-keys");
  dirs.emplace_back("/etc/licet/trusted-keys");
  std::vector<TrustedKey> keys;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".pub") continue;
      StatusOr<std::string> text = ReadWholeFile(e.path(), 4096);
      if (!text.ok()) continue;
      StatusOr<TrustedKey> key = ParsePublicKeyFile(*text);
      if (key.ok()) keys.push_back(std::move(key).value());
    }
  }
  return keys;
}

StatusOr<Catalog> LoadCatalogTrusting(const CatalogSource& source,
                                      const std::vector<std::string>& extra_keys) {
  std::vector<TrustedKey> trusted = LoadTrustedKeys();
  for (const std::string& arg : extra_keys) {
    LICET_ASSIGN_OR_RETURN(TrustedKey key, ParseTrustedKeyArgument(arg));
    if (key.key_id == "cli") {
      StatusOr<Catalog> unsigned_view =
          Catalog::Parse(CatalogBody(source.text), source.path.string());
      if (unsigned_view.ok()) key.key_id = unsigned_view->vendor().key_id;
    }
    trusted.push_back(std::move(key));
  }
  return LoadSignedCatalog(source.text, source.path.string(), trusted);
}

}  // namespace licet::client
