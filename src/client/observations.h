// <root>/observed.json: what the CLI and running applications observed, kept apart from store.json
// so that restoring, editing or deleting one file does not rewind the other. Two facts:
//  - the trusted-time high-water mark (also in store.json and, signed by the vendor or volume host,
//    in the license token): the installation's clock never runs behind the highest of them;
//  - when the hardware was first seen beyond the activation's tolerance, for which activation (so
//    the out-of-tolerance grace starts once, not at every start);
//  - the hardware binding and virtualization read in this boot, so an application's first check
//    need not read them again (its watcher re-reads them, in the background); sealed, because a
//    first check trusts them.
// Written atomically by whoever can write the store; readers treat a missing or damaged file as
// empty. Format: docs/formats/store.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "licet/core/clock.h"
#include "licet/core/status.h"

namespace licet::client {

/// The hardware and virtualization read in one boot (reused by the next start in that boot).
struct BootHardware {
  std::string boot_id;   // the boot the fields below were read in
  std::string hardware;  // the binding read then, without lab overrides
  std::string virtual_machine;
  std::string container;
  std::string seal;  // SideSeal of the fields above (sdk/license_checker.cc writes and checks it)
  friend bool operator==(const BootHardware&, const BootHardware&) = default;
};

struct Observations {
  TimePoint trusted_time{};
  std::optional<TimePoint> out_of_tolerance_since;
  std::string out_of_tolerance_token;  // ContentDigest of the activation token it was seen for
  BootHardware boot;
};

[[nodiscard]] std::filesystem::path ObservationsPath(const std::filesystem::path& root);
/// The observations of the installation at `root`: a missing or damaged file reads as empty, a
/// damaged member as never observed.
[[nodiscard]] Observations ReadObservations(const std::filesystem::path& root);
/// The same from observed.json's path as text, for an application's first check, which builds no
/// std::filesystem::path (license_checker.cc).
[[nodiscard]] Observations ReadObservationsFile(const char* observed_json);
/// Replaces observed.json atomically, then removes the temporaries of earlier writes that
/// stopped before their rename (a minute old or more).
[[nodiscard]] Status WriteObservations(const std::filesystem::path& root, const Observations& o);

}  // namespace licet::client
