#include "hardware_probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <vector>

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
    const ssize_t n = ::read(fd, out.data() + got, max - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
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
    const std::string base = "/sys/class/net/" + name;
    if (::access((base + "/device").c_str(), F_OK) != 0) continue;
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
    std::string serial = ReadSmall((base + "/device/serial").c_str());
    if (serial.empty()) serial = ReadSmall((base + "/serial").c_str());
    if (serial.empty()) serial = ReadSmall((base + "/device/wwid").c_str());
    if (!serial.empty()) serials.push_back(std::move(serial));
  }
  std::sort(serials.begin(), serials.end());
  return Joined(serials);
}

std::string CpuValue() {
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

void ApplyLabOverrides(const fs::path& root, HardwareValues& values) {
  const std::string text = ReadSmall(LabHardwarePath(root).c_str(), 8192);
  if (text.empty()) return;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  for (std::size_t i = 0; i < kHardwareComponentCount; ++i) {
    const std::string_view name = HardwareComponentName(static_cast<HardwareComponent>(i));
    const auto it = j.find(std::string(name));
    if (it != j.end() && it->is_string()) values[i] = it->get<std::string>();
  }
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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
  if (lab) ApplyLabOverrides(root, v);
  return v;
}

HardwareBinding CurrentHardware(const fs::path& root, bool lab) {
  return HardwareBinding::FromValues(ReadHardwareValues(root, lab));
}

Virtualization DetectVirtualization() {
  Virtualization v;
  const std::string vendor = Lower(ReadSmall("/sys/class/dmi/id/sys_vendor") + " " +
                                   ReadSmall("/sys/class/dmi/id/product_name"));
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kVendors = {{
      {"qemu", "qemu"},
      {"kvm", "kvm"},
      {"vmware", "vmware"},
      {"virtualbox", "virtualbox"},
      {"xen", "xen"},
      {"microsoft corporation virtual", "hyper-v"},
      {"amazon ec2", "amazon"},
      {"google compute engine", "google"},
      {"parallels", "parallels"},
  }};
  for (const auto& [needle, name] : kVendors) {
    if (Contains(vendor, needle)) {
      v.virtual_machine = name;
      break;
    }
  }
  if (v.virtual_machine.empty()) {
    const std::string cpuinfo = ReadSmall("/proc/cpuinfo", 8192);
    if (Contains(cpuinfo, " hypervisor")) v.virtual_machine = "unknown hypervisor";
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
