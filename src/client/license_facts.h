// From a store to the facts the state machine reads (license_state.h): the trusted time (the
// highest of the clock, store.json's mark, observed.json's mark and the token's signed issue time),
// a clock set back beyond the tolerance, tampering, and out-of-tolerance hardware. Shared by the
// CLI (Installation) and applications (the SDK), so both always compute the same state.
#pragma once

#include "install_record.h"
#include "license_integrity.h"
#include "licet/core/license_state.h"
#include "observations.h"

namespace licet::client {

/// How far behind the trusted time the clock may be before the state says it was set back
/// (kClockRolledBack). Small corrections (NTP, a resumed VM) stay below it.
inline constexpr Seconds kClockRollbackTolerance = std::chrono::hours(1);

struct FactsInput {
  const InstallRecord* record = nullptr;
  bool evaluation_edition = false;
  const IntegrityFindings* integrity = nullptr;
  const Observations* observations = nullptr;
  TimePoint clock_now{};  // the machine clock plus the lab offset
};

/// The highest time this installation has seen, from every place it is kept.
[[nodiscard]] TimePoint TrustedTime(const FactsInput& in);
/// max(clock, trusted time): the time licensing counts with.
[[nodiscard]] TimePoint LicensingNow(const FactsInput& in);

/// The facts at LicensingNow. When the hardware is beyond tolerance and observed.json has no start
/// for this activation, the out-of-tolerance grace starts now (callers that can write persist it).
[[nodiscard]] LicenseFacts BuildLicenseFacts(const FactsInput& in);

/// observed.json as it should be after this check: the trusted time raised to `now`, the
/// out-of-tolerance start recorded or cleared. Equal to `in.observations` when nothing changed.
[[nodiscard]] Observations UpdatedObservations(const FactsInput& in, TimePoint now);

}  // namespace licet::client
