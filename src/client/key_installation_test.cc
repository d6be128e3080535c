#include "key_installation.h"

#include <gtest/gtest.h>

#include "client_test_util.h"
#include "edition_servicing.h"
#include "restart.h"

namespace licet::client {
namespace {

using testing::Contains;
using testing::kStart;
using testing::LabKey;
using testing::MustCreate;
using testing::TempRoot;

// The seed's core: an Evaluation installation refuses Volume, Retail and OEM keys with 0x80070032,
// saying why and printing the DISM command that fixes it.
TEST(KeyInstallationTest, EvaluationRefusesVolumeRetailAndOemKeysWith0x80070032) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  for (const Channel channel : {Channel::kVolumeMak, Channel::kRetail, Channel::kOemDm}) {
    const std::string key = LabKey(inst.catalog(), "ServerStandard", channel);
    const StatusOr<ResolvedKey> r = InstallProductKey(inst, key);
    ASSERT_EQ(r.status().code(), ErrorCode::kNotSupported) << ChannelName(channel);
    const Status& s = r.status();
    EXPECT_TRUE(Contains(s.message(), "ServerStandardEval")) << s;
    EXPECT_TRUE(Contains(s.message(), "Retail:TB:Eval")) << s;
    EXPECT_TRUE(Contains(s.message(), ChannelName(channel))) << s;
    EXPECT_TRUE(Contains(s.message(), "for ServerStandard")) << s;
    EXPECT_TRUE(Contains(
        s.remedy(), "dism /online /Set-Edition:ServerStandard /ProductKey:" + key + " /AcceptEula"))
        << s.remedy();
  }
  EXPECT_FALSE(inst.record().key.has_value());
}

TEST(KeyInstallationTest, EvaluationRefusesThePublicGvlkToo) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const Status s = InstallProductKey(inst, "VDYBN-27WPP-V4HQT-9VMD4-VMK7H").status();
  EXPECT_EQ(s.code(), ErrorCode::kNotSupported);
  EXPECT_TRUE(Contains(s.message(), "Volume:GVLK"));
}

TEST(KeyInstallationTest, EvaluationRefusalOffersAnAllowedTargetOnly) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerDatacenterEval");
  const Status s =
      InstallProductKey(inst, LabKey(inst.catalog(), "ServerStandard", Channel::kRetail)).status();
  EXPECT_EQ(s.code(), ErrorCode::kNotSupported);
  EXPECT_TRUE(Contains(s.message(), "converts to Datacenter only")) << s;
  EXPECT_FALSE(Contains(s.remedy(), "/Set-Edition:ServerStandard")) << s.remedy();
}

TEST(KeyInstallationTest, MalformedKeyIsInvalidProductKey) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const Status s = InstallProductKey(inst, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE").status();
  EXPECT_EQ(s.code(), ErrorCode::kInvalidProductKey);
  EXPECT_TRUE(Contains(s.message(), "'A'"));
}

TEST(KeyInstallationTest, KeyOfAnotherEditionIsMismatchedSkuWithConversionHint) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandard");
  const std::string dc = LabKey(inst.catalog(), "ServerDatacenter", Channel::kVolumeMak);
  const Status s = InstallProductKey(inst, dc).status();
  EXPECT_EQ(s.code(), ErrorCode::kMismatchedProductSku);
  EXPECT_TRUE(Contains(s.remedy(), "/Set-Edition:ServerDatacenter /ProductKey:" + dc))
      << s.remedy();
}

TEST(KeyInstallationTest, DowngradeKeyIsMismatchedSkuWithoutConversionHint) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerDatacenter");
  const Status s =
      InstallProductKey(inst, LabKey(inst.catalog(), "ServerStandard", Channel::kRetail)).status();
  EXPECT_EQ(s.code(), ErrorCode::kMismatchedProductSku);
  EXPECT_TRUE(Contains(s.message(), "cannot be converted down")) << s;
  EXPECT_FALSE(Contains(s.remedy(), "Set-Edition")) << s.remedy();
}

TEST(KeyInstallationTest, MatchingKeyIsInstalledAndChannelsSwitchFreely) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardCor");
  const std::string retail = LabKey(inst.catalog(), "ServerStandard", Channel::kRetail);
  ASSERT_TRUE(InstallProductKey(inst, retail).ok());
  EXPECT_EQ(inst.record().key->channel, Channel::kRetail);
  EXPECT_EQ(inst.record().key->partial, retail.substr(24));
  ASSERT_TRUE(InstallProductKey(inst, "vdybn27wppv4hqt9vmd4vmk7h")
                  .ok());  // the public GVLK, typed sloppily
  EXPECT_EQ(inst.record().key->channel, Channel::kVolumeGvlk);
  EXPECT_EQ(inst.State().status, LicenseStatus::kInitialGrace);
}

TEST(KeyInstallationTest, SeedMisprintIsAcceptedWithANotice) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandard");
  const StatusOr<ResolvedKey> key = InstallProductKey(inst, "VDYBN-27WPP-V4HQT-9VMD4-VMK7R");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(Contains(AliasNotice(*key), "VDYBN-27WPP-V4HQT-9VMD4-VMK7H"));
}

TEST(KeyInstallationTest, PendingConversionRequiresRestartFirst) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  const std::string key = LabKey(inst.catalog(), "ServerStandard", Channel::kVolumeMak);
  ASSERT_TRUE(
      SetEdition(inst, {.edition = "ServerStandard", .product_key = key, .accept_eula = true})
          .ok());
  const Status s = InstallProductKey(inst, key).status();
  EXPECT_EQ(s.code(), ErrorCode::kRestartRequired);
  EXPECT_TRUE(Contains(s.remedy(), "licet restart"));
  ASSERT_TRUE(Restart(inst).ok());
  EXPECT_TRUE(InstallProductKey(inst, key).ok());
}

TEST(KeyInstallationTest, UninstallAndClear) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandard");
  EXPECT_EQ(UninstallProductKey(inst).code(), ErrorCode::kProductKeyNotInstalled);
  EXPECT_EQ(ClearProductKeyFromRegistry(inst).code(), ErrorCode::kProductKeyNotInstalled);
  ASSERT_TRUE(
      InstallProductKey(inst, LabKey(inst.catalog(), "ServerStandard", Channel::kRetail)).ok());
  ASSERT_TRUE(ClearProductKeyFromRegistry(inst).ok());
  EXPECT_TRUE(inst.record().key->key.empty());
  EXPECT_EQ(inst.record().key->partial.size(), 5u);
  ASSERT_TRUE(UninstallProductKey(inst).ok());
  EXPECT_EQ(inst.State().status, LicenseStatus::kUnlicensed);
  EXPECT_EQ(inst.State().reason, ErrorCode::kProductKeyNotInstalled);
}

TEST(KeyInstallationTest, RefusalsAndInstallsAreLogged) {
  TempRoot root;
  FakeClock clock(kStart);
  Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
  (void)InstallProductKey(inst, "VDYBN-27WPP-V4HQT-9VMD4-VMK7H");
  const std::vector<Event> events = *ReadEvents(inst.events_path());
  ASSERT_EQ(events.back().id, event_id::kProductKeyRefused);
  EXPECT_EQ(events.back().code, ErrorCode::kNotSupported);
}

}  // namespace
}  // namespace licet::client
