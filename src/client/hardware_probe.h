// Reads this machine's hardware components for the license binding (hardware_binding.h), and
// detects virtual machines and containers. Lab catalogs can override components with
// <root>/lab-hardware.json (`licet lab hardware set network 02:00:00:00:00:01`), so tests and
// rehearsals can "replace" a network card or a disk on a machine that has none to replace.
//
//   const licet::HardwareValues v = licet::client::ReadHardwareValues(root, catalog.product().lab);
//   const licet::HardwareBinding now = licet::HardwareBinding::FromValues(v);
//
// Thread-safe (reads files only). Costs a few dozen small reads from /etc, /sys and /proc.
#pragma once

#include <filesystem>
#include <string>

#include "licet/core/hardware_binding.h"
#include "licet/core/status.h"

namespace licet::client {

/// The raw components. The machine component is /etc/machine-id together with the store's absolute
/// path: two stores on one host are two machines (the lab runs several "machines" on one host).
/// With `lab`, <root>/lab-hardware.json overrides components it names.
[[nodiscard]] HardwareValues ReadHardwareValues(const std::filesystem::path& root, bool lab);

/// ReadHardwareValues hashed into a binding.
[[nodiscard]] HardwareBinding CurrentHardware(const std::filesystem::path& root, bool lab);

/// `binding` with the components the lab override file (LabHardwarePath) names replaced (lab
/// catalogs only: callers check). The file's path as text: a first check builds no
/// std::filesystem::path.
[[nodiscard]] HardwareBinding ApplyLabHardware(const char* lab_hardware_file,
                                               HardwareBinding binding);

/// This boot's ID (/proc/sys/kernel/random/boot_id); empty when unknown. Hardware read earlier in
/// the same boot can be reused at an application's start (observations.h).
[[nodiscard]] std::string ReadBootId();

/// What the machine runs in; empty strings when nothing was detected.
struct Virtualization {
  std::string virtual_machine;  // "kvm", "qemu", "vmware", "virtualbox", "xen", "hyper-v", ...
  std::string container;        // "docker", "podman", "lxc", "kubernetes", "systemd-nspawn", ...
  /// "kvm", "docker", "kvm, docker" or "".
  [[nodiscard]] std::string ToString() const;
};
[[nodiscard]] Virtualization DetectVirtualization();

/// The lab override file and its edits (lab catalogs only; callers check). `value` empty removes
/// the component as if it could not be read.
[[nodiscard]] std::filesystem::path LabHardwarePath(const std::filesystem::path& root);
[[nodiscard]] Status SetLabHardware(const std::filesystem::path& root, HardwareComponent component,
                                    const std::string& value);
[[nodiscard]] Status ResetLabHardware(const std::filesystem::path& root);

}  // namespace licet::client
