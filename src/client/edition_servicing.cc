#include "edition_servicing.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "backups.h"
#include "command_hint.h"
#include "key_installation.h"

namespace licet::client {
namespace {

Status CheckOptions(const SetEditionOptions& o) {
  if (o.edition.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "/Set-Edition needs an edition, e.g. /Set-Edition:ServerStandard");
  }
  if (o.mode == ServicingMode::kOnline && !o.accept_eula) {
    return Status(
        ErrorCode::kInvalidArgument,
        "changing the edition of the running installation requires accepting the license terms: "
        "add /AcceptEula");
  }
  if (o.mode == ServicingMode::kOnline && o.product_key.empty()) {
    return Status(
        ErrorCode::kInvalidArgument,
        "changing the edition of the running installation requires the new edition's key: add "
        "/ProductKey:XXXXX-XXXXX-XXXXX-XXXXX-XXXXX");
  }
  return OkStatus();
}

Status CheckPath(const Installation& inst, const std::string& target) {
  const ConversionCheck check = inst.catalog().CheckConversion(inst.record().edition, target);
  const std::string list_cmd = LicetCommand("dism /online /Get-TargetEditions", inst.root());
  switch (check.verdict) {
    case ConversionVerdict::kAllowed:
      return OkStatus();
    case ConversionVerdict::kUnknownEdition:
      return Status(ErrorCode::kUnknownEdition, check.reason, list_cmd);
    case ConversionVerdict::kSameEdition:
    case ConversionVerdict::kNotATarget:
    case ConversionVerdict::kRefused: {
      const Edition& from = inst.edition();
      const std::string targets =
          from.targets.empty() ? "none" : fmt::format("{}", fmt::join(from.targets, ", "));
      return Status(ErrorCode::kEditionNotTarget,
                    fmt::format("{} cannot be converted to {}: {}. Target editions of {}: {}",
                                from.id, target, check.reason, from.id, targets),
                    list_cmd);
    }
  }
  return OkStatus();
}

Status CheckFeaturesSurvive(const Installation& inst, const Edition& target) {
  std::vector<std::string> lost;
  for (const std::string& f : inst.record().features) {
    if (std::find(target.features.begin(), target.features.end(), f) == target.features.end())
      lost.push_back(f);
  }
  if (lost.empty()) return OkStatus();
  return Status(
      ErrorCode::kFeatureNotAllowed,
      fmt::format("{} does not allow the installed feature(s) {}; remove them before converting",
                  target.id, fmt::join(lost, ", ")));
}

// The key given to /Set-Edition must license the target edition itself.
StatusOr<ResolvedKey> CheckKeyForTarget(const Installation& inst, const Edition& target,
                                        std::string_view typed) {
  LICET_ASSIGN_OR_RETURN(ResolvedKey key, inst.catalog().ResolveKey(typed));
  if (key.sku->Licenses(target.id)) return key;
  return Status(ErrorCode::kMismatchedProductSku,
                fmt::format("{} is a {} key for {}, not for the target edition {}", key.text,
                            ChannelName(key.sku->channel), key.sku->primary_edition(), target.id),
                fmt::format("Use a {} key: {}", target.id,
                            SetEditionCommand(target.id, "<" + target.id + " key>", inst.root())));
}

}  // namespace

std::vector<const Edition*> TargetEditions(const Installation& inst) {
  std::vector<const Edition*> out;
  for (const std::string& t : inst.edition().targets) {
    if (const Edition* e = inst.catalog().FindEdition(t)) out.push_back(e);
  }
  return out;
}

StatusOr<SetEditionResult> SetEdition(Installation& inst, const SetEditionOptions& o) {
  const auto progress = [&](int pct, std::string_view step) {
    if (o.progress) o.progress(pct, step);
  };
  LICET_RETURN_IF_ERROR(CheckOptions(o));
  InstallRecord& r = inst.record();
  if (r.pending && r.pending->edition) {
    return Status(ErrorCode::kRestartRequired,
                  fmt::format("a conversion to {} is already pending; restart to complete it first",
                              *r.pending->edition),
                  LicetCommand("restart", inst.root()));
  }
  LICET_RETURN_IF_ERROR(CheckPath(inst, o.edition));
  const Edition& target = *inst.catalog().FindEdition(o.edition);
  std::optional<ResolvedKey> key;
  if (!o.product_key.empty()) {
    LICET_ASSIGN_OR_RETURN(key, CheckKeyForTarget(inst, target, o.product_key));
  }
  LICET_RETURN_IF_ERROR(CheckFeaturesSurvive(inst, target));

  SetEditionResult result{.from = r.edition,
                          .to = target.id,
                          .backup_id = {},
                          .key_notice = key ? AliasNotice(*key) : "",
                          .restart_required = o.mode == ServicingMode::kOnline};
  progress(10, "Saving a snapshot of the license store");
  LICET_ASSIGN_OR_RETURN(result.backup_id,
                         CreateBackup(inst, fmt::format("before /Set-Edition:{}", target.id)));
  progress(40,
           fmt::format("Staging edition {} ({} feature(s) kept)", target.id, r.features.size()));
  if (o.mode == ServicingMode::kOnline) {
    PendingChange pending = r.pending.value_or(PendingChange{});
    pending.edition = target.id;
    if (key) pending.key = ToInstalledKey(*key);
    pending.staged_at = inst.Now();
    pending.backup_id = result.backup_id;
    r.pending = std::move(pending);
  } else {
    r.edition = target.id;
    r.grace_started_at = inst.Now();
    r.activation.reset();
    if (key) {
      r.key = ToInstalledKey(*key);
    } else if (r.key) {
      // A key for the old edition does not license the new one; the image then needs
      // /Set-ProductKey.
      const Sku* sku = inst.catalog().FindSkuByActivationId(r.key->activation_id);
      if (sku == nullptr || !sku->Licenses(target.id)) r.key.reset();
    }
  }
  progress(80, "Writing the license store");
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(
      inst.Log(o.mode == ServicingMode::kOnline ? event_id::kEditionChangeStaged
                                                : event_id::kEditionChangedOffline,
               EventLevel::kInformation,
               o.mode == ServicingMode::kOnline
                   ? fmt::format("Edition change {} -> {} staged; it completes at the next restart",
                                 result.from, result.to)
                   : fmt::format("Offline image converted {} -> {}", result.from, result.to),
               std::nullopt, {{"backup_id", result.backup_id}}));
  progress(100, "Done");
  return result;
}

StatusOr<ResolvedKey> SetProductKeyOffline(Installation& inst, std::string_view typed) {
  LICET_ASSIGN_OR_RETURN(ResolvedKey key,
                         CheckKeyForEdition(inst.catalog(), inst.edition(), typed, inst.root()));
  inst.record().key = ToInstalledKey(key);
  inst.record().activation.reset();
  LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(
      inst.Log(event_id::kProductKeyInstalled, EventLevel::kInformation,
               fmt::format("Installed product key {} in the offline image", key.partial())));
  return key;
}

}  // namespace licet::client
