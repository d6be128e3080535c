#include "licet/core/clock.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

namespace licet {
namespace {

TEST(ClockTest, Iso8601RoundTrips) {
  const StatusOr<TimePoint> t = ParseIso8601("2026-11-25T19:36:25Z");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FormatIso8601(*t), "2026-11-25T19:36:25Z");
  EXPECT_EQ(FormatHuman(*t), "2026-11-25 19:36:25 UTC");
}

// The digit-by-digit writer against fmt's formatting of the same fields, and through the parser.
TEST(ClockTest, Iso8601FormatsEveryFieldAsFmtDoes) {
  const auto by_fmt = [](TimePoint t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(t - day);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  };
  std::mt19937_64 rng(3);
  std::vector<TimePoint> times = {TimePoint{},
                                  TimePoint{Seconds{-1}},
                                  TimePoint{Seconds{253402300799}},   // 9999-12-31T23:59:59Z
                                  TimePoint{Seconds{253402300800}},   // 10000-01-01
                                  TimePoint{Seconds{-62167219200}},   // 0000-01-01
                                  TimePoint{Seconds{-62167219201}}};  // year -1
  for (int i = 0; i < 20000; ++i) {
    times.push_back(
        TimePoint{Seconds{static_cast<long long>(rng() % 300000000000ULL) - 70000000000LL}});
  }
  for (const TimePoint t : times) {
    const std::string text = FormatIso8601(t);
    ASSERT_EQ(text, by_fmt(t)) << t.time_since_epoch().count();
    const int year = static_cast<int>(
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t)).year());
    if (year >= 1 && year <= 9999) {
      const StatusOr<TimePoint> back = ParseIso8601(text);
      ASSERT_TRUE(back.ok()) << text;
      EXPECT_EQ(*back, t) << text;
    }
  }
}

TEST(ClockTest, MalformedTimesAreInvalidArgument) {
  for (const char* bad :
       {"", "2026-11-25", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z",
        "2026-11-25T19:36:25", "2026-11-25 19:36:25Z", "20x6-11-25T19:36:25Z"}) {
    EXPECT_EQ(ParseIso8601(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(ClockTest, DurationsParseWithUnits) {
  EXPECT_EQ(*ParseDuration("181d"), std::chrono::days(181));
  EXPECT_EQ(*ParseDuration("90m"), std::chrono::minutes(90));
  EXPECT_EQ(*ParseDuration("2w"), std::chrono::days(14));
  EXPECT_EQ(*ParseDuration("12h"), std::chrono::hours(12));
  EXPECT_EQ(*ParseDuration("30s"), Seconds(30));
}

TEST(ClockTest, BadDurationsAreInvalidArgument) {
  for (const char* bad : {"", "d", "181", "-5d", "0d", "1.5d", "10y", "99999999999999d", "181dd"}) {
    EXPECT_EQ(ParseDuration(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(ClockTest, FakeAndOffsetClocks) {
  FakeClock fake(*ParseIso8601("2026-01-01T00:00:00Z"));
  fake.Advance(std::chrono::days(1));
  EXPECT_EQ(FormatIso8601(fake.Now()), "2026-01-02T00:00:00Z");
  const OffsetClock lab(fake, std::chrono::days(181));
  EXPECT_EQ(FormatIso8601(lab.Now()), "2026-07-02T00:00:00Z");
}

TEST(ClockTest, HumanDurations) {
  EXPECT_EQ(FormatDurationHuman(std::chrono::days(10)), "10 day(s) 0 hour(s)");
  EXPECT_EQ(FormatDurationHuman(std::chrono::minutes(59)), "59 minute(s)");
  EXPECT_EQ(FormatDurationHuman(Seconds(-5)), "0 minute(s)");
}

}  // namespace
}  // namespace licet
