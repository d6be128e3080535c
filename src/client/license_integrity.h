// Is the store genuine, and is its activation still this machine's? One analysis for the CLI
// (Installation) and for applications (the SDK): the store's seal, the activation token's
// signature (vendor key, volume host chain, or phone confirmation ID), that the token names this
// installation, and how the machine's hardware compares with the token's binding.
//
//   const IntegrityFindings f = CheckIntegrity(subject, CurrentHardware(root, lab));
//   if (f.tampering) { ... *f.tampering, f.tampering_detail ... }
//
// Thread-safe: pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "install_record.h"
#include "licet/core/error_code.h"
#include "licet/core/hardware_binding.h"

namespace licet::client {

/// What the analysis looks at.
struct IntegritySubject {
  const InstallRecord* record = nullptr;
  bool seal_matches = false;  // StoreSealMatches over the file's bytes
  std::string product_id;     // the catalog's
  std::array<std::uint8_t, 32> vendor_public_key{};
  std::optional<std::array<std::uint8_t, 21>> phone_public_key;
};

struct IntegrityFindings {
  /// kStoreTampered, kTokenForeignInstallation or kTokenForeignMachine.
  std::optional<ErrorCode> tampering;
  std::string tampering_detail;
  /// The activation's hardware compared with the machine now (set when activated).
  std::optional<HardwareMatch> hardware;
  /// The time the token was issued, signed by the vendor or the volume host (online and volume).
  std::optional<TimePoint> signed_time;
};

[[nodiscard]] IntegrityFindings CheckIntegrity(const IntegritySubject& subject,
                                               const HardwareBinding& current);

/// "network, disk": the changed components, for messages.
[[nodiscard]] std::string ChangedComponents(const HardwareMatch& match);

}  // namespace licet::client
