#include "vendor_data.h"

#include <fmt/format.h>
#include <sodium.h>

#include "catalog_locator.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"

namespace licet::server {
namespace fs = std::filesystem;

Status InitVendorData(const InitOptions& o) {
  if (fs::exists(o.data / "catalog.toml")) {
    return Status(ErrorCode::kAlreadyInstalled,
                  fmt::format("{} already holds a licet-server data directory", o.data.string()),
                  fmt::format("Serve it as it is (licet-server serve --data {}), or initialise "
                              "another --data directory",
                              o.data.string()));
  }
  StatusOr<client::CatalogSource> src = client::LocateCatalog(o.catalog);
  if (!src.ok()) {  // the locator's fix names `licet install`
    return src.status().WithFix(
        fmt::format("licet-server init --catalog windows-server-2022 --data {} --lab (a bundled "
                    "lab catalog), or --catalog PATH.toml --root-key FILE.secret for your own",
                    o.data.string()));
  }
  LICET_ASSIGN_OR_RETURN(
      Catalog catalog, LoadSignedCatalog(src->text, src->path.string(), client::LoadTrustedKeys()));
  std::string root_key_file = o.root_key_file;
  KeyMacSecret mac;
  if (o.lab) {
    if (!catalog.product().lab || !catalog.lab_key_mac_secret()) {
      return Status(ErrorCode::kNotLabCatalog,
                    fmt::format("{} is not a lab catalog: --lab is refused", catalog.product().id));
    }
    mac = *catalog.lab_key_mac_secret();
    // The lab's root key is published next to the bundled catalogs.
    if (root_key_file.empty())
      root_key_file =
          (src->path.parent_path() / "keys" / (catalog.vendor().key_id + ".secret")).string();
  } else {
    if (root_key_file.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "a vendor catalog needs its root signing key: --root-key FILE.secret");
    }
    randombytes_buf(mac.bytes.data(), mac.bytes.size());
  }
  LICET_ASSIGN_OR_RETURN(const std::string key_text, ReadWholeFile(root_key_file, 4096));
  LICET_ASSIGN_OR_RETURN(const SigningKey key, ParseSecretKeyFile(key_text));
  if (key.public_key != catalog.vendor().public_key) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not the root key of {}", root_key_file, catalog.product().id));
  }
  LICET_RETURN_IF_ERROR(EnsureDirectory(o.data));
  fs::permissions(o.data, fs::perms::owner_all, fs::perm_options::replace);
  LICET_RETURN_IF_ERROR(WriteFileAtomically(o.data / "signing.secret", FormatSecretKeyFile(key),
                                            FileMode::kOwnerOnly));
  LICET_RETURN_IF_ERROR(WriteFileAtomically(o.data / "key-mac.secret", HexEncode(mac.bytes) + "\n",
                                            FileMode::kOwnerOnly));
  return WriteFileAtomically(o.data / "catalog.toml",
                             src->text);  // last: its presence means "initialised"
}

StatusOr<VendorData> LoadVendorData(const fs::path& dir) {
  if (!fs::exists(dir / "catalog.toml")) {
    return Status(ErrorCode::kNotInstalled,
                  fmt::format("{} is not a licet-server data directory", dir.string()),
                  fmt::format("licet-server init --catalog windows-server-2022 --data {} --lab",
                              dir.string()));
  }
  LICET_ASSIGN_OR_RETURN(const std::string key_text, ReadWholeFile(dir / "signing.secret", 4096));
  LICET_ASSIGN_OR_RETURN(SigningKey key, ParseSecretKeyFile(key_text));
  LICET_ASSIGN_OR_RETURN(const std::string catalog_text, ReadWholeFile(dir / "catalog.toml"));
  const TrustedKey own{key.key_id, key.public_key};
  LICET_ASSIGN_OR_RETURN(
      Catalog catalog, LoadSignedCatalog(catalog_text, (dir / "catalog.toml").string(), {&own, 1}));
  LICET_ASSIGN_OR_RETURN(std::string mac_hex, ReadWholeFile(dir / "key-mac.secret", 256));
  while (!mac_hex.empty() && (mac_hex.back() == '\n' || mac_hex.back() == ' ')) mac_hex.pop_back();
  LICET_ASSIGN_OR_RETURN(const KeyMacSecret mac, ParseKeyMacSecret(mac_hex));
  return VendorData{.dir = dir,
                    .catalog = std::move(catalog),
                    .signing_key = std::move(key),
                    .key_mac_secret = mac};
}

}  // namespace licet::server
