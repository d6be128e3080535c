#include "doctor.h"

#include <fmt/format.h>

#include "command_hint.h"
#include "hardware_probe.h"

namespace licet::client {
namespace {

using std::chrono::days;

// The command that moves an installation of `edition` onto a licensed edition.
std::string ConvertFix(const Installation& inst) {
  const Edition& e = inst.edition();
  const std::string target = e.targets.empty() ? "<edition>" : e.targets.front();
  return SetEditionCommand(target, "<key>", inst.root());
}

Finding StateFinding(const Installation& inst) {
  const LicenseState s = inst.State();
  const TimePoint now = inst.Now();
  const std::filesystem::path& root = inst.root();
  const std::string left = FormatDurationHuman(s.Remaining(now));
  const bool gvlk = inst.record().key && inst.record().key->channel == Channel::kVolumeGvlk;
  const std::string activate = gvlk ? LicetCommand("slmgr /skms <host>[:port]", root) + " then " +
                                          LicetCommand("slmgr /ato", root)
                                    : LicetCommand("slmgr /ato", root) +
                                          " (no network: " + LicetCommand("slui 4", root) + ")";
  switch (s.status) {
    case LicenseStatus::kLicensed:
      if (s.evaluation_end && s.Remaining(now) < days(30)) {
        return {Severity::kWarning,
                fmt::format("the evaluation ends in {} ({})", left, FormatHuman(*s.ends)),
                ConvertFix(inst)};
      }
      if (s.evaluation_end) {
        return {Severity::kInfo,
                fmt::format("evaluation edition: {} left; convert before it ends", left),
                ConvertFix(inst)};
      }
      return {Severity::kOk, "licensed: " + s.explanation, ""};
    case LicenseStatus::kInitialGrace:
      return {Severity::kWarning, fmt::format("not activated: {} of grace left", left), activate};
    case LicenseStatus::kNotification:
      if (s.reason == ErrorCode::kValidityPeriodExpired) {
        return {Severity::kProblem,
                fmt::format("{} ({}): reduced functionality, forced shutdowns", s.explanation,
                            FormatCode(s.reason)),
                ConvertFix(inst)};
      }
      return {Severity::kProblem, fmt::format("{} ({})", s.explanation, FormatCode(s.reason)),
              activate};
    case LicenseStatus::kUnlicensed:
      return {Severity::kProblem, "no product key is installed (0xC004F014)",
              LicetCommand("slmgr /ipk <key>", root)};
    default:
      return {Severity::kWarning,
              fmt::format("{}: {}", LicenseStatusLabel(s.status), s.explanation), activate};
  }
}

// Tampering, hardware changes since activation, and what the machine runs in.
void AddIntegrityFindings(const Installation& inst, std::vector<Finding>& out) {
  const IntegrityFindings& f = inst.integrity();
  const std::filesystem::path& root = inst.root();
  if (f.tampering) {
    out.push_back({Severity::kProblem,
                   fmt::format("{} ({} {})", f.tampering_detail, FormatCode(*f.tampering),
                               LookupError(*f.tampering).symbol),
                   *f.tampering == ErrorCode::kStoreTampered
                       ? fmt::format("{} then {} (or reinstall)", LicetCommand("backup list", root),
                                     LicetCommand("backup restore ID", root))
                       : LicetCommand("slmgr /ato", root)});
  }
  if (f.hardware && !f.hardware->changed.empty()) {
    std::string names;
    for (const HardwareComponent c : f.hardware->changed)
      names += (names.empty() ? "" : ", ") + std::string(HardwareComponentDescription(c));
    const bool beyond = f.hardware->verdict == HardwareVerdict::kOutOfTolerance;
    out.push_back(
        {beyond ? Severity::kProblem : Severity::kInfo,
         fmt::format("the hardware changed since activation: {}; {} of {} of the binding's weight "
                     "still matches ({}: at least half keeps the activation)",
                     names, f.hardware->matched_weight, f.hardware->bound_weight,
                     beyond ? "beyond tolerance, 0xC004F00F" : "within tolerance"),
         beyond ? LicetCommand("slmgr /ato", root) : ""});
  }
  const Virtualization v = DetectVirtualization();
  if (!v.virtual_machine.empty()) {
    out.push_back({Severity::kInfo,
                   fmt::format("this machine is a virtual machine ({}): a copied disk image is "
                               "a copied installation; generalize images before cloning",
                               v.virtual_machine),
                   ""});
  }
  if (!v.container.empty()) {
    out.push_back({Severity::kInfo,
                   fmt::format("this installation runs in a container ({}): its machine ID and "
                               "network addresses may change when the container is recreated",
                               v.container),
                   ""});
  }
}

}  // namespace

std::vector<Finding> Diagnose(const Installation& inst) {
  std::vector<Finding> out;
  const InstallRecord& r = inst.record();
  const std::filesystem::path& root = inst.root();
  out.push_back({Severity::kOk,
                 fmt::format("catalog {} verified (signed by {})", inst.catalog().product().id,
                             r.vendor_key_id),
                 ""});
  if (r.pending && r.pending->edition) {
    out.push_back({Severity::kWarning,
                   fmt::format("a conversion {} -> {} is pending until the installation restarts",
                               r.edition, *r.pending->edition),
                   LicetCommand("restart", root)});
  }
  if (r.pending && r.pending->rearm) {
    out.push_back({Severity::kWarning, "a rearm is pending until the installation restarts",
                   LicetCommand("restart", root)});
  }
  out.push_back(StateFinding(inst));
  if (inst.edition().evaluation && r.rearm_remaining == 0) {
    out.push_back({Severity::kWarning,
                   "no rearms are left: the evaluation cannot be extended again",
                   ConvertFix(inst)});
  }
  if (r.key && r.key->key.empty()) {
    out.push_back({Severity::kInfo,
                   fmt::format("the full product key was cleared (/cpky); partial key {} kept",
                               r.key->partial),
                   ""});
  }
  if (!r.volume.duplicate_cmid_host.empty()) {
    out.push_back(
        {Severity::kProblem,
         fmt::format("the volume host {} saw this installation's CMID {} on another machine: the "
                     "image was cloned without being generalized, so this machine does not raise "
                     "the host's count",
                     r.volume.duplicate_cmid_host, r.cmid),
         fmt::format("{}, then {}, then {}", LicetCommand("slmgr /rearm", root),
                     LicetCommand("restart", root), LicetCommand("slmgr /ato", root))});
  }
  if (r.key && r.key->channel == Channel::kVolumeGvlk && !r.volume.last_result.empty() &&
      r.volume.last_result != FormatCode(ErrorCode::kOk)) {
    out.push_back({Severity::kWarning,
                   fmt::format("the last volume activation request failed with {} (events 12288 "
                               "and 12289 say why, host by host)",
                               r.volume.last_result),
                   LicetCommand("events --id 12288", root)});
  }
  const TimePoint clock = inst.ClockNow();
  const TimePoint trusted = inst.TrustedTime();
  if (clock + kClockRollbackTolerance < trusted) {
    out.push_back(
        {Severity::kProblem,
         fmt::format("the clock ({}) is {} behind the trusted time ({}): it was set back ({}); "
                     "licensing keeps counting from the trusted time, so no evaluation or grace "
                     "period gets longer",
                     FormatHuman(clock), FormatDurationHuman(trusted - clock), FormatHuman(trusted),
                     FormatCode(ErrorCode::kClockRolledBack)),
         "Synchronise the clock (NTP), e.g. timedatectl set-ntp true"});
  } else if (clock + std::chrono::minutes(5) < trusted) {
    out.push_back({Severity::kWarning,
                   fmt::format("the clock ({}) is slightly behind the trusted time ({})",
                               FormatHuman(clock), FormatHuman(trusted)),
                   "Synchronise the clock (NTP), e.g. timedatectl set-ntp true"});
  }
  AddIntegrityFindings(inst, out);
  if (r.lab_clock_offset_seconds != 0) {
    out.push_back({Severity::kInfo,
                   fmt::format("the lab clock is {} ahead of the machine clock",
                               FormatDurationHuman(Seconds(r.lab_clock_offset_seconds))),
                   ""});
  }
  return out;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kOk:
      return "ok";
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kProblem:
      return "problem";
  }
  return "ok";
}

}  // namespace licet::client
