// The example applications (C, C++, Python) enforce every state while an administrator changes the
// installation under them with the lab clock: a conversion applied at start, the grace countdown,
// the forced shutdown once the grace has ended, and a catalog that nags instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "app_process.h"
#include "sdk_fixture.h"

namespace licet {
namespace {

using testing::AppProcess;
using testing::Cli;
using testing::CliResult;
using testing::LabClock;
using testing::TempDir;

const std::string kExamplesDir = LICET_EXAMPLES_DIR;
const std::string kSourceDir = LICET_SOURCE_DIR;
#ifdef LICET_PYTHON_DIR
const std::string kPythonDir = LICET_PYTHON_DIR;
#else
const std::string kPythonDir;  // sanitizer builds have no Python module
#endif

std::unique_ptr<AppProcess> StartApp(const std::string& language, const std::filesystem::path& root,
                                     const std::string& feature) {
  std::vector<std::string> argv;
  if (language == "python") {
    argv = {"/usr/bin/python3", kSourceDir + "/examples/python/licensed_app.py"};
  } else {
    argv = {kExamplesDir + "/licensed_app_" + language};
  }
  for (const std::string& a : {std::string("--catalog"), std::string("windows-server-2022"),
                               std::string("--root"), root.string(), std::string("--interval-ms"),
                               std::string("20"), std::string("--feature"), feature}) {
    argv.push_back(a);
  }
  return std::make_unique<AppProcess>(argv, std::vector<std::string>{"PYTHONPATH=" + kPythonDir});
}

std::string LabKey(const std::filesystem::path& dir, const std::string& edition,
                   const std::string& catalog = "windows-server-2022") {
  const CliResult key =
      Cli("licet",
          {"lab", "key", "--catalog", catalog, "--edition", edition, "--channel", "Retail"}, dir);
  EXPECT_EQ(key.exit_status, 0) << key.both();
  return key.out.substr(0, 29);
}

// The minutes_left of a state line ("... minutes_left=N ..."), or -1.
long MinutesLeft(const std::string& line) {
  const std::size_t at = line.find("minutes_left=");
  return at == std::string::npos ? -1 : std::atol(line.c_str() + at + 13);
}

class ExampleApp : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleApp, AppliesTheConversionCountsDownTheGraceAndShutsDownWhenItEnds) {
  TempDir dir;
  const auto root = testing::InstallEvaluation(dir, "m");
  const CliResult dism = Cli("dism",
                             {"/online", "/Set-Edition:ServerStandard",
                              "/ProductKey:" + LabKey(dir.path(), "ServerStandard"), "/AcceptEula"},
                             root);
  ASSERT_EQ(dism.exit_status, 0) << dism.both();

  std::unique_ptr<AppProcess> app = StartApp(GetParam(), root, "Hyper-V");
  EXPECT_NE(app->WaitForLine("applied 1 pending change(s)"), "") << app->transcript();
  std::string line = app->WaitForLine("state ");
  EXPECT_NE(line.find("state grace status=initial_grace edition=ServerStandard minutes_left="),
            std::string::npos)
      << app->transcript();
  // Ten days of grace (14400 minutes), 14399 once a second of real time has passed since the
  // restart (a slow run, e.g. under ASan).
  EXPECT_NEAR(static_cast<double>(MinutesLeft(line)), 14400, 1) << app->transcript();
  EXPECT_NE(app->WaitForLine("feature Hyper-V: yes"), "") << app->transcript();

  LabClock(root, "advance", "1d");
  line = app->WaitForLine(" minutes_left=129");  // nine days left: 12960, or 12959 as above
  EXPECT_NE(line.find("state grace status=initial_grace"), std::string::npos) << app->transcript();
  EXPECT_NEAR(static_cast<double>(MinutesLeft(line)), 12960, 1) << app->transcript();

  LabClock(root, "advance", "10d");
  line = app->WaitForLine("state notification");
  EXPECT_NE(line.find("enforcement=forced-shutdown reason=0xC004F009"), std::string::npos)
      << app->transcript();
  EXPECT_NE(app->WaitForLine("(every 60 minutes)"), "") << app->transcript();

  LabClock(root, "advance", "61m");
  EXPECT_NE(app->WaitForLine("shutting down: not activated and the grace period ended"), "")
      << app->transcript();
  EXPECT_EQ(app->Wait(), 3) << app->transcript();
}

TEST_P(ExampleApp, NagsWhenTheCatalogSaysSoAndKeepsRunning) {
  TempDir dir;
  std::ifstream in(testing::kCatalogDir + "/windows-server-2022.toml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string forced = "notification_enforcement = \"forced-shutdown\"";
  text.replace(text.find(forced), forced.size(), "notification_enforcement = \"nag\"");
  const auto catalog = dir.path() / "nagging.toml";
  std::ofstream(catalog) << text;
  ASSERT_EQ(Cli("licet",
                {"catalog", "sign", catalog.string(), "--key",
                 testing::kCatalogDir + "/keys/licet-lab-root-2026.secret"},
                dir.path())
                .exit_status,
            0);
  const auto root = dir.path() / "m";
  ASSERT_EQ(
      Cli("licet", {"install", "--catalog", catalog.string(), "--edition", "ServerStandard"}, root)
          .exit_status,
      0);
  ASSERT_EQ(Cli("slmgr", {"/ipk", LabKey(dir.path(), "ServerStandard", catalog.string())}, root)
                .exit_status,
            0);

  std::unique_ptr<AppProcess> app = StartApp(GetParam(), root, "Hyper-V");
  EXPECT_NE(app->WaitForLine("state grace status=initial_grace"), "") << app->transcript();
  LabClock(root, "advance", "11d");
  EXPECT_NE(app->WaitForLine("enforcement=nag reason=0xC004F009"), "") << app->transcript();
  EXPECT_NE(app->WaitForLine("nag: not activated and the grace period ended"), "")
      << app->transcript();
  // A nag never stops the application.
  EXPECT_EQ(app->Wait(std::chrono::milliseconds(300)), -1) << app->transcript();
}

#ifdef LICET_PYTHON_DIR
#define LICET_EXAMPLE_LANGUAGES "c", "cpp", "python"
#else
#define LICET_EXAMPLE_LANGUAGES "c", "cpp"
#endif
INSTANTIATE_TEST_SUITE_P(Languages, ExampleApp, ::testing::Values(LICET_EXAMPLE_LANGUAGES),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace licet
