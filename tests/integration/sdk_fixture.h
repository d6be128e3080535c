// The SDK tests look at installations only through the public C API (include/licet/licet.h); the
// real `licet` binaries (and licet-server for activations) set up and change the stores, as an
// administrator would while the application runs.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "licet/licet.h"
#include "phone_fixture.h"

namespace licet::testing {

inline const std::string kCatalogDir = LICET_CATALOG_DIR;

/// An installation opened through the C API; closes itself.
class SdkHandle {
 public:
  explicit SdkHandle(const std::filesystem::path& root,
                     const std::string& catalog = "windows-server-2022", std::uint32_t flags = 0,
                     std::uint32_t recheck_seconds = 0) {
    licet_open_options o{};
    o.struct_size = sizeof o;
    o.catalog = catalog.c_str();
    o.flags = flags;
    o.recheck_seconds = recheck_seconds;
    const std::string r = root.string();
    o.root = r.c_str();
    code_ = licet_open(&o, &handle_);
  }
  ~SdkHandle() { licet_close(handle_); }
  SdkHandle(const SdkHandle&) = delete;
  SdkHandle& operator=(const SdkHandle&) = delete;

  [[nodiscard]] licet_code open_code() const { return code_; }
  [[nodiscard]] licet_installation* get() const { return handle_; }

  [[nodiscard]] licet_state Check(licet_code* code = nullptr) const {
    licet_state st{};
    st.struct_size = sizeof st;
    const licet_code c = licet_check(handle_, &st);
    if (code != nullptr) *code = c;
    return st;
  }

  /// Checks until `done` holds (the watcher notices a change within milliseconds); fails the test
  /// after `timeout` and returns the last state.
  licet_state WaitFor(const std::function<bool(const licet_state&)>& done, const std::string& what,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    licet_state st = Check();
    while (!done(st)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out waiting for " << what
                      << "; last state: " << licet_status_name(st.status) << " reason " << std::hex
                      << st.reason << std::dec << " edition " << st.edition << ": "
                      << st.explanation;
        return st;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      st = Check();
    }
    return st;
  }

 private:
  licet_installation* handle_ = nullptr;
  licet_code code_ = LICET_OK;
};

inline std::filesystem::path InstallEvaluation(const TempDir& dir, const std::string& name) {
  const std::filesystem::path root = dir.path() / name;
  const CliResult r =
      Cli("licet",
          {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandardEval"}, root);
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return root;
}

inline void LabClock(const std::filesystem::path& root, const std::string& verb,
                     const std::string& duration) {
  const CliResult r = Cli("licet", {"lab", "clock", verb, duration}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
}

inline void LabHardware(const std::filesystem::path& root, const std::string& component,
                        const std::string& value) {
  const CliResult r = Cli("licet", {"lab", "hardware", "set", component, value}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
}

/// Gives every component a known value, so the tests do not depend on this machine's hardware.
inline void PinLabHardware(const std::filesystem::path& root) {
  for (const char* c : {"machine", "board", "network", "disk", "cpu", "host"}) {
    LabHardware(root, c, std::string("lab-") + c + "-1");
  }
}

inline std::string Text(const char* s) { return s; }

/// A Standard machine activated by phone, every hardware component pinned first (PinLabHardware).
inline std::filesystem::path PhoneActivatedMachine(const TempDir& dir, const PhoneVendor& vendor,
                                                   const std::string& name) {
  const std::filesystem::path root = StandardMachine(dir, name, vendor.mak);
  PinLabHardware(root);
  ActivateByPhone(vendor, root);
  return root;
}

}  // namespace licet::testing
