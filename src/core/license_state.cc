#include "licet/core/license_state.h"

#include <fmt/format.h>

namespace licet {
namespace {

using std::chrono::days;
using std::chrono::minutes;

LicenseState Notification(ErrorCode reason, Enforcement enforcement, const Policy& policy,
                          std::string why) {
  LicenseState s;
  s.status = LicenseStatus::kNotification;
  s.reason = reason;
  s.enforcement = enforcement;
  if (enforcement == Enforcement::kForcedShutdown) {
    s.shutdown_interval = minutes(policy.forced_shutdown_interval_minutes);
    why += fmt::format("; the installation shuts down every {} minutes",
                       policy.forced_shutdown_interval_minutes);
  }
  s.explanation = std::move(why);
  return s;
}

LicenseState Timed(LicenseStatus status, ErrorCode reason, TimePoint ends, std::string why) {
  LicenseState s;
  s.status = status;
  s.reason = reason;
  s.ends = ends;
  s.explanation = std::move(why);
  return s;
}

// Out-of-tolerance grace that started at `since`, then Notification.
LicenseState OutOfTolerance(TimePoint since, ErrorCode expired_reason, const Policy& policy,
                            TimePoint now, std::string_view why) {
  const TimePoint end = since + days(policy.out_of_tolerance_grace_days);
  if (now < end) {
    return Timed(LicenseStatus::kOutOfToleranceGrace, ErrorCode::kOotGracePeriod, end,
                 fmt::format("{}; re-activate before {}", why, FormatHuman(end)));
  }
  return Notification(
      expired_reason, policy.notification_enforcement, policy,
      fmt::format("{} and the out-of-tolerance grace ended on {}", why, FormatHuman(end)));
}

}  // namespace

Seconds LicenseState::Remaining(TimePoint now) const {
  if (!ends || *ends <= now) return Seconds(0);
  return *ends - now;
}

namespace {

LicenseState EvaluateIgnoringClock(const LicenseFacts& facts, const Policy& policy, TimePoint now) {
  if (facts.tampering) {
    return Notification(*facts.tampering, policy.notification_enforcement, policy,
                        facts.tampering_detail.empty()
                            ? std::string(LookupError(*facts.tampering).message)
                            : facts.tampering_detail);
  }
  if (facts.non_genuine_since) {
    const TimePoint end = *facts.non_genuine_since + days(policy.non_genuine_grace_days);
    if (now < end) {
      return Timed(LicenseStatus::kNonGenuineGrace, ErrorCode::kNonGenuineGracePeriod, end,
                   "the license store failed its integrity check");
    }
    return Notification(
        ErrorCode::kNonGenuine, policy.notification_enforcement, policy,
        "the license store failed its integrity check and the non-genuine grace ended");
  }
  if (facts.evaluation_edition) {
    const TimePoint end = facts.evaluation_start + days(policy.evaluation_days);
    LicenseState s =
        now < end ? Timed(LicenseStatus::kLicensed, ErrorCode::kTimeBasedValidityPeriod, end,
                          fmt::format("evaluation running until {}", FormatHuman(end)))
                  : Notification(
                        ErrorCode::kValidityPeriodExpired, policy.evaluation_expired_enforcement,
                        policy, fmt::format("the evaluation period ended on {}", FormatHuman(end)));
    s.evaluation_end = end;
    return s;
  }
  if (facts.activation) {
    if (facts.out_of_tolerance_since) {
      std::string why = "the hardware changed beyond the activation's tolerance";
      if (!facts.out_of_tolerance_detail.empty()) why += " (" + facts.out_of_tolerance_detail + ")";
      return OutOfTolerance(*facts.out_of_tolerance_since, ErrorCode::kOutOfTolerance, policy, now,
                            why);
    }
    if (*facts.activation == ActivationLifetime::kPermanent) {
      LicenseState s;
      s.status = LicenseStatus::kLicensed;
      s.explanation = "activated permanently";
      return s;
    }
    if (now < facts.activation_expires) {
      return Timed(LicenseStatus::kLicensed, ErrorCode::kOk, facts.activation_expires,
                   fmt::format("activated until {} (renewed automatically)",
                               FormatHuman(facts.activation_expires)));
    }
    return OutOfTolerance(
        facts.activation_expires, ErrorCode::kGraceTimeExpired, policy, now,
        fmt::format("the volume activation expired on {}", FormatHuman(facts.activation_expires)));
  }
  if (facts.extended_grace_until && now < *facts.extended_grace_until) {
    return Timed(LicenseStatus::kExtendedGrace, ErrorCode::kExtendedGracePeriod,
                 *facts.extended_grace_until, "the vendor extended the grace period");
  }
  if (!facts.key_installed) {
    LicenseState s;
    s.status = LicenseStatus::kUnlicensed;
    s.reason = ErrorCode::kProductKeyNotInstalled;
    s.explanation = "no product key is installed";
    return s;
  }
  const TimePoint grace_end = facts.grace_start + days(policy.initial_grace_days);
  if (now < grace_end) {
    return Timed(LicenseStatus::kInitialGrace, ErrorCode::kOobGracePeriod, grace_end,
                 fmt::format("not activated; the grace period ends on {}", FormatHuman(grace_end)));
  }
  return Notification(
      ErrorCode::kGraceTimeExpired, policy.notification_enforcement, policy,
      fmt::format("not activated and the grace period ended on {}", FormatHuman(grace_end)));
}

}  // namespace

LicenseState EvaluateLicense(const LicenseFacts& facts, const Policy& policy, TimePoint now) {
  LicenseState s = EvaluateIgnoringClock(facts, policy, now);
  if (facts.clock_set_back_by && s.ends && !facts.tampering) {
    s.reason = ErrorCode::kClockRolledBack;
    s.explanation += fmt::format(
        "; the clock was set back {} behind the trusted time, which licensing keeps counting from",
        FormatDurationHuman(*facts.clock_set_back_by));
  }
  return s;
}

std::string_view LicenseStatusLabel(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kUnlicensed:
      return "Unlicensed";
    case LicenseStatus::kLicensed:
      return "Licensed";
    case LicenseStatus::kInitialGrace:
      return "Initial grace period";
    case LicenseStatus::kOutOfToleranceGrace:
      return "Additional grace period (volume license expired or hardware out of tolerance)";
    case LicenseStatus::kNonGenuineGrace:
      return "Non-genuine grace period";
    case LicenseStatus::kNotification:
      return "Notification";
    case LicenseStatus::kExtendedGrace:
      return "Extended grace period";
  }
  return "Unlicensed";
}

std::string_view LicenseStatusId(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kUnlicensed:
      return "unlicensed";
    case LicenseStatus::kLicensed:
      return "licensed";
    case LicenseStatus::kInitialGrace:
      return "initial_grace";
    case LicenseStatus::kOutOfToleranceGrace:
      return "out_of_tolerance_grace";
    case LicenseStatus::kNonGenuineGrace:
      return "non_genuine_grace";
    case LicenseStatus::kNotification:
      return "notification";
    case LicenseStatus::kExtendedGrace:
      return "extended_grace";
  }
  return "unlicensed";
}

std::string_view CoarseStatusId(CoarseStatus status) {
  switch (status) {
    case CoarseStatus::kUnlicensed:
      return "unlicensed";
    case CoarseStatus::kLicensed:
      return "licensed";
    case CoarseStatus::kGrace:
      return "grace";
    case CoarseStatus::kNotification:
      return "notification";
  }
  return "unlicensed";
}

CoarseStatus ToCoarse(LicenseStatus status) {
  switch (status) {
    case LicenseStatus::kLicensed:
      return CoarseStatus::kLicensed;
    case LicenseStatus::kNotification:
      return CoarseStatus::kNotification;
    case LicenseStatus::kUnlicensed:
      return CoarseStatus::kUnlicensed;
    default:
      return CoarseStatus::kGrace;
  }
}

}  // namespace licet
