#include "licet/core/license_state.h"

#include <gtest/gtest.h>

namespace licet {
namespace {

using std::chrono::days;
using std::chrono::minutes;

const TimePoint kT0 = *ParseIso8601("2026-01-01T00:00:00Z");

LicenseFacts Evaluation() {
  LicenseFacts f;
  f.evaluation_edition = true;
  f.evaluation_start = kT0;
  return f;
}

LicenseFacts ConvertedNotActivated() {
  LicenseFacts f;
  f.grace_start = kT0;
  f.key_installed = true;
  return f;
}

TEST(LicenseStateTest, EvaluationIsLicensedFor180Days) {
  const Policy p;
  const LicenseState s = EvaluateLicense(Evaluation(), p, kT0 + days(179));
  EXPECT_EQ(s.status, LicenseStatus::kLicensed);
  EXPECT_EQ(s.reason, ErrorCode::kTimeBasedValidityPeriod);
  EXPECT_EQ(s.Remaining(kT0 + days(179)), days(1));
  ASSERT_TRUE(s.evaluation_end.has_value());
  EXPECT_EQ(*s.evaluation_end, kT0 + days(180));
  EXPECT_EQ(s.enforcement, Enforcement::kNone);
}

TEST(LicenseStateTest, ExpiredEvaluationIsNotificationWithHourlyShutdown) {
  const Policy p;
  const LicenseState s = EvaluateLicense(Evaluation(), p, kT0 + days(181));
  EXPECT_EQ(s.status, LicenseStatus::kNotification);
  EXPECT_EQ(s.reason, ErrorCode::kValidityPeriodExpired);
  EXPECT_EQ(s.enforcement, Enforcement::kForcedShutdown);
  EXPECT_EQ(s.shutdown_interval, minutes(60));
  EXPECT_EQ(s.coarse(), CoarseStatus::kNotification);
}

TEST(LicenseStateTest, ConvertedInstallationHasTenDaysOfGrace) {
  const Policy p;
  const LicenseState s = EvaluateLicense(ConvertedNotActivated(), p, kT0 + days(3));
  EXPECT_EQ(s.status, LicenseStatus::kInitialGrace);
  EXPECT_EQ(s.reason, ErrorCode::kOobGracePeriod);
  EXPECT_EQ(s.Remaining(kT0 + days(3)), days(7));
  EXPECT_EQ(s.coarse(), CoarseStatus::kGrace);
}

TEST(LicenseStateTest, GraceExpiryIsNotificationGraceTimeExpired) {
  const Policy p;
  const LicenseState s = EvaluateLicense(ConvertedNotActivated(), p, kT0 + days(10));
  EXPECT_EQ(s.status, LicenseStatus::kNotification);
  EXPECT_EQ(s.reason, ErrorCode::kGraceTimeExpired);
  EXPECT_EQ(s.enforcement, Enforcement::kForcedShutdown);
}

TEST(LicenseStateTest, NagPolicyDoesNotShutDown) {
  Policy p;
  p.notification_enforcement = Enforcement::kNag;
  const LicenseState s = EvaluateLicense(ConvertedNotActivated(), p, kT0 + days(11));
  EXPECT_EQ(s.enforcement, Enforcement::kNag);
  EXPECT_EQ(s.shutdown_interval, Seconds(0));
}

TEST(LicenseStateTest, NoKeyIsUnlicensed) {
  LicenseFacts f = ConvertedNotActivated();
  f.key_installed = false;
  const LicenseState s = EvaluateLicense(f, Policy{}, kT0);
  EXPECT_EQ(s.status, LicenseStatus::kUnlicensed);
  EXPECT_EQ(s.reason, ErrorCode::kProductKeyNotInstalled);
}

TEST(LicenseStateTest, PermanentActivationIsLicensedForever) {
  LicenseFacts f = ConvertedNotActivated();
  f.activation = ActivationLifetime::kPermanent;
  const LicenseState s = EvaluateLicense(f, Policy{}, kT0 + days(5000));
  EXPECT_EQ(s.status, LicenseStatus::kLicensed);
  EXPECT_FALSE(s.ends.has_value());
}

TEST(LicenseStateTest, ExpiredVolumeActivationGoesOutOfToleranceThenNotification) {
  LicenseFacts f = ConvertedNotActivated();
  f.activation = ActivationLifetime::kExpiring;
  f.activation_expires = kT0 + days(180);
  EXPECT_EQ(EvaluateLicense(f, Policy{}, kT0 + days(100)).status, LicenseStatus::kLicensed);
  const LicenseState oot = EvaluateLicense(f, Policy{}, kT0 + days(190));
  EXPECT_EQ(oot.status, LicenseStatus::kOutOfToleranceGrace);
  EXPECT_EQ(oot.reason, ErrorCode::kOotGracePeriod);
  EXPECT_EQ(*oot.ends, kT0 + days(210));
  const LicenseState late = EvaluateLicense(f, Policy{}, kT0 + days(211));
  EXPECT_EQ(late.status, LicenseStatus::kNotification);
  EXPECT_EQ(late.reason, ErrorCode::kGraceTimeExpired);
}

TEST(LicenseStateTest, HardwareOutOfToleranceUsesItsOwnReason) {
  LicenseFacts f = ConvertedNotActivated();
  f.activation = ActivationLifetime::kPermanent;
  f.out_of_tolerance_since = kT0;
  EXPECT_EQ(EvaluateLicense(f, Policy{}, kT0 + days(1)).status,
            LicenseStatus::kOutOfToleranceGrace);
  EXPECT_EQ(EvaluateLicense(f, Policy{}, kT0 + days(31)).reason, ErrorCode::kOutOfTolerance);
}

TEST(LicenseStateTest, NonGenuineOverridesEverything) {
  LicenseFacts f = Evaluation();
  f.non_genuine_since = kT0;
  const LicenseState s = EvaluateLicense(f, Policy{}, kT0 + days(1));
  EXPECT_EQ(s.status, LicenseStatus::kNonGenuineGrace);
  EXPECT_EQ(s.reason, ErrorCode::kNonGenuineGracePeriod);
  EXPECT_EQ(EvaluateLicense(f, Policy{}, kT0 + days(31)).reason, ErrorCode::kNonGenuine);
}

TEST(LicenseStateTest, VendorExtensionIsExtendedGrace) {
  LicenseFacts f = ConvertedNotActivated();
  f.extended_grace_until = kT0 + days(40);
  const LicenseState s = EvaluateLicense(f, Policy{}, kT0 + days(20));
  EXPECT_EQ(s.status, LicenseStatus::kExtendedGrace);
  EXPECT_EQ(s.reason, ErrorCode::kExtendedGracePeriod);
  EXPECT_EQ(EvaluateLicense(f, Policy{}, kT0 + days(41)).status, LicenseStatus::kNotification);
}

TEST(LicenseStateTest, LabelsFollowSlmgr) {
  EXPECT_EQ(LicenseStatusLabel(LicenseStatus::kInitialGrace), "Initial grace period");
  EXPECT_EQ(LicenseStatusId(LicenseStatus::kOutOfToleranceGrace), "out_of_tolerance_grace");
  EXPECT_EQ(static_cast<int>(LicenseStatus::kExtendedGrace), 6);
}

}  // namespace
}  // namespace licet
