// DISM edition servicing: target editions, /Set-Edition (online: staged until restart; offline
// /Image: applied to the image at once) and offline /Set-ProductKey.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "installation.h"

namespace licet::client {

/// Reports progress while a change is applied: percent done (0-100) and the current step.
using ProgressFn = std::function<void(int percent, std::string_view step)>;

enum class ServicingMode { kOnline, kOffline };

struct SetEditionOptions {
  std::string edition;       // Required: target edition ID (case-insensitive).
  std::string product_key;   // Required online; optional offline.
  bool accept_eula = false;  // Required online.
  ServicingMode mode = ServicingMode::kOnline;
  ProgressFn progress;  // Default: none.
};

struct SetEditionResult {
  std::string from;
  std::string to;
  std::string backup_id;
  std::string key_notice;  // e.g. the alias notice for the seed's misprinted GVLK
  bool restart_required = false;
};

/// Editions the installation may be converted to.
[[nodiscard]] std::vector<const Edition*> TargetEditions(const Installation& inst);

/// DISM /Set-Edition. Checks, in order: the options (kInvalidArgument: /AcceptEula, /ProductKey),
/// no change already pending (kRestartRequired), the path (kUnknownEdition; kEditionNotTarget with
/// the catalog's reason, e.g. Datacenter -> Standard), the key (kInvalidProductKey;
/// kMismatchedProductSku when it is not for the target), the installed features
/// (kFeatureNotAllowed). Then snapshots the store and stages the change (online) or applies it
/// (offline). Installed features are kept.
[[nodiscard]] StatusOr<SetEditionResult> SetEdition(Installation& inst,
                                                    const SetEditionOptions& options);

/// Offline DISM /Set-ProductKey: installs a key for the image's edition. Errors as
/// CheckKeyForEdition.
[[nodiscard]] StatusOr<ResolvedKey> SetProductKeyOffline(Installation& inst,
                                                         std::string_view typed);

}  // namespace licet::client
