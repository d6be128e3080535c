// The offline half of the seed article, through the real binaries, exactly as an administrator
// types it: an Evaluation installation refuses a Volume key with 0x80070032 and prints the fix;
// DISM converts it; the restart completes the conversion; the key is accepted; the states move with
// the lab clock; Datacenter -> Standard is refused; an offline /Image: conversion; a rollback.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace licet {
namespace {

using nlohmann::json;
using testing::CliResult;
using testing::RunProgram;
using testing::TempDir;

const std::string kBin = LICET_CLI_DIR;

// Runs a front-end by its multi-call name ("licet", "slmgr", "dism", "DISM") against `root`.
CliResult RunCli(const std::string& name, const std::vector<std::string>& args,
                 const std::filesystem::path& root) {
  return RunProgram(kBin + "/" + name, args, {"LICET_ROOT=" + root.string()});
}

json RunJson(const std::vector<std::string>& args, const std::filesystem::path& root) {
  std::vector<std::string> a = args;
  a.push_back("--json");
  const CliResult r = RunCli("licet", a, root);
  return json::parse(r.out, nullptr, false);
}

std::string LabKey(const std::filesystem::path& root, const std::string& edition,
                   const std::string& channel) {
  const CliResult r =
      RunCli("licet", {"lab", "key", "--edition", edition, "--channel", channel}, root);
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return r.out.substr(0, 29);
}

void InstallEval(const std::filesystem::path& root,
                 const std::string& edition = "ServerStandardEval") {
  const CliResult r = RunCli("licet",
                             {"install", "--catalog", "windows-server-2022", "--edition", edition,
                              "--features", "AD-DS,Hyper-V,IIS"},
                             root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
}

TEST(SeedWalkthroughTest, EvaluationToLicensedStandardOffline) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const std::string mak = LabKey(root, "ServerStandard", "Volume:MAK");

  // "slmgr /ipk" of a Volume key on the Evaluation edition: 0x80070032 and the exact fix.
  CliResult r = RunCli("slmgr", {"/ipk", mak}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0x80070032"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ServerStandardEval"), std::string::npos);
  EXPECT_NE(r.err.find("Volume:MAK key for ServerStandard"), std::string::npos);
  EXPECT_NE(r.err.find("licet dism /online /Set-Edition:ServerStandard /ProductKey:" + mak +
                       " /AcceptEula"),
            std::string::npos)
      << r.err;

  // The seed's own GVLK line, verbatim (with the article's misprint), is refused the same way.
  r = RunCli("slmgr", {"/ipk", "VDYBN-27WPP-V4HQT-9VMD4-VMK7R"}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0x80070032"), std::string::npos);

  r = RunCli("dism", {"/online", "/Get-TargetEditions"}, root);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_NE(r.out.find("Target Edition : ServerStandard"), std::string::npos);
  EXPECT_NE(r.out.find("Target Edition : ServerDatacenter"), std::string::npos);

  // The seed's DISM line, verbatim.
  r = RunCli("DISM",
             {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + mak, "/AcceptEula"}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("100.0%"), std::string::npos) << "progress is shown";
  EXPECT_NE(r.out.find("licet restart"), std::string::npos);
  r = RunCli("dism", {"/online", "/get-currentedition"}, root);
  EXPECT_NE(r.out.find("Current Edition : ServerStandardEval"), std::string::npos)
      << "pending until restart";
  EXPECT_NE(r.out.find("Pending Edition : ServerStandard"), std::string::npos);

  r = RunCli("licet", {"restart"}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("Edition changed from ServerStandardEval to ServerStandard"),
            std::string::npos);

  r = RunCli("slmgr", {"/ipk", mak}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("Installed product key " + mak + " successfully."), std::string::npos);

  r = RunCli("slmgr", {"/dlv"}, root);
  EXPECT_NE(r.out.find("Description: Windows Server 2022, VOLUME_MAK channel"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Partial Product Key: " + mak.substr(24)), std::string::npos);
  EXPECT_NE(r.out.find("License Status: Initial grace period"), std::string::npos);
  EXPECT_NE(r.out.find("Remaining Windows rearm count: 6"), std::string::npos);
  EXPECT_NE(r.out.find("Client Machine ID (CMID):"), std::string::npos);

  json status = RunJson({"status"}, root);
  EXPECT_EQ(status["edition"], "ServerStandard");
  EXPECT_EQ(status["pending_edition"], nullptr);
  EXPECT_EQ(status["channel"], "Volume:MAK");
  EXPECT_EQ(status["license_status"], "initial_grace");
  // Ten days, less the few seconds the commands took on a slow (sanitizer) build.
  EXPECT_GE(status["grace_minutes_remaining"].get<int>(), 14400 - 2);
  EXPECT_LE(status["grace_minutes_remaining"].get<int>(), 14400);
  EXPECT_EQ(status["features"], json({"AD-DS", "Hyper-V", "IIS"}))
      << "roles survive the conversion";
  EXPECT_EQ(status["partial_product_key"], mak.substr(24));

  // Ten days later, not activated: Notification, 0xC004F009, a restart every hour.
  ASSERT_EQ(RunCli("licet", {"lab", "clock", "advance", "11d"}, root).exit_status, 0);
  status = RunJson({"status"}, root);
  EXPECT_EQ(status["license_status"], "notification");
  EXPECT_EQ(status["reason"]["code"], "0xC004F009");
  EXPECT_EQ(status["enforcement"]["kind"], "forced-shutdown");
  EXPECT_EQ(status["enforcement"]["shutdown_interval_minutes"], 60);
  r = RunCli("licet", {"doctor"}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.out.find("licet slmgr /ato"), std::string::npos) << r.out;
}

TEST(SeedWalkthroughTest, EvaluationExpiresIntoReducedFunctionality) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  json status = RunJson({"status"}, root);
  EXPECT_EQ(status["license_status"], "licensed");
  EXPECT_GE(status["grace_minutes_remaining"].get<int>(), 180 * 24 * 60 - 2);
  EXPECT_LE(status["grace_minutes_remaining"].get<int>(), 180 * 24 * 60);
  ASSERT_EQ(RunCli("licet", {"lab", "clock", "advance", "181d"}, root).exit_status, 0);
  status = RunJson({"status"}, root);
  EXPECT_EQ(status["license_status"], "notification");
  EXPECT_EQ(status["reason"]["code"], "0xC004FC07");
  EXPECT_EQ(status["enforcement"]["shutdown_interval_minutes"], 60);
  const json events = RunJson({"events", "--id", "100"}, root);
  ASSERT_EQ(events["events"].size(), 1u) << events.dump();
  EXPECT_NE(events["events"][0]["message"].get<std::string>().find("shut down every 60 minutes"),
            std::string::npos);
  const CliResult r = RunCli("slmgr", {"/dli"}, root);
  EXPECT_NE(r.out.find("Notification Reason: 0xC004FC07"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shuts down every 60 minutes"), std::string::npos);
}

TEST(SeedWalkthroughTest, DatacenterToStandardIsRefused) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const std::string dc = LabKey(root, "ServerDatacenter", "Retail");
  // /Quiet without /NoRestart restarts by itself, as DISM does.
  CliResult r = RunCli(
      "dism",
      {"/Online", "/Set-Edition:ServerDatacenter", "/ProductKey:" + dc, "/AcceptEula", "/Quiet"},
      root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_EQ(RunJson({"status"}, root)["edition"], "ServerDatacenter");
  const std::string std_key = LabKey(root, "ServerStandard", "Retail");
  r = RunCli("dism",
             {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + std_key, "/AcceptEula"},
             root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xA1CE000D"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot be converted down to Standard"), std::string::npos);
  r = RunCli("slmgr", {"/ipk", std_key}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xC004F069"), std::string::npos) << r.err;
}

TEST(SeedWalkthroughTest, OfflineImageConversion) {
  TempDir dir;
  const std::filesystem::path image = dir.path() / "mount";
  InstallEval(image / "var/lib/licet");
  CliResult r = RunCli("dism", {"/Image:" + image.string(), "/Set-Edition:ServerDatacenter"},
                       dir.path() / "unused");
  ASSERT_EQ(r.exit_status, 0) << r.both();
  const std::string dc = LabKey(image / "var/lib/licet", "ServerDatacenter", "Volume:MAK");
  r = RunCli("dism", {"/Image:" + image.string(), "/Set-ProductKey:" + dc}, dir.path() / "unused");
  ASSERT_EQ(r.exit_status, 0) << r.both();
  const json status = RunJson({"status"}, image / "var/lib/licet");
  EXPECT_EQ(status["edition"], "ServerDatacenter");
  EXPECT_EQ(status["license_status"], "initial_grace");
  r = RunCli("dism", {"/online", "/Set-ProductKey:" + dc}, image / "var/lib/licet");
  EXPECT_EQ(r.exit_status, 2) << "/Set-ProductKey is offline only";
}

TEST(SeedWalkthroughTest, ConversionRollsBack) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const std::string key = LabKey(root, "ServerStandard", "Retail");
  ASSERT_EQ(RunCli("dism",
                   {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + key, "/AcceptEula",
                    "/NoRestart"},
                   root)
                .exit_status,
            0);
  ASSERT_EQ(RunCli("licet", {"restart"}, root).exit_status, 0);
  const json backups = RunJson({"backup", "list"}, root);
  ASSERT_EQ(backups["backups"].size(), 1u);
  EXPECT_EQ(backups["backups"][0]["edition"], "ServerStandardEval");
  const CliResult r =
      RunCli("licet", {"backup", "restore", backups["backups"][0]["id"].get<std::string>()}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_EQ(RunJson({"status"}, root)["edition"], "ServerStandardEval");
  EXPECT_EQ(RunCli("licet", {"backup", "restore", "99"}, root).exit_status, 1);
}

TEST(CliContractTest, ErrorsUnderJsonHaveOneShape) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const CliResult r = RunCli("slmgr", {"/ipk", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", "--json"}, root);
  EXPECT_EQ(r.exit_status, 1);
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["error"]["code"], "0xC004F050");
  EXPECT_EQ(j["error"]["symbol"], "SL_E_INVALID_PRODUCT_KEY");
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_FALSE(j["error"]["remedy"].get<std::string>().empty());
  const json missing = RunJson({"status"}, dir.path() / "nothing-here");
  EXPECT_EQ(missing["error"]["code"], "0xA1CE0001");
}

TEST(CliContractTest, UsageErrorsExitWith2) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const std::string key = LabKey(root, "ServerStandard", "Retail");
  CliResult r =
      RunCli("dism", {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + key}, root);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("/AcceptEula"), std::string::npos);
  EXPECT_EQ(RunCli("licet", {"frobnicate"}, root).exit_status, 2);
  EXPECT_EQ(RunCli("slmgr", {"/frobnicate"}, root).exit_status, 2);
  EXPECT_EQ(RunCli("slmgr", {}, root).exit_status, 2);
  EXPECT_EQ(RunCli("licet", {"lab", "clock", "advance", "soon"}, root).exit_status, 2);
  EXPECT_EQ(RunCli("slmgr", {"/?"}, root).exit_status, 0);
  EXPECT_EQ(RunCli("licet", {"--help"}, root).exit_status, 0);
}

TEST(CliContractTest, OptionsAreCaseInsensitiveWithEitherPrefix) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  for (const char* opt : {"/dli", "/DLI", "-dli", "-Dli"}) {
    const CliResult r = RunCli("slmgr", {opt}, root);
    EXPECT_EQ(r.exit_status, 0) << opt;
    EXPECT_NE(r.out.find("License Status: Licensed"), std::string::npos) << opt;
  }
  const CliResult r = RunCli("licet", {"slmgr", "-SKMS", "kms.contoso.local:1688"}, root);
  EXPECT_EQ(r.exit_status, 0) << r.both();
  EXPECT_EQ(RunJson({"status"}, root)["volume"]["host"], "kms.contoso.local");
  EXPECT_EQ(RunCli("slmgr", {"/ckms"}, root).exit_status, 0);
  EXPECT_EQ(RunJson({"status"}, root)["volume"]["host"], nullptr);
}

TEST(CliContractTest, RearmRunsOut) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  InstallEval(root);
  const std::string cmid = RunJson({"status"}, root)["cmid"];
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(RunCli("slmgr", {"/rearm"}, root).exit_status, 0) << i;
    ASSERT_EQ(RunCli("licet", {"restart"}, root).exit_status, 0);
  }
  EXPECT_NE(RunJson({"status"}, root)["cmid"], cmid);
  const CliResult r = RunCli("slmgr", {"/rearm"}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xC004D307"), std::string::npos);
}

TEST(CliContractTest, LabClockIsRefusedForVendorCatalogs) {
  TempDir dir;
  const std::filesystem::path root = dir.path() / "store";
  ASSERT_EQ(RunCli("licet", {"install", "--catalog", "acme-studio", "--edition", "Trial"}, root)
                .exit_status,
            0);
  const CliResult r = RunCli("licet", {"lab", "clock", "advance", "31d"}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xA1CE0007"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace licet
