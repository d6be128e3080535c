// The application SDK through its public C API only: every state and enforcement over time with
// the lab clock, hardware changes within and beyond tolerance, clock rollback, tampering, many
// threads, and misuse of the API. Stores are set up and changed by the real `licet` binaries (and a
// vendor's `licet-server phone confirm`), as an administrator would while the application runs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "sdk_fixture.h"

namespace licet {
namespace {

using testing::Cli;
using testing::CliResult;
using testing::InstallEvaluation;
using testing::LabClock;
using testing::LabHardware;
using testing::SdkHandle;
using testing::TempDir;

// True when a file whose name contains `name` is mapped into this process.
bool ProcessMaps(std::string_view name) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);)
    if (line.find(name) != std::string::npos) return true;
  return false;
}

constexpr licet_code kTimeBasedValidity = 0x4004FC04;
constexpr licet_code kEvaluationExpired = 0xC004FC07;
constexpr licet_code kOobGrace = 0x4004F00C;
constexpr licet_code kGraceExpired = 0xC004F009;
constexpr licet_code kOotGrace = 0x4004F00D;
constexpr licet_code kOutOfTolerance = 0xC004F00F;
constexpr licet_code kClockRolledBack = 0xA1CE0014;
constexpr licet_code kStoreTampered = 0xA1CE0015;
constexpr licet_code kForeignInstallation = 0xA1CE0016;
constexpr licet_code kForeignMachine = 0xA1CE0017;
constexpr licet_code kFeatureNotAllowed = 0xA1CE000C;

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// How many threads this process runs now.
int ThreadCount() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

void WriteText(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::trunc) << text;
}

TEST(Sdk, AnEvaluationRunsCountsDownAndShutsDownEveryHourOnceExpired) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();

  licet_state st = app.Check();
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
  EXPECT_EQ(st.coarse, LICET_COARSE_LICENSED);
  EXPECT_EQ(st.reason, kTimeBasedValidity);
  EXPECT_EQ(st.enforcement, LICET_ENFORCE_NONE);
  EXPECT_NE(st.flags & LICET_FLAG_EVALUATION, 0u);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 180.0 * 24 * 60, 2);
  EXPECT_EQ(testing::Text(st.edition), "ServerStandardEval");
  EXPECT_EQ(testing::Text(st.channel), "Retail:TB:Eval");
  EXPECT_EQ(licet_check_feature(app.get(), "Hyper-V"), LICET_OK);
  EXPECT_EQ(licet_check_feature(app.get(), "hyper-v"), LICET_OK);  // as DISM, case-insensitive
  EXPECT_EQ(licet_check_feature(app.get(), "Teleportation"), kFeatureNotAllowed);
  EXPECT_NE(std::string(licet_last_error_message()).find("Teleportation"), std::string::npos);

  // 179 days later, while the application runs: one day left.
  LabClock(root, "advance", "179d");
  st = app.WaitFor([](const licet_state& s) { return s.minutes_left <= 24 * 60; }, "one day left");
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 24 * 60, 2);

  // Expired: Notification, forced shutdown one hour from now (the application's start of it).
  LabClock(root, "advance", "2d");
  st = app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_NOTIFICATION; },
                   "notification");
  EXPECT_EQ(st.reason, kEvaluationExpired);
  EXPECT_EQ(st.enforcement, LICET_ENFORCE_FORCED_SHUTDOWN);
  EXPECT_EQ(st.shutdown_interval_minutes, 60);
  EXPECT_NEAR(static_cast<double>(st.shutdown_at - st.now), 3600, 2);
  EXPECT_EQ(st.shutdown_due, 0);
  const std::int64_t deadline = st.shutdown_at;

  // 30 minutes on: the same deadline, not due; 31 more: due.
  LabClock(root, "advance", "30m");
  st = app.WaitFor([&](const licet_state& s) { return s.now >= deadline - 30 * 60 - 2; },
                   "30 minutes on");
  EXPECT_EQ(st.shutdown_at, deadline);
  EXPECT_EQ(st.shutdown_due, 0);
  LabClock(root, "advance", "31m");
  st = app.WaitFor([](const licet_state& s) { return s.shutdown_due == 1; }, "shutdown due");
  EXPECT_EQ(st.enforcement, LICET_ENFORCE_FORCED_SHUTDOWN);

  // A new start of the application gets its own hour.
  SdkHandle restarted(root);
  st = restarted.Check();
  EXPECT_EQ(st.shutdown_due, 0);
  EXPECT_NEAR(static_cast<double>(st.shutdown_at - st.now), 3600, 2);
}

TEST(Sdk, AConversionAppliesAtStartThenGraceCountsDownThenNotification) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  const CliResult key =
      Cli("licet", {"lab", "key", "--edition", "ServerStandard", "--channel", "Retail"}, root);
  ASSERT_EQ(key.exit_status, 0) << key.both();
  const std::string k = key.out.substr(0, 29);
  const CliResult dism = Cli(
      "dism", {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + k, "/AcceptEula"}, root);
  ASSERT_EQ(dism.exit_status, 0) << dism.both();

  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  licet_state st = app.Check();
  EXPECT_NE(st.flags & LICET_FLAG_PENDING_CHANGES, 0u);
  EXPECT_EQ(testing::Text(st.edition), "ServerStandardEval");

  int applied = -1;
  ASSERT_EQ(licet_apply_pending(app.get(), &applied), LICET_OK) << licet_last_error_message();
  EXPECT_EQ(applied, 1);
  st =
      app.WaitFor([](const licet_state& s) { return testing::Text(s.edition) == "ServerStandard"; },
                  "the new edition");
  EXPECT_EQ(st.flags & LICET_FLAG_PENDING_CHANGES, 0u);
  EXPECT_EQ(st.flags & LICET_FLAG_EVALUATION, 0u);
  EXPECT_EQ(st.status, LICET_STATUS_INITIAL_GRACE);
  EXPECT_EQ(st.coarse, LICET_COARSE_GRACE);
  EXPECT_EQ(st.reason, kOobGrace);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 10 * 24 * 60, 2);
  EXPECT_EQ(testing::Text(st.channel), "Retail");
  // Nothing more to apply at the next start.
  ASSERT_EQ(licet_apply_pending(app.get(), &applied), LICET_OK);
  EXPECT_EQ(applied, 0);

  LabClock(root, "advance", "3d");
  st = app.WaitFor([](const licet_state& s) { return s.minutes_left <= 7 * 24 * 60; }, "7 days");
  EXPECT_EQ(st.status, LICET_STATUS_INITIAL_GRACE);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 7 * 24 * 60, 2);

  LabClock(root, "advance", "8d");
  st = app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_NOTIFICATION; },
                   "notification");
  EXPECT_EQ(st.reason, kGraceExpired);
  EXPECT_EQ(st.enforcement, LICET_ENFORCE_FORCED_SHUTDOWN);  // the lab catalog follows Windows
  EXPECT_EQ(licet_check_feature(app.get(), "Hyper-V"), LICET_OK);  // works until it shuts down
}

TEST(Sdk, WithoutAKeyTheInstallationIsUnlicensedAndSaysWhy) {
  TempDir dir;
  const auto root = dir.path() / "m";
  ASSERT_EQ(
      Cli("licet", {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandard"},
          root)
          .exit_status,
      0);
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  licet_state st = app.Check();
  EXPECT_EQ(st.status, LICET_STATUS_UNLICENSED);
  EXPECT_EQ(st.coarse, LICET_COARSE_UNLICENSED);
  EXPECT_EQ(st.reason, 0xC004F014u);  // SL_E_PKEY_NOT_INSTALLED
  EXPECT_EQ(testing::Text(st.channel), "");
  EXPECT_EQ(licet_check_feature(app.get(), "Hyper-V"), 0xC004F014u);
  EXPECT_NE(std::string(licet_last_error_message()).find("no product key"), std::string::npos);

  // A key installed while the application runs: initial grace, noticed without a restart.
  const CliResult key =
      Cli("licet", {"lab", "key", "--edition", "ServerStandard", "--channel", "Retail"}, root);
  ASSERT_EQ(Cli("slmgr", {"/ipk", key.out.substr(0, 29)}, root).exit_status, 0);
  st = app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_INITIAL_GRACE; },
                   "initial grace");
  EXPECT_EQ(st.reason, kOobGrace);
  EXPECT_EQ(testing::Text(st.channel), "Retail");
  EXPECT_EQ(licet_check_feature(app.get(), "Hyper-V"), LICET_OK);
}

TEST(Sdk, ACatalogThatNagsNagsInsteadOfShuttingDown) {
  TempDir dir;
  // The lab catalog with notification_enforcement = "nag", signed with the lab root key.
  std::string text = ReadText(testing::kCatalogDir + "/windows-server-2022.toml");
  const std::string forced = "notification_enforcement = \"forced-shutdown\"";
  ASSERT_NE(text.find(forced), std::string::npos);
  text.replace(text.find(forced), forced.size(), "notification_enforcement = \"nag\"");
  const auto catalog = dir.path() / "nagging.toml";
  WriteText(catalog, text);
  const CliResult sign = Cli("licet",
                             {"catalog", "sign", catalog.string(), "--key",
                              testing::kCatalogDir + "/keys/licet-lab-root-2026.secret"},
                             dir.path());
  ASSERT_EQ(sign.exit_status, 0) << sign.both();
  const auto root = dir.path() / "m";
  ASSERT_EQ(Cli("licet",
                {"install", "--catalog", catalog.string(), "--edition", "ServerDatacenter"}, root)
                .exit_status,
            0);
  const CliResult key =
      Cli("licet", {"lab", "key", "--edition", "ServerDatacenter", "--channel", "Retail"}, root);
  ASSERT_EQ(Cli("slmgr", {"/ipk", key.out.substr(0, 29)}, root).exit_status, 0);

  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  EXPECT_EQ(app.Check().status, LICET_STATUS_INITIAL_GRACE);
  LabClock(root, "advance", "11d");
  const licet_state st = app.WaitFor(
      [](const licet_state& s) { return s.status == LICET_STATUS_NOTIFICATION; }, "notification");
  EXPECT_EQ(st.enforcement, LICET_ENFORCE_NAG);
  EXPECT_EQ(st.reason, kGraceExpired);
  EXPECT_EQ(st.shutdown_at, 0);
  EXPECT_NE(std::string(st.explanation).find("grace period ended"), std::string::npos);
}

TEST(Sdk, HardwareChangesWithinToleranceKeepTheActivationBeyondItStartTheGrace) {
  TempDir dir;
  testing::PhoneVendor vendor(dir);
  // Weights: machine 4, board 4, network 3, disk 3, cpu 1, host 1.
  const auto root = testing::PhoneActivatedMachine(dir, vendor, "m");

  // A sanitizer build's liblicet.so links libcrypto (src/sdk/CMakeLists.txt links its libraries
  // in only outside sanitizer builds), so what counts is whether the check loaded it.
  const bool libcrypto_before = ProcessMaps("libcrypto");
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  licet_state st = app.Check();
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
  EXPECT_EQ(st.ends, 0);  // a phone activation does not expire
  // Its confirmation ID was verified without OpenSSL: libcrypto's start-up would cost a first
  // check ten times its own time (internal/brainpool_p160.h).
  EXPECT_EQ(ProcessMaps("libcrypto"), libcrypto_before)
      << "the SDK loaded libcrypto to verify a CID";
  EXPECT_EQ(st.flags & LICET_FLAG_HARDWARE_CHANGED, 0u);

  // A new network card and a new disk: 10 of 16 still match.
  LabHardware(root, "network", "02:00:00:00:00:99");
  LabHardware(root, "disk", "NEWDISK-2");
  st = app.WaitFor(
      [](const licet_state& s) { return std::string(s.changed_hardware) == "network, disk"; },
      "network and disk changed");
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
  EXPECT_NE(st.flags & LICET_FLAG_HARDWARE_CHANGED, 0u);

  // And a new motherboard: 6 of 16, beyond tolerance.
  LabHardware(root, "board", "NEW-BOARD");
  st = app.WaitFor(
      [](const licet_state& s) { return s.status == LICET_STATUS_OUT_OF_TOLERANCE_GRACE; },
      "out-of-tolerance grace");
  EXPECT_EQ(st.reason, kOotGrace);
  EXPECT_EQ(st.coarse, LICET_COARSE_GRACE);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 30 * 24 * 60, 2);
  EXPECT_EQ(testing::Text(st.changed_hardware), "board, network, disk");
  const std::int64_t grace_end = st.ends;

  // The doctor names the components.
  const CliResult doctor = Cli("licet", {"doctor"}, root);
  EXPECT_NE(doctor.out.find("DMI product UUID, network interface MAC addresses, disk serial"),
            std::string::npos)
      << doctor.out;
  EXPECT_NE(doctor.out.find("beyond tolerance, 0xC004F00F"), std::string::npos) << doctor.out;

  // The grace started once: a restarted application counts down from the same end.
  LabClock(root, "advance", "10d");
  SdkHandle restarted(root);
  st = restarted.Check();
  EXPECT_EQ(st.ends, grace_end);
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 20 * 24 * 60, 2);

  LabClock(root, "advance", "21d");
  st = app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_NOTIFICATION; },
                   "notification");
  EXPECT_EQ(st.reason, kOutOfTolerance);

  // The old motherboard back: within tolerance again, licensed.
  LabHardware(root, "board", "lab-board-1");
  st = app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_LICENSED; },
                   "licensed again");
  EXPECT_EQ(testing::Text(st.changed_hardware), "network, disk");
}

TEST(Sdk, SettingTheClockBackExtendsNothingAndSaysSo) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  const std::string genuine_old_store = ReadText(root / "store.json");
  LabClock(root, "advance", "100d");
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK);
  licet_state st = app.Check();
  // The most a later handle may show: the trusted-time mark open kept can be one minute earlier
  // than this check (a minute boundary between the two, likelier on a loaded machine), and a
  // handle whose clock is set back starts from that mark.
  const std::int64_t left = st.minutes_left + 1;
  EXPECT_NEAR(static_cast<double>(st.minutes_left), 80 * 24 * 60, 2);
  EXPECT_EQ(st.flags & LICET_FLAG_CLOCK_SET_BACK, 0u);

  // Within the tolerance (30 minutes back): nothing to say.
  LabClock(root, "set-back", "30m");
  SdkHandle small(root);
  st = small.Check();
  EXPECT_EQ(st.flags & LICET_FLAG_CLOCK_SET_BACK, 0u);
  EXPECT_EQ(st.reason, kTimeBasedValidity);

  // 50 days back: the evaluation does not get 50 days longer, and the state says why.
  LabClock(root, "set-back", "50d");
  st = app.WaitFor([](const licet_state& s) { return (s.flags & LICET_FLAG_CLOCK_SET_BACK) != 0; },
                   "clock set back");
  EXPECT_EQ(st.reason, kClockRolledBack);
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
  EXPECT_LE(st.minutes_left, left);
  const CliResult doctor = Cli("licet", {"doctor"}, root);
  EXPECT_NE(doctor.out.find("it was set back (0xA1CE0014)"), std::string::npos) << doctor.out;

  // The trusted time is kept in more than one place: putting back the genuine store.json of the
  // first day (sealed, untouched) does not bring the first day back.
  WriteText(root / "store.json", genuine_old_store);
  SdkHandle after_restore(root);
  st = after_restore.Check();
  EXPECT_EQ(st.flags & LICET_FLAG_TAMPERED, 0u) << st.explanation;
  EXPECT_NE(st.flags & LICET_FLAG_CLOCK_SET_BACK, 0u);
  EXPECT_LE(st.minutes_left, left);
}

TEST(Sdk, AnEditedStoreIsTamperedAndTheCliWillNotLaunderIt) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK);
  ASSERT_EQ(app.Check().status, LICET_STATUS_LICENSED);
  ASSERT_EQ(Cli("licet", {"backup", "create"}, root).exit_status, 0);

  // Move the evaluation start a year later by hand.
  std::string text = ReadText(root / "store.json");
  const std::size_t at = text.find("\"evaluation_started_at\": \"20");
  ASSERT_NE(at, std::string::npos);
  text[at + 29] = static_cast<char>(text[at + 29] + 1);  // 2026 -> 2027
  WriteText(root / "store.json", text);

  licet_state st = app.WaitFor(
      [](const licet_state& s) { return (s.flags & LICET_FLAG_TAMPERED) != 0; }, "tampering");
  EXPECT_EQ(st.status, LICET_STATUS_NOTIFICATION);
  EXPECT_EQ(st.reason, kStoreTampered);
  EXPECT_EQ(licet_check_feature(app.get(), "Hyper-V"), kStoreTampered);

  // The CLI reports it and refuses to write over it; restoring the backup repairs it.
  const CliResult ipk = Cli("slmgr", {"/rearm"}, root);
  EXPECT_NE(ipk.exit_status, 0);
  EXPECT_NE(ipk.both().find("0xA1CE0015"), std::string::npos) << ipk.both();
  const CliResult restore = Cli("licet", {"backup", "restore", "1"}, root);
  ASSERT_EQ(restore.exit_status, 0) << restore.both();
  st = app.WaitFor([](const licet_state& s) { return (s.flags & LICET_FLAG_TAMPERED) == 0; },
                   "repaired");
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
}

TEST(Sdk, ASwappedTokenAndAnotherMachinesStoreAreNamed) {
  TempDir dir;
  testing::PhoneVendor vendor(dir);
  const auto a = testing::PhoneActivatedMachine(dir, vendor, "a");

  // The whole store copied to another machine where nothing matches: another machine's token.
  const auto b = dir.path() / "b";
  std::filesystem::copy(a, b, std::filesystem::copy_options::recursive);
  for (const char* c : {"machine", "board", "network", "disk", "cpu", "host"}) {
    LabHardware(b, c, std::string("other-") + c);
  }
  SdkHandle on_b(b);
  ASSERT_EQ(on_b.open_code(), LICET_OK) << licet_last_error_message();
  licet_state st = on_b.Check();
  EXPECT_EQ(st.reason, kForeignMachine) << st.explanation;
  EXPECT_NE(st.flags & LICET_FLAG_TAMPERED, 0u);
  EXPECT_EQ(st.status, LICET_STATUS_NOTIFICATION);

  // Another installation's activation pasted into a store with its own key (the seal then breaks
  // too; the token check comes first and names what happened).
  const CliResult retail = Cli("licet",
                               {"lab", "key", "--catalog", "windows-server-2022", "--edition",
                                "ServerStandard", "--channel", "Retail"},
                               dir.path());
  const auto c = testing::StandardMachine(dir, "c", retail.out.substr(0, 29));
  const nlohmann::json a_store = nlohmann::json::parse(ReadText(a / "store.json"));
  nlohmann::json c_store = nlohmann::json::parse(ReadText(c / "store.json"));
  c_store["activation"] = a_store["activation"];
  WriteText(c / "store.json", c_store.dump(2) + "\n");
  SdkHandle on_c(c);
  ASSERT_EQ(on_c.open_code(), LICET_OK) << licet_last_error_message();
  st = on_c.Check();
  EXPECT_EQ(st.reason, kForeignInstallation) << st.explanation;
  EXPECT_NE(st.flags & LICET_FLAG_TAMPERED, 0u);

  // A token with one flipped character: not genuine.
  nlohmann::json flipped = a_store;
  std::string token = flipped["activation"]["token"];
  token[token.size() - 3] = token[token.size() - 3] == '1' ? '2' : '1';
  flipped["activation"]["token"] = token;
  WriteText(a / "store.json", flipped.dump(2) + "\n");
  SdkHandle on_a(a);
  ASSERT_EQ(on_a.open_code(), LICET_OK);
  st = on_a.Check();
  EXPECT_EQ(st.reason, kStoreTampered) << st.explanation;
}

TEST(Sdk, ABrokenOrMissingStoreIsAnErrorNeverACrash) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  SdkHandle app(root, "windows-server-2022", LICET_OPEN_NO_WATCH);
  ASSERT_EQ(app.open_code(), LICET_OK);
  for (const std::string& garbage :
       {std::string(""), std::string("{"), std::string("[1,2]"), std::string(100000, '['),
        std::string("{\"format\": 2}"), std::string("\xff\xfe\x00 binary", 10)}) {
    WriteText(root / "store.json", garbage);
    licet_code code = LICET_OK;
    const licet_state st = app.Check(&code);                // no watcher: noticed at once
    EXPECT_EQ(code, 0xA1CE0002u) << garbage.substr(0, 20);  // LICET_E_STORE_CORRUPT
    EXPECT_EQ(st.status, LICET_STATUS_UNLICENSED);
    EXPECT_EQ(st.reason, code);
    EXPECT_EQ(licet_last_error_code(), code);
    EXPECT_NE(std::string(licet_last_error_message()).find("store.json"), std::string::npos);
  }
  std::filesystem::remove(root / "store.json");
  licet_code code = LICET_OK;
  (void)app.Check(&code);
  EXPECT_EQ(code, 0xA1CE0001u);  // LICET_E_NOT_INSTALLED
}

TEST(Sdk, TheApiRefusesMisuseWithAClearError) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  licet_installation* h = nullptr;
  EXPECT_EQ(licet_open(nullptr, &h), 0x80070057u);
  licet_open_options o{};
  o.struct_size = 4;  // an older, smaller struct than version 1
  EXPECT_EQ(licet_open(&o, &h), 0x80070057u);
  EXPECT_NE(std::string(licet_last_error_message()).find("struct_size"), std::string::npos);
  o.struct_size = sizeof o;
  EXPECT_EQ(licet_open(&o, &h), 0x80070057u);  // no catalog
  const std::string r = root.string();
  o.root = r.c_str();
  o.catalog = "acme-studio-5";  // installed from another catalog
  EXPECT_EQ(licet_open(&o, &h), 0xA1CE0006u);
  EXPECT_EQ(h, nullptr);
  o.catalog = "windows-server-2022";
  o.vendor_public_key = "not base64!";
  EXPECT_EQ(licet_open(&o, &h), 0x80070057u);
  o.vendor_public_key =
      "qFV96ITc+FTvye6QgssR56+X5UInEyLNjLC7zSc04ag=";  // Acme's key, not the lab's
  EXPECT_EQ(licet_open(&o, &h), 0xA1CE0006u);
  o.vendor_public_key = nullptr;
  const std::string missing = (dir.path() / "nowhere").string();
  o.root = missing.c_str();
  EXPECT_EQ(licet_open(&o, &h), 0xA1CE0001u);
  EXPECT_NE(std::string(licet_last_error_message()).find("licet install"), std::string::npos);

  SdkHandle app(root);
  licet_state small{};
  small.struct_size = 8;
  EXPECT_EQ(licet_check(app.get(), &small), 0x80070057u);
  EXPECT_EQ(licet_check(nullptr, &small), 0x80070057u);
  EXPECT_EQ(licet_check_feature(app.get(), nullptr), 0x80070057u);
  EXPECT_EQ(licet_apply_pending(nullptr, nullptr), 0x80070057u);
  licet_close(nullptr);
  EXPECT_EQ(licet_sdk_version(), LICET_SDK_VERSION);
  EXPECT_EQ(std::string(licet_code_symbol(0xC004F009)), "SL_E_GRACE_TIME_EXPIRED");
  EXPECT_EQ(std::string(licet_code_symbol(0x12345678)), "");
  EXPECT_EQ(std::string(licet_status_name(LICET_STATUS_OUT_OF_TOLERANCE_GRACE)),
            "out_of_tolerance_grace");
  EXPECT_EQ(std::string(licet_status_name(99)), "");
  EXPECT_EQ(std::string(licet_coarse_name(LICET_COARSE_GRACE)), "grace");
  EXPECT_EQ(std::string(licet_enforcement_name(LICET_ENFORCE_FORCED_SHUTDOWN)), "forced-shutdown");
  EXPECT_EQ(std::string(licet_enforcement_name(-1)), "");
}

TEST(Sdk, ManyThreadsCheckWhileTheStoreChanges) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK);
  std::atomic<bool> stop{false};
  std::atomic<long> checks{0};
  std::atomic<long> inconsistent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        licet_state st{};
        st.struct_size = sizeof st;
        if (licet_check(app.get(), &st) != LICET_OK) ++inconsistent;
        // Every answer is one of the two whole states, never a mix of them.
        const bool running = st.status == LICET_STATUS_LICENSED &&
                             st.reason == kTimeBasedValidity &&
                             st.enforcement == LICET_ENFORCE_NONE && st.minutes_left > 0;
        const bool expired = st.status == LICET_STATUS_NOTIFICATION &&
                             st.reason == kEvaluationExpired &&
                             st.enforcement == LICET_ENFORCE_FORCED_SHUTDOWN && st.shutdown_at > 0;
        if (!running && !expired) ++inconsistent;
        if (licet_check_feature(app.get(), "Hyper-V") != LICET_OK) ++inconsistent;
        ++checks;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LabClock(root, "advance", "181d");
  (void)app.WaitFor([](const licet_state& s) { return s.status == LICET_STATUS_NOTIFICATION; },
                    "notification");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(checks.load(), 1000);
}

TEST(Sdk, WithoutTheWatcherTheNextCheckSeesAChange) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  SdkHandle app(root, "windows-server-2022", LICET_OPEN_NO_WATCH);
  ASSERT_EQ(app.open_code(), LICET_OK);
  EXPECT_EQ(app.Check().status, LICET_STATUS_LICENSED);
  LabClock(root, "advance", "181d");
  EXPECT_EQ(app.Check().status, LICET_STATUS_NOTIFICATION);  // at once, no waiting
}

TEST(Sdk, WithoutTheWatcherAChecksRereadsTheHardwareEveryRecheckInterval) {
  TempDir dir;
  testing::PhoneVendor vendor(dir);
  const auto root = testing::PhoneActivatedMachine(dir, vendor, "m");
  SdkHandle app(root, "windows-server-2022", LICET_OPEN_NO_WATCH, /*recheck_seconds=*/1);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  EXPECT_EQ(app.Check().flags & LICET_FLAG_HARDWARE_CHANGED, 0u);
  // store.json does not change, so only the periodic re-read can notice the new network card.
  LabHardware(root, "network", "02:00:00:00:00:99");
  const licet_state st =
      app.WaitFor([](const licet_state& s) { return (s.flags & LICET_FLAG_HARDWARE_CHANGED) != 0; },
                  "the new network card");
  EXPECT_EQ(testing::Text(st.changed_hardware), "network");
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED);
}

TEST(Sdk, AOneShotCheckStartsNoThreadAndTheSecondCheckStartsTheWatcher) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  const int before = ThreadCount();
  SdkHandle app(root);
  ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
  // A change between open and the first check is seen by that check (it stats store.json).
  LabClock(root, "advance", "90d");
  EXPECT_NEAR(static_cast<double>(app.Check().minutes_left), 90 * 24 * 60, 2);
  EXPECT_EQ(ThreadCount(), before);
  (void)app.Check();
  EXPECT_EQ(ThreadCount(), before + 1);
  // The watcher, not the checks, sees the next change.
  LabClock(root, "advance", "89d");
  (void)app.WaitFor([](const licet_state& s) { return s.minutes_left <= 24 * 60; }, "one day left");
  EXPECT_EQ(ThreadCount(), before + 1);
}

// The trusted-time mark a first check moves on is kept in observed.json without the check waiting
// for the disk: licet_close writes it, or the watcher when the second check starts it.
TEST(Sdk, AFirstCheckPutsOffWritingTheMovedMarkUntilCloseOrTheWatcher) {
  TempDir dir;
  const auto root = InstallEvaluation(dir, "m");
  { (void)SdkHandle(root).Check(); }  // this boot's hardware and the mark, written
  const auto mark = [&root] {
    return nlohmann::json::parse(ReadText(root / "observed.json")).value("trusted_time", "");
  };
  // As an application started once a day finds it: the mark a day old (set here by hand).
  const auto last_ran_yesterday = [&root] {
    nlohmann::json observed = nlohmann::json::parse(ReadText(root / "observed.json"));
    const std::time_t day_ago = std::time(nullptr) - 24 * 60 * 60;
    std::tm utc{};
    gmtime_r(&day_ago, &utc);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &utc);
    observed["trusted_time"] = iso;
    WriteText(root / "observed.json", observed.dump() + "\n");
    return observed["trusted_time"].get<std::string>();
  };

  std::string yesterday = last_ran_yesterday();
  {
    SdkHandle app(root);
    ASSERT_EQ(app.open_code(), LICET_OK) << licet_last_error_message();
    EXPECT_EQ(app.Check().status, LICET_STATUS_LICENSED);
    EXPECT_EQ(mark(), yesterday);  // not yet
  }
  EXPECT_GT(mark(), yesterday);  // written by licet_close (ISO 8601 times compare as text)

  // Another process raises the mark while this handle's write is put off: closing does not
  // lower it (the mark only goes up).
  yesterday = last_ran_yesterday();
  {
    SdkHandle app(root);
    (void)app.Check();
    nlohmann::json observed = nlohmann::json::parse(ReadText(root / "observed.json"));
    observed["trusted_time"] = "2099-01-01T00:00:00Z";
    WriteText(root / "observed.json", observed.dump() + "\n");
  }
  EXPECT_EQ(mark(), "2099-01-01T00:00:00Z");
  nlohmann::json observed = nlohmann::json::parse(ReadText(root / "observed.json"));
  observed["trusted_time"] = yesterday;  // back to a day old, for the watcher's turn below
  WriteText(root / "observed.json", observed.dump() + "\n");

  SdkHandle app(root);
  (void)app.Check();
  EXPECT_EQ(mark(), yesterday);
  (void)app.Check();  // starts the watcher, which writes it
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (mark() == yesterday && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(mark(), yesterday);
}

TEST(Sdk, AnEditedBootHardwareRecordIsNotTrustedByAFirstCheck) {
  TempDir dir;
  testing::PhoneVendor vendor(dir);
  const auto root = testing::StandardMachine(dir, "m", vendor.mak);
  testing::ActivateByPhone(vendor, root);  // bound to this machine's real hardware
  {
    SdkHandle first(root);  // records this boot's hardware in observed.json, sealed
    ASSERT_EQ(first.open_code(), LICET_OK) << licet_last_error_message();
    EXPECT_EQ(first.Check().status, LICET_STATUS_LICENSED);
  }
  nlohmann::json observed = nlohmann::json::parse(ReadText(root / "observed.json"));
  ASSERT_FALSE(observed.value("boot_seal", "").empty()) << observed.dump();

  // This boot's record rewritten with another machine's hardware: were it trusted, the first
  // check would call the token another machine's (0xA1CE0017).
  observed["hardware"] = "hw2.0badf00d.0badf00d.0badf00d.0badf00d.0badf00d.0badf00d";
  WriteText(root / "observed.json", observed.dump() + "\n");
  SdkHandle edited(root);
  ASSERT_EQ(edited.open_code(), LICET_OK) << licet_last_error_message();
  licet_state st = edited.Check();
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED) << st.explanation;
  EXPECT_EQ(st.flags & (LICET_FLAG_HARDWARE_CHANGED | LICET_FLAG_TAMPERED), 0u);

  // The same rewrite of a record whose seal is gone.
  observed.erase("boot_seal");
  WriteText(root / "observed.json", observed.dump() + "\n");
  SdkHandle unsealed(root);
  st = unsealed.Check();
  EXPECT_EQ(st.status, LICET_STATUS_LICENSED) << st.explanation;
}

}  // namespace
}  // namespace licet
