#include "restart.h"

#include <fmt/format.h>

#include "command_hint.h"
#include "licet/core/encoding.h"

namespace licet::client {

StatusOr<RestartResult> Restart(Installation& inst) {
  RestartResult result;
  InstallRecord& r = inst.record();
  const TimePoint now = inst.Now();
  if (r.pending) {
    const PendingChange pending = *r.pending;
    r.pending.reset();
    if (pending.edition) {
      const std::string from = r.edition;
      r.edition = inst.catalog().FindEdition(*pending.edition)->id;
      r.grace_started_at = now;
      r.activation.reset();
      r.key = pending.key;
      LICET_RETURN_IF_ERROR(inst.Save());
      LICET_RETURN_IF_ERROR(
          inst.Log(event_id::kEditionChangeApplied, EventLevel::kInformation,
                   fmt::format("Edition changed {} -> {}; not activated, in its grace period", from,
                               r.edition)));
      result.applied.push_back(fmt::format("Edition changed from {} to {}.", from, r.edition));
    }
    if (pending.rearm) {
      r.cmid = RandomUuid();
      r.volume.duplicate_cmid_host.clear();  // the new CMID is this machine's own
      r.evaluation_started_at = now;
      r.grace_started_at = now;
      r.activation.reset();
      LICET_RETURN_IF_ERROR(inst.Save());
      LICET_RETURN_IF_ERROR(
          inst.Log(event_id::kRearmApplied, EventLevel::kInformation,
                   fmt::format("Rearm applied: timers reset, new CMID {}", r.cmid)));
      result.applied.push_back(
          fmt::format("Rearm applied: licensing timers reset, new CMID {}.", r.cmid));
    }
  }
  if (result.applied.empty()) LICET_RETURN_IF_ERROR(inst.Save());
  LICET_RETURN_IF_ERROR(inst.NoteForcedShutdownIfDue());
  return result;
}

Status StageRearm(Installation& inst) {
  InstallRecord& r = inst.record();
  if (r.rearm_remaining <= 0) {
    return Status(ErrorCode::kRearmLimitExceeded,
                  fmt::format("this installation has used all {} of its rearms",
                              inst.catalog().policy().rearm_count),
                  fmt::format("Install a key and activate: {} then {}",
                              LicetCommand("slmgr /ipk <key>", inst.root()),
                              LicetCommand("slmgr /ato", inst.root())));
  }
  if (r.pending && r.pending->rearm) {
    return Status(ErrorCode::kRestartRequired, "a rearm is already pending",
                  LicetCommand("restart", inst.root()));
  }
  r.rearm_remaining -= 1;
  PendingChange pending = r.pending.value_or(PendingChange{});
  pending.rearm = true;
  pending.staged_at = inst.Now();
  r.pending = std::move(pending);
  LICET_RETURN_IF_ERROR(inst.Save());
  return inst.Log(event_id::kRearmStaged, EventLevel::kInformation,
                  fmt::format("Rearm staged ({} left); restart to apply", r.rearm_remaining));
}

}  // namespace licet::client
