// Helpers for the client tests: a temporary root removed at the end, installations of the bundled
// catalogs on a FakeClock, and lab keys.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "installation.h"
#include "lab.h"
#include "licet/core/check.h"

namespace licet::client::testing {

inline const TimePoint kStart = *ParseIso8601("2026-11-25T12:00:00Z");

class TempRoot {
 public:
  TempRoot() {
    char tmpl[] = "/tmp/licet-client-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempRoot() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline Installation MustCreate(const std::filesystem::path& root, const Clock& clock,
                               const std::string& edition, std::vector<std::string> features = {},
                               const std::string& catalog = "windows-server-2022") {
  StatusOr<Installation> inst = Installation::Create(
      InstallOptions{
          .root = root, .catalog = catalog, .edition = edition, .features = std::move(features)},
      clock);
  LICET_CHECK(inst.ok(), inst.status().ToString().c_str());
  return std::move(inst).value();
}

inline Installation MustOpen(const std::filesystem::path& root, const Clock& clock) {
  StatusOr<Installation> inst = Installation::Open(root, Access::kReadWrite, clock);
  LICET_CHECK(inst.ok(), inst.status().ToString().c_str());
  return std::move(inst).value();
}

inline std::string LabKey(const Catalog& catalog, const std::string& edition, Channel channel,
                          std::uint32_t serial = 1) {
  StatusOr<ProductKey> key = MintLabKey(catalog, edition, channel, serial);
  LICET_CHECK(key.ok(), key.status().ToString().c_str());
  return key->text();
}

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace licet::client::testing
