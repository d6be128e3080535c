// Phone activation through the real binaries: slmgr /dti on the installation, licet-server phone
// confirm (or POST /v1/phone-activations) at the vendor, slmgr /atp back on the installation.
#include "licet/core/phone_activation.h"

#include <gtest/gtest.h>

#include "http_client.h"
#include "phone_fixture.h"
#include "pty_process.h"
#include "volume_fixture.h"

namespace licet {
namespace {

using nlohmann::json;
using testing::Cli;
using testing::CliResult;
using testing::ErrorCodeOf;
using testing::Iid;
using testing::LastLine;
using testing::PhoneVendor;
using testing::RunProgram;
using testing::TempDir;

TEST(PhoneActivation, ReadTheIidTypeTheCidLicensed) {
  TempDir dir;
  PhoneVendor vendor(dir);
  const std::filesystem::path m = testing::StandardMachine(dir, "m1", vendor.mak);
  const std::string iid = Iid(m);
  EXPECT_EQ(iid.size(), 41u) << iid;  // 6 groups of 6 digits
  EXPECT_EQ(Iid(m), iid);             // stable while nothing changes
  const CliResult confirm = vendor.Confirm(iid);
  ASSERT_EQ(confirm.exit_status, 0) << confirm.both();
  const std::string cid = LastLine(confirm.out);
  EXPECT_EQ(cid.size(), 15u * 7u - 1u) << cid;
  const CliResult atp = Cli("slmgr", {"/atp", cid}, m);
  ASSERT_EQ(atp.exit_status, 0) << atp.both();
  const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, m).out);
  EXPECT_EQ(dlv.value("license_status", ""), "licensed");
}

TEST(PhoneActivation, ATypoInEachGroupIsCaughtAndNamed) {
  TempDir dir;
  PhoneVendor vendor(dir);
  const std::filesystem::path m = testing::StandardMachine(dir, "m1", vendor.mak);
  const std::string cid = LastLine(vendor.Confirm(Iid(m)).out);
  for (int group = 1; group <= 15; ++group) {
    std::string typo = cid;
    const std::size_t at = static_cast<std::size_t>((group - 1) * 7 + 3);
    typo[at] = typo[at] == '9' ? '0' : static_cast<char>(typo[at] + 1);
    const CliResult r = Cli("licet", {"--json", "slmgr", "/atp", typo}, m);
    EXPECT_EQ(ErrorCodeOf(r), "0xC004F04D") << typo;
    EXPECT_NE(r.out.find(fmt::format("group {} ", group)), std::string::npos) << r.out;
  }
  // A typo in the IID read to the vendor is caught there, named too.
  std::string iid = Iid(m);
  iid[9] = iid[9] == '1' ? '2' : '1';
  const CliResult r = vendor.Confirm(iid);
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("group 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0xC004F04D"), std::string::npos) << r.err;
}

TEST(PhoneActivation, ACidForAnotherMachineOrKeyIsRefused) {
  TempDir dir;
  PhoneVendor vendor(dir);
  const std::filesystem::path a = testing::StandardMachine(dir, "a", vendor.mak);
  const std::filesystem::path b = testing::StandardMachine(dir, "b", vendor.mak);
  const std::string cid_for_a = LastLine(vendor.Confirm(Iid(a)).out);
  EXPECT_EQ(ErrorCodeOf(Cli("licet", {"--json", "slmgr", "/atp", cid_for_a}, b)), "0xC004F031");
  // The key changed after the IID was read: 0xC004F07E.
  const std::string retail =
      RunProgram(testing::kServerBin,
                 {"keys", "generate", "--data", vendor.data.string(), "--edition", "ServerStandard",
                  "--channel", "Retail", "--count", "1"})
          .out.substr(0, 29);
  ASSERT_EQ(Cli("slmgr", {"/ipk", retail}, a).exit_status, 0);
  EXPECT_EQ(ErrorCodeOf(Cli("licet", {"--json", "slmgr", "/atp", cid_for_a}, a)), "0xC004F07E");
  // A GVLK does not activate by phone.
  const std::filesystem::path g = testing::StandardMachine(dir, "g", testing::kStandardGvlk);
  EXPECT_EQ(ErrorCodeOf(Cli("licet", {"--json", "slmgr", "/dti"}, g)), "0x80070032");
}

TEST(PhoneActivation, MakCountsAreHonouredAndTheSameMachineCountsOnce) {
  TempDir dir;
  PhoneVendor vendor(dir, /*activations=*/1);
  const std::filesystem::path a = testing::StandardMachine(dir, "a", vendor.mak);
  const std::string iid = Iid(a);
  ASSERT_EQ(vendor.Confirm(iid).exit_status, 0);
  ASSERT_EQ(vendor.Confirm(iid).exit_status, 0);  // read twice: still one activation
  const std::filesystem::path b = testing::StandardMachine(dir, "b", vendor.mak);
  const CliResult r = vendor.Confirm(Iid(b));
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("0xC004C020"), std::string::npos) << r.err;
}

// An installation ID names its key by group and serial only, so anyone can write one for any
// serial: no answer to one, refusal included, may show more of a key than its last group.
TEST(PhoneActivation, AnAnswerToAnInstallationIdNeverShowsTheWholeKey) {
  TempDir dir;
  PhoneVendor vendor(dir, /*activations=*/1);
  testing::ServerProcess server(testing::kServerBin, vendor.data);
  const auto post = [&](const std::string& iid) {
    StatusOr<client::HttpReply> reply = client::PostJson(server.url() + "/v1/phone-activations",
                                                         json{{"installation_id", iid}}.dump());
    EXPECT_TRUE(reply.ok()) << reply.status().message();
    return reply.ok() ? reply->body : std::string();
  };
  const std::string first = Iid(testing::StandardMachine(dir, "a", vendor.mak));
  EXPECT_NE(post(first).find("confirmation_id"), std::string::npos);
  // The count is used up: the refusal names the key by its last group only.
  const std::string exhausted = post(Iid(testing::StandardMachine(dir, "b", vendor.mak)));
  EXPECT_NE(exhausted.find("0xC004C020"), std::string::npos) << exhausted;
  EXPECT_NE(exhausted.find("*****-*****-*****-*****-" + vendor.mak.substr(24)), std::string::npos)
      << exhausted;
  EXPECT_EQ(exhausted.find(vendor.mak), std::string::npos) << exhausted;
  // An IID made up for the next serial cannot prove its key: refused, telling nothing of that key
  // (not even whether it is issued), and it spends no count.
  const StatusOr<phone::InstallationIdFields> fields = phone::ParseInstallationId(first);
  ASSERT_TRUE(fields.ok()) << fields.status();
  phone::InstallationIdFields next = *fields;
  ++next.key_serial;
  const std::string made_up = post(phone::FormatInstallationId(next));
  EXPECT_NE(made_up.find("0xC004F02C"), std::string::npos) << made_up;
  // Nor can one be made up for a held key's serial on another machine, nor in format version 1
  // (which had no proof); were they taken, the exhausted MAK would answer 0xC004C020.
  phone::InstallationIdFields other_machine = *fields;
  other_machine.hardware_hash ^= 1;
  const std::string other = post(phone::FormatInstallationId(other_machine));
  EXPECT_NE(other.find("0xC004F02C"), std::string::npos) << other;
  phone::InstallationIdFields version_1 = *fields;
  version_1.version = 1;
  const std::string old = post(phone::FormatInstallationId(version_1));
  EXPECT_NE(old.find("format version 1"), std::string::npos) << old;
  // The lab catalog's key for that serial (its secrets are published): with its proof, the IID is
  // one a machine holding the key would read; not issued yet, it is refused without the key.
  const std::string lab_key =
      testing::Cli("licet",
                   {"lab", "key", "--edition", "ServerStandard", "--channel", "Volume:MAK",
                    "--serial", std::to_string(next.key_serial)},
                   dir.path() / "a")
          .out.substr(0, 29);
  next.key_proof = phone::KeyProof(lab_key, next.hardware_hash);
  const std::string unissued = post(phone::FormatInstallationId(next));
  EXPECT_NE(unissued.find("0xC004C003"), std::string::npos) << unissued;
  const std::string next_key = vendor.IssueMak(/*activations=*/1);
  ASSERT_EQ(next_key, lab_key);
  EXPECT_EQ(unissued.find(next_key), std::string::npos) << unissued;
  EXPECT_NE(unissued.find(next_key.substr(24)), std::string::npos)
      << "the refusal names the serial's key by its last group: " << unissued;
  EXPECT_EQ(made_up.find(next_key.substr(24)), std::string::npos) << made_up;
}

TEST(PhoneActivation, TheHttpApiAnswersWithACidThatDeposits) {
  TempDir dir;
  PhoneVendor vendor(dir);
  testing::ServerProcess server(testing::kServerBin, vendor.data);
  const std::filesystem::path m = testing::StandardMachine(dir, "m1", vendor.mak);
  StatusOr<client::HttpReply> reply = client::PostJson(server.url() + "/v1/phone-activations",
                                                       json{{"installation_id", Iid(m)}}.dump());
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  ASSERT_EQ(reply->status, 200) << reply->body;
  const std::string cid = json::parse(reply->body).value("confirmation_id", "");
  EXPECT_EQ(Cli("slmgr", {"/atp", cid}, m).exit_status, 0);
  // The self-service page: a form that posts to the same API.
  const CliResult page = RunProgram("/usr/bin/curl", {"-s", "-i", server.url() + "/phone"});
  EXPECT_NE(page.out.find("200 OK"), std::string::npos) << page.out.substr(0, 200);
  EXPECT_NE(page.out.find("text/html"), std::string::npos);
  EXPECT_NE(page.out.find("Windows Server 2022"), std::string::npos);
  EXPECT_NE(page.out.find("fetch(\"/v1/phone-activations\""), std::string::npos);
  reply = client::PostJson(server.url() + "/v1/phone-activations",
                           json{{"installation_id", "12"}}.dump());
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 400) << reply->body;
  EXPECT_NE(reply->body.find("0xC004F02C"), std::string::npos) << reply->body;
}

TEST(PhoneActivation, ProxyExportFulfilImportAcrossSeveralRoots) {
  TempDir dir;
  PhoneVendor vendor(dir, /*activations=*/3);
  std::vector<std::string> roots;
  for (const char* name : {"site-a", "site-b", "site-c"})
    roots.push_back(testing::StandardMachine(dir, name, vendor.mak).string());
  const std::filesystem::path empty = dir.path() / "no-key";
  ASSERT_EQ(
      Cli("licet", {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandard"},
          empty)
          .exit_status,
      0);
  const std::string request = (dir.path() / "request.json").string();
  std::vector<std::string> args = {"proxy", "export", "--out", request};
  args.insert(args.end(), roots.begin(), roots.end());
  args.push_back(empty.string());
  const CliResult exported = RunProgram(testing::kCliDir + "licet", args);
  EXPECT_EQ(exported.exit_status, 1) << exported.both();  // the root without a key is named
  EXPECT_NE(exported.out.find("0xC004F014"), std::string::npos) << exported.out;
  const std::string response = (dir.path() / "response.json").string();
  const CliResult fulfilled =
      RunProgram(testing::kServerBin,
                 {"proxy", "fulfil", "--data", vendor.data.string(), request, "--out", response});
  ASSERT_EQ(fulfilled.exit_status, 0) << fulfilled.both();
  EXPECT_NE(fulfilled.out.find("3 of 3 confirmed"), std::string::npos) << fulfilled.out;
  const CliResult imported =
      RunProgram(testing::kCliDir + "licet", {"--json", "proxy", "import", response});
  ASSERT_EQ(imported.exit_status, 0) << imported.both();
  EXPECT_EQ(json::parse(imported.out).value("failed", -1), 0);
  for (const std::string& root : roots) {
    const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, root).out);
    EXPECT_EQ(dlv.value("license_status", ""), "licensed") << root;
  }
  // A reinstall on unchanged hardware: a new IID, the same machine, no new activation (the MAK
  // has 3, all used).
  ASSERT_EQ(
      Cli("licet",
          {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandard", "--force"},
          roots[0])
          .exit_status,
      0);
  ASSERT_EQ(Cli("slmgr", {"/ipk", vendor.mak}, roots[0]).exit_status, 0);
  const CliResult again = vendor.Confirm(Iid(roots[0]));
  ASSERT_EQ(again.exit_status, 0) << again.both();
  EXPECT_NE(again.out.find("already counted"), std::string::npos) << again.out;
  EXPECT_EQ(Cli("slmgr", {"/atp", LastLine(again.out)}, roots[0]).exit_status, 0);
}

std::vector<std::string> Groups(const std::string& id) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < id.size(); at += 7) out.push_back(id.substr(at, 6));
  return out;
}

TEST(PhoneActivation, TheSlui4WizardAtATerminalChecksEachGroupAsItIsTyped) {
  TempDir dir;
  PhoneVendor vendor(dir);
  const std::filesystem::path m = testing::StandardMachine(dir, "m1", vendor.mak);
  const std::string iid = Iid(m);
  const std::vector<std::string> cid = Groups(LastLine(vendor.Confirm(iid).out));
  ASSERT_EQ(cid.size(), 15u);
  testing::PtyProcess wizard(testing::kCliDir + "slui", {"4"}, {"LICET_ROOT=" + m.string()});
  ASSERT_TRUE(wizard.Expect("United Kingdom")) << wizard.output();
  ASSERT_TRUE(wizard.Expect("Number of your country or region: ")) << wizard.output();
  wizard.Send("2");
  ASSERT_TRUE(wizard.Expect("call +44 20 7946 0001")) << wizard.output();
  ASSERT_TRUE(wizard.Expect(Groups(iid)[5])) << wizard.output();  // the IID, in groups
  ASSERT_TRUE(wizard.Expect("█")) << wizard.output();             // and its QR code
  for (std::size_t g = 0; g < cid.size(); ++g) {
    ASSERT_TRUE(wizard.Expect(fmt::format("group {:>2}: ", g + 1))) << wizard.output();
    if (g == 2) {  // a typo in group 3 is caught at once, and group 3 asked again
      std::string typo = cid[g];
      typo[0] = typo[0] == '9' ? '0' : static_cast<char>(typo[0] + 1);
      wizard.Send(typo);
      ASSERT_TRUE(wizard.Expect("group 3 (" + typo + ") has a wrong check digit"))
          << wizard.output();
      ASSERT_TRUE(wizard.Expect("group  3: ")) << wizard.output();
    }
    wizard.Send(cid[g]);
  }
  ASSERT_TRUE(wizard.Expect("Product activated successfully.")) << wizard.output();
  EXPECT_EQ(wizard.Wait(), 0);
  const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, m).out);
  EXPECT_EQ(dlv.value("license_status", ""), "licensed");
}

TEST(PhoneActivation, TheSlui4WizardTakesPipedInputAndRefusesACidForAnotherMachine) {
  TempDir dir;
  PhoneVendor vendor(dir);
  const std::filesystem::path a = testing::StandardMachine(dir, "a", vendor.mak);
  const std::filesystem::path b = testing::StandardMachine(dir, "b", vendor.mak);
  std::string cid_for_a = LastLine(vendor.Confirm(Iid(a)).out);
  std::replace(cid_for_a.begin(), cid_for_a.end(), '-', ' ');
  CliResult r = RunProgram(testing::kCliDir + "slui", {"4"}, {"LICET_ROOT=" + b.string()},
                           "3\n" + cid_for_a + "\n");
  EXPECT_EQ(r.exit_status, 1) << r.both();
  EXPECT_NE(r.err.find("0xC004F031"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("█"), std::string::npos);  // no QR code when the output is not a terminal
  r = RunProgram(testing::kCliDir + "slui", {"4"}, {"LICET_ROOT=" + a.string()},
                 "1\n" + cid_for_a + "\n");
  EXPECT_EQ(r.exit_status, 0) << r.both();
  // `slui /?` explains the wizard.
  const CliResult help = RunProgram(testing::kCliDir + "slui", {"/?"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("slui 4"), std::string::npos) << help.out;
  // The input ends early: a clear error, not a hang.
  r = RunProgram(testing::kCliDir + "slui", {"4"}, {"LICET_ROOT=" + b.string()}, "1\n123456\n");
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.err.find("ended"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace licet
