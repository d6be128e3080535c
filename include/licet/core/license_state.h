// File: license_state.h
// The license state machine: the seven SPP states, computed from facts about an installation and
// the clock, never stored. The same function serves the CLI, the SDK and the tests.
//
//   licet::LicenseState s = licet::EvaluateLicense(facts, catalog.policy(), clock.Now());
//   if (s.status == licet::LicenseStatus::kNotification) { /* apply s.enforcement */ }
//
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "licet/core/catalog.h"
#include "licet/core/channel.h"
#include "licet/core/clock.h"
#include "licet/core/error_code.h"

namespace licet {

/// WMI LicenseStatus values, in their documented order.
enum class LicenseStatus {
  kUnlicensed = 0,
  kLicensed = 1,
  kInitialGrace = 2,
  kOutOfToleranceGrace = 3,
  kNonGenuineGrace = 4,
  kNotification = 5,
  kExtendedGrace = 6,
};

/// The coarse view an application acts on.
enum class CoarseStatus { kUnlicensed, kLicensed, kGrace, kNotification };

/// slmgr's label: "Licensed", "Initial grace period", ...
[[nodiscard]] std::string_view LicenseStatusLabel(LicenseStatus status);
/// Machine name for JSON: "licensed", "initial_grace", ...
[[nodiscard]] std::string_view LicenseStatusId(LicenseStatus status);
[[nodiscard]] std::string_view CoarseStatusId(CoarseStatus status);
[[nodiscard]] CoarseStatus ToCoarse(LicenseStatus status);

/// How an activation was obtained, as far as lifetime is concerned.
enum class ActivationLifetime { kPermanent, kExpiring };

/// Everything the state depends on, independent of how it is stored.
struct LicenseFacts {
  bool evaluation_edition = false;
  TimePoint evaluation_start{};  // evaluation editions: start of the current evaluation period
  TimePoint grace_start{};       // non-evaluation editions: start of the initial grace
  bool key_installed = false;
  std::optional<ActivationLifetime> activation;     // absent: not activated
  TimePoint activation_expires{};                   // for kExpiring
  std::optional<TimePoint> out_of_tolerance_since;  // hardware beyond tolerance
  std::string out_of_tolerance_detail;              // which components changed, for people
  std::optional<TimePoint> non_genuine_since;       // store integrity failed
  std::optional<TimePoint> extended_grace_until;    // vendor-granted extension
  /// Set when the store or its token is not genuine (kStoreTampered, kTokenForeignInstallation,
  /// kTokenForeignMachine): Notification with that reason, whatever else the store says.
  std::optional<ErrorCode> tampering;
  std::string tampering_detail;
  /// Set when the machine clock runs behind the trusted time by more than the tolerance: a timed
  /// state (evaluation, grace, volume expiry) then names kClockRolledBack as its reason.
  std::optional<Seconds> clock_set_back_by;
};

struct LicenseState {
  LicenseStatus status = LicenseStatus::kUnlicensed;
  /// Why: an informational SL_I_* code while things run, an SL_E_* code once they stop.
  ErrorCode reason = ErrorCode::kOk;
  /// When the current status ends (grace end, evaluation end, activation expiry); none if it does
  /// not.
  std::optional<TimePoint> ends;
  /// Set for evaluation editions.
  std::optional<TimePoint> evaluation_end;
  Enforcement enforcement = Enforcement::kNone;
  /// For kForcedShutdown: the application shuts down this often.
  Seconds shutdown_interval{0};
  /// One sentence in the administrator's terms.
  std::string explanation;

  [[nodiscard]] CoarseStatus coarse() const { return ToCoarse(status); }
  /// Time left in the current status (zero when it has ended or never ends).
  [[nodiscard]] Seconds Remaining(TimePoint now) const;
};

/// Computes the state at `now` (the trusted time). Order of precedence: tampering, non-genuine,
/// evaluation timer, activation (with out-of-tolerance), vendor extension, missing key, initial
/// grace; then a clock set back renames the reason of a timed state.
[[nodiscard]] LicenseState EvaluateLicense(const LicenseFacts& facts, const Policy& policy,
                                           TimePoint now);

}  // namespace licet
