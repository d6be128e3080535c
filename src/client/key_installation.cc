#include "key_installation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command_hint.h"

namespace licet::client {
namespace {

std::string DescribeKey(const ResolvedKey& key) {
  return fmt::format("{} is a {} key for {}", key.text, ChannelName(key.sku->channel),
                     key.sku->primary_edition());
}

Status EvaluationRefusal(const Catalog& catalog, const Edition& installed, const ResolvedKey& key,
                         const std::filesystem::path& root) {
  const std::string why = fmt::format(
      "this installation is {} ({}), channel {}: an evaluation edition runs on a timer and accepts "
      "no "
      "product key. {}. Convert the edition with this key, restart, then activate",
      installed.name, installed.id, ChannelName(Channel::kTimeBasedEval), DescribeKey(key));
  // Offer the conversion to the key's own edition, or to any edition of the key the catalog allows.
  for (const std::string& target : key.sku->editions) {
    if (catalog.CheckConversion(installed.id, target).verdict == ConversionVerdict::kAllowed) {
      return Status(ErrorCode::kNotSupported, why, SetEditionCommand(target, key.text, root));
    }
  }
  const ConversionCheck check = catalog.CheckConversion(installed.id, key.sku->primary_edition());
  return Status(ErrorCode::kNotSupported, fmt::format("{}; but {}", why, check.reason),
                fmt::format("Use a key for one of: {} (see {})", fmt::join(installed.targets, ", "),
                            LicetCommand("dism /online /Get-TargetEditions", root)));
}

}  // namespace

StatusOr<ResolvedKey> CheckKeyForEdition(const Catalog& catalog, const Edition& installed,
                                         std::string_view typed,
                                         const std::filesystem::path& root) {
  LICET_ASSIGN_OR_RETURN(ResolvedKey key, catalog.ResolveKey(typed));
  if (installed.evaluation) return EvaluationRefusal(catalog, installed, key, root);
  if (key.sku->Licenses(installed.id)) return key;
  const std::string why = fmt::format("this installation is {} ({}); {}", installed.name,
                                      installed.id, DescribeKey(key));
  const ConversionCheck check = catalog.CheckConversion(installed.id, key.sku->primary_edition());
  if (check.verdict == ConversionVerdict::kAllowed) {
    return Status(ErrorCode::kMismatchedProductSku,
                  why + ". Convert the edition with this key, or use a key for " + installed.id,
                  SetEditionCommand(key.sku->primary_edition(), key.text, root));
  }
  return Status(
      ErrorCode::kMismatchedProductSku,
      fmt::format("{}, and {} cannot be converted to {}: {}", why, installed.id,
                  key.sku->primary_edition(), check.reason),
      fmt::format("Use a key for {}: {}", installed.id, LicetCommand("slmgr /ipk <key>", root)));
}

InstalledKey ToInstalledKey(const ResolvedKey& key) {
  return InstalledKey{.key = key.text,
                      .partial = std::string(key.partial()),
                      .activation_id = key.sku->activation_id,
                      .channel = key.sku->channel};
}

std::string AliasNotice(const ResolvedKey& key) {
  if (!key.via_alias || key.literal == nullptr) return {};
  return fmt::format("Note: the key as typed is a known misprint of {} ({}); that key was used.",
                     key.text, key.literal->note);
}

StatusOr<ResolvedKey> InstallProductKey(Installation& inst, std::string_view typed) {
  InstallRecord& r = inst.record();
  if (r.pending && r.pending->edition) {
    return Status(
        ErrorCode::kRestartRequired,
        fmt::format("a conversion to {} is pending; the installation is still {} until it restarts",
                    *r.pending->edition, r.edition),
        LicetCommand("restart", inst.root()));
  }
  StatusOr<ResolvedKey> key =
      CheckKeyForEdition(inst.catalog(), inst.edition(), typed, inst.root());
  if (!key.ok()) {
    LICET_RETURN_IF_ERROR(inst.Log(event_id::kProductKeyRefused, EventLevel::kWarning,
                                   std::string(key.status().message()), key.status().code()));
    return key.status();
  }
  r.key = ToInstalledKey(*key);
  r.activation.reset();  // a new key needs its own activation
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(inst.Log(
      event_id::kProductKeyInstalled, EventLevel::kInformation,
      fmt::format("Installed product key {} ({})", r.key->partial, ChannelName(r.key->channel)),
      std::nullopt, {{"activation_id", r.key->activation_id}}));
  return key;
}

Status UninstallProductKey(Installation& inst) {
  InstallRecord& r = inst.record();
  if (!r.key)
    return Status(ErrorCode::kProductKeyNotInstalled, "there is no product key to uninstall");
  const std::string partial = r.key->partial;
  r.key.reset();
  r.activation.reset();
  LICET_RETURN_IF_ERROR(inst.Save());
  return inst.Log(event_id::kProductKeyUninstalled, EventLevel::kInformation,
                  fmt::format("Uninstalled product key {}", partial));
}

Status ClearProductKeyFromRegistry(Installation& inst) {
  InstallRecord& r = inst.record();
  if (!r.key) return Status(ErrorCode::kProductKeyNotInstalled, "there is no product key to clear");
  r.key->key.clear();
  LICET_RETURN_IF_ERROR(inst.Save());
  return inst.Log(
      event_id::kProductKeyCleared, EventLevel::kInformation,
      fmt::format("Cleared product key {} from the store (partial key kept)", r.key->partial));
}

}  // namespace licet::client
