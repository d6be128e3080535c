#include "licet/core/hardware_binding.h"

#include <fmt/format.h>
#include <sodium.h>

#include <cstring>

namespace licet {
namespace {

constexpr std::string_view kPrefix = "hw2";
constexpr std::array<std::string_view, kHardwareComponentCount> kNames = {
    "machine", "board", "network", "disk", "cpu", "host"};
constexpr std::array<std::string_view, kHardwareComponentCount> kDescriptions = {
    "machine ID (/etc/machine-id with the store's path)",
    "DMI product UUID",
    "network interface MAC addresses",
    "disk serial numbers",
    "CPU model",
    "host name"};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One field: '-' (absent) or 8 hex digits. False when it is neither.
bool ParseField(std::string_view f, std::optional<std::uint32_t>& out) {
  out.reset();
  if (f == "-") return true;
  if (f.size() != 8) return false;
  std::uint32_t v = 0;
  for (const char c : f) {
    const int d = HexDigit(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  out = v;
  return true;
}

}  // namespace

std::string_view HardwareComponentName(HardwareComponent c) {
  return kNames[static_cast<std::size_t>(c)];
}
std::string_view HardwareComponentDescription(HardwareComponent c) {
  return kDescriptions[static_cast<std::size_t>(c)];
}
int HardwareWeight(HardwareComponent c) {
  switch (c) {
    case HardwareComponent::kMachine:
    case HardwareComponent::kBoard:
      return 4;
    case HardwareComponent::kNetwork:
    case HardwareComponent::kDisk:
      return 3;
    case HardwareComponent::kCpu:
    case HardwareComponent::kHost:
      return 1;
  }
  return 0;
}

std::optional<HardwareComponent> ParseHardwareComponent(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<HardwareComponent>(i);
  }
  return std::nullopt;
}

namespace {

std::optional<std::uint32_t> HashValue(std::size_t component, const std::string& value) {
  if (value.empty()) return std::nullopt;
  const std::string material = fmt::format("licet/hw/v2/{}|{}", kNames[component], value);
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(material.data()),
                     material.size(), nullptr, 0);
  std::uint32_t v = 0;
  for (int k = 0; k < 4; ++k) v = (v << 8) | digest[k];
  return v;
}

}  // namespace

HardwareBinding HardwareBinding::FromValues(const HardwareValues& values) {
  HardwareBinding b;
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) b.hashes_[i] = HashValue(i, values[i]);
  return b;
}

HardwareBinding HardwareBinding::WithValue(HardwareComponent c, const std::string& value) const {
  HardwareBinding b = *this;
  const auto i = static_cast<std::size_t>(c);
  b.hashes_[i] = HashValue(i, value);
  return b;
}

std::optional<HardwareBinding> HardwareBinding::Parse(std::string_view text) {
  HardwareBinding b;
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = text.substr(kPrefix.size());
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) {
    if (rest.empty() || rest.front() != '.') return std::nullopt;
    rest.remove_prefix(1);
    const std::size_t end = std::min(rest.find('.'), rest.size());
    if (!ParseField(rest.substr(0, end), b.hashes_[i])) return std::nullopt;
    rest.remove_prefix(end);
  }
  if (!rest.empty()) return std::nullopt;
  return b;
}

std::string HardwareBinding::ToString() const {
  std::string out(kPrefix);  // by hand, not fmt: a phone activation's first check runs this
  for (const std::optional<std::uint32_t>& h : hashes_) {
    out += '.';
    if (!h) {
      out += '-';
      continue;
    }
    for (int shift = 28; shift >= 0; shift -= 4) out += "0123456789abcdef"[(*h >> shift) & 0xf];
  }
  return out;
}

std::uint32_t HardwareBinding::Hash24() const {
  const std::string text = ToString();
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  return (std::uint32_t{digest[0]} << 16) | (std::uint32_t{digest[1]} << 8) | digest[2];
}

bool IsHardwareBindingText(std::string_view text) {
  return HardwareBinding::Parse(text).has_value();
}

HardwareMatch MatchHardware(const HardwareBinding& bound, const HardwareBinding& current) {
  HardwareMatch m;
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) {
    const auto c = static_cast<HardwareComponent>(i);
    const std::optional<std::uint32_t> was = bound.Hash(c);
    if (!was) continue;
    m.bound_weight += HardwareWeight(c);
    if (current.Hash(c) == was) {
      m.matched_weight += HardwareWeight(c);
    } else {
      m.changed.push_back(c);
    }
  }
  if (m.changed.empty()) {
    m.verdict = HardwareVerdict::kSame;
  } else if (m.matched_weight == 0) {
    m.verdict = HardwareVerdict::kForeign;
  } else if (2 * m.matched_weight >= m.bound_weight) {
    m.verdict = HardwareVerdict::kWithinTolerance;
  } else {
    m.verdict = HardwareVerdict::kOutOfTolerance;
  }
  return m;
}

}  // namespace licet
