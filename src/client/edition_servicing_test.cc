#include "edition_servicing.h"

#include <gtest/gtest.h>

#include "backups.h"
#include "client_test_util.h"
#include "restart.h"

namespace licet::client {
namespace {

using std::chrono::days;
using testing::Contains;
using testing::kStart;
using testing::LabKey;
using testing::MustCreate;
using testing::TempRoot;

TEST(EditionServicingTest, TargetsFollowTheCatalog) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  std::vector<std::string> ids;
  for (const Edition* e : TargetEditions(inst)) ids.push_back(e->id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"ServerStandard", "ServerDatacenter", "ServerStandardCor"}));
}

TEST(EditionServicingTest, OnlineConversionWaitsForRestartThenStartsGrace) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst =
      MustCreate(root.path(), clock, "ServerStandardEval", {"AD-DS", "Hyper-V", "IIS"});
  const std::string key = LabKey(inst.catalog(), "ServerStandard", Channel::kVolumeMak);
  std::vector<int> progress;
  StatusOr<SetEditionResult> r =
      SetEdition(inst, {.edition = "serverstandard",
                        .product_key = key,
                        .accept_eula = true,
                        .progress = [&](int pct, std::string_view) { progress.push_back(pct); }});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->restart_required);
  EXPECT_EQ(progress.back(), 100);
  EXPECT_EQ(inst.record().edition, "ServerStandardEval") << "online changes wait for the restart";
  EXPECT_EQ(*inst.record().pending->edition, "ServerStandard");
  clock.Advance(days(2));
  const StatusOr<RestartResult> restarted = Restart(inst);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(inst.record().edition, "ServerStandard");
  EXPECT_FALSE(inst.record().pending.has_value());
  EXPECT_EQ(inst.record().features, (std::vector<std::string>{"AD-DS", "Hyper-V", "IIS"}))
      << "roles survive";
  ASSERT_TRUE(inst.record().key.has_value()) << "DISM registered the key";
  EXPECT_EQ(inst.record().key->key, key);
  const LicenseState s = inst.State();
  EXPECT_EQ(s.status, LicenseStatus::kInitialGrace);
  EXPECT_EQ(s.Remaining(inst.Now()), days(10)) << "grace starts at the restart";
}

TEST(EditionServicingTest, MissingAcceptEulaOrKeyIsAUsageError) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const std::string key = LabKey(inst.catalog(), "ServerStandard", Channel::kRetail);
  const Status no_eula =
      SetEdition(inst, {.edition = "ServerStandard", .product_key = key}).status();
  EXPECT_EQ(no_eula.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Contains(no_eula.message(), "/AcceptEula"));
  EXPECT_EQ(ExitStatusFor(no_eula.info().category), 2);
  EXPECT_EQ(SetEdition(inst, {.edition = "ServerStandard", .accept_eula = true}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(inst.record().pending.has_value());
}

TEST(EditionServicingTest, DatacenterToStandardIsRefusedWithTheReason) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerDatacenter");
  const Status s =
      SetEdition(inst, {.edition = "ServerStandard",
                        .product_key = LabKey(inst.catalog(), "ServerStandard", Channel::kRetail),
                        .accept_eula = true})
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kEditionNotTarget);
  EXPECT_TRUE(Contains(s.message(), "cannot be converted down to Standard")) << s;
  EXPECT_TRUE(Contains(s.remedy(), "Get-TargetEditions"));
  EXPECT_TRUE(ListBackups(inst).empty()) << "nothing is snapshotted for a refused request";
}

TEST(EditionServicingTest, KeyNotForTargetIsMismatchedSku) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const Status s =
      SetEdition(inst,
                 {.edition = "ServerDatacenter",
                  .product_key = LabKey(inst.catalog(), "ServerStandard", Channel::kVolumeMak),
                  .accept_eula = true})
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kMismatchedProductSku);
  EXPECT_TRUE(Contains(s.message(), "not for the target edition ServerDatacenter")) << s;
}

TEST(EditionServicingTest, EvaluationGuiToStandardCoreInOneMove) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  ASSERT_TRUE(SetEdition(inst, {.edition = "ServerStandardCor",
                                .product_key = "VDYBN-27WPP-V4HQT-9VMD4-VMK7H",
                                .accept_eula = true})
                  .ok());
  ASSERT_TRUE(Restart(inst).ok());
  EXPECT_EQ(inst.record().edition, "ServerStandardCor");
  EXPECT_EQ(inst.edition().install_type, InstallType::kCore);
}

TEST(EditionServicingTest, FeaturesTheTargetLacksBlockTheConversion) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "Trial", {"plugins"}, "acme-studio");
  const Status s =
      SetEdition(inst, {.edition = "Standard", .product_key = "", .mode = ServicingMode::kOffline})
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kFeatureNotAllowed);
  EXPECT_TRUE(Contains(s.message(), "plugins"));
}

TEST(EditionServicingTest, SecondConversionWhilePendingNeedsRestart) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const std::string key = LabKey(inst.catalog(), "ServerStandard", Channel::kRetail);
  ASSERT_TRUE(
      SetEdition(inst, {.edition = "ServerStandard", .product_key = key, .accept_eula = true})
          .ok());
  EXPECT_EQ(SetEdition(inst, {.edition = "ServerStandard", .product_key = key, .accept_eula = true})
                .status()
                .code(),
            ErrorCode::kRestartRequired);
}

TEST(EditionServicingTest, OfflineImageIsConvertedAtOnceWithoutKey) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  StatusOr<SetEditionResult> r =
      SetEdition(inst, {.edition = "ServerDatacenter", .mode = ServicingMode::kOffline});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->restart_required);
  EXPECT_EQ(inst.record().edition, "ServerDatacenter");
  EXPECT_EQ(inst.State().status, LicenseStatus::kUnlicensed) << "no key yet";
  const std::string key = LabKey(inst.catalog(), "ServerDatacenter", Channel::kVolumeMak);
  ASSERT_TRUE(SetProductKeyOffline(inst, key).ok());
  EXPECT_EQ(inst.State().status, LicenseStatus::kInitialGrace);
  EXPECT_EQ(
      SetProductKeyOffline(inst, LabKey(inst.catalog(), "ServerStandard", Channel::kVolumeMak))
          .status()
          .code(),
      ErrorCode::kMismatchedProductSku);
}

TEST(EditionServicingTest, ConversionSnapshotsAndRollsBack) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval", {"IIS"});
  const std::string key = LabKey(inst.catalog(), "ServerStandard", Channel::kRetail);
  StatusOr<SetEditionResult> r =
      SetEdition(inst, {.edition = "ServerStandard", .product_key = key, .accept_eula = true});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Restart(inst).ok());
  ASSERT_EQ(ListBackups(inst).size(), 1u);
  EXPECT_EQ(ListBackups(inst)[0].edition, "ServerStandardEval");
  const StatusOr<BackupInfo> restored = RestoreBackup(inst, r->backup_id);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(inst.record().edition, "ServerStandardEval");
  EXPECT_FALSE(inst.record().key.has_value());
  EXPECT_EQ(inst.State().status, LicenseStatus::kLicensed);
  EXPECT_EQ(ListBackups(inst).size(), 2u) << "the restore itself can be undone";
}

}  // namespace
}  // namespace licet::client
