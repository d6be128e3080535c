#include "restart.h"

#include <gtest/gtest.h>

#include "backups.h"
#include "client_test_util.h"
#include "doctor.h"

namespace licet::client {
namespace {

using std::chrono::days;
using testing::kStart;
using testing::MustCreate;
using testing::TempRoot;

TEST(RearmTest, RearmRenewsCmidAndRestartsTheEvaluationAtRestart) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const std::string cmid = inst.record().cmid;
  clock.Advance(days(170));
  ASSERT_TRUE(StageRearm(inst).ok());
  EXPECT_EQ(inst.record().rearm_remaining, 5);
  EXPECT_EQ(inst.record().cmid, cmid) << "applied only at restart";
  ASSERT_TRUE(Restart(inst).ok());
  EXPECT_NE(inst.record().cmid, cmid);
  EXPECT_EQ(inst.State().Remaining(inst.Now()), days(180));
}

TEST(RearmTest, NoRearmLeftIs0xC004D307) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(StageRearm(inst).ok()) << i;
    ASSERT_TRUE(Restart(inst).ok());
  }
  const Status s = StageRearm(inst);
  EXPECT_EQ(s.code(), ErrorCode::kRearmLimitExceeded);
  EXPECT_NE(s.remedy().find("slmgr /ipk"), std::string_view::npos);
}

TEST(RearmTest, RestoringABackupDoesNotGiveRearmsBack) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const StatusOr<std::string> id = CreateBackup(inst, "test");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(StageRearm(inst).ok());
  ASSERT_TRUE(Restart(inst).ok());
  ASSERT_TRUE(RestoreBackup(inst, *id).ok());
  EXPECT_EQ(inst.record().rearm_remaining, 5);
  EXPECT_EQ(RestoreBackup(inst, "42").status().code(), ErrorCode::kNotFound);
}

TEST(RestartTest, ExpiredEvaluationLogsEvent100OncePerInterval) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  clock.Advance(days(181));
  ASSERT_TRUE(Restart(inst).ok());
  ASSERT_TRUE(Restart(inst).ok());  // same hour: no second notice
  clock.Advance(std::chrono::minutes(61));
  ASSERT_TRUE(Restart(inst).ok());
  int notices = 0;
  const std::vector<Event> events = *ReadEvents(inst.events_path());
  for (const Event& e : events) notices += e.id == event_id::kEvaluationExpiredShutdown;
  EXPECT_EQ(notices, 2);
  EXPECT_EQ(inst.State().status, LicenseStatus::kNotification);
  EXPECT_EQ(inst.State().enforcement, Enforcement::kForcedShutdown);
}

TEST(LabTest, LabClockIsRefusedOnVendorCatalogs) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "Trial", {}, "acme-studio");
  EXPECT_EQ(AdvanceLabClock(inst, days(31)).code(), ErrorCode::kNotLabCatalog);
  EXPECT_EQ(MintLabKey(inst.catalog(), "Pro", Channel::kRetail).status().code(),
            ErrorCode::kNotLabCatalog);
}

TEST(LabTest, LabClockMovesTheStateAndPersists) {
  TempRoot root;
  FakeClock clock(kStart);
  {
    Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
    ASSERT_TRUE(AdvanceLabClock(inst, days(181)).ok());
  }
  Installation inst = testing::MustOpen(root.path(), clock);
  EXPECT_EQ(inst.State().reason, ErrorCode::kValidityPeriodExpired);
  ASSERT_TRUE(ResetLabClock(inst).ok());
  EXPECT_EQ(inst.State().status, LicenseStatus::kLicensed);
}

TEST(DoctorTest, NamesPendingRestartAndExpiredEvaluationWithFixes) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  ASSERT_TRUE(StageRearm(inst).ok());
  clock.Advance(days(200));
  bool restart = false, convert = false;
  for (const Finding& f : Diagnose(inst)) {
    restart = restart || (f.severity == Severity::kWarning &&
                          f.fix.find("licet restart") != std::string::npos);
    convert = convert || (f.severity == Severity::kProblem &&
                          f.fix.find("/Set-Edition:ServerStandard") != std::string::npos);
  }
  EXPECT_TRUE(restart);
  EXPECT_TRUE(convert);
}

TEST(DoctorTest, ClockSetBackIsReported) {
  TempRoot root;
  FakeClock clock(kStart + days(10));
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  clock.Set(kStart);
  bool found = false;
  for (const Finding& f : Diagnose(inst))
    found = found || f.what.find("set back") != std::string::npos;
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace licet::client
