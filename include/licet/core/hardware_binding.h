// File: hardware_binding.h
// The hardware binding a license token carries: six weighted components of the machine, each
// hashed to 32 bits, and the tolerance rule that says whether a machine still is "the same".
// Format (docs/formats/hardware_binding.md): "hw2." then six fields joined by '.', each 8
// lower-case hex digits or '-' when the component could not be read, in the order of
// HardwareComponent. Example: "hw2.1f0c9a2e.-.77b0e1d4.-.0a9e13c2.5c1d0e7f".
//
//   const licet::HardwareBinding now = licet::HardwareBinding::FromValues(values);
//   const licet::HardwareMatch m = licet::MatchHardware(bound_in_token, now);
//   if (m.verdict == licet::HardwareVerdict::kOutOfTolerance) { ... m.changed ... }
//
// Thread-safe: values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace licet {

/// The components, in binding order. Weights (HardwareWeight) say how much each one counts.
enum class HardwareComponent {
  kMachine = 0,  // the OS machine-id, scoped to the store's path
  kBoard = 1,    // DMI product UUID (or board serial)
  kNetwork = 2,  // the MAC addresses of the physical network interfaces
  kDisk = 3,     // the serial numbers of the physical disks
  kCpu = 4,      // the CPU model name
  kHost = 5,     // the host name
};
inline constexpr std::size_t kHardwareComponentCount = 6;

/// "machine", "board", "network", "disk", "cpu", "host".
[[nodiscard]] std::string_view HardwareComponentName(HardwareComponent c);
/// What the component is, for people: "machine ID", "DMI product UUID", ...
[[nodiscard]] std::string_view HardwareComponentDescription(HardwareComponent c);
/// machine 4, board 4, network 3, disk 3, cpu 1, host 1.
[[nodiscard]] int HardwareWeight(HardwareComponent c);
/// Parses a component name as HardwareComponentName writes it.
[[nodiscard]] std::optional<HardwareComponent> ParseHardwareComponent(std::string_view name);

/// Raw component values as read from the machine; empty = could not be read.
using HardwareValues = std::array<std::string, kHardwareComponentCount>;

class HardwareBinding {
 public:
  /// Hashes each non-empty value (BLAKE2b, salted with the component name, first 32 bits).
  [[nodiscard]] static HardwareBinding FromValues(const HardwareValues& values);
  /// Parses the "hw2.…" text form; nullopt when it is not exactly that form.
  [[nodiscard]] static std::optional<HardwareBinding> Parse(std::string_view text);

  /// This binding with one component's raw value replaced (empty: could not be read).
  [[nodiscard]] HardwareBinding WithValue(HardwareComponent c, const std::string& value) const;

  [[nodiscard]] std::string ToString() const;
  [[nodiscard]] std::optional<std::uint32_t> Hash(HardwareComponent c) const {
    return hashes_[static_cast<std::size_t>(c)];
  }
  /// 24 bits of the whole binding, for the installation ID of phone activation.
  [[nodiscard]] std::uint32_t Hash24() const;

  friend bool operator==(const HardwareBinding&, const HardwareBinding&) = default;

 private:
  std::array<std::optional<std::uint32_t>, kHardwareComponentCount> hashes_{};
};

/// True when `text` is a well-formed binding (what the protocols accept in their "hw" fields).
[[nodiscard]] bool IsHardwareBindingText(std::string_view text);

enum class HardwareVerdict {
  kSame,             // every component matches
  kWithinTolerance,  // some changed, but at least half the bound weight still matches
  kOutOfTolerance,   // less than half matches: out-of-tolerance grace (0xC004F00F)
  kForeign,          // nothing matches: another machine
};

struct HardwareMatch {
  HardwareVerdict verdict = HardwareVerdict::kSame;
  int matched_weight = 0;
  int bound_weight = 0;  // the weight of the components present in the bound binding
  std::vector<HardwareComponent> changed;  // bound components that differ now (or are gone)
};

/// Compares the binding made at activation (`bound`) with the machine now (`current`). Only the
/// components present in `bound` count; one that is gone now counts as changed.
[[nodiscard]] HardwareMatch MatchHardware(const HardwareBinding& bound,
                                          const HardwareBinding& current);

}  // namespace licet
