#include "licet/core/clock.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>

#include "licet/core/quote.h"

namespace licet {

TimePoint SystemClock::Now() const {
  return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
}

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

// Written digit by digit: fmt's formatting of six fields cost a license token's signing more
// than its SHA-512 (bench/RESULTS.md).
std::string FormatIso8601(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside what four digits hold: fmt's form, sign and all
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year,
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  }
  std::string out = "0000-00-00T00:00:00Z";
  const auto put = [&out](std::size_t end, long long value) {  // digits ending before `end`
    for (std::size_t i = end; value != 0; value /= 10)
      out[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, year);
  put(7, static_cast<unsigned>(ymd.month()));
  put(10, static_cast<unsigned>(ymd.day()));
  put(13, hms.hours().count());
  put(16, hms.minutes().count());
  put(19, hms.seconds().count());
  return out;
}

std::string FormatHuman(TimePoint t) {
  std::string iso = FormatIso8601(t);
  iso[10] = ' ';
  iso.back() = ' ';
  return iso + "UTC";
}

namespace {

// Parses exactly `width` decimal digits at `pos`; returns -1 on failure.
int ParseFixed(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

StatusOr<TimePoint> ParseIso8601(std::string_view text) {
  // Built only on failure: stores hold a dozen times, each parsed at every application start.
  const auto bad = [text] {
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is not a UTC time of the form 2026-01-31T23:59:59Z", QuoteInput(text)));
  };
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return bad();
  }
  const int year = ParseFixed(text, 0, 4), month = ParseFixed(text, 5, 2),
            day = ParseFixed(text, 8, 2);
  const int hour = ParseFixed(text, 11, 2), minute = ParseFixed(text, 14, 2),
            second = ParseFixed(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return bad();
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return bad();
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + Seconds(second);
}

StatusOr<Seconds> ParseDuration(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a duration ({}); write e.g. 181d, 12h, 90m, 2w",
                              QuoteInput(text), why));
  };
  if (text.size() < 2) return bad("too short");
  long long count = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [ptr, ec] = std::from_chars(text.data(), end, count);
  if (ec != std::errc() || ptr != end) return bad("the number is not a whole number");
  if (count <= 0) return bad("it must be positive");
  if (count > 100LL * 365 * 86400) return bad("it is longer than a century");
  long long unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7LL * 86400;
      break;
    default:
      return bad("the unit must be s, m, h, d or w");
  }
  if (count > 100LL * 365 * 86400 / unit) return bad("it is longer than a century");
  return Seconds(count * unit);
}

std::string FormatDurationHuman(Seconds d) {
  long long s = d.count();
  if (s < 0) s = 0;
  const long long days = s / 86400, hours = (s % 86400) / 3600, minutes = (s % 3600) / 60;
  if (days > 0) return fmt::format("{} day(s) {} hour(s)", days, hours);
  if (hours > 0) return fmt::format("{} hour(s) {} minute(s)", hours, minutes);
  return fmt::format("{} minute(s)", minutes);
}

}  // namespace licet
