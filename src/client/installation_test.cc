#include "installation.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "client_test_util.h"
#include "licet/core/atomic_file.h"

namespace licet::client {
namespace {

using testing::kStart;
using testing::MustCreate;
using testing::TempRoot;

TEST(InstallationTest, CreateThenOpenEvaluation) {
  TempRoot root;
  FakeClock clock(kStart);
  {
    Installation inst = MustCreate(root.path(), clock, "ServerStandardEval", {"AD-DS", "hyper-v"});
    EXPECT_EQ(inst.record().features, (std::vector<std::string>{"AD-DS", "Hyper-V"}));
  }
  StatusOr<Installation> inst = Installation::Open(root.path(), Access::kReadOnly, clock);
  ASSERT_TRUE(inst.ok()) << inst.status();
  EXPECT_EQ(inst->record().edition, "ServerStandardEval");
  EXPECT_EQ(inst->record().cmid.size(), 36u);
  EXPECT_EQ(inst->record().rearm_remaining, 6);
  EXPECT_EQ(inst->State().status, LicenseStatus::kLicensed);
  EXPECT_TRUE(std::filesystem::exists(root.path() / "catalog.toml"));
}

TEST(InstallationTest, SecondInstallIsAlreadyInstalledUnlessForced) {
  TempRoot root;
  FakeClock clock(kStart);
  MustCreate(root.path(), clock, "ServerStandardEval");
  InstallOptions opts{
      .root = root.path(), .catalog = "windows-server-2022", .edition = "ServerDatacenterEval"};
  EXPECT_EQ(Installation::Create(opts, clock).status().code(), ErrorCode::kAlreadyInstalled);
  opts.force = true;
  StatusOr<Installation> again = Installation::Create(opts, clock);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->record().edition, "ServerDatacenterEval");
}

TEST(InstallationTest, UnknownEditionListsTheEditions) {
  TempRoot root;
  FakeClock clock(kStart);
  const Status s =
      Installation::Create(
          {.root = root.path(), .catalog = "windows-server-2022", .edition = "ServerTurbine"},
          clock)
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kUnknownEdition);
  EXPECT_NE(s.message().find("ServerDatacenterCor"), std::string_view::npos);
}

TEST(InstallationTest, DatacenterOnlyFeatureIsRefusedOnStandard) {
  TempRoot root;
  FakeClock clock(kStart);
  const Status s = Installation::Create({.root = root.path(),
                                         .catalog = "windows-server-2022",
                                         .edition = "ServerStandardEval",
                                         .features = {"Storage-Spaces-Direct"}},
                                        clock)
                       .status();
  EXPECT_EQ(s.code(), ErrorCode::kFeatureNotAllowed);
  EXPECT_EQ(Installation::Create({.root = root.path(),
                                  .catalog = "windows-server-2022",
                                  .edition = "ServerStandardEval",
                                  .features = {"Teleport"}},
                                 clock)
                .status()
                .code(),
            ErrorCode::kFeatureNotAllowed);
}

TEST(InstallationTest, UnknownCatalogIsNotFound) {
  TempRoot root;
  FakeClock clock(kStart);
  const Status s =
      Installation::Create({.root = root.path(), .catalog = "windows-server-2099", .edition = "X"},
                           clock)
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_NE(s.message().find("windows-server-2022"), std::string_view::npos) << "lists what exists";
}

TEST(InstallationTest, MissingStoreIsNotInstalledWithInstallCommand) {
  TempRoot root;
  FakeClock clock(kStart);
  const Status s = Installation::Open(root.path() / "nothing", Access::kReadOnly, clock).status();
  EXPECT_EQ(s.code(), ErrorCode::kNotInstalled);
  EXPECT_NE(s.remedy().find("licet install"), std::string_view::npos);
}

TEST(InstallationTest, DamagedStoreIsStoreCorrupt) {
  TempRoot root;
  FakeClock clock(kStart);
  MustCreate(root.path(), clock, "ServerStandardEval");
  for (const std::string& damage :
       {std::string("{"), std::string(""), std::string("{\"format\": 1}"), std::string("[1,2,3]"),
        std::string("\xff\xfe garbage")}) {
    ASSERT_TRUE(WriteFileAtomically(root.path() / "store.json", damage).ok());
    const Status s = Installation::Open(root.path(), Access::kReadOnly, clock).status();
    EXPECT_EQ(s.code(), ErrorCode::kStoreCorrupt) << damage << " -> " << s;
    EXPECT_NE(s.remedy().find("licet backup restore"), std::string_view::npos);
  }
}

TEST(InstallationTest, AlteredStoredCatalogIsRefused) {
  TempRoot root;
  FakeClock clock(kStart);
  MustCreate(root.path(), clock, "ServerStandardEval");
  std::string text = *ReadWholeFile(root.path() / "catalog.toml");
  text.replace(text.find("evaluation_days = 180"), 21, "evaluation_days = 999");
  ASSERT_TRUE(WriteFileAtomically(root.path() / "catalog.toml", text).ok());
  EXPECT_EQ(Installation::Open(root.path(), Access::kReadOnly, clock).status().code(),
            ErrorCode::kCatalogSignature);
}

TEST(InstallationTest, ClockSetBackDoesNotBuyTime) {
  TempRoot root;
  FakeClock clock(kStart);
  {
    Installation inst = MustCreate(root.path(), clock, "ServerStandardEval");
    clock.Advance(std::chrono::days(100));
    ASSERT_TRUE(inst.Save().ok());  // the store has now seen day 100
  }
  clock.Set(kStart);  // someone sets the clock back
  Installation inst = testing::MustOpen(root.path(), clock);
  EXPECT_EQ(inst.Now(), kStart + std::chrono::days(100));
  EXPECT_EQ(inst.State().Remaining(inst.Now()), std::chrono::days(80));
}

TEST(InstallationTest, RootComesFromFlagThenEnvironmentThenDefault) {
  ::setenv("LICET_ROOT", "/tmp/from-env", 1);
  EXPECT_EQ(DefaultRoot("/tmp/from-flag"), "/tmp/from-flag");
  EXPECT_EQ(DefaultRoot(""), "/tmp/from-env");
  ::unsetenv("LICET_ROOT");
  EXPECT_EQ(DefaultRoot(""), "/var/lib/licet");
  EXPECT_EQ(ImageStoreRoot("/mnt/image"), "/mnt/image/var/lib/licet");
}

TEST(InstallationTest, InstallLogsEvent1000) {
  TempRoot root;
  FakeClock clock(kStart);
  MustCreate(root.path(), clock, "ServerStandardEval");
  const StatusOr<std::vector<Event>> events = ReadEvents(root.path() / "events.jsonl");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].id, event_id::kInstalled);
}

TEST(EventLogTest, TornLastLineIsSkipped) {
  TempRoot root;
  const std::filesystem::path log = root.path() / "events.jsonl";
  ASSERT_TRUE(AppendEvent(log, Event{.time = kStart,
                                     .id = 1001,
                                     .level = EventLevel::kInformation,
                                     .message = "ok",
                                     .code = ErrorCode::kNotSupported,
                                     .data = {{"k", "v"}}})
                  .ok());
  ASSERT_TRUE(AppendLineDurably(log, "{\"time\": \"2026-").ok());  // a crash mid-append
  const StatusOr<std::vector<Event>> events = ReadEvents(log);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].code, ErrorCode::kNotSupported);
  EXPECT_EQ((*events)[0].data.at("k"), "v");
}

}  // namespace
}  // namespace licet::client
