// slmgr /ipk, /upk and /cpky: installing, removing and clearing the product key, with the checks
// that make an Evaluation installation refuse a Volume/Retail/OEM key with 0x80070032 offline.
#pragma once

#include <string>
#include <string_view>

#include "installation.h"
#include "licet/core/catalog.h"

namespace licet::client {

/// Resolves `typed` and checks that it may be installed on an installation of edition `installed`:
///  - a malformed key or one of no SKU: kInvalidProductKey saying what is wrong;
///  - any key on an evaluation edition: kNotSupported (0x80070032) naming both editions and
///  channels,
///    with the DISM command that converts the edition as the fix;
///  - a key of another edition: kMismatchedProductSku (0xC004F069), with the conversion as the fix
///    when the catalog allows that path.
[[nodiscard]] StatusOr<ResolvedKey> CheckKeyForEdition(const Catalog& catalog,
                                                       const Edition& installed,
                                                       std::string_view typed,
                                                       const std::filesystem::path& root);

/// The stored form of a resolved key.
[[nodiscard]] InstalledKey ToInstalledKey(const ResolvedKey& key);

/// A note for keys typed as a known misprint (the seed's "...-VMK7R"); empty otherwise.
[[nodiscard]] std::string AliasNotice(const ResolvedKey& key);

/// slmgr /ipk: checks the key (above), refuses while an edition change is pending (0x80070BC2),
/// installs it, drops any previous activation, saves, logs event 1001 (1009 on refusal).
[[nodiscard]] StatusOr<ResolvedKey> InstallProductKey(Installation& inst, std::string_view typed);

/// slmgr /upk: removes the key and its activation. Errors: kProductKeyNotInstalled.
[[nodiscard]] Status UninstallProductKey(Installation& inst);

/// slmgr /cpky: forgets the full key text, keeping the partial key, SKU and activation.
/// Errors: kProductKeyNotInstalled.
[[nodiscard]] Status ClearProductKeyFromRegistry(Installation& inst);

}  // namespace licet::client
