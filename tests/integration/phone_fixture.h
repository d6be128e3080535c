// Phone activation set-up shared by the tests: a vendor (licet-server data with the lab catalog
// and a MAK) and the IID -> CID -> /atp round trip (machines: StandardMachine in volume_fixture.h).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "volume_fixture.h"

namespace licet::testing {

struct PhoneVendor {
  std::filesystem::path data;
  std::string mak;
  explicit PhoneVendor(const TempDir& dir, int activations = 5) : data(dir.path() / "vendor") {
    EXPECT_EQ(RunProgram(kServerBin, {"init", "--catalog", "windows-server-2022", "--data",
                                      data.string(), "--lab"})
                  .exit_status,
              0);
    mak = IssueMak(activations);
  }
  // A new Standard MAK with `activations` counts (the next serial of its group).
  std::string IssueMak(int activations) const {
    const CliResult keys =
        RunProgram(kServerBin, {"keys", "generate", "--data", data.string(), "--edition",
                                "ServerStandard", "--channel", "Volume:MAK", "--count", "1",
                                "--activations", std::to_string(activations)});
    EXPECT_EQ(keys.exit_status, 0) << keys.both();
    return keys.out.substr(0, 29);
  }
  // What the support agent reads back: the last line of `phone confirm`, or the failure.
  CliResult Confirm(const std::string& iid) const {
    return RunProgram(kServerBin, {"phone", "confirm", "--data", data.string(), iid});
  }
};

inline std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  std::string line = t.substr(t.rfind('\n') + 1);
  line.erase(0, line.find_first_not_of(' '));
  return line;
}

inline std::string Iid(const std::filesystem::path& root) {
  const CliResult r = Cli("licet", {"--json", "slmgr", "/dti"}, root);
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return nlohmann::json::parse(r.out).value("installation_id", "");
}

/// Activates `root` by phone with the vendor's confirmation (the real Schnorr CID, no server).
inline void ActivateByPhone(const PhoneVendor& vendor, const std::filesystem::path& root) {
  const CliResult confirm = vendor.Confirm(Iid(root));
  ASSERT_EQ(confirm.exit_status, 0) << confirm.both();
  const CliResult atp = Cli("slmgr", {"/atp", LastLine(confirm.out)}, root);
  ASSERT_EQ(atp.exit_status, 0) << atp.both();
}

}  // namespace licet::testing
