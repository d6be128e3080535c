#include "hardware_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define LICET_HAVE_CPUID 1
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "licet/core/ascii.h"
#include "licet/core/atomic_file.h"

namespace licet::client {
namespace fs = std::filesystem;
namespace {

// A small file's content (at most `max` bytes) with trailing whitespace removed; empty when it
// cannot be read. Plain open/read: this runs on every application start.
std::string ReadSmall(const char* path, std::size_t max = 256) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out(max, '\0');
  std::size_t got = 0;
  while (got < max) {
    const std::size_t want = max - got;
    const ssize_t n = ::read(fd, out.data() + got, want);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < want) break;  // a short read: the end (saves a syscall)
  }
  ::close(fd);
  out.resize(got);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\0' ||
                          out.back() == '\t' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

std::vector<std::string> DirectoryEntries(const char* dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir);
  if (d == nullptr) return names;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::string MachineValue(const fs::path& root) {
  std::string id = ReadSmall("/etc/machine-id");
  if (id.empty()) id = ReadSmall("/var/lib/dbus/machine-id");
  std::error_code ec;
  const fs::path where = fs::absolute(root, ec).lexically_normal();
  return (id.empty() ? "no-machine-id" : id) + "@" + where.string();
}

std::string BoardValue() {
  for (const char* path : {"/sys/class/dmi/id/product_uuid", "/sys/class/dmi/id/board_serial",
                           "/sys/class/dmi/id/product_serial"}) {
    std::string v = ReadSmall(path);
    if (!v.empty()) return v;
  }
  return {};
}

// Physical interfaces only (those with a device behind them): bridges, veths and tunnels come
// and go with containers and VPNs.
std::string NetworkValue() {
  std::vector<std::string> macs;
  for (const std::string& name : DirectoryEntries("/sys/class/net")) {
    if (name == "lo") continue;
    const std::string base = "/sys/class/net/" + name;
    char target[512];
    const ssize_t n = ::readlink(base.c_str(), target, sizeof target - 1);
    if (n <= 0 || std::string_view(target, static_cast<std::size_t>(n)).find("/virtual/") !=
                      std::string_view::npos) {
      continue;
    }
    std::string mac = ReadSmall((base + "/address").c_str());
    if (mac.empty() || mac == "00:00:00:00:00:00") continue;
    macs.push_back(std::move(mac));
  }
  std::sort(macs.begin(), macs.end());
  return Joined(macs);
}

std::string DiskValue() {
  std::vector<std::string> serials;
  for (const std::string& name : DirectoryEntries("/sys/block")) {
    if (name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram") ||
        name.starts_with("dm-") || name.starts_with("md") || name.starts_with("sr")) {
      continue;
    }
    const std::string base = "/sys/block/" + name;
    std::string serial = ReadSmall((base + "/serial").c_str());                 // virtio
    if (serial.empty()) serial = ReadSmall((base + "/device/serial").c_str());  // SCSI, NVMe
    if (serial.empty()) serial = ReadSmall((base + "/device/wwid").c_str());
    if (!serial.empty()) serials.push_back(std::move(serial));
  }
  std::sort(serials.begin(), serials.end());
  return Joined(serials);
}

#ifdef LICET_HAVE_CPUID
// The CPU's brand string from CPUID leaves 0x80000002-4: what /proc/cpuinfo calls "model name",
// without the kernel computing every CPU's frequency to print it.
std::string CpuidBrand() {
  const auto max = static_cast<unsigned int>(__get_cpuid_max(0x80000000u, nullptr));
  if (max < 0x80000004u) return {};
  char brand[49] = {};
  for (unsigned int leaf = 0; leaf < 3; ++leaf) {
    unsigned int regs[4] = {};
    __get_cpuid(0x80000002u + leaf, &regs[0], &regs[1], &regs[2], &regs[3]);
    std::memcpy(brand + 16 * leaf, regs, sizeof regs);
  }
  std::string out(brand);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.erase(0, out.find_first_not_of(' '));
  return out;
}

// The hypervisor's CPUID signature (leaf 0x40000000) when the "hypervisor present" bit is set.
std::string CpuidHypervisor() {
  unsigned int a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & (1u << 31)) == 0) return {};
  __cpuid(0x40000000u, a, b, c, d);
  char sig[13] = {};
  std::memcpy(sig, &b, 4);
  std::memcpy(sig + 4, &c, 4);
  std::memcpy(sig + 8, &d, 4);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kSignatures = {{
      {"KVMKVMKVM", "kvm"},
      {"TCGTCGTCGTCG", "qemu"},
      {"VMwareVMware", "vmware"},
      {"VBoxVBoxVBox", "virtualbox"},
      {"XenVMMXenVMM", "xen"},
      {"Microsoft Hv", "hyper-v"},
      {" lrpepyh  vr", "parallels"},
      {"bhyve bhyve ", "bhyve"},
      {"ACRNACRNACRN", "acrn"},
  }};
  const std::string_view s(sig);
  for (const auto& [signature, name] : kSignatures) {
    if (s.starts_with(signature)) return std::string(name);
  }
  return "unknown hypervisor";
}
#endif

std::string CpuValue() {
#ifdef LICET_HAVE_CPUID
  if (std::string brand = CpuidBrand(); !brand.empty()) return brand;
#endif
  const std::string info = ReadSmall("/proc/cpuinfo", 4096);
  const std::size_t at = info.find("model name");
  if (at == std::string::npos) return {};
  const std::size_t colon = info.find(':', at);
  const std::size_t end = info.find('\n', at);
  if (colon == std::string::npos || colon > end) return {};
  std::string model = info.substr(colon + 1, end == std::string::npos ? end : end - colon - 1);
  while (!model.empty() && model.front() == ' ') model.erase(model.begin());
  return model;
}

std::string HostValue() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// The lab overrides: component -> raw value, for the components lab-hardware.json names.
using LabValues = std::vector<std::pair<HardwareComponent, std::string>>;

// Not inlined into LabOverrides: a lab installation without lab-hardware.json, the usual case,
// does not load the JSON parser's code at its first check.
[[gnu::noinline]] LabValues ParseLabOverrides(const std::string& text) {
  LabValues out;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) {
    const auto c = static_cast<HardwareComponent>(i);
    const auto it = j.find(std::string(HardwareComponentName(c)));
    if (it != j.end() && it->is_string()) out.emplace_back(c, it->get<std::string>());
  }
  return out;
}

LabValues LabOverrides(const char* lab_hardware_file) {
  const std::string text = ReadSmall(lab_hardware_file, 8192);
  if (text.empty()) return {};
  return ParseLabOverrides(text);
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

HardwareValues ReadHardwareValues(const fs::path& root, bool lab) {
  HardwareValues v;
  v[static_cast<std::size_t>(HardwareComponent::kMachine)] = MachineValue(root);
  v[static_cast<std::size_t>(HardwareComponent::kBoard)] = BoardValue();
  v[static_cast<std::size_t>(HardwareComponent::kNetwork)] = NetworkValue();
  v[static_cast<std::size_t>(HardwareComponent::kDisk)] = DiskValue();
  v[static_cast<std::size_t>(HardwareComponent::kCpu)] = CpuValue();
  v[static_cast<std::size_t>(HardwareComponent::kHost)] = HostValue();
  if (lab) {
    for (auto& [c, value] : LabOverrides(LabHardwarePath(root).c_str()))
      v[static_cast<std::size_t>(c)] = std::move(value);
  }
  return v;
}

HardwareBinding CurrentHardware(const fs::path& root, bool lab) {
  return HardwareBinding::FromValues(ReadHardwareValues(root, lab));
}

HardwareBinding ApplyLabHardware(const char* lab_hardware_file, HardwareBinding binding) {
  for (const auto& [c, value] : LabOverrides(lab_hardware_file))
    binding = binding.WithValue(c, value);
  return binding;
}

std::string ReadBootId() { return ReadSmall("/proc/sys/kernel/random/boot_id", 64); }

std::string Virtualization::ToString() const {
  if (virtual_machine.empty() || container.empty()) return virtual_machine + container;
  return virtual_machine + ", " + container;
}

Virtualization DetectVirtualization() {
  Virtualization v;
#ifdef LICET_HAVE_CPUID
  v.virtual_machine = CpuidHypervisor();
#endif
  if (v.virtual_machine.empty() || v.virtual_machine == "unknown hypervisor") {
    // Without CPUID (or an unknown signature): the firmware's vendor strings.
    const std::string vendor = AsciiLower(ReadSmall("/sys/class/dmi/id/sys_vendor") + " " +
                                          ReadSmall("/sys/class/dmi/id/product_name"));
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kVendors = {{
        {"qemu", "qemu"},
        {"vmware", "vmware"},
        {"virtualbox", "virtualbox"},
        {"xen", "xen"},
        {"microsoft corporation virtual", "hyper-v"},
        {"amazon ec2", "amazon"},
        {"google compute engine", "google"},
    }};
    for (const auto& [needle, name] : kVendors) {
      if (Contains(vendor, needle)) {
        v.virtual_machine = name;
        break;
      }
    }
  }
  if (std::string c = ReadSmall("/run/systemd/container"); !c.empty()) {
    v.container = c;
  } else if (::access("/.dockerenv", F_OK) == 0) {
    v.container = "docker";
  } else if (::access("/run/.containerenv", F_OK) == 0) {
    v.container = "podman";
  } else {
    const std::string cgroup = ReadSmall("/proc/1/cgroup", 4096);
    if (Contains(cgroup, "kubepods")) {
      v.container = "kubernetes";
    } else if (Contains(cgroup, "docker")) {
      v.container = "docker";
    } else if (Contains(cgroup, "lxc")) {
      v.container = "lxc";
    }
  }
  return v;
}

fs::path LabHardwarePath(const fs::path& root) { return root / "lab-hardware.json"; }

Status SetLabHardware(const fs::path& root, HardwareComponent component, const std::string& value) {
  nlohmann::json j = nlohmann::json::object();
  if (StatusOr<std::string> text = ReadWholeFile(LabHardwarePath(root), 8192); text.ok()) {
    j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
  }
  j[std::string(HardwareComponentName(component))] = value;
  return WriteFileAtomically(LabHardwarePath(root), j.dump(2) + "\n");
}

Status ResetLabHardware(const fs::path& root) {
  std::error_code ec;
  fs::remove(LabHardwarePath(root), ec);
  if (ec) return ErrnoStatus("remove", LabHardwarePath(root), ec.value());
  return OkStatus();
}

}  // namespace licet::client
