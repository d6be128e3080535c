// The vendor's data directory for licet-server: the signed catalog, the token-signing key, the
// key-MAC secret (owner-only files) and the SQLite database.
//   catalog.toml   signing.secret (ed25519-secret)   key-mac.secret (64 hex)   licet.db
#pragma once

#include <filesystem>
#include <string>

#include "licet/core/catalog.h"
#include "licet/core/catalog_signature.h"

namespace licet::server {

struct VendorData {
  std::filesystem::path dir;
  Catalog catalog;
  SigningKey signing_key;  // signs license tokens; its public half is the catalog's vendor key
  KeyMacSecret key_mac_secret;
};

struct InitOptions {
  std::string catalog;         // Required: bundled name or path.
  std::filesystem::path data;  // Required.
  bool lab = false;            // Use the lab catalog's published secrets.
  std::string root_key_file;   // Vendor root secret (required unless --lab).
};

/// `licet-server init`. Errors: kAlreadyInstalled if the directory holds data, kNotLabCatalog for
/// --lab on a real catalog, kInvalidArgument for a root key that is not the catalog's, catalog
/// errors.
[[nodiscard]] Status InitVendorData(const InitOptions& options);

/// Loads and checks a data directory. Errors: kNotInstalled (no data: run init), catalog errors,
/// kIoError.
[[nodiscard]] StatusOr<VendorData> LoadVendorData(const std::filesystem::path& dir);

}  // namespace licet::server
