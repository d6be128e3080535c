// File: clock.h
// Injected time. Expiry, grace periods and renewals are computed against a licet::Clock so tests
// can stand at any instant; only clock.cc reads the system clock.
//
//   licet::FakeClock clock(licet::ParseIso8601("2026-01-01T00:00:00Z").value());
//   clock.Advance(std::chrono::days(181));
//
// Thread-safety: SystemClock and OffsetClock are thread-safe; FakeClock is thread-compatible.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "licet/core/status.h"

namespace licet {

/// Wall-clock instants at one-second resolution (license times never need more).
using TimePoint = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  /// The current wall-clock time (UTC).
  [[nodiscard]] virtual TimePoint Now() const = 0;
};

/// The machine's clock. Use SystemClock::Get() rather than making one.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint Now() const override;
  [[nodiscard]] static const SystemClock& Get();
};

/// A clock that only moves when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  [[nodiscard]] TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(Seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

/// `base` shifted by a fixed offset: the lab clock (`licet lab clock advance 181d`).
/// `base` must outlive this object.
class OffsetClock final : public Clock {
 public:
  OffsetClock(const Clock& base, Seconds offset) : base_(base), offset_(offset) {}
  [[nodiscard]] TimePoint Now() const override { return base_.Now() + offset_; }

 private:
  const Clock& base_;
  Seconds offset_;
};

/// "2026-11-25T19:36:25Z".
[[nodiscard]] std::string FormatIso8601(TimePoint t);
/// "2026-11-25 19:36:25 UTC", as the CLI shows times.
[[nodiscard]] std::string FormatHuman(TimePoint t);
/// Parses "YYYY-MM-DDTHH:MM:SSZ". Errors: kInvalidArgument.
[[nodiscard]] StatusOr<TimePoint> ParseIso8601(std::string_view text);

/// Parses a lab duration: a positive integer followed by s, m, h, d or w ("181d", "90m").
/// Errors: kInvalidArgument naming what is wrong.
[[nodiscard]] StatusOr<Seconds> ParseDuration(std::string_view text);
/// "9 day(s) 23 hour(s)", "59 minute(s)": the two largest units, for humans.
[[nodiscard]] std::string FormatDurationHuman(Seconds d);

}  // namespace licet
